package org.jvisor.machine.cpu.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Exact bit patterns of add/sub/mul/div/sqrt under every rounding mode and precision,
 * against {@link ExactOracle} (BigInteger rationals), including results that underflow into
 * denormals.
 */
class Float80ArithmeticTest {
    private static final int[] PC_BITS = {0, 2, 3};
    private static final int[] PRECISION = {24, 53, 64};

    private static long randomSig(Random rnd) {
        long m = rnd.nextLong() | Float80.INT_BIT;
        switch (rnd.nextInt(4)) {
            case 0 -> m &= 0xFFFFFF0000000000L | Float80.INT_BIT; // short significands make ties and exact results
            case 1 -> m = Float80.INT_BIT | (rnd.nextLong() >>> 40);
            default -> { }
        }
        return m;
    }

    private static int randomSe(Random rnd, int spread, int center) {
        int exp = center + rnd.nextInt(2 * spread + 1) - spread;
        return (rnd.nextBoolean() ? 0x8000 : 0) | Math.max(1, Math.min(0x7FFE, exp));
    }

    private static FpuState state(int rc, int pcIndex) {
        FpuState f = new FpuState();
        f.control = 0x3F | PC_BITS[pcIndex] << 8 | rc << 10 | 0x40;
        return f;
    }

    @Test
    void binaryOperationsMatchTheRationalOracle() {
        Random rnd = new Random(20261124);
        int checked = 0;
        for (int n = 0; n < 6000; n++) {
            int op = n % 4;
            boolean tiny = n % 10 == 0;
            int aSe = randomSe(rnd, tiny ? 40 : 70, tiny ? 60 : 16383);
            int bSe = op >= 2 && tiny ? randomSe(rnd, 40, op == 2 ? 16383 - 50 : 16383 + 50) : randomSe(rnd, 70, 16383);
            if (op < 2 && rnd.nextBoolean()) bSe = (bSe & 0x8000) | (aSe & 0x7FFF) + rnd.nextInt(3) - 1;
            long aM = randomSig(rnd), bM = randomSig(rnd);
            int rc = rnd.nextInt(4), pc = rnd.nextInt(3);
            FpuState f = state(rc, pc);
            assertTrue(FpuArith.binary(f, op, aSe, aM, bSe, bM));
            ExactOracle a = ExactOracle.of80(aSe, aM), b = ExactOracle.of80(bSe, bM);
            ExactOracle exact = switch (op) {
                case FpuArith.ADD -> a.add(b);
                case FpuArith.SUB -> a.add(b.negate());
                case FpuArith.MUL -> a.multiply(b);
                default -> a.divide(b);
            };
            String what = String.format("op %d rc %d pc %d a=%04x:%016x b=%04x:%016x", op, rc, PRECISION[pc], aSe, aM, bSe, bM);
            if (exact.isZero()) {
                assertEquals(rc == 1 ? 0x8000 : 0, f.rSe, what);
                assertEquals(0, f.rM, what);
                continue;
            }
            long[] r = exact.round(PRECISION[pc], -16382, rc, false);
            long[] expect = ExactOracle.pack80(exact.neg, r, rc);
            assertEquals(expect[0], f.rSe, what);
            assertEquals(expect[1], f.rM, what);
            assertEquals(r[2] != 0, (f.exc & FpuState.PE) != 0, what + " PE");
            checked++;
        }
        assertTrue(checked > 5000);
    }

    @Test
    void squareRootMatchesTheRationalOracle() {
        Random rnd = new Random(7);
        for (int n = 0; n < 3000; n++) {
            int se = randomSe(rnd, 200, 16383) & 0x7FFF;
            long m = randomSig(rnd);
            if (n % 7 == 0) { // perfect squares are exact
                long root = (rnd.nextLong() >>> 33) | (1L << 30);
                m = (root * root) << Long.numberOfLeadingZeros(root * root);
            }
            int rc = rnd.nextInt(4), pc = rnd.nextInt(3);
            FpuState f = state(rc, pc);
            assertTrue(FpuArith.sqrt(f, se, m));
            long[] r = ExactOracle.of80(se, m).round(PRECISION[pc], -16382, rc, true);
            long[] expect = ExactOracle.pack80(false, r, rc);
            String what = String.format("sqrt rc %d pc %d %04x:%016x", rc, PRECISION[pc], se, m);
            assertEquals(expect[0], f.rSe, what);
            assertEquals(expect[1], f.rM, what);
            assertEquals(r[2] != 0, (f.exc & FpuState.PE) != 0, what + " PE");
        }
    }

    @Test
    void conversionToDoubleAndSingleMatchesTheOracle() {
        Random rnd = new Random(99);
        for (int n = 0; n < 4000; n++) {
            boolean dbl = n % 2 == 0;
            int center = dbl ? 16383 - 1000 : 16383 - 120;
            int se = randomSe(rnd, dbl ? 80 : 40, n % 3 == 0 ? center - (dbl ? 40 : 10) : 16383);
            long m = randomSig(rnd);
            int rc = rnd.nextInt(4);
            FpuState f = state(rc, 2);
            Float80.toFloat(f, se, m, dbl ? Float80.DBL : Float80.SGL);
            ExactOracle v = ExactOracle.of80(se, m);
            int p = dbl ? 53 : 24, emin = dbl ? -1022 : -126, bias = dbl ? 1023 : 127;
            long[] r = v.round(p, emin, rc, false);
            long q = r[0];
            int bits = (int) r[3], lsb = (int) r[1];
            int e = lsb + bits - 1;
            long expect;
            if (e < emin) {
                expect = q; // denormal: field is q with lsb at 2^(emin-p+1)
            } else {
                long frac = (bits > p ? q >>> 1 : q) & ((1L << (p - 1)) - 1);
                expect = (long) (e + bias) << (p - 1) | frac;
            }
            expect |= v.neg ? 1L << (dbl ? 63 : 31) : 0;
            if (!dbl) expect &= 0xFFFFFFFFL;
            assertEquals(expect, f.rM, String.format("%s rc %d %04x:%016x", dbl ? "dbl" : "sgl", rc, se, m));
        }
    }
}
