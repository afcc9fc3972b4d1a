package org.jvisor.machine.cpu.fpu;

import static org.jvisor.machine.cpu.fpu.Float80.INF;
import static org.jvisor.machine.cpu.fpu.Float80.UNSUPPORTED;
import static org.jvisor.machine.cpu.fpu.Float80.ZERO;

import java.math.BigDecimal;

/**
 * The values of F2XM1, FYL2X, FYL2XP1 and FPATAN with their special cases (SDM Vol. 2 tables
 * on those pages); see {@link FpuTranscendental} for how they relate to a P6.
 */
final class FpuTranscendentalValues {
    private FpuTranscendentalValues() { }

    private static BigDecimal signed(BigDecimal v, boolean neg) {
        return neg ? v.negate() : v;
    }

    /** 2^x - 1 into f.rSe/f.rM. */
    static boolean exp2m1(FpuState f, int se, long m) {
        int c = Float80.classify(se, m);
        boolean neg = Float80.neg(se);
        if (c == UNSUPPORTED) return FpuArith.invalid(f);
        if (Float80.isNaN(c)) return FpuArith.propagateNaN(f, se, m, c, se, m, c);
        if (c == INF || c == ZERO) { // +inf stays, -inf gives -1, zeros stay
            f.rSe = c == INF && neg ? 0xBFFF : se;
            f.rM = c == INF && neg ? Float80.INT_BIT : m;
            return true;
        }
        if (c == Float80.DENORMAL && !FpuArith.denormal(f)) return false;
        int e = Float80.unpackExp(se, m);
        long sig = Float80.unpackSig(m);
        if (e >= 0) { // |x| >= 1: the edge of the range and beyond, as the host x87 does
            if (e == 0 && sig == Float80.INT_BIT && !neg) {
                ExtendedMath.round(f, BigDecimal.ONE, 0, true, -1); // 1 - tiny
            } else {
                f.rSe = e == 0 && sig == Float80.INT_BIT ? 0xBFFE : se; // -1 gives -0.5; beyond: x
                f.rM = e == 0 && sig == Float80.INT_BIT ? Float80.INT_BIT : m;
                f.exc |= FpuState.PE;
            }
        } else if (e < -100) { // x ln2 (1 + x ln2 / 2 + ...)
            BigDecimal v = ExtendedMath.exact(sig, 0).multiply(ExtendedMath.LN2, ExtendedMath.MC);
            ExtendedMath.round(f, signed(v, neg), e - 63, false, neg ? -1 : 1);
        } else if (!f.fastExpLog.exp2m1(f, sig, e, neg)) {
            BigDecimal t = signed(ExtendedMath.exact(sig, e - 63), neg).multiply(ExtendedMath.LN2, ExtendedMath.MC);
            ExtendedMath.round(f, ExtendedMath.expm1(t), 0, false, 0);
        }
        return true;
    }

    /** y * log2(x) (or log2(x + 1)) into f.rSe/f.rM; false if an unmasked exception stops it. */
    static boolean log(FpuState f, int xSe, long xM, int ySe, long yM, boolean plusOne) {
        int cx = Float80.classify(xSe, xM), cy = Float80.classify(ySe, yM);
        if (cx == UNSUPPORTED || cy == UNSUPPORTED) return FpuArith.invalid(f);
        if (Float80.isNaN(cx) || Float80.isNaN(cy)) return FpuArith.propagateNaN(f, xSe, xM, cx, ySe, yM, cy);
        boolean nx = Float80.neg(xSe) && cx != ZERO, ny = Float80.neg(ySe);
        if (invalidLog(xSe, xM, cx, cy, nx, plusOne)) return FpuArith.invalid(f); // before DE (SDM 4.9.2)
        boolean zeroDivide = !plusOne && cx == ZERO; // like division: ZE alone (host x87)
        if ((cx == Float80.DENORMAL || cy == Float80.DENORMAL) && !zeroDivide && !FpuArith.denormal(f)) return false;
        return plusOne ? log2p1(f, xSe, xM, cx, ny, ySe, yM, cy) : log2(f, nx, xSe, xM, cx, ny, ySe, yM, cy);
    }

