package org.jvisor.machine.cpu.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Reg;
import org.junit.jupiter.api.Test;

/** x87 instructions run through a flat protected-mode processor; expectations from the SDM. */
class X87InstructionTest {
    private static final int FNINIT_1 = 0xDB, FNINIT_2 = 0xE3;

    private static void halts(X87Machine m) {
        assertInstanceOf(Exit.Halted.class, m.run());
    }

    @Test
    void hypotenuseThroughMemoryOperands() {
        X87Machine m = new X87Machine();
        m.putDouble(0, 3.0);
        m.putDouble(8, 4.0);
        m.op(FNINIT_1, FNINIT_2).mem(0xDD, 0, 0).mem(0xDC, 1, 0) // fld a; fmul a
                .mem(0xDD, 0, 8).mem(0xDC, 1, 8)                  // fld b; fmul b
                .op(0xDE, 0xC1, 0xD9, 0xFA)                        // faddp; fsqrt
                .mem(0xDD, 3, 16);                                 // fstp m64
        halts(m);
        assertEquals(5.0, m.getDouble(16));
        assertEquals(0, m.fpu().top());
        assertEquals(0xFFFF, m.fpu().storedTag());
    }

    @Test
    void compareSetsConditionCodesAndStatusWordReadsTop() {
        X87Machine m = new X87Machine();
        // fld1; fld1; fadd st0,st0 (2.0); fcom st1 -> greater; fnstsw ax
        m.op(FNINIT_1, FNINIT_2, 0xD9, 0xE8, 0xD9, 0xE8, 0xD8, 0xC0, 0xD8, 0xD1, 0xDF, 0xE0);
        halts(m);
        int sw = m.cpu.r[Reg.EAX] & 0xFFFF;
        assertEquals(6, sw >>> 11 & 7);
        assertEquals(0, sw & (FpuState.C0 | FpuState.C2 | FpuState.C3));
        // fcom st1 again after fxch: 1 < 2 -> C0
        X87Machine m2 = new X87Machine();
        m2.op(FNINIT_1, FNINIT_2, 0xD9, 0xE8, 0xD9, 0xE8, 0xD8, 0xC0, 0xD9, 0xC9, 0xD8, 0xD1, 0xDF, 0xE0);
        halts(m2);
        assertEquals(FpuState.C0, m2.cpu.r[Reg.EAX] & (FpuState.C0 | FpuState.C2 | FpuState.C3));
    }

    @Test
    void fcomiSetsZfPfCfAndClearsOthers() {
        X87Machine m = new X87Machine();
        // fldz; fld1; fcomi st0,st1 (1 > 0): ZF=PF=CF=0 and OF/SF/AF cleared
        m.cpu.setArithFlags(Flags.OF | Flags.SF | Flags.AF | Flags.ZF);
        m.op(FNINIT_1, FNINIT_2, 0xD9, 0xEE, 0xD9, 0xE8, 0xDB, 0xF1);
        halts(m);
        assertEquals(0, m.cpu.getEflags() & Flags.ARITH);
        // unordered: QNaN from 0/0 (masked invalid); fucomip does not raise IE for QNaN
        X87Machine u = new X87Machine();
        u.op(FNINIT_1, FNINIT_2, 0xD9, 0xEE, 0xD9, 0xEE, 0xDE, 0xF9, 0xD9, 0xE8, 0xDF, 0xE9);
        halts(u);
        assertEquals(Flags.ZF | Flags.PF | Flags.CF, u.cpu.getEflags() & Flags.ARITH);
        assertEquals(FpuState.IE, u.fpu().status & 0x3F); // from 0/0 only
        assertEquals(7, u.fpu().top()); // fucomip popped once
    }

