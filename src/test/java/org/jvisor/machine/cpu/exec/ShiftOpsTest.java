package org.jvisor.machine.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.jvisor.machine.cpu.Flags.AF;
import static org.jvisor.machine.cpu.Flags.ARITH;
import static org.jvisor.machine.cpu.Flags.CF;
import static org.jvisor.machine.cpu.Flags.OF;
import static org.jvisor.machine.cpu.Flags.PF;
import static org.jvisor.machine.cpu.Flags.SF;
import static org.jvisor.machine.cpu.Flags.ZF;

import org.junit.jupiter.api.Test;

/**
 * Shifts and rotates: counts 0, 1, the operand width, above it, and 31; rotate-through-carry
 * modulo 9/17; SHLD/SHRD. AF (undefined after shifts) is never checked; OF only for count 1.
 */
class ShiftOpsTest {
    private static final int DEFINED = ARITH & ~AF;
    private static final int NO_OF = DEFINED & ~OF;
    private final AluTestRig m = new AluTestRig();

    @Test
    void shiftByOne() {
        m.cpu.r[0] = 0x80000000;
        m.ok(0xD1, 0xE0); // shl eax, 1
        assertEquals(0, m.cpu.r[0]);
        m.assertFlags(CF | OF | ZF | PF, DEFINED); // OF = MSB(result) xor CF
        m.cpu.r[0] = 0x40000000;
        m.ok(0xD1, 0xF0); // sal eax, 1 (/6 alias)
        assertEquals(0x80000000, m.cpu.r[0]);
        m.assertFlags(OF | SF | PF, DEFINED);
        m.cpu.r[0] = 0x80000001;
        m.ok(0xD1, 0xE8); // shr eax, 1: OF = MSB of the original
        assertEquals(0x40000000, m.cpu.r[0]);
        m.assertFlags(CF | OF | PF, DEFINED);
        m.cpu.r[0] = 0x80000001;
        m.ok(0xD1, 0xF8); // sar eax, 1: OF = 0
        assertEquals(0xC0000000, m.cpu.r[0]);
        m.assertFlags(CF | SF | PF, DEFINED);
    }

    @Test
    void countZeroChangesNothing() {
        m.cpu.r[0] = 0x1234;
        m.cpu.r[1] = 0x20; // masked to 0
        m.setFlags(CF | OF | ZF | AF);
        m.ok(0xD3, 0xE0); // shl eax, cl
        m.ok(0xC1, 0xC0, 0x00); // rol eax, 0
        m.ok(0xD2, 0xD0); // rcl al, cl
        assertEquals(0x1234, m.cpu.r[0]);
        m.assertFlags(CF | OF | ZF | AF);
    }

    @Test
    void countsAtAndBeyondTheWidth() {
        m.cpu.r[0] = 0x01;
        m.cpu.r[1] = 8;
        m.ok(0xD2, 0xE0); // shl al, 8: the last bit out is bit 0
        assertEquals(0, m.cpu.r[0]);
        m.assertFlags(CF | ZF | PF, NO_OF);
        m.cpu.r[0] = 0xFF;
        m.cpu.r[1] = 9;
        m.ok(0xD2, 0xE0); // shl al, 9
        assertEquals(0, m.cpu.r[0]);
        m.assertFlags(ZF | PF, ZF | SF | PF);
        m.cpu.r[0] = 0x80000000;
        m.cpu.r[1] = 31;
        m.ok(0xD3, 0xE8); // shr eax, 31: bit 30 is the last out
        assertEquals(1, m.cpu.r[0]);
        m.assertFlags(0, NO_OF);
        m.cpu.r[0] = 0x80;
        m.ok(0xD2, 0xF8); // sar al, 31: fills with the sign, CF = sign
        assertEquals(0xFF, m.cpu.r[0]);
        m.assertFlags(CF | SF | PF, NO_OF);
        m.cpu.r[0] = 0xFFFF8000;
        m.ok(0x66, 0xC1, 0xE0, 0x10); // shl ax, 16
        assertEquals(0xFFFF0000, m.cpu.r[0]);
        m.assertFlags(ZF | PF, ZF | SF | PF);
    }

    @Test
    void rotates() {
        m.cpu.r[0] = 0x80;
        m.ok(0xD0, 0xC0); // rol al, 1
        assertEquals(0x01, m.cpu.r[0]);
        m.assertFlags(CF | OF, CF | OF);
        m.cpu.r[0] = 0x81;
        m.setFlags(ZF | SF | AF | PF);
        m.ok(0xC0, 0xC0, 0x08); // rol al, 8: value unchanged, CF = LSB, others kept
        assertEquals(0x81, m.cpu.r[0]);
        m.assertFlags(CF | ZF | SF | AF | PF, NO_OF | AF);
        m.cpu.r[0] = 1;
        m.ok(0xD1, 0xC8); // ror eax, 1: OF = top two bits differ
        assertEquals(0x80000000, m.cpu.r[0]);
        m.assertFlags(CF | OF, CF | OF);
        m.cpu.r[0] = 0x12345678;
        m.cpu.r[1] = 36; // masked to 4
        m.ok(0xD3, 0xC0); // rol eax, cl
        assertEquals(0x23456781, m.cpu.r[0]);
        m.assertFlags(CF, CF);
        m.cpu.r[0] = 0xABCD;
        m.ok(0x66, 0xC1, 0xC8, 0x14); // ror ax, 20 = ror 4
        assertEquals(0xDABC, m.cpu.r[0]);
        m.assertFlags(CF, CF);
    }