    /** The invalid-operation cases of FYL2X / FYL2XP1 (SDM Vol. 2 tables). */
    private static boolean invalidLog(int xSe, long xM, int cx, int cy, boolean nx, boolean plusOne) {
        if (!plusOne) {
            boolean one = cx == Float80.NORMAL && (xSe & 0x7FFF) == Float80.BIAS && xM == Float80.INT_BIT;
            return nx || (cx == ZERO && cy == ZERO) || (cx == INF && cy == ZERO) || (one && cy == INF);
        }
        if (cx == INF) return nx || cy == ZERO;
        return cx == ZERO && cy == INF;
    }

    private static boolean log2(FpuState f, boolean nx, int xSe, long xM, int cx, boolean ny, int ySe, long yM, int cy) {
        if (nx) return FpuArith.invalid(f);
        if (cx == ZERO) { // log2(0) = -inf
            if (cy == ZERO) return FpuArith.invalid(f);
            if (cy != INF) {
                f.exc |= FpuState.ZE;
                if ((f.control & FpuState.ZE) == 0) return false;
            }
            Float80.setInfinity(f, !ny, Float80.EXT);
            return true;
        }
        int ex = Float80.unpackExp(xSe, xM);
        long sx = Float80.unpackSig(xM);
        boolean below1 = ex < 0;
        boolean one = ex == 0 && sx == Float80.INT_BIT;
        if (cx == INF) {
            if (cy == ZERO) return FpuArith.invalid(f);
            Float80.setInfinity(f, ny, Float80.EXT);
            return true;
        }
        if (cy == INF || cy == ZERO) {
            if (one && cy == INF) return FpuArith.invalid(f);
            if (cy == INF) Float80.setInfinity(f, ny ^ below1, Float80.EXT);
            else Float80.setZero(f, ny ^ below1);
            return true;
        }
        if (sx == Float80.INT_BIT) { // x = 2^ex: the product y * ex is rounded once
            int ctl = f.control;
            f.control |= 0x300;
            Float80.fromLong(f, ex);
            boolean ok = FpuArith.binary(f, FpuArith.MUL, ySe, yM, f.rSe, f.rM);
            f.control = ctl;
            if (ex != 0) { // the host x87 reports these exact products as inexact
                f.exc |= FpuState.PE;
                if ((f.rSe & 0x7FFF) == 0 && f.rM != 0) f.exc |= FpuState.UE;
            }
            return ok;
        }
        if (f.fastExpLog.ylog2x(f, xSe, xM, ySe, yM)) return true;
        BigDecimal l = BigDecimal.valueOf(ex).add(ExtendedMath.ln(ExtendedMath.exact(sx, -63))
                .divide(ExtendedMath.LN2, ExtendedMath.MC), ExtendedMath.MC);
        productWithY(f, l, ny, ySe, yM);
        return true;
    }

    private static void productWithY(FpuState f, BigDecimal l, boolean ny, int ySe, long yM) {
        BigDecimal v = l.multiply(ExtendedMath.exact(Float80.unpackSig(yM), 0), ExtendedMath.MC);
        ExtendedMath.round(f, signed(v, ny), Float80.unpackExp(ySe, yM) - 63, false, 0);
    }

