package org.jvisor.machine.cpu.fpu;

import static org.jvisor.machine.cpu.fpu.Float80.INF;
import static org.jvisor.machine.cpu.fpu.Float80.UNSUPPORTED;
import static org.jvisor.machine.cpu.fpu.Float80.ZERO;

/**
 * The two-operand transcendental values (FYL2X, FYL2XP1, FPATAN) with their special cases
 * (SDM Vol. 2 tables on those pages). The function itself is a {@link StrictMath} double
 * evaluation; see {@link FpuTranscendental} for where that differs from a P6.
 */
final class FpuTranscendentalValues {
    private static final double LN2 = 0.6931471805599453;

    private FpuTranscendentalValues() { }

    /** y * log2(x) (or log2(x + 1)) into f.rSe/f.rM; false if an unmasked exception stops it. */
    static boolean log(FpuState f, int xSe, long xM, int ySe, long yM, boolean plusOne) {
        int cx = Float80.classify(xSe, xM), cy = Float80.classify(ySe, yM);
        if (cx == UNSUPPORTED || cy == UNSUPPORTED) return FpuArith.invalid(f);
        if (Float80.isNaN(cx) || Float80.isNaN(cy)) return FpuArith.propagateNaN(f, xSe, xM, cx, ySe, yM, cy);
        boolean nx = Float80.neg(xSe) && cx != ZERO;
        if (!plusOne && nx) return FpuArith.invalid(f);
        if ((cx == Float80.DENORMAL || cy == Float80.DENORMAL) && !FpuArith.denormal(f)) return false;
        double l;
        if (plusOne) {
            if (cx == INF) return FpuArith.invalid(f);
            l = StrictMath.log1p(FpuTranscendental.toDouble(f, xSe, xM)) / LN2;
            if (Double.isNaN(l)) return FpuArith.invalid(f);
        } else if (cx == ZERO) {
            if (cy == ZERO) return FpuArith.invalid(f);
            if (cy != INF) {
                f.exc |= FpuState.ZE;
                if ((f.control & FpuState.ZE) == 0) return false;
            }
            l = Double.NEGATIVE_INFINITY;
        } else if (cx == INF) {
            if (cy == ZERO) return FpuArith.invalid(f);
            l = Double.POSITIVE_INFINITY;
        } else {
            int e = Float80.unpackExp(xSe, xM);
            double s = FpuTranscendental.toDouble(f, Float80.BIAS, Float80.unpackSig(xM));
            l = e + StrictMath.log(s) / LN2;
            if (l == 0 && cy == INF) return FpuArith.invalid(f);
        }
        if (l != 0 && !Double.isInfinite(l) && !(l == Math.rint(l) && !plusOne)) f.exc |= FpuState.PE;
        int ctl = f.control;
        f.control |= 0x300; // the product is rounded to 64 bits, not by PC
        FpuTranscendental.fromDouble(f, l);
        boolean ok = FpuArith.binary(f, FpuArith.MUL, f.rSe, f.rM, ySe, yM);
        f.control = ctl;
        return ok;
    }

    /** atan2(y, x) into f.rSe/f.rM (FPATAN: y is ST(1), x is ST(0)). */
    static boolean atan(FpuState f, int ySe, long yM, int xSe, long xM) {
        int cx = Float80.classify(xSe, xM), cy = Float80.classify(ySe, yM);
        if (cx == UNSUPPORTED || cy == UNSUPPORTED) return FpuArith.invalid(f);
        if (Float80.isNaN(cx) || Float80.isNaN(cy)) return FpuArith.propagateNaN(f, ySe, yM, cy, xSe, xM, cx);
        if ((cx == Float80.DENORMAL || cy == Float80.DENORMAL) && !FpuArith.denormal(f)) return false;
        int shift = 0;
        if (cx != ZERO && cx != INF && cy != ZERO && cy != INF) {
            shift = Math.max(Float80.unpackExp(xSe, xM), Float80.unpackExp(ySe, yM));
        }
        double y = scaled(f, ySe, yM, cy, shift), x = scaled(f, xSe, xM, cx, shift);
        double r = StrictMath.atan2(y, x);
        if (r != 0) f.exc |= FpuState.PE;
        FpuTranscendental.fromDouble(f, r);
        return true;
    }

    /** The value times 2^-shift as a double (tiny parts flush to a signed zero). */
    private static double scaled(FpuState f, int se, long m, int cls, int shift) {
        if (cls == ZERO || cls == INF || shift == 0) return FpuTranscendental.toDouble(f, se, m);
        int e = Float80.unpackExp(se, m) - shift;
        boolean neg = Float80.neg(se);
        if (e < -1100) return neg ? -0.0 : 0.0;
        return FpuTranscendental.toDouble(f, (neg ? Float80.SIGN : 0) | (e + Float80.BIAS), Float80.unpackSig(m));
    }
}
