package org.jvisor.machine.cpu.fpu;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * High-precision elementary functions for the x87 transcendental instructions: series in
 * {@link BigDecimal} carried to 60 significant digits (about 199 bits), far beyond the 64-bit
 * result, so the final rounding in {@link #round} is correct except for results within
 * 2^-190 of a rounding boundary. The constants pi and ln 2 are computed here at start-up
 * (Machin's formula and an atanh series), not copied.
 *
 * <p>This allocates; the transcendental instructions are rare and slow on hardware too
 * (tens to hundreds of cycles), and exact results were preferred over speed.
 */
final class ExtendedMath {
    static final MathContext MC = new MathContext(40, RoundingMode.HALF_EVEN);
    private static final MathContext WIDE = new MathContext(110, RoundingMode.HALF_EVEN);
    private static final BigDecimal EPS = BigDecimal.ONE.movePointLeft(44);
    static final BigDecimal PI, HALF_PI, LN2;
    /** pi rounded to 66 significant bits, the value x87 argument reduction uses (SDM Vol. 1 8.3.10). */
    static final BigDecimal HALF_PI_66;
    private static final double LOG2_10 = 3.321928094887362;

    static {
        BigDecimal five = BigDecimal.valueOf(5), r239 = BigDecimal.valueOf(239);
        PI = atanSeries(BigDecimal.ONE.divide(five, WIDE), WIDE).multiply(BigDecimal.valueOf(16))
                .subtract(atanSeries(BigDecimal.ONE.divide(r239, WIDE), WIDE).multiply(BigDecimal.valueOf(4)), WIDE);
        HALF_PI = PI.divide(BigDecimal.valueOf(2), WIDE);
        BigInteger pi66 = PI.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(64))).setScale(0, RoundingMode.HALF_EVEN)
                .toBigIntegerExact();
        HALF_PI_66 = new BigDecimal(pi66).multiply(new BigDecimal(BigInteger.valueOf(5).pow(65))).scaleByPowerOfTen(-65);
        LN2 = atanhSeries(BigDecimal.ONE.divide(BigDecimal.valueOf(3), WIDE), WIDE).multiply(BigDecimal.valueOf(2), WIDE);
    }

    private ExtendedMath() { }

    private static final BigInteger[] POW5 = new BigInteger[20000];
    private static final int SERIES_TERMS = 20;
    /** 1/((2k)(2k+1)) and 1/((2k-1)(2k)): the Horner factors of the sine and cosine series. */
    private static final BigDecimal[] SIN_RECIP = new BigDecimal[SERIES_TERMS + 1], COS_RECIP = new BigDecimal[SERIES_TERMS + 1];

    static {
        for (int k = 1; k <= SERIES_TERMS; k++) {
            SIN_RECIP[k] = BigDecimal.ONE.divide(BigDecimal.valueOf((2L * k) * (2L * k + 1)), MC);
            COS_RECIP[k] = BigDecimal.ONE.divide(BigDecimal.valueOf((2L * k - 1) * (2L * k)), MC);
        }
    }

    /** 5^n, cached (races only recompute the same value). */
    private static BigInteger pow5(int n) {
        if (n >= POW5.length) return BigInteger.valueOf(5).pow(n);
        BigInteger p = POW5[n];
        if (p == null) POW5[n] = p = BigInteger.valueOf(5).pow(n);
        return p;
    }

    /** The exact magnitude sig * 2^shift. */
    static BigDecimal exact(long sig, int shift) {
        BigDecimal s = new BigDecimal(new BigInteger(Long.toUnsignedString(sig)));
        if (shift >= 0) return s.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(shift)));
        return s.multiply(new BigDecimal(pow5(-shift))).scaleByPowerOfTen(shift);
    }

    /** sum z^(2k+1)/(2k+1) * (alternate ? (-1)^k : 1). */
    private static BigDecimal oddSeries(BigDecimal z, boolean alternate, MathContext mc) {
        BigDecimal z2 = z.multiply(z, mc), power = z, sum = z;
        BigDecimal limit = z.abs().multiply(BigDecimal.ONE.movePointLeft(mc.getPrecision() + 2));
        for (int k = 1; k < 4000; k++) {
            power = power.multiply(z2, mc);
            BigDecimal term = power.divide(BigDecimal.valueOf(2L * k + 1), mc);
            if (term.abs().compareTo(limit) < 0) break;
            sum = alternate && (k & 1) != 0 ? sum.subtract(term, mc) : sum.add(term, mc);
        }
        return sum;
    }

    private static BigDecimal atanSeries(BigDecimal z, MathContext mc) {
        return oddSeries(z, true, mc);
    }

    private static BigDecimal atanhSeries(BigDecimal z, MathContext mc) {
        return oddSeries(z, false, mc);
    }

    /** arctan z for any z, with two argument halvings before the series. */
    static BigDecimal atan(BigDecimal z) {
        if (z.signum() < 0) return atan(z.negate()).negate();
        if (z.compareTo(BigDecimal.ONE) > 0) return HALF_PI.subtract(atan(BigDecimal.ONE.divide(z, MC)), MC);
        for (int h = 0; h < 2; h++) {
            BigDecimal root = BigDecimal.ONE.add(z.multiply(z, MC), MC).sqrt(MC);
            z = z.divide(BigDecimal.ONE.add(root, MC), MC);
        }
        return atanSeries(z, MC).multiply(BigDecimal.valueOf(4), MC);
    }

    /** ln(m) for m > 0 near 1 (m in [1, 2) or 1 + x) as 2 atanh((m-1)/(m+1)). */
    static BigDecimal ln(BigDecimal m) {
        BigDecimal z = m.subtract(BigDecimal.ONE).divide(m.add(BigDecimal.ONE), MC);
        return atanhSeries(z, MC).multiply(BigDecimal.valueOf(2), MC);
    }

    /** e^t - 1 by its Taylor series (|t| below about 1). */
    static BigDecimal expm1(BigDecimal t) {
        BigDecimal term = t, sum = t;
        BigDecimal limit = t.abs().multiply(BigDecimal.ONE.movePointLeft(MC.getPrecision() + 2));
        for (int k = 2; k < 400; k++) {
            term = term.multiply(t, MC).divide(BigDecimal.valueOf(k), MC);
            if (term.abs().compareTo(limit) < 0) break;
            sum = sum.add(term, MC);
        }
        return sum;
    }

    /**
     * {sin x, cos x} for |x| < 2^63: reduction by multiples of pi/2 with the x87's 66-bit pi
     * (exact arithmetic on that constant), then Taylor series on |r| <= pi/4.
     */
    static BigDecimal[] sinCos(BigDecimal x) {
        BigDecimal n = x.divide(HALF_PI_66, MC).setScale(0, RoundingMode.HALF_EVEN);
        BigDecimal r = x.subtract(n.multiply(HALF_PI_66)).round(MC);
        // Horner on r^2 with precomputed reciprocals: |r| <= pi/4 needs 20 terms for 10^-44
        BigDecimal u = r.multiply(r, MC), s = BigDecimal.ONE, c = BigDecimal.ONE;
        for (int k = SERIES_TERMS; k >= 1; k--) {
            s = BigDecimal.ONE.subtract(u.multiply(s, MC).multiply(SIN_RECIP[k], MC), MC);
            c = BigDecimal.ONE.subtract(u.multiply(c, MC).multiply(COS_RECIP[k], MC), MC);
        }
        s = s.multiply(r, MC);
        int q = n.toBigInteger().mod(BigInteger.valueOf(4)).intValue();
        return switch (q) {
            case 0 -> new BigDecimal[] {s, c};
            case 1 -> new BigDecimal[] {c, s.negate()};
            case 2 -> new BigDecimal[] {s.negate(), c.negate()};
            default -> new BigDecimal[] {c.negate(), s};
        };
    }

    /**
     * Rounds {@code v * 2^binExp} (v nonzero) to 64 bits by RC into f.rSe/f.rM with the
     * usual PE/UE/OE and C1 (via f.up). {@code exact} says v is the true value; otherwise it
     * is an approximation carrying a sticky bit. {@code correction} (-1/+1) says the true
     * value lies just below/above v, for results like sin x ~ x that fall on the grid.
     */
    static void round(FpuState f, BigDecimal v, int binExp, boolean exact, int correction) {
        boolean neg = v.signum() < 0;
        BigDecimal a = v.abs();
        int est = (int) Math.floor(a.unscaledValue().bitLength() - 1 - a.scale() * LOG2_10);
        int k = 127 - est;
        BigInteger n;
        BigDecimal t;
        while (true) {
            t = k >= 0 ? a.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(k)))
                    : a.multiply(new BigDecimal(pow5(-k))).scaleByPowerOfTen(k);
            n = t.setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
            if (n.bitLength() > 128) {
                k--;
            } else if (n.bitLength() < 128) {
                k++;
            } else {
                break;
            }
        }
        boolean sticky = !exact || t.compareTo(new BigDecimal(n)) != 0;
        if (correction < 0 && !sticky) n = n.subtract(BigInteger.ONE);
        if (sticky || correction != 0) n = n.setBit(0);
        int e = 127 - k + binExp;
        if (n.bitLength() < 128) { // 2^127 - 1 after the downward step
            n = n.shiftLeft(1).setBit(0);
            e--;
        }
        long hi = n.shiftRight(64).longValue(), lo = n.longValue();
        Float80.roundPack(f, neg, e, hi, lo, 64, Float80.EXT, true);
    }
}
