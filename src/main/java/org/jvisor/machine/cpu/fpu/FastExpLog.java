package org.jvisor.machine.cpu.fpu;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Double-double fast paths of F2XM1 (2^-100 <= |x| < 1), FYL2X (x not a power of two) and
 * FPATAN (operand exponents within 60 of each other):
 * series evaluated to about 104 bits, rounded by {@link FastTrig#round} only when the error
 * bound cannot cross a rounding boundary; otherwise the caller uses {@link ExtendedMath}.
 * Allocation-free: the temporaries are fields of the instance each {@link FpuState} owns.
 */
final class FastExpLog {
    private static final int EXP_TERMS = 30, LOG_TERMS = 36;
    private static final double[] RECIP_H = new double[EXP_TERMS + 1], RECIP_L = new double[EXP_TERMS + 1];
    private static final double[] ODD_H = new double[LOG_TERMS + 1], ODD_L = new double[LOG_TERMS + 1];
    private static final double LN2_H, LN2_L, TWO_OVER_LN2_H, TWO_OVER_LN2_L;
    private static final int ATAN_TERMS = 12, ATAN_STEPS = 16;
    /** atan(k / 16) for k = 0..16, and pi, pi/2, as double-doubles. */
    private static final double[] ATAN_H = new double[ATAN_STEPS + 1], ATAN_L = new double[ATAN_STEPS + 1];
    private static final double PI_H, PI_L, HALF_PI_H, HALF_PI_L;

    static {
        MathContext mc = new MathContext(50);
        for (int k = 1; k <= EXP_TERMS; k++) {
            BigDecimal v = BigDecimal.ONE.divide(BigDecimal.valueOf(k), mc);
            RECIP_H[k] = v.doubleValue();
            RECIP_L[k] = v.subtract(new BigDecimal(RECIP_H[k])).doubleValue();
        }
        for (int k = 0; k <= LOG_TERMS; k++) {
            BigDecimal v = BigDecimal.ONE.divide(BigDecimal.valueOf(2L * k + 1), mc);
            ODD_H[k] = v.doubleValue();
            ODD_L[k] = v.subtract(new BigDecimal(ODD_H[k])).doubleValue();
        }
        BigDecimal ln2 = ExtendedMath.LN2.round(mc), two = BigDecimal.valueOf(2).divide(ln2, mc);
        LN2_H = ln2.doubleValue();
        LN2_L = ln2.subtract(new BigDecimal(LN2_H)).doubleValue();
        TWO_OVER_LN2_H = two.doubleValue();
        TWO_OVER_LN2_L = two.subtract(new BigDecimal(TWO_OVER_LN2_H)).doubleValue();
        for (int k = 0; k <= ATAN_STEPS; k++) {
            BigDecimal a = ExtendedMath.atan(BigDecimal.valueOf(k).divide(BigDecimal.valueOf(ATAN_STEPS)));
            ATAN_H[k] = a.doubleValue();
            ATAN_L[k] = a.subtract(new BigDecimal(ATAN_H[k])).doubleValue();
        }
        PI_H = ExtendedMath.PI.doubleValue();
        PI_L = ExtendedMath.PI.subtract(new BigDecimal(PI_H)).doubleValue();
        HALF_PI_H = ExtendedMath.HALF_PI.doubleValue();
        HALF_PI_L = ExtendedMath.HALF_PI.subtract(new BigDecimal(HALF_PI_H)).doubleValue();
    }

    private double ah, al;

    private void mul(double xh, double xl, double yh, double yl) {
        double p = xh * yh, e = Math.fma(xh, yh, -p) + (xh * yl + xl * yh);
        ah = p + e;
        al = e - (ah - p);
    }

    private void add(double xh, double xl, double yh, double yl) {
        double s = xh + yh, bb = s - xh, e = (xh - (s - bb)) + (yh - bb) + xl + yl;
        ah = s + e;
        al = e - (ah - s);
    }

    private void div(double xh, double xl, double yh, double yl) {
        double q1 = xh / yh;
        mul(q1, 0, yh, yl);
        double rh = xh - ah, rr = ((xh - rh) - ah) + xl - al; // x - q1 y
        double q2 = (rh + rr) / yh;
        mul(q2, 0, yh, yl);
        double r2 = (rh - ah) + (rr - al);
        double q3 = r2 / yh;
        double s = q1 + q2, e = q2 - (s - q1) + q3;
        ah = s + e;
        al = e - (ah - s);
    }

    /** 2^x - 1 for x = (-1)^neg * sig * 2^(e-63), -100 <= e < 0, into f; false to decline. */
    boolean exp2m1(FpuState f, long sig, int e, boolean neg) {
        double xh = Math.scalb((double) (sig >>> 11), e - 52), xl = Math.scalb((double) (sig & 0x7FF), e - 63);
        if (neg) {
            xh = -xh;
            xl = -xl;
        }
        mul(xh, xl, LN2_H, LN2_L);
        double th = ah, tl = al;
        double hh = 1, hl = 0;
        for (int k = EXP_TERMS; k >= 2; k--) { // H = 1 + t H / k
            mul(th, tl, hh, hl);
            mul(ah, al, RECIP_H[k], RECIP_L[k]);
            add(ah, al, 1, 0);
            hh = ah;
            hl = al;
        }
        mul(th, tl, hh, hl);
        return FastTrig.round(f, ah, al);
    }

    /** y * log2(x) for finite positive x that is not a power of two and finite nonzero y. */
    boolean ylog2x(FpuState f, int xSe, long xM, int ySe, long yM) {
        int ex = Float80.unpackExp(xSe, xM);
        long sx = Float80.unpackSig(xM);
        int base = ex == 0 || ex == -1 ? 0 : ex; // near 1 the logarithm is taken of x itself
        int scale = base == 0 ? ex : 0;
        double mh = Math.scalb((double) (sx >>> 11), scale - 52), ml = Math.scalb((double) (sx & 0x7FF), scale - 63);
        add(mh, ml, -1, 0);
        double nh = ah, nl = al;
        add(mh, ml, 1, 0);
        div(nh, nl, ah, al); // z = (m - 1) / (m + 1), |z| <= 1/3
        return finishLog(f, base, ySe, yM);
    }

    /** y * log2(1 + x) for 2^-60 <= |x| < 1/4 and finite nonzero y (FYL2XP1). */
    boolean ylog2xp1(FpuState f, int xSe, long xM, int ySe, long yM) {
        int ex = Float80.unpackExp(xSe, xM);
        if (ex < -60 || ex > -3) return false;
        long sx = Float80.unpackSig(xM);
        double xh = Math.scalb((double) (sx >>> 11), ex - 52), xl = Math.scalb((double) (sx & 0x7FF), ex - 63);
        if (Float80.neg(xSe)) {
            xh = -xh;
            xl = -xl;
        }
        add(xh, xl, 2, 0);
        div(xh, xl, ah, al); // z = x / (2 + x)
        return finishLog(f, 0, ySe, yM);
    }

    /** From z in (ah, al): y * (base + 2 atanh(z) / ln 2), rounded. */
    private boolean finishLog(FpuState f, int base, int ySe, long yM) {
        double zh = ah, zl = al;
        mul(zh, zl, zh, zl);
        double wh = ah, wl = al, sh = ODD_H[LOG_TERMS], sl = ODD_L[LOG_TERMS];
        for (int k = LOG_TERMS - 1; k >= 0; k--) { // S = 1/(2k+1) + w S
            mul(wh, wl, sh, sl);
            add(ah, al, ODD_H[k], ODD_L[k]);
            sh = ah;
            sl = al;
        }
        mul(zh, zl, sh, sl);
        mul(ah, al, TWO_OVER_LN2_H, TWO_OVER_LN2_L); // log2 m = 2 atanh(z) / ln 2
        if (base != 0) add(ah, al, base, 0);
        double lh = ah, ll = al;
        long sy = Float80.unpackSig(yM);
        double yh = Math.scalb((double) (sy >>> 11), -52), yl = Math.scalb((double) (sy & 0x7FF), -63);
        if (Float80.neg(ySe)) {
            yh = -yh;
            yl = -yl;
        }
        mul(lh, ll, yh, yl);
        return FastTrig.round(f, ah, al, Float80.unpackExp(ySe, yM));
    }

    /**
     * atan2(y, x) for finite nonzero operands whose exponents differ by at most 60: z = |y/x|,
     * atan z = atan(k/16) + atan((z - k/16) / (1 + z k/16)) with the series on |t| <= 1/32,
     * pi/2 - atan(1/z) above 1, pi - r for x < 0.
     */
    boolean atan2(FpuState f, int ySe, long yM, int xSe, long xM) {
        int d = Float80.unpackExp(ySe, yM) - Float80.unpackExp(xSe, xM);
        if (d < -60 || d > 60) return false;
        long sy = Float80.unpackSig(yM), sx = Float80.unpackSig(xM);
        double yh = Math.scalb((double) (sy >>> 11), -52), yl = Math.scalb((double) (sy & 0x7FF), -63);
        double xh = Math.scalb((double) (sx >>> 11), -52), xl = Math.scalb((double) (sx & 0x7FF), -63);
        boolean invert = d > 0 || (d == 0 && Long.compareUnsigned(sy, sx) > 0);
        if (invert) {
            div(xh, xl, yh, yl);
            ah = Math.scalb(ah, -d);
            al = Math.scalb(al, -d);
        } else {
            div(yh, yl, xh, xl);
            ah = Math.scalb(ah, d);
            al = Math.scalb(al, d);
        }
        atanUnit(ah, al); // z <= 1
        if (invert) add(HALF_PI_H, HALF_PI_L, -ah, -al);
        if (Float80.neg(xSe)) add(PI_H, PI_L, -ah, -al);
        if (Float80.neg(ySe)) {
            ah = -ah;
            al = -al;
        }
        return FastTrig.round(f, ah, al);
    }

    /** (ah, al) = atan(z) for 0 < z <= 1. */
    private void atanUnit(double zh, double zl) {
        int k = (int) Math.rint(zh * ATAN_STEPS);
        double c = (double) k / ATAN_STEPS;
        add(zh, zl, -c, 0);
        double nh = ah, nl = al;
        mul(zh, zl, c, 0);
        add(ah, al, 1, 0);
        div(nh, nl, ah, al); // t = (z - c) / (1 + z c), |t| <= 1/32
        double th = ah, tl = al;
        mul(th, tl, th, tl);
        double wh = -ah, wl = -al, sh = ODD_H[ATAN_TERMS], sl = ODD_L[ATAN_TERMS];
        for (int j = ATAN_TERMS - 1; j >= 0; j--) { // S = 1/(2j+1) - w S
            mul(wh, wl, sh, sl);
            add(ah, al, ODD_H[j], ODD_L[j]);
            sh = ah;
            sl = al;
        }
        mul(th, tl, sh, sl);
        add(ah, al, ATAN_H[k], ATAN_L[k]);
    }
}