    @Test
    void rotatesThroughCarry() {
        m.cpu.r[0] = 0x80;
        m.setFlags(CF);
        m.ok(0xD0, 0xD0); // rcl al, 1
        assertEquals(0x01, m.cpu.r[0]);
        m.assertFlags(CF | OF, CF | OF);
        m.cpu.r[0] = 0x01;
        m.setFlags(CF);
        m.ok(0xD0, 0xD8); // rcr al, 1: OF = MSB(dest) xor CF before
        assertEquals(0x80, m.cpu.r[0]);
        m.assertFlags(CF | OF, CF | OF);
        m.cpu.r[0] = 0x5A;
        m.setFlags(CF);
        m.ok(0xC0, 0xD0, 0x09); // rcl al, 9: 9 mod 9 = 0
        assertEquals(0x5A, m.cpu.r[0]);
        m.assertFlags(CF, CF);
        m.cpu.r[0] = 0x80;
        m.setFlags(0);
        m.ok(0xC0, 0xD0, 0x0A); // rcl al, 10 = rcl 1
        assertEquals(0x00, m.cpu.r[0]);
        m.assertFlags(CF, CF);
        m.cpu.r[0] = 0x8000;
        m.setFlags(0);
        m.ok(0x66, 0xC1, 0xD8, 0x10); // rcr ax, 16 = rcl 1 on 17 bits
        assertEquals(0x0000, m.cpu.r[0]);
        m.assertFlags(CF, CF);
        m.cpu.r[0] = 0x1234;
        m.ok(0x66, 0xC1, 0xD8, 0x11); // rcr ax, 17: no change
        assertEquals(0x1234, m.cpu.r[0]);
        m.assertFlags(CF, CF);
        m.cpu.r[0] = 0;
        m.setFlags(CF);
        m.ok(0xC1, 0xD0, 0x1F); // rcl eax, 31 = rotate right 2 through CF
        assertEquals(0x40000000, m.cpu.r[0]);
        m.assertFlags(0, CF);
    }

    @Test
    void memoryOperand() {
        m.write32(0x8000, 0x40000001);
        m.ok(0xD1, 0x25, 0x00, 0x80, 0x00, 0x00); // shl dword [0x8000], 1
        assertEquals(0x80000002, m.read32(0x8000));
        m.assertFlags(OF | SF, DEFINED);
        m.ok(0xC0, 0x0D, 0x03, 0x80, 0x00, 0x00, 0x04); // ror byte [0x8003], 4
        assertEquals(0x08000002, m.read32(0x8000));
    }

    @Test
    void doubleShifts() {
        m.cpu.r[0] = 0x12345678;
        m.cpu.r[3] = 0x9ABCDEF0;
        m.ok(0x0F, 0xA4, 0xD8, 0x04); // shld eax, ebx, 4
        assertEquals(0x23456789, m.cpu.r[0]);
        m.assertFlags(CF, NO_OF); // bit 28 of the old EAX; 0x89 has odd parity
        m.cpu.r[0] = 0x12345678;
        m.cpu.r[1] = 4;
        m.ok(0x0F, 0xAD, 0xD8); // shrd eax, ebx, cl
        assertEquals(0x01234567, m.cpu.r[0]);
        m.assertFlags(CF, NO_OF);
        m.cpu.r[0] = 0x8000;
        m.cpu.r[3] = 0x8000;
        m.ok(0x66, 0x0F, 0xA4, 0xD8, 0x01); // shld ax, bx, 1: sign change sets OF
        assertEquals(0x0001, m.cpu.r[0]);
        m.assertFlags(CF | OF, DEFINED);
        m.cpu.r[0] = 0x5555;
        m.ok(0x66, 0x0F, 0xAC, 0xD8, 0x00); // count 0: nothing
        assertEquals(0x5555, m.cpu.r[0]);
        m.write32(0x8000, 0x00000001);
        m.cpu.r[3] = 0xFFFFFFFF;
        m.ok(0x0F, 0xAC, 0x1D, 0x00, 0x80, 0x00, 0x00, 0x1F); // shrd [0x8000], ebx, 31
        assertEquals(0xFFFFFFFE, m.read32(0x8000));
        m.assertFlags(SF, NO_OF); // CF = bit 30 of the old value; FE has odd parity
    }

    /** Counts above 16 on a 16-bit SHLD: the P6 shifts dest:src:dest (as Bochs documents). */
    @Test
    void sixteenBitDoubleShiftBeyondWidth() {
        m.cpu.r[0] = 0x1234;
        m.cpu.r[3] = 0x5678;
        m.ok(0x66, 0x0F, 0xA4, 0xD8, 0x14); // shld ax, bx, 20
        assertEquals(0x6781, m.cpu.r[0]);
    }
}
