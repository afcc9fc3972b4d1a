package org.jvisor.machine.cpu.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The double-double fast path must give bit-identical results to the BigDecimal series
 * (about 133 bits) whenever it does not decline, for every rounding mode.
 */
class FastTrigTest {
    @Test
    void agreesWithTheBigDecimalPath() {
        Random rnd = new Random(11);
        int declined = 0;
        for (int n = 0; n < 3000; n++) {
            long sig = rnd.nextLong() | Float80.INT_BIT;
            int e = rnd.nextInt(60) - 40;
            boolean neg = rnd.nextBoolean();
            int rc = rnd.nextInt(4), fn = rnd.nextInt(3);
            FpuState fast = new FpuState(), slow = new FpuState();
            fast.control = slow.control = 0x037F | rc << 10;
            FastTrig t = fast.fastTrig;
            if (!t.sinCos(sig, e, neg)) continue;
            boolean ok = fn == 0 ? t.roundSin(fast) : fn == 1 ? t.roundCos(fast) : t.roundTan(fast);
            if (!ok) {
                declined++;
                continue;
            }
            BigDecimal x = ExtendedMath.exact(sig, e - 63);
            BigDecimal[] sc = ExtendedMath.sinCos(neg ? x.negate() : x);
            BigDecimal v = fn == 0 ? sc[0] : fn == 1 ? sc[1] : sc[0].divide(sc[1], ExtendedMath.MC);
            ExtendedMath.round(slow, v, 0, false, 0);
            String what = String.format("fn %d rc %d sig %016x e %d neg %b", fn, rc, sig, e, neg);
            assertEquals(slow.rSe, fast.rSe, what);
            assertEquals(slow.rM, fast.rM, what);
            assertEquals(slow.exc, fast.exc, what);
            assertEquals(slow.up, fast.up, what);
        }
        assertTrue(declined < 10, "declined " + declined);
    }
}