    @Test
    void integerStoresRoundByRcAndOverflowToIndefinite() {
        int[][] expect = {{2, -2}, {2, -3}, {3, -2}, {2, -2}}; // 2.5 and -2.5 under RC 0..3
        for (int rc = 0; rc < 4; rc++) {
            X87Machine m = new X87Machine();
            m.putDouble(0, 2.5);
            m.putDouble(8, -2.5);
            m.put16(16, 0x037F | rc << 10);
            m.op(FNINIT_1, FNINIT_2).mem(0xD9, 5, 16)
                    .mem(0xDD, 0, 0).mem(0xDB, 3, 24)   // fld 2.5; fistp m32
                    .mem(0xDD, 0, 8).mem(0xDF, 3, 28);  // fld -2.5; fistp m16
            halts(m);
            assertEquals(expect[rc][0], m.get32(24), "rc " + rc);
            assertEquals(expect[rc][1], (short) m.get16(28), "rc " + rc);
            assertEquals(FpuState.PE, m.fpu().status & 0x3F);
        }
        X87Machine m = new X87Machine();
        m.putDouble(0, 1e10);
        m.op(FNINIT_1, FNINIT_2).mem(0xDD, 0, 0).mem(0xDF, 2, 8).mem(0xDB, 2, 12).mem(0xDF, 7, 16);
        halts(m);
        assertEquals(0x8000, m.get16(8));
        assertEquals(0x80000000, m.get32(12));
        assertEquals(10_000_000_000L, m.get64(16));
        assertEquals(FpuState.IE, m.fpu().status & 0x3F);
    }

    @Test
    void packedBcdRoundTripAndIndefinite() {
        X87Machine m = new X87Machine();
        m.put64(0, 0x2345678901234567L);
        m.put16(8, 0x8001); // -12345678901234567 ... with digit 17 = 0, digit 16 = 1
        m.op(FNINIT_1, FNINIT_2).mem(0xDF, 4, 0).op(0xD9, 0xC0).mem(0xDF, 7, 16).mem(0xDF, 6, 32);
        halts(m);
        assertEquals(-12345678901234567L, m.get64(16));
        assertEquals(0x2345678901234567L, m.get64(32));
        assertEquals(0x8001, m.get16(40));
        X87Machine big = new X87Machine();
        big.putDouble(0, 1e18);
        big.op(FNINIT_1, FNINIT_2).mem(0xDD, 0, 0).mem(0xDF, 6, 16);
        halts(big);
        assertEquals(0xC000000000000000L, big.get64(16));
        assertEquals(0xFFFF, big.get16(24));
        assertEquals(FpuState.IE, big.fpu().status & 0x3F);
    }

    @Test
    void stackOverflowAndUnderflowSetSfWithC1() {
        X87Machine m = new X87Machine();
        m.op(FNINIT_1, FNINIT_2);
        for (int k = 0; k < 9; k++) m.op(0xD9, 0xE8);
        halts(m);
        FpuState f = m.fpu();
        assertEquals(FpuState.IE | FpuState.SF, f.status & 0x7F);
        assertEquals(FpuState.C1, f.status & FpuState.C1);
        assertEquals(Float80.INDEF_SE, f.seOf(0));
        assertEquals(Float80.INDEF_M, f.mantOf(0));
        X87Machine u = new X87Machine();
        u.op(FNINIT_1, FNINIT_2, 0xD9, 0xE8, 0xD8, 0xC1); // fld1; fadd st0, st1 (empty)
        halts(u);
        assertEquals(FpuState.IE | FpuState.SF, u.fpu().status & 0x7F);
        assertEquals(0, u.fpu().status & FpuState.C1);
        assertEquals(Float80.INDEF_M, u.fpu().mantOf(0));
    }

