package org.jvisor.machine.cpu.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.math.BigInteger;
import org.jvisor.machine.cpu.Exit;
import org.junit.jupiter.api.Test;

/** FSCALE, FXTRACT, FRNDINT and the partial remainder loop (SDM Vol. 2 pages). */
class X87ScaleRemainderTest {
    private static X87Machine twoOperands(double st1, double st0, int... ops) {
        X87Machine m = new X87Machine();
        m.putDouble(0, st1);
        m.putDouble(8, st0);
        m.op(0xDB, 0xE3).mem(0xDD, 0, 0).mem(0xDD, 0, 8).op(ops);
        assertInstanceOf(Exit.Halted.class, m.run());
        return m;
    }

    private static double st(X87Machine m, int i) {
        FpuState f = m.fpu();
        // exact for the small values used here: (-1)^s * m * 2^(e - 16383 - 63)
        double v = Math.scalb((double) (f.mantOf(i) >>> 11), (f.seOf(i) & 0x7FFF) - 16383 - 52);
        return (f.seOf(i) & 0x8000) != 0 ? -v : v;
    }

    @Test
    void fscaleTruncatesTheScale() {
        assertEquals(12.0, st(twoOperands(2.7, 3.0, 0xD9, 0xFD), 0));
        assertEquals(0.75, st(twoOperands(-2.7, 3.0, 0xD9, 0xFD), 0));
    }

    @Test
    void fxtractSplitsExponentAndSignificand() {
        X87Machine m = twoOperands(1.0, -12.0, 0xD9, 0xF4);
        assertEquals(-1.5, st(m, 0));
        assertEquals(3.0, st(m, 1));
        X87Machine z = twoOperands(1.0, 0.0, 0xD9, 0xF4);
        assertEquals(FpuState.ZE, z.fpu().status & FpuState.ZE);
        assertEquals(0xFFFF, z.fpu().seOf(1)); // -infinity exponent
        assertEquals(0, z.fpu().mantOf(0));
    }

    @Test
    void frndintFollowsRoundingControl() {
        double[] expect = {2.0, 2.0, 3.0, 2.0};
        for (int rc = 0; rc < 4; rc++) {
            X87Machine m = new X87Machine();
            m.put16(0, 0x037F | rc << 10);
            m.putDouble(8, 2.5);
            m.op(0xDB, 0xE3).mem(0xD9, 5, 0).mem(0xDD, 0, 8).op(0xD9, 0xFC);
            assertInstanceOf(Exit.Halted.class, m.run());
            assertEquals(expect[rc], st(m, 0), "rc " + rc);
            assertEquals(FpuState.PE, m.fpu().status & FpuState.PE);
        }
    }

    @Test
    void partialRemainderLoopReachesTheTrueRemainder() {
        // 2^100 rem 7 needs several FPREM steps (exponent difference 98 >= 64: C2=1 first)
        X87Machine first = twoOperands(7.0, Math.scalb(1.0, 100), 0xD9, 0xF8);
        assertEquals(FpuState.C2, first.fpu().status & FpuState.C2);
        int[] many = new int[12];
        for (int k = 0; k < many.length; k += 2) {
            many[k] = 0xD9;
            many[k + 1] = 0xF8;
        }
        X87Machine m = twoOperands(7.0, Math.scalb(1.0, 100), many);
        double expected = BigInteger.ONE.shiftLeft(100).mod(BigInteger.valueOf(7)).doubleValue();
        assertEquals(expected, st(m, 0));
        assertEquals(0, m.fpu().status & FpuState.C2);
    }
}
