package org.jvisor.machine.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.jvisor.machine.cpu.Flags.AF;
import static org.jvisor.machine.cpu.Flags.CF;
import static org.jvisor.machine.cpu.Flags.OF;
import static org.jvisor.machine.cpu.Flags.PF;
import static org.jvisor.machine.cpu.Flags.SF;
import static org.jvisor.machine.cpu.Flags.ZF;

import org.junit.jupiter.api.Test;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;

/** ADD..CMP, TEST, INC/DEC/NOT/NEG: results and flags worked out from the SDM definitions. */
class AluOpsTest {
    private final AluTestRig m = new AluTestRig();

    @Test
    void addSignedOverflowSetsOfSfAfPf() {
        m.cpu.r[0] = 0x7FFFFFFF;
        m.cpu.r[3] = 1;
        m.ok(0x01, 0xD8); // add eax, ebx
        assertEquals(0x80000000, m.cpu.r[0]);
        m.assertFlags(PF | AF | SF | OF); // low byte 00: even parity; F+1 carries out of bit 3
    }

    @Test
    void addByteCarryOutAndZero() {
        m.cpu.r[0] = 0x12345601;
        m.ok(0x04, 0xFF); // add al, 0xff
        assertEquals(0x12345600, m.cpu.r[0]);
        m.assertFlags(CF | ZF | PF | AF); // 1 + (-1) = 0: no signed overflow
    }

    @Test
    void adcUsesCarryIn() {
        m.cpu.r[0] = 0xFFFFFFFF;
        m.cpu.r[3] = 0;
        m.setFlags(CF);
        m.ok(0x11, 0xD8); // adc eax, ebx
        assertEquals(0, m.cpu.r[0]);
        m.assertFlags(CF | ZF | PF | AF);

        m.cpu.r[0] = 0x12345600;
        m.setFlags(CF);
        m.ok(0x14, 0xFF); // adc al, 0xff: 0 + FF + 1 = 100
        assertEquals(0x12345600, m.cpu.r[0]);
        m.assertFlags(CF | ZF | PF | AF);

        m.cpu.r[0] = 0x7FFFFFFF;
        m.setFlags(CF);
        m.ok(0x15, 0, 0, 0, 0); // adc eax, 0
        assertEquals(0x80000000, m.cpu.r[0]);
        m.assertFlags(OF | SF | AF | PF);
    }

    @Test
    void subBorrowAndOverflow() {
        m.cpu.r[0] = 0;
        m.cpu.r[3] = 1;
        m.ok(0x29, 0xD8); // sub eax, ebx
        assertEquals(0xFFFFFFFF, m.cpu.r[0]);
        m.assertFlags(CF | AF | SF | PF);

        m.cpu.r[0] = 0x80000000;
        m.ok(0x2D, 1, 0, 0, 0); // sub eax, 1
        assertEquals(0x7FFFFFFF, m.cpu.r[0]);
        m.assertFlags(OF | AF | PF);
    }

    @Test
    void sbbWithBorrowInOfEqualOperands() {
        m.cpu.r[0] = 0xFF;
        m.setFlags(CF);
        m.ok(0x1C, 0xFF); // sbb al, 0xff: FF - FF - 1 = -1
        assertEquals(0xFF, m.cpu.r[0]);
        m.assertFlags(CF | AF | SF | PF);

        m.cpu.r[0] = 0x80;
        m.setFlags(CF);
        m.ok(0x1C, 0x00); // sbb al, 0: -128 - 0 - 1 overflows to +127
        assertEquals(0x7F, m.cpu.r[0]);
        m.assertFlags(OF | AF);
    }

