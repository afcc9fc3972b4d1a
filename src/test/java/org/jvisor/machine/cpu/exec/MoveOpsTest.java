package org.jvisor.machine.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.jvisor.machine.cpu.Flags.AF;
import static org.jvisor.machine.cpu.Flags.CF;
import static org.jvisor.machine.cpu.Flags.OF;
import static org.jvisor.machine.cpu.Flags.PF;
import static org.jvisor.machine.cpu.Flags.SF;
import static org.jvisor.machine.cpu.Flags.ZF;

import org.junit.jupiter.api.Test;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;

/** MOV forms, LEA, MOVZX/MOVSX, sign extensions, XLAT and the flag instructions. */
class MoveOpsTest {
    private final AluTestRig m = new AluTestRig();

    @Test
    void movForms() {
        m.cpu.r[3] = 0x11223344;
        m.ok(0x89, 0x1D, 0x00, 0x80, 0x00, 0x00); // mov [0x8000], ebx
        assertEquals(0x11223344, m.read32(0x8000));
        m.ok(0x8A, 0x25, 0x01, 0x80, 0x00, 0x00); // mov ah, [0x8001]
        assertEquals(0x3300, m.cpu.r[0] & 0xFF00);
        m.ok(0x66, 0xC7, 0x05, 0x02, 0x80, 0x00, 0x00, 0xCD, 0xAB); // mov word [0x8002], 0xabcd
        assertEquals(0xABCD3344, m.read32(0x8000));
        m.ok(0xB7, 0x9C); // mov bh, 0x9c
        assertEquals(0x11229C44, m.cpu.r[3]);
        m.ok(0x66, 0x8B, 0xCB); // mov cx, bx
        assertEquals(0x9C44, m.cpu.r[1] & 0xFFFF);
        m.ok(0xC6, 0xC1, 0x7F); // mov cl, 0x7f
        assertEquals(0x9C7F, m.cpu.r[1] & 0xFFFF);
    }

    @Test
    void movMoffsHonoursSegmentOverride() {
        m.write32(0x8000, 0xCAFEBABE);
        m.ok(0xA1, 0x00, 0x80, 0x00, 0x00); // mov eax, [0x8000]
        assertEquals(0xCAFEBABE, m.cpu.r[0]);
        m.cpu.setSegment(Seg.FS, 0x10, 0x100, 0xFFFFFFFF, 0xC093);
        m.cpu.r[0] = 0x55;
        m.ok(0x64, 0xA2, 0x00, 0x80, 0x00, 0x00); // mov fs:[0x8000], al
        assertEquals(0x55, m.cpu.mem.read8(0x8100));
        m.cpu.r[0] = 0;
        m.ok(0x67, 0x66, 0xA1, 0x00, 0x80); // 16-bit address: mov ax, [0x8000]
        assertEquals(0xBABE, m.cpu.r[0]);
    }

    @Test
    void leaComputesTheOffset() {
        m.cpu.r[0] = 0x100;
        m.cpu.r[3] = 0x20;
        m.ok(0x8D, 0x44, 0x98, 0x10); // lea eax, [eax + ebx*4 + 0x10]
        assertEquals(0x190, m.cpu.r[0]);
        m.cpu.r[1] = 0xFFFFFFFF;
        m.ok(0x66, 0x8D, 0x81, 0x01, 0x00, 0x01, 0x00); // lea ax, [ecx + 0x10001]: truncated
        assertEquals(0x0000, m.cpu.r[0] & 0xFFFF);
        m.cpu.r[3] = 0xFFFF;
        m.cpu.r[6] = 2;
        m.ok(0x67, 0x8D, 0x10); // lea edx, [bx + si]: wraps to 16 bits, zero-extended
        assertEquals(1, m.cpu.r[2]);
        m.faults(Vectors.UD, 0x8D, 0xC0); // lea with a register operand
    }

