package org.jvisor.machine.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.jvisor.machine.cpu.Flags.AF;
import static org.jvisor.machine.cpu.Flags.CF;
import static org.jvisor.machine.cpu.Flags.PF;
import static org.jvisor.machine.cpu.Flags.SF;
import static org.jvisor.machine.cpu.Flags.ZF;

import org.junit.jupiter.api.Test;
import org.jvisor.machine.cpu.Vectors;

/** Decimal adjusts, following the SDM Vol. 2 pseudo-code step by step; undefined flags unchecked. */
class BcdOpsTest {
    private final AluTestRig m = new AluTestRig();

    @Test
    void daaAfterPackedAdd() {
        m.cpu.r[0] = 0x79;
        m.ok(0x04, 0x35, 0x27); // add al, 0x35 ; daa: 79 + 35 = 114
        assertEquals(0x14, m.cpu.r[0]);
        m.assertFlags(CF | AF | PF, CF | AF | ZF | SF | PF);
        m.cpu.r[0] = 0x99;
        m.ok(0x04, 0x01, 0x27); // 99 + 1 = 100
        assertEquals(0x00, m.cpu.r[0]);
        m.assertFlags(CF | AF | ZF | PF, CF | AF | ZF | SF | PF);
        m.cpu.r[0] = 0x12;
        m.ok(0x04, 0x34, 0x27); // 12 + 34 = 46: no adjust
        assertEquals(0x46, m.cpu.r[0]);
        m.assertFlags(0, CF | AF | ZF | SF | PF);
    }

    @Test
    void dasAfterPackedSubtract() {
        m.cpu.r[0] = 0x35;
        m.ok(0x2C, 0x47, 0x2F); // sub al, 0x47 ; das: 35 - 47 = -12 -> 88 borrow
        assertEquals(0x88, m.cpu.r[0]);
        m.assertFlags(CF | AF | SF | PF, CF | AF | ZF | SF | PF);
        m.cpu.r[0] = 0x03;
        m.setFlags(AF);
        m.ok(0x2F); // only the first step applies; its borrow sets CF
        assertEquals(0xFD, m.cpu.r[0]);
        m.assertFlags(CF | AF | SF, CF | AF | ZF | SF | PF);
    }

    @Test
    void aaaAndAas() {
        m.cpu.r[0] = 0x0009;
        m.ok(0x04, 0x05, 0x37); // add al, 5 ; aaa: 9 + 5 = 14 unpacked
        assertEquals(0x0104, m.cpu.r[0]);
        m.assertFlags(CF | AF, CF | AF);
        m.cpu.r[0] = 0x00FA;
        m.setFlags(0);
        m.ok(0x37); // AX + 106H carries from AL into AH
        assertEquals(0x0200, m.cpu.r[0]);
        m.cpu.r[0] = 0x0305;
        m.setFlags(0);
        m.ok(0x37); // no adjust: only the high nibble of AL is cleared
        assertEquals(0x0305, m.cpu.r[0]);
        m.assertFlags(0, CF | AF);
        m.cpu.r[0] = 0x0102;
        m.setFlags(AF);
        m.ok(0x3F); // aas: AX - 6 = 00FC, AH - 1 = FF, AL & 0F
        assertEquals(0xFF0C, m.cpu.r[0]);
        m.assertFlags(CF | AF, CF | AF);
    }

    @Test
    void aamAndAadWithAnyBase() {
        m.cpu.r[0] = 0x4F; // 79
        m.ok(0xD4, 0x0A); // aam
        assertEquals(0x0709, m.cpu.r[0]);
        m.assertFlags(PF, ZF | SF | PF);
        m.cpu.r[0] = 0x4F;
        m.ok(0xD4, 0x10); // aam 16 splits nibbles
        assertEquals(0x040F, m.cpu.r[0]);
        m.cpu.r[0] = 0x0709;
        m.ok(0xD5, 0x0A); // aad: 7 * 10 + 9 = 79
        assertEquals(0x004F, m.cpu.r[0]);
        m.assertFlags(0, ZF | SF | PF);
        m.cpu.r[0] = 0x0F0F;
        m.ok(0xD5, 0x10); // aad 16: 0xFF
        assertEquals(0x00FF, m.cpu.r[0]);
        m.assertFlags(SF | PF, ZF | SF | PF);
        m.cpu.r[0] = 0x1234;
        m.faults(Vectors.DE, 0xD4, 0x00); // aam 0
        assertEquals(0x1234, m.cpu.r[0]);
    }
}