    @Test
    void logicClearsCfOf() {
        m.cpu.r[0] = 0x1234;
        m.setFlags(CF | OF);
        m.ok(0x31, 0xC0); // xor eax, eax
        assertEquals(0, m.cpu.r[0]);
        m.assertFlags(ZF | PF, CF | OF | ZF | SF | PF);

        m.cpu.r[0] = 0x01;
        m.ok(0x0C, 0x80); // or al, 0x80
        assertEquals(0x81, m.cpu.r[0]);
        m.assertFlags(SF | PF, CF | OF | ZF | SF | PF);

        m.cpu.r[0] = 0xF0F0;
        m.ok(0x66, 0x25, 0x0F, 0x0F); // and ax, 0x0f0f
        assertEquals(0, m.cpu.r[0]);
        m.assertFlags(ZF | PF, CF | OF | ZF | SF | PF);
    }

    @Test
    void cmpDoesNotWriteAndTestDoesNotWrite() {
        m.write32(0x8000, 5);
        m.cpu.r[3] = 6;
        m.ok(0x39, 0x1D, 0x00, 0x80, 0x00, 0x00); // cmp [0x8000], ebx
        assertEquals(5, m.read32(0x8000));
        assertEquals(6, m.cpu.r[3]);
        m.assertFlags(CF | SF | PF | AF); // 5 - 6 = FFFFFFFF
        m.cpu.r[0] = 0x80;
        m.ok(0xA8, 0x80); // test al, 0x80
        assertEquals(0x80, m.cpu.r[0]);
        m.assertFlags(SF, CF | OF | ZF | SF | PF);
        m.cpu.r[0] = 0x55;
        m.ok(0xF6, 0xC8, 0xAA); // test al, 0xaa through the /1 alias
        m.assertFlags(ZF | PF, CF | OF | ZF | SF | PF);
    }

    @Test
    void memoryDestinationImmediateForms() {
        m.write32(0x8000, 0xFFFFFFFB);
        m.ok(0x83, 0x05, 0x00, 0x80, 0x00, 0x00, 0x05); // add dword [0x8000], 5
        assertEquals(0, m.read32(0x8000));
        m.assertFlags(CF | ZF | PF | AF);
        m.write32(0x8000, 0x11223344);
        m.ok(0x80, 0x35, 0x01, 0x80, 0x00, 0x00, 0xFF); // xor byte [0x8001], 0xff
        assertEquals(0x1122CC44, m.read32(0x8000));
        m.ok(0x66, 0x81, 0x2D, 0x02, 0x80, 0x00, 0x00, 0x23, 0x11); // sub word [0x8002], 0x1123
        assertEquals(0xFFFFCC44, m.read32(0x8000));
        m.assertFlags(CF | SF | PF | AF);
    }

    @Test
    void signExtendedImmediateAndAlias82() {
        m.cpu.r[0] = 5;
        m.ok(0x83, 0xC0, 0xFF); // add eax, -1
        assertEquals(4, m.cpu.r[0]);
        m.assertFlags(CF | AF); // 4 has odd parity
        m.cpu.r[1] = 0x7F;
        m.ok(0x82, 0xC1, 0x01); // add cl, 1 via the 82 alias
        assertEquals(0x80, m.cpu.r[1]);
        m.assertFlags(OF | SF | AF);
    }

    @Test
    void highByteRegistersAndSixteenBitForms() {
        m.cpu.r[0] = 0x00001000; // AH = 0x10
        m.cpu.r[1] = 0x00002000; // CH = 0x20
        m.ok(0x00, 0xEC); // add ah, ch
        assertEquals(0x00003000, m.cpu.r[0]);
        m.cpu.r[0] = 0x1234FFFF;
        m.ok(0x66, 0x05, 0x01, 0x00); // add ax, 1
        assertEquals(0x12340000, m.cpu.r[0]);
        m.assertFlags(CF | ZF | PF | AF);
        m.cpu.r[2] = 0xAAAA0001;
        m.cpu.r[0] = 0x5555FFFF;
        m.ok(0x66, 0x03, 0xD0); // add dx, ax
        assertEquals(0xAAAA0000, m.cpu.r[2]);
    }

