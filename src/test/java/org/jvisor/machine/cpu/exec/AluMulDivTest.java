package org.jvisor.machine.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.jvisor.machine.cpu.Flags.CF;
import static org.jvisor.machine.cpu.Flags.OF;

import org.junit.jupiter.api.Test;
import org.jvisor.machine.cpu.Vectors;

/** MUL, IMUL (all forms), DIV, IDIV incl. #DE; only the defined flags (CF, OF) are checked. */
class AluMulDivTest {
    private static final int CO = CF | OF;
    private final AluTestRig m = new AluTestRig();

    @Test
    void mulWidths() {
        m.cpu.r[0] = 0x80000000;
        m.cpu.r[3] = 2;
        m.ok(0xF7, 0xE3); // mul ebx
        assertEquals(0, m.cpu.r[0]);
        assertEquals(1, m.cpu.r[2]);
        m.assertFlags(CO, CO);
        m.cpu.r[0] = 0x12340002;
        m.cpu.r[3] = 3;
        m.ok(0xF6, 0xE3); // mul bl
        assertEquals(0x12340006, m.cpu.r[0]);
        m.assertFlags(0, CO);
        m.cpu.r[0] = 0xFFFF;
        m.cpu.r[2] = 0x77770000;
        m.cpu.r[3] = 0xFFFF;
        m.ok(0x66, 0xF7, 0xE3); // mul bx: FFFF * FFFF = FFFE0001
        assertEquals(0x0001, m.cpu.r[0]);
        assertEquals(0x7777FFFE, m.cpu.r[2]);
        m.assertFlags(CO, CO);
    }

    @Test
    void imulOneOperand() {
        m.cpu.r[0] = 0xFF; // -1
        m.cpu.r[3] = 0x80; // -128
        m.ok(0xF6, 0xEB); // imul bl: 128 does not fit a signed byte
        assertEquals(0x0080, m.cpu.r[0]);
        m.assertFlags(CO, CO);
        m.cpu.r[0] = 0xFF;
        m.cpu.r[3] = 1;
        m.ok(0xF6, 0xEB);
        assertEquals(0xFFFF, m.cpu.r[0]);
        m.assertFlags(0, CO);
        m.cpu.r[0] = -3;
        m.cpu.r[3] = 5;
        m.ok(0xF7, 0xEB); // imul ebx
        assertEquals(-15, m.cpu.r[0]);
        assertEquals(-1, m.cpu.r[2]);
        m.assertFlags(0, CO);
    }

    @Test
    void imulTwoAndThreeOperands() {
        m.cpu.r[0] = 0x10000;
        m.cpu.r[3] = 0x10000;
        m.ok(0x0F, 0xAF, 0xC3); // imul eax, ebx
        assertEquals(0, m.cpu.r[0]);
        m.assertFlags(CO, CO);
        m.cpu.r[3] = 3;
        m.ok(0x6B, 0xC3, 0xFE); // imul eax, ebx, -2
        assertEquals(-6, m.cpu.r[0]);
        m.assertFlags(0, CO);
        m.cpu.r[0] = 0xAAAA0000;
        m.cpu.r[3] = 2;
        m.ok(0x66, 0x69, 0xC3, 0x00, 0x40); // imul ax, bx, 0x4000 = 0x8000: overflows 16 bits
        assertEquals(0xAAAA8000, m.cpu.r[0]);
        m.assertFlags(CO, CO);
        m.cpu.r[3] = 0xFFFF; // -1
        m.ok(0x66, 0x69, 0xC3, 0x00, 0x80); // imul ax, bx, -32768 = +32768: overflow
        assertEquals(0xAAAA8000, m.cpu.r[0]);
        m.assertFlags(CO, CO);
    }

    @Test
    void divides() {
        m.cpu.r[0] = 100;
        m.cpu.r[2] = 0;
        m.cpu.r[3] = 7;
        m.ok(0xF7, 0xF3); // div ebx
        assertEquals(14, m.cpu.r[0]);
        assertEquals(2, m.cpu.r[2]);
        m.cpu.r[0] = 0x00FF;
        m.cpu.r[3] = 0x10;
        m.ok(0xF6, 0xF3); // div bl
        assertEquals(0x0F0F, m.cpu.r[0]);
        m.cpu.r[0] = 0;
        m.cpu.r[2] = 0xFFFFFFFE;
        m.cpu.r[3] = 0xFFFFFFFF;
        m.ok(0xF7, 0xF3); // FFFFFFFE00000000 / FFFFFFFF = FFFFFFFE rem FFFFFFFE
        assertEquals(0xFFFFFFFE, m.cpu.r[0]);
        assertEquals(0xFFFFFFFE, m.cpu.r[2]);
    }

    @Test
    void divideErrorsLeaveRegisters() {
        m.cpu.r[0] = 5;
        m.cpu.r[2] = 0;
        m.cpu.r[3] = 0;
        m.faults(Vectors.DE, 0xF7, 0xF3); // div by zero
        assertEquals(5, m.cpu.r[0]);
        m.cpu.r[2] = 1;
        m.cpu.r[0] = 0;
        m.cpu.r[3] = 1;
        m.faults(Vectors.DE, 0xF7, 0xF3); // quotient 2^32
        assertEquals(0, m.cpu.r[0]);
        assertEquals(1, m.cpu.r[2]);
        m.cpu.r[0] = 0x0100;
        m.faults(Vectors.DE, 0xF6, 0xF3); // div bl: 256 / 1
        m.cpu.r[0] = 0x10000;
        m.cpu.r[2] = 0x1;
        m.faults(Vectors.DE, 0x66, 0xF7, 0xF3); // div bx: 0x10000 / 1
    }

    @Test
    void signedDivide() {
        m.cpu.r[0] = -7;
        m.cpu.r[2] = -1;
        m.cpu.r[3] = 2;
        m.ok(0xF7, 0xFB); // idiv ebx: truncates toward zero
        assertEquals(-3, m.cpu.r[0]);
        assertEquals(-1, m.cpu.r[2]);
        m.cpu.r[0] = 0xFF00; // -256
        m.cpu.r[3] = 2;
        m.ok(0xF6, 0xFB); // idiv bl: -128 fits
        assertEquals(0x0080, m.cpu.r[0]);
        m.cpu.r[0] = 0x0007;
        m.cpu.r[3] = 0xFE; // -2
        m.ok(0xF6, 0xFB); // 7 / -2 = -3 rem 1
        assertEquals(0x01FD, m.cpu.r[0]);
    }

    @Test
    void signedDivideOverflowsAtTheMostNegative() {
        m.cpu.r[0] = 0x80000000;
        m.cpu.r[2] = 0xFFFFFFFF;
        m.cpu.r[3] = -1;
        m.faults(Vectors.DE, 0xF7, 0xFB); // -2^31 / -1
        m.cpu.r[0] = 0;
        m.cpu.r[2] = 0x80000000;
        m.faults(Vectors.DE, 0xF7, 0xFB); // -2^63 / -1
        m.cpu.r[0] = 0xFF80; // -128
        m.cpu.r[3] = 0xFF;
        m.faults(Vectors.DE, 0xF6, 0xFB); // idiv bl: +128
        m.cpu.r[0] = 0x0000;
        m.cpu.r[2] = 0x8000;
        m.cpu.r[3] = 0xFFFF;
        m.faults(Vectors.DE, 0x66, 0xF7, 0xFB); // idiv bx: -2^31 / -1
        m.cpu.r[3] = 0;
        m.faults(Vectors.DE, 0x66, 0xF7, 0xFB);
    }
}
