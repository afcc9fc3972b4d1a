package org.jvisor.machine.cpu.fpu;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;

/**
 * The fast path of FSIN/FCOS/FSINCOS/FPTAN for 2^-40 <= |x| < 2^20: the reduction by the
 * 66-bit pi/2 is exact in 128-bit integers, the series run in double-double arithmetic
 * (about 104 bits, error below 2^-98 relative), and the result is rounded only when that
 * error cannot move it across a rounding boundary. Otherwise the caller falls back to
 * {@link ExtendedMath}, so results stay correctly rounded. Nothing is allocated: the
 * double-double temporaries live in a {@link FastTrig} per {@link FpuState}.
 */
final class FastTrig {
    private static final int TERMS = 16;
    private static final double[] SIN_H = new double[TERMS + 1], SIN_L = new double[TERMS + 1];
    private static final double[] COS_H = new double[TERMS + 1], COS_L = new double[TERMS + 1];
    /** pi/2 rounded to 66 bits = P * 2^-65, P as a 128-bit integer (pHi holds the top 2 bits). */
    private static final long P_HI, P_LO;
    /** Width of the uncertainty around the rounding point, in units of the 128-bit significand. */
    private static final long MARGIN = 1L << 34;

    static {
        MathContext mc = new MathContext(50);
        for (int k = 1; k <= TERMS; k++) {
            split(BigDecimal.ONE.divide(BigDecimal.valueOf((2L * k) * (2L * k + 1)), mc), SIN_H, SIN_L, k);
            split(BigDecimal.ONE.divide(BigDecimal.valueOf((2L * k - 1) * (2L * k)), mc), COS_H, COS_L, k);
        }
        BigInteger p = ExtendedMath.HALF_PI_66.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(65))).toBigIntegerExact();
        P_HI = p.shiftRight(64).longValue();
        P_LO = p.longValue();
    }

    private static void split(BigDecimal v, double[] h, double[] l, int k) {
        h[k] = v.doubleValue();
        l[k] = v.subtract(new BigDecimal(h[k])).doubleValue();
    }

    // Double-double registers: value = h + l.
    private double rh, rl, uh, ul, th, tl, sh, sl, ch, cl, ah, al;

    /** Sets (ah, al) = (xh, xl) * (yh, yl). */
    private void mul(double xh, double xl, double yh, double yl) {
        double p = xh * yh, e = Math.fma(xh, yh, -p) + (xh * yl + xl * yh);
        ah = p + e;
        al = e - (ah - p);
    }

    /** Sets (ah, al) = 1 - (ah, al). */
    private void oneMinus() {
        double s = 1.0 - ah, bb = s - 1.0, e = (1.0 - (s - bb)) + (-ah - bb) - al;
        ah = s + e;
        al = e - (ah - s);
    }

    /** Sets (ah, al) = (xh, xl) / (yh, yl), two correction steps. */
    private void div(double xh, double xl, double yh, double yl) {
        double q1 = xh / yh;
        mul(q1, 0, yh, yl);
        double rh0 = xh - ah, rr = ((xh - rh0) - ah) + xl - al;
        double q2 = (rh0 + rr) / yh;
        mul(q2, 0, yh, yl);
        double r2 = (rh0 - ah) + (rr - al);
        double q3 = r2 / yh;
        double s = q1 + q2;
        double e = q2 - (s - q1) + q3;
        ah = s + e;
        al = e - (ah - s);
    }

    /** Exact reduction of |x| = sig * 2^(e-63) by n * pi66/2 into (rh, rl); returns n mod 4. */
    private int reduce(long sig, int e) {
        if (e < -2) { // below pi/4: no reduction
            rh = Math.scalb((double) (sig >>> 11), e - 52);
            rl = Math.scalb((double) (sig & 0x7FF), e - 63);
            return 0;
        }
        long n = (long) Math.rint(Math.scalb((double) (sig >>> 11), e - 52) / 1.5707963267948966);
        int sh0 = e + 2; // |x| * 2^65 = sig << (e + 2), at most 86 bits
        long xHi = sh0 == 0 ? 0 : sig >>> (64 - sh0), xLo = sig << sh0;
        long npLo = n * P_LO, npHi = Math.unsignedMultiplyHigh(n, P_LO) + n * P_HI;
        long rLo = xLo - npLo, rHi = xHi - npHi - (Long.compareUnsigned(xLo, npLo) < 0 ? 1 : 0);
        boolean negR = rHi < 0;
        if (negR) { // magnitude of the two's complement value
            rLo = -rLo;
            rHi = ~rHi + (rLo == 0 ? 1 : 0);
        }
        toDouble(rHi, rLo, -65);
        if (negR) {
            rh = -rh;
            rl = -rl;
        }
        return (int) (n & 3);
    }

    /** (rh, rl) = hi:lo * 2^scale, the top 106 bits (the rest is far below the error bound). */
    private void toDouble(long hi, long lo, int scale) {
        int lz = hi != 0 ? Long.numberOfLeadingZeros(hi) : 64 + Long.numberOfLeadingZeros(lo);
        if (lz >= 128) {
            rh = rl = 0;
            return;
        }
        long top = lz >= 64 ? lo << (lz - 64) : lz == 0 ? hi : hi << lz | lo >>> (64 - lz);
        long rest = lz >= 64 ? 0 : lo << lz;
        int lead = 127 - lz + scale; // exponent of the leading bit
        rh = Math.scalb((double) (top >>> 11), lead - 52);
        rl = Math.scalb((double) ((top & 0x7FF) << 42 | rest >>> 22), lead - 52 - 53);
    }

    /**
     * sin and cos of x = (-1)^neg * sig * 2^(e-63) into (sh, sl) and (ch, cl); false when the
     * operand is outside the fast range.
     */
    boolean sinCos(long sig, int e, boolean neg) {
        if (e < -40 || e >= 20) return false;
        int q = reduce(sig, e);
        mul(rh, rl, rh, rl);
        uh = ah;
        ul = al;
        double s1 = 1, s2 = 0, c1 = 1, c2 = 0;
        for (int k = TERMS; k >= 1; k--) { // t = 1 - u * t / ((2k)(2k+1)), likewise for cos
            mul(s1, s2, uh, ul);
            mul(ah, al, SIN_H[k], SIN_L[k]);
            oneMinus();
            s1 = ah;
            s2 = al;
            mul(c1, c2, uh, ul);
            mul(ah, al, COS_H[k], COS_L[k]);
            oneMinus();
            c1 = ah;
            c2 = al;
        }
        mul(s1, s2, rh, rl);
        double s0h = ah, s0l = al;
        boolean swap = (q & 1) != 0, negS = (q == 2 || q == 3) ^ neg, negC = q == 1 || q == 2;
        sh = swap ? c1 : s0h;
        sl = swap ? c2 : s0l;
        ch = swap ? s0h : c1;
        cl = swap ? s0l : c2;
        if (negS) {
            sh = -sh;
            sl = -sl;
        }
        if (negC) {
            ch = -ch;
            cl = -cl;
        }
        return true;
    }

    /** Rounds the sine into f.rSe/f.rM; false if too close to a rounding boundary to decide. */
    boolean roundSin(FpuState f) {
        return round(f, sh, sl);
    }

    boolean roundCos(FpuState f) {
        return round(f, ch, cl);
    }

    boolean roundTan(FpuState f) {
        div(sh, sl, ch, cl);
        return round(f, ah, al);
    }

    /** Rounds h + l (h nonzero) to 64 bits by RC, unless the error bound straddles a boundary. */
    static boolean round(FpuState f, double h, double l) {
        return round(f, h, l, 0);
    }

    /** As {@link #round(FpuState, double, double)} for (h + l) * 2^scale. */
    static boolean round(FpuState f, double h, double l, int scale) {
        if (h == 0 || !Double.isFinite(h)) return false;
        boolean neg = h < 0;
        double ah0 = Math.abs(h), al0 = neg ? -l : l;
        int eh = Math.getExponent(ah0);
        long mh = (long) Math.scalb(ah0, 52 - eh);
        long hi = mh << 11, lo = 0;
        if (al0 != 0) {
            int el = Math.getExponent(Math.abs(al0));
            long ml = (long) Math.scalb(Math.abs(al0), 52 - el);
            int at = 127 - (eh - el) - 52; // bit position of ml's lowest bit in hi:lo
            long addHi, addLo;
            if (at >= 64) {
                addHi = ml << (at - 64);
                addLo = 0;
            } else if (at >= 0) {
                addHi = at == 0 ? 0 : ml >>> (64 - at);
                addLo = ml << at;
            } else {
                addHi = 0;
                addLo = at > -64 ? ml >>> -at : 0;
            }
            if (al0 > 0) {
                lo += addLo;
                hi += addHi + (Long.compareUnsigned(lo, addLo) < 0 ? 1 : 0);
            } else {
                long borrow = Long.compareUnsigned(lo, addLo) < 0 ? 1 : 0;
                lo -= addLo;
                hi -= addHi + borrow;
            }
        }
        int e = eh;
        if (hi >= 0) { // lost the leading bit to a negative low part: renormalize by one
            hi = hi << 1 | lo >>> 63;
            lo <<= 1;
            e--;
        }
        // Too close to the midpoint (nearest) or to a representable value (directed)?
        if (Long.compareUnsigned(lo + MARGIN, 2 * MARGIN) < 0) return false;
        if (Long.compareUnsigned(lo - Long.MIN_VALUE + MARGIN, 2 * MARGIN) < 0) return false;
        Float80.roundPack(f, neg, e + scale, hi, lo | 1, 64, Float80.EXT, true);
        return true;
    }
}