    @Test
    void lockRules() {
        m.faults(Vectors.UD, 0xF0, 0x01, 0xD8); // lock add eax, ebx: register destination
        m.faults(Vectors.UD, 0xF0, 0x39, 0x05, 0x00, 0x80, 0x00, 0x00); // lock cmp: not lockable
        m.faults(Vectors.UD, 0xF0, 0x03, 0x05, 0x00, 0x80, 0x00, 0x00); // lock add reg, mem
        m.write32(0x8000, 1);
        m.ok(0xF0, 0x01, 0x05, 0x00, 0x80, 0x00, 0x00); // lock add [0x8000], eax (eax = 0)
        m.cpu.r[0] = 2;
        m.ok(0xF0, 0x01, 0x05, 0x00, 0x80, 0x00, 0x00);
        assertEquals(3, m.read32(0x8000));
    }

    @Test
    void faultingReadModifyWriteChangesNothing() {
        m.cpu.setSegment(Seg.DS, 0x10, 0, 0xFFFFFFFF, 0xC091); // read-only data
        m.write32(0x8000, 7);
        m.cpu.r[0] = 1;
        m.setFlags(ZF);
        m.faults(Vectors.GP, 0x01, 0x05, 0x00, 0x80, 0x00, 0x00); // add [0x8000], eax
        assertEquals(7, m.read32(0x8000));
        m.assertFlags(ZF);
        m.ok(0x03, 0x05, 0x00, 0x80, 0x00, 0x00); // add eax, [0x8000] only reads
        assertEquals(8, m.cpu.r[0]);
    }

    @Test
    void incDecKeepCarry() {
        m.cpu.r[0] = 0x7FFFFFFF;
        m.setFlags(CF);
        m.ok(0x40); // inc eax
        assertEquals(0x80000000, m.cpu.r[0]);
        m.assertFlags(CF | OF | SF | AF | PF);
        m.cpu.r[1] = 0;
        m.setFlags(0);
        m.ok(0x49); // dec ecx
        assertEquals(0xFFFFFFFF, m.cpu.r[1]);
        m.assertFlags(SF | AF | PF);
        m.cpu.r[1] = 0x80000000;
        m.setFlags(CF);
        m.ok(0xFF, 0xC9); // dec ecx (FF /1)
        assertEquals(0x7FFFFFFF, m.cpu.r[1]);
        m.assertFlags(CF | OF | AF | PF);
        m.write32(0x8000, 0xFF);
        m.setFlags(0);
        m.ok(0xFE, 0x05, 0x00, 0x80, 0x00, 0x00); // inc byte [0x8000]
        assertEquals(0, m.read32(0x8000));
        m.assertFlags(ZF | AF | PF);
        m.cpu.r[2] = 0x1234FFFF;
        m.ok(0x66, 0x42); // inc dx
        assertEquals(0x12340000, m.cpu.r[2]);
        // A carry produced by ADD survives a following INC.
        m.cpu.r[0] = 0xFFFFFFFF;
        m.ok(0x83, 0xC0, 0x01, 0x40); // add eax, 1 ; inc eax
        assertEquals(1, m.cpu.r[0]);
        m.assertFlags(CF);
    }

    @Test
    void negAndNot() {
        m.cpu.r[0] = 0;
        m.ok(0xF7, 0xD8); // neg eax
        assertEquals(0, m.cpu.r[0]);
        m.assertFlags(ZF | PF);
        m.cpu.r[0] = 0x80000000;
        m.ok(0xF7, 0xD8);
        assertEquals(0x80000000, m.cpu.r[0]);
        m.assertFlags(CF | OF | SF | PF);
        m.cpu.r[0] = 1;
        m.ok(0xF6, 0xD8); // neg al
        assertEquals(0xFF, m.cpu.r[0]);
        m.assertFlags(CF | SF | AF | PF);
        m.cpu.r[0] = 0x0F0F00FF;
        m.setFlags(OF | CF);
        m.ok(0xF7, 0xD0); // not eax
        assertEquals(0xF0F0FF00, m.cpu.r[0]);
        m.assertFlags(OF | CF);
        m.write32(0x8000, 0x00FF);
        m.ok(0x66, 0xF7, 0x15, 0x00, 0x80, 0x00, 0x00); // not word [0x8000]
        assertEquals(0xFF00, m.read32(0x8000));
    }
}