    @Test
    void fldpiFollowsRoundingControl() {
        // pi to 50 digits (an outside constant) -> 66 significant bits
        BigDecimal pi = new BigDecimal("3.14159265358979323846264338327950288419716939937510");
        BigInteger scaled = pi.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(64))).toBigInteger(); // pi * 2^64
        long truncated = scaled.shiftRight(2).longValue(); // 64 bits, integer bit = 2^1
        boolean roundBit = scaled.testBit(1);
        long[] expect = {truncated + (roundBit ? 1 : 0), truncated, truncated + 1, truncated};
        for (int rc = 0; rc < 4; rc++) {
            X87Machine m = new X87Machine();
            m.put16(0, 0x037F | rc << 10);
            m.op(FNINIT_1, FNINIT_2).mem(0xD9, 5, 0).op(0xD9, 0xEB);
            halts(m);
            assertEquals(0x4000, m.fpu().seOf(0));
            assertEquals(expect[rc], m.fpu().mantOf(0), "rc " + rc);
        }
    }

    @Test
    void partialRemainderQuotientBits() {
        // FPREM 10 rem 3 = 1, q = 3 (C0=0 C3=1 C1=1); FPREM1 11 rem 3 = -1, q = 4 (C0=1)
        X87Machine m = new X87Machine();
        m.putDouble(0, 3.0);
        m.putDouble(8, 10.0);
        m.putDouble(16, 11.0);
        m.op(FNINIT_1, FNINIT_2).mem(0xDD, 0, 0).mem(0xDD, 0, 8).op(0xD9, 0xF8, 0xDF, 0xE0).mem(0xDD, 3, 24);
        halts(m);
        assertEquals(1.0, m.getDouble(24));
        int sw = m.cpu.r[Reg.EAX];
        assertEquals(FpuState.C3 | FpuState.C1, sw & (FpuState.C0 | FpuState.C1 | FpuState.C2 | FpuState.C3));
        X87Machine n = new X87Machine();
        n.putDouble(0, 3.0);
        n.putDouble(16, 11.0);
        n.op(FNINIT_1, FNINIT_2).mem(0xDD, 0, 0).mem(0xDD, 0, 16).op(0xD9, 0xF5, 0xDF, 0xE0).mem(0xDD, 3, 24);
        halts(n);
        assertEquals(-1.0, n.getDouble(24));
        assertEquals(FpuState.C0, n.cpu.r[Reg.EAX] & (FpuState.C0 | FpuState.C1 | FpuState.C2 | FpuState.C3));
    }

    @Test
    void fxamClassifiesAndReportsSign() {
        X87Machine m = new X87Machine();
        m.op(FNINIT_1, FNINIT_2, 0xD9, 0xE5).mem(0xDD, 7, 0)      // empty -> C3|C0 ; fnstsw m16
                .op(0xD9, 0xEE, 0xD9, 0xE0, 0xD9, 0xE5, 0xDF, 0xE0); // fldz; fchs; fxam -> zero, C1
        halts(m);
        int cc = FpuState.C0 | FpuState.C1 | FpuState.C2 | FpuState.C3;
        assertEquals(FpuState.C3 | FpuState.C0, m.get16(0) & (cc & ~FpuState.C1));
        assertEquals(FpuState.C3 | FpuState.C1, m.cpu.r[Reg.EAX] & cc);
    }

    @Test
    void unsupportedEncodingsAreUndefined() {
        for (int[] bytes : new int[][] {{0xDB, 0x0D, 0, 0x80, 0, 0}, {0xDD, 0x0D, 0, 0x80, 0, 0}, {0xDF, 0x0D, 0, 0x80, 0, 0},
            {0xD9, 0xD1}, {0xD9, 0x0D, 0, 0x80, 0, 0}, {0xDB, 0xE5}, {0xDE, 0xD8}, {0xDF, 0xE1}}) {
            X87Machine m = new X87Machine();
            m.op(bytes);
            assertEquals(new Exit.Exception(org.jvisor.machine.cpu.Vectors.UD, 0, false, false), m.run());
        }
    }

    @Test
    void subtractionOfEqualValuesIsMinusZeroOnlyRoundingDown() {
        for (int rc = 0; rc < 4; rc++) {
            X87Machine m = new X87Machine();
            m.put16(0, 0x037F | rc << 10);
            m.op(FNINIT_1, FNINIT_2).mem(0xD9, 5, 0).op(0xD9, 0xE8, 0xD9, 0xE8, 0xDE, 0xE9);
            halts(m);
            assertEquals(rc == 1 ? 0x8000 : 0, m.fpu().seOf(0));
            assertTrue(m.fpu().mantOf(0) == 0);
        }
    }
}
