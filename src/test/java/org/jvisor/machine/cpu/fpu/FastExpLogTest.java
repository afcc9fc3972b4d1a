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
}
