package org.jvisor.machine.cpu.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.jvisor.machine.cpu.Exit;
import org.junit.jupiter.api.Test;

/**
 * Transcendental instructions against {@link StrictMath} (an independent double-precision
 * oracle: the 80-bit result rounded to double must be within one double ulp) and the
 * special behaviours the SDM documents.
 */
class X87TranscendentalTest {
    /** Runs: fninit; fld m64 [0]; (fld m64 [8] if two); op; fstp m64 [16]; fnstsw [24]. */
    private static X87Machine run(double a, Double b, int... op) {
        X87Machine m = new X87Machine();
        m.putDouble(0, a);
        m.op(0xDB, 0xE3).mem(0xDD, 0, 0);
        if (b != null) {
            m.putDouble(8, b);
            m.mem(0xDD, 0, 8);
        }
        m.op(op).mem(0xDD, 3, 16).mem(0xDD, 7, 24);
        assertInstanceOf(Exit.Halted.class, m.run());
        return m;
    }

    private static void near(double expected, double actual, String what) {
        near(expected, actual, 1, what);
    }

    /** Composite double oracles (log(x)/log(2) * y) carry a few ulps of their own error. */
    private static void near(double expected, double actual, int ulps, String what) {
        double ulp = Math.ulp(expected);
        assertTrue(Math.abs(expected - actual) <= ulps * ulp, what + ": expected " + expected + " got " + actual);
    }

    @Test
    void sineCosineTangentWithinOneDoubleUlp() {
        Random rnd = new Random(3);
        for (int n = 0; n < 300; n++) {
            double x = (rnd.nextDouble() - 0.5) * Math.scalb(1.0, rnd.nextInt(12) - 4);
            near(StrictMath.sin(x), run(x, null, 0xD9, 0xFE).getDouble(16), "sin " + x);
            near(StrictMath.cos(x), run(x, null, 0xD9, 0xFF).getDouble(16), "cos " + x);
            X87Machine t = run(x, null, 0xD9, 0xF2, 0xDD, 0xD8); // fptan; fstp st0 (drop the 1.0)
            near(StrictMath.tan(x), t.getDouble(16), "tan " + x);
        }
    }

    @Test
    void logarithmsExponentialAndArctangent() {
        Random rnd = new Random(4);
        for (int n = 0; n < 200; n++) {
            double x = rnd.nextDouble() * 1000 + 1e-3, y = rnd.nextDouble() * 4 - 2;
            near(y * (StrictMath.log(x) / StrictMath.log(2)), run(y, x, 0xD9, 0xF1).getDouble(16), 4, "fyl2x " + x);
            double u = rnd.nextDouble() * 2 - 1;
            near(StrictMath.expm1(u * StrictMath.log(2)), run(u, null, 0xD9, 0xF0).getDouble(16), 2, "f2xm1 " + u);
            double small = (rnd.nextDouble() - 0.5) * 0.5;
            near(y * StrictMath.log1p(small) / StrictMath.log(2), run(y, small, 0xD9, 0xF9).getDouble(16), 4, "fyl2xp1");
            double v = rnd.nextDouble() * 10 - 5;
            near(StrictMath.atan2(y, v), run(y, v, 0xD9, 0xF3).getDouble(16), "fpatan " + y + "," + v);
        }
    }

    @Test
    void fptanPushesOneAndHugeArgumentsSetC2() {
        X87Machine m = new X87Machine();
        m.putDouble(0, 0.5);
        m.op(0xDB, 0xE3).mem(0xDD, 0, 0).op(0xD9, 0xF2);
        assertInstanceOf(Exit.Halted.class, m.run());
        assertEquals(0x3FFF, m.fpu().seOf(0));
        assertEquals(Float80.INT_BIT, m.fpu().mantOf(0));
        X87Machine big = run(Math.scalb(1.0, 63), null, 0xD9, 0xFE);
        assertEquals(Math.scalb(1.0, 63), big.getDouble(16));
        assertEquals(FpuState.C2, big.get16(24) & FpuState.C2);
    }

    @Test
    void exactCases() {
        assertEquals(9.0, run(3.0, 8.0, 0xD9, 0xF1).getDouble(16));      // 3 * log2(8)
        assertEquals(-0.0, run(-0.0, null, 0xD9, 0xFE).getDouble(16));   // sin(-0) = -0
        assertEquals(1.0, run(0.0, null, 0xD9, 0xFF).getDouble(16));     // cos(0) = 1
        assertEquals(0, run(0.0, null, 0xD9, 0xFF).get16(24) & FpuState.PE);
        // atan2(1, 1) = pi/4: the 64-bit significand of pi rounded to nearest (FLDPI's)
        X87Machine m = new X87Machine();
        m.putDouble(0, 1.0);
        m.op(0xDB, 0xE3).mem(0xDD, 0, 0).mem(0xDD, 0, 0).op(0xD9, 0xF3, 0xD9, 0xEB);
        assertInstanceOf(Exit.Halted.class, m.run());
        assertEquals(m.fpu().mantOf(0), m.fpu().mantOf(1));
        assertEquals(0x3FFE, m.fpu().seOf(1));
    }

    @Test
    void tinySineRoundsBelowTheArgumentWhenChopping() {
        X87Machine m = new X87Machine();
        m.put16(0, 0x0F7F); // RC = chop
        m.put64(8, 0x1234567890ABCDEFL | Float80.INT_BIT);
        m.put16(16, 0x3F00); // 2^-255 scale
        m.op(0xDB, 0xE3).mem(0xD9, 5, 0).mem(0xDB, 5, 8).op(0xD9, 0xFE);
        assertInstanceOf(Exit.Halted.class, m.run());
        assertEquals((0x1234567890ABCDEFL | Float80.INT_BIT) - 1, m.fpu().mantOf(0)); // sin x < x
        assertEquals(FpuState.PE, m.fpu().status & FpuState.PE);
    }
}
