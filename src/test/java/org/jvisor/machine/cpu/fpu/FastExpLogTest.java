package org.jvisor.machine.cpu.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The double-double F2XM1/FYL2X paths must match the BigDecimal series bit for bit. */
class FastExpLogTest {
    private static void same(FpuState slow, FpuState fast, String what) {
        assertEquals(slow.rSe, fast.rSe, what);
        assertEquals(slow.rM, fast.rM, what);
        assertEquals(slow.exc, fast.exc, what);
        assertEquals(slow.up, fast.up, what);
    }

    @Test
    void exp2m1AgreesWithTheBigDecimalPath() {
        Random rnd = new Random(12);
        int declined = 0;
        for (int n = 0; n < 2000; n++) {
            long sig = rnd.nextLong() | Float80.INT_BIT;
            int e = -1 - rnd.nextInt(n % 3 == 0 ? 99 : 8);
            boolean neg = rnd.nextBoolean();
            FpuState fast = new FpuState(), slow = new FpuState();
            fast.control = slow.control = 0x037F | rnd.nextInt(4) << 10;
            if (!fast.fastExpLog.exp2m1(fast, sig, e, neg)) {
                declined++;
                continue;
            }
            BigDecimal t = ExtendedMath.exact(sig, e - 63).multiply(ExtendedMath.LN2, ExtendedMath.MC);
            ExtendedMath.round(slow, ExtendedMath.expm1(neg ? t.negate() : t), 0, false, 0);
            same(slow, fast, String.format("f2xm1 %016x e %d neg %b", sig, e, neg));
        }
        assertTrue(declined < 10, "declined " + declined);
    }

    @Test
    void ylog2xAgreesWithTheBigDecimalPath() {
        Random rnd = new Random(13);
        int declined = 0;
        for (int n = 0; n < 2000; n++) {
            long xm = rnd.nextLong() | Float80.INT_BIT, ym = rnd.nextLong() | Float80.INT_BIT;
            int ex = n % 4 == 0 ? rnd.nextInt(2) - 1 : rnd.nextInt(400) - 200;
            int xSe = ex + Float80.BIAS, ySe = (rnd.nextBoolean() ? 0x8000 : 0) | (rnd.nextInt(200) - 100 + Float80.BIAS);
            FpuState fast = new FpuState(), slow = new FpuState();
            fast.control = slow.control = 0x037F | rnd.nextInt(4) << 10;
            if (!fast.fastExpLog.ylog2x(fast, xSe, xm, ySe, ym)) {
                declined++;
                continue;
            }
            BigDecimal l = BigDecimal.valueOf(ex).add(ExtendedMath.ln(ExtendedMath.exact(xm, -63))
                    .divide(ExtendedMath.LN2, ExtendedMath.MC), ExtendedMath.MC);
            BigDecimal v = l.multiply(ExtendedMath.exact(ym, 0), ExtendedMath.MC);
            ExtendedMath.round(slow, (ySe & 0x8000) != 0 ? v.negate() : v, (ySe & 0x7FFF) - Float80.BIAS - 63, false, 0);
            same(slow, fast, String.format("fyl2x x %04x:%016x y %04x:%016x", xSe, xm, ySe, ym));
        }
        assertTrue(declined < 10, "declined " + declined);
    }

    @Test
    void atan2AgreesWithTheBigDecimalPath() {
        Random rnd = new Random(14);
        int declined = 0;
        for (int n = 0; n < 2000; n++) {
            long ym = rnd.nextLong() | Float80.INT_BIT, xm = rnd.nextLong() | Float80.INT_BIT;
            int ySe = (rnd.nextBoolean() ? 0x8000 : 0) | (Float80.BIAS + rnd.nextInt(40) - 20);
            int xSe = (rnd.nextBoolean() ? 0x8000 : 0) | (Float80.BIAS + rnd.nextInt(40) - 20);
            FpuState fast = new FpuState(), slow = new FpuState();
            fast.control = slow.control = 0x037F | rnd.nextInt(4) << 10;
            if (!fast.fastExpLog.atan2(fast, ySe, ym, xSe, xm)) {
                declined++;
                continue;
            }
            BigDecimal y = ExtendedMath.exact(ym, (ySe & 0x7FFF) - Float80.BIAS - 63);
            BigDecimal x = ExtendedMath.exact(xm, (xSe & 0x7FFF) - Float80.BIAS - 63);
            BigDecimal a = ExtendedMath.atan(y.divide(x, ExtendedMath.MC));
            if ((xSe & 0x8000) != 0) a = ExtendedMath.PI.subtract(a, ExtendedMath.MC);
            ExtendedMath.round(slow, (ySe & 0x8000) != 0 ? a.negate() : a, 0, false, 0);
            same(slow, fast, String.format("fpatan y %04x:%016x x %04x:%016x", ySe, ym, xSe, xm));
        }
        assertTrue(declined < 10, "declined " + declined);
    }

    @Test
    void ylog2xp1AgreesWithTheBigDecimalPath() {
        Random rnd = new Random(15);
        int declined = 0;
        for (int n = 0; n < 2000; n++) {
            long xm = rnd.nextLong() | Float80.INT_BIT, ym = rnd.nextLong() | Float80.INT_BIT;
            int ex = -3 - rnd.nextInt(n % 3 == 0 ? 58 : 6);
            int xSe = (rnd.nextBoolean() ? 0x8000 : 0) | (ex + Float80.BIAS);
            int ySe = (rnd.nextBoolean() ? 0x8000 : 0) | (rnd.nextInt(200) - 100 + Float80.BIAS);
            FpuState fast = new FpuState(), slow = new FpuState();
            fast.control = slow.control = 0x037F | rnd.nextInt(4) << 10;
            if (!fast.fastExpLog.ylog2xp1(fast, xSe, xm, ySe, ym)) {
                declined++;
                continue;
            }
            BigDecimal x = ExtendedMath.exact(xm, ex - 63);
            if ((xSe & 0x8000) != 0) x = x.negate();
            BigDecimal l = ExtendedMath.ln(BigDecimal.ONE.add(x)).divide(ExtendedMath.LN2, ExtendedMath.MC);
            BigDecimal v = l.multiply(ExtendedMath.exact(ym, 0), ExtendedMath.MC);
            ExtendedMath.round(slow, (ySe & 0x8000) != 0 ? v.negate() : v, (ySe & 0x7FFF) - Float80.BIAS - 63, false, 0);
            same(slow, fast, String.format("fyl2xp1 x %04x:%016x y %04x:%016x", xSe, xm, ySe, ym));
        }
        assertTrue(declined < 10, "declined " + declined);
    }
}