    private static boolean log2p1(FpuState f, int xSe, long xM, int cx, boolean ny, int ySe, long yM, int cy) {
        boolean nx = Float80.neg(xSe);
        if (cx == INF) return nx ? FpuArith.invalid(f) : infinityOrZero(f, cy, ny, false);
        if (cx == ZERO) {
            if (cy == INF) return FpuArith.invalid(f);
            Float80.setZero(f, nx ^ ny);
            return true;
        }
        int ex = Float80.unpackExp(xSe, xM);
        long sx = Float80.unpackSig(xM);
        if (nx && ex >= 0) { // x <= -1: undefined (SDM); the host x87 returns x, inexact
            f.rSe = xSe;
            f.rM = xM;
            f.exc |= FpuState.PE;
            return true;
        }
        if (cy == INF || cy == ZERO) return infinityOrZero(f, cy, ny, nx);
        BigDecimal l;
        if (ex < -100) { // log2(1 + x) ~ x / ln 2
            l = ExtendedMath.exact(sx, 0).divide(ExtendedMath.LN2, ExtendedMath.MC);
            BigDecimal v = l.multiply(ExtendedMath.exact(Float80.unpackSig(yM), 0), ExtendedMath.MC);
            ExtendedMath.round(f, signed(v, nx ^ ny), ex - 63 + Float80.unpackExp(ySe, yM) - 63, false, 0);
            return true;
        }
        if (f.fastExpLog.ylog2xp1(f, xSe, xM, ySe, yM)) return true;
        BigDecimal x = signed(ExtendedMath.exact(sx, ex - 63), nx);
        l = ExtendedMath.ln(BigDecimal.ONE.add(x)).divide(ExtendedMath.LN2, ExtendedMath.MC);
        productWithY(f, l, ny, ySe, yM);
        return true;
    }

    private static boolean infinityOrZero(FpuState f, int cy, boolean ny, boolean negLog) {
        if (cy == ZERO) Float80.setZero(f, ny ^ negLog);
        else Float80.setInfinity(f, ny ^ negLog, Float80.EXT);
        return true;
    }

    /** atan2(y, x) into f.rSe/f.rM (FPATAN: y is ST(1), x is ST(0)). */
    static boolean atan(FpuState f, int ySe, long yM, int xSe, long xM) {
        int cx = Float80.classify(xSe, xM), cy = Float80.classify(ySe, yM);
        if (cx == UNSUPPORTED || cy == UNSUPPORTED) return FpuArith.invalid(f);
        if (Float80.isNaN(cx) || Float80.isNaN(cy)) return FpuArith.propagateNaN(f, ySe, yM, cy, xSe, xM, cx);
        if ((cx == Float80.DENORMAL || cy == Float80.DENORMAL) && !FpuArith.denormal(f)) return false;
        boolean ny = Float80.neg(ySe), nx = Float80.neg(xSe);
        BigDecimal pi = ExtendedMath.PI, half = ExtendedMath.HALF_PI;
        if (cy == ZERO || (cx == INF && cy != INF)) {
            if (!nx) {
                Float80.setZero(f, ny);
            } else {
                ExtendedMath.round(f, signed(pi, ny), 0, false, 0);
            }
            return true;
        }
        if (cx == ZERO || (cy == INF && cx != INF)) {
            ExtendedMath.round(f, signed(half, ny), 0, false, 0);
            return true;
        }
        if (cy == INF) { // both infinite: pi/4 or 3pi/4
            BigDecimal q = half.divide(BigDecimal.valueOf(2), ExtendedMath.MC);
            ExtendedMath.round(f, signed(nx ? pi.subtract(q) : q, ny), 0, false, 0);
            return true;
        }
        if (f.fastExpLog.atan2(f, ySe, yM, xSe, xM)) return true;
        int ey = Float80.unpackExp(ySe, yM), ex = Float80.unpackExp(xSe, xM), d = ey - ex;
        BigDecimal ratio = ExtendedMath.exact(Float80.unpackSig(yM), 0)
                .divide(ExtendedMath.exact(Float80.unpackSig(xM), 0), ExtendedMath.MC);
        if (d < -200) { // atan z ~ z - z^3/3
            if (nx) ExtendedMath.round(f, signed(pi, ny), 0, false, -1);
            else ExtendedMath.round(f, signed(ratio, ny), d, false, -1);
            return true;
        }
        if (d > 200) {
            ExtendedMath.round(f, signed(half, ny), 0, false, nx ? 1 : -1);
            return true;
        }
        BigDecimal z = d >= 0 ? ratio.multiply(new BigDecimal(java.math.BigInteger.ONE.shiftLeft(d)))
                : ratio.divide(new BigDecimal(java.math.BigInteger.ONE.shiftLeft(-d)), ExtendedMath.MC);
        BigDecimal a = ExtendedMath.atan(z);
        if (nx) a = pi.subtract(a, ExtendedMath.MC);
        ExtendedMath.round(f, signed(a, ny), 0, false, 0);
        return true;
    }
}