    @Test
    void zeroAndSignExtension() {
        m.cpu.r[3] = 0x0000F080;
        m.ok(0x0F, 0xB6, 0xC3); // movzx eax, bl
        assertEquals(0x80, m.cpu.r[0]);
        m.ok(0x0F, 0xBE, 0xC3); // movsx eax, bl
        assertEquals(0xFFFFFF80, m.cpu.r[0]);
        m.ok(0x0F, 0xBF, 0xC3); // movsx eax, bx
        assertEquals(0xFFFFF080, m.cpu.r[0]);
        m.ok(0x0F, 0xB7, 0xC3); // movzx eax, bx
        assertEquals(0x0000F080, m.cpu.r[0]);
        m.cpu.r[0] = 0x12345678;
        m.ok(0x66, 0x0F, 0xBE, 0xC3); // movsx ax, bl
        assertEquals(0x1234FF80, m.cpu.r[0]);
        m.ok(0x66, 0x0F, 0xB6, 0xC7); // movzx ax, bh
        assertEquals(0x123400F0, m.cpu.r[0]);
    }

    @Test
    void accumulatorSignExtension() {
        m.cpu.r[0] = 0x12345680;
        m.ok(0x66, 0x98); // cbw
        assertEquals(0x1234FF80, m.cpu.r[0]);
        m.ok(0x98); // cwde
        assertEquals(0xFFFFFF80, m.cpu.r[0]);
        m.cpu.r[2] = 0x11111111;
        m.ok(0x66, 0x99); // cwd
        assertEquals(0x1111FFFF, m.cpu.r[2]);
        m.cpu.r[0] = 0x7FFFFFFF;
        m.ok(0x99); // cdq
        assertEquals(0, m.cpu.r[2]);
    }

    @Test
    void xlatUsesBxPlusAlAndTheAddressSize() {
        m.cpu.mem.write8(0x8005, 0x99);
        m.cpu.r[3] = 0x8000;
        m.cpu.r[0] = 0x12345605;
        m.ok(0xD7); // xlat
        assertEquals(0x12345699, m.cpu.r[0]);
        m.cpu.mem.write8(0x0001, 0x42);
        m.cpu.r[3] = 0x0001FFFF;
        m.cpu.r[0] = 2;
        m.ok(0x67, 0xD7); // 16-bit address: (FFFF + 2) mod 64K = 1
        assertEquals(0x42, m.cpu.r[0]);
        m.cpu.setSegment(Seg.ES, 0x10, 0x7000, 0xFFFFFFFF, 0xC093);
        m.cpu.mem.write8(0xF005, 0x77);
        m.cpu.r[3] = 0x8000;
        m.cpu.r[0] = 5;
        m.ok(0x26, 0xD7); // es: xlat
        assertEquals(0x77, m.cpu.r[0]);
    }

    @Test
    void flagInstructions() {
        m.setFlags(0);
        m.ok(0xF9); // stc
        m.assertFlags(CF);
        m.ok(0xF5); // cmc
        m.assertFlags(0);
        m.ok(0xF5);
        m.assertFlags(CF);
        m.ok(0xF8); // clc
        m.assertFlags(0);
        m.ok(0xFD); // std
        assertEquals(Flags.DF, m.cpu.getEflags() & Flags.DF);
        m.ok(0xFC); // cld
        assertEquals(0, m.cpu.getEflags() & Flags.DF);
        m.cpu.r[0] = 0xD500;
        m.setFlags(OF);
        m.ok(0x9E); // sahf: AH = 11010101: SF ZF AF PF CF, OF kept
        m.assertFlags(SF | ZF | AF | PF | CF | OF);
        m.setFlags(ZF | CF | OF);
        m.ok(0x9F); // lahf: bit 1 reads as 1
        assertEquals(0x43, (m.cpu.r[0] >>> 8) & 0xFF);
    }

    @Test
    void salcCopiesCarryIntoAl() {
        m.cpu.r[0] = 0x12345600;
        m.setFlags(CF | ZF);
        m.ok(0xD6);
        assertEquals(0x123456FF, m.cpu.r[0]);
        m.assertFlags(CF | ZF);
        m.ok(0xF8, 0xD6); // clc ; salc
        assertEquals(0x12345600, m.cpu.r[0]);
    }

    @Test
    void nopAndPause() {
        m.cpu.r[0] = 7;
        m.ok(0x90, 0xF3, 0x90, 0x66, 0x90);
        assertEquals(7, m.cpu.r[0]);
        m.cpu.setSegment(Seg.DS, 0x10, 0, 0xFFF, 0xC093); // 0x8000 is past the limit
        m.ok(0x0F, 0x1F, 0x05, 0x00, 0x80, 0x00, 0x00); // nop dword [0x8000]: no access, no fault
        m.ok(0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00); // nop word [eax + eax + 0]
        assertEquals(7, m.cpu.r[0]);
    }
}
