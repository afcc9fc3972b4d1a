package org.jvisor.machine.cpu.fpu;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.decode.Insn;

/**
 * x87 transcendental instructions: FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1
 * (SDM Vol. 2 and Vol. 1 8.3.10).
 *
 * <p><b>Where results can differ from a real x87.</b> The functions are evaluated with
 * {@link StrictMath} in IEEE double precision and the double is widened to 80 bits, so:
 * <ul>
 * <li>results carry at most 53 significant bits: the low 11 bits of the 64-bit significand
 *     are zero, where a P6 computes them (to within about one unit in the last place), and
 *     the result is not rounded by PC or RC;</li>
 * <li>operands are first rounded to double (to nearest); operands whose exponent lies outside
 *     the double range are scaled by a power of two where the function allows it (FYL2X,
 *     FYL2XP1, FPATAN) and otherwise lose precision or saturate;</li>
 * <li>the P6 reduces trigonometric arguments with a 66-bit approximation of pi, StrictMath with
 *     an exact one, so for large arguments the two can disagree beyond the first bits;</li>
 * <li>PE is set whenever the result is not exactly representable by the rules above, and C1
 *     is always cleared (a P6 reports the direction of its own rounding there);</li>
 * <li>as on the P6: FPTAN pushes exactly 1.0; FSIN, FCOS, FSINCOS and FPTAN with |ST(0)| >=
 *     2^63 set C2=1 and leave the operand unchanged; UE/OE follow from the widened result.</li>
 * </ul>
 */
final class FpuTranscendental {
    private static final int SIN = 0, COS = 1, SINCOS = 2, TAN = 3;

    private FpuTranscendental() { }

    /** 80-bit value to double (round to nearest; huge/tiny values saturate or flush). */
    static double toDouble(FpuState f, int se, long m) {
        int control = f.control, exc = f.exc;
        boolean up = f.up;
        f.control = 0x037F;
        Float80.toFloat(f, se, m, Float80.DBL);
        f.control = control;
        f.exc = exc;
        f.up = up;
        return Double.longBitsToDouble(f.rM);
    }

    /** Widens a double into f.rSe/f.rM exactly; flags PE when the function result was rounded. */
    static void fromDouble(FpuState f, double d) {
        int saved = f.exc;
        Float80.fromFloat64(f, Double.doubleToRawLongBits(d));
        f.exc = saved; // widening is exact: no DE/IE from the conversion itself
    }

    static void fsin(Cpu cpu, Insn i) {
        trig(cpu, i, SIN);
    }

    static void fcos(Cpu cpu, Insn i) {
        trig(cpu, i, COS);
    }

    static void fsincos(Cpu cpu, Insn i) {
        trig(cpu, i, SINCOS);
    }

    static void fptan(Cpu cpu, Insn i) {
        trig(cpu, i, TAN);
    }

    private static void trig(Cpu cpu, Insn i, int fn) {
        FpuState f = FpuControl.begin(cpu);
        boolean pushes = fn == SINCOS || fn == TAN;
        f.status &= ~FpuState.C2;
        if (f.isEmpty(0)) {
            if (FpuControl.stackUnderflow(f)) {
                f.set(0, f.rSe, f.rM);
                if (pushes) FpuControl.pushResult(f);
            }
        } else if (pushes && !f.isEmpty(7)) {
            if (FpuControl.stackOverflow(f)) {
                f.set(0, f.rSe, f.rM);
                f.push(f.rSe, f.rM);
            }
        } else {
            trigValue(f, fn, f.seOf(0), f.mantOf(0));
        }
        FpuControl.commit(f);
        f.status &= ~FpuState.C1;
        FpuControl.retire(cpu, i);
    }

    private static void trigValue(FpuState f, int fn, int se, long m) {
        int c = Float80.classify(se, m);
        boolean pushes = fn == SINCOS || fn == TAN;
        if (c == Float80.UNSUPPORTED || c == Float80.INF || Float80.isNaN(c)) {
            boolean ok = Float80.isNaN(c) ? FpuArith.propagateNaN(f, se, m, c, se, m, c) : FpuArith.invalid(f);
            if (ok) {
                f.set(0, f.rSe, f.rM);
                if (pushes) f.push(f.rSe, f.rM);
            }
            return;
        }
        if (c == Float80.DENORMAL && !FpuArith.denormal(f)) return;
        if (c != Float80.ZERO && Float80.unpackExp(se, m) >= 63) { // out of range: C2=1, unchanged
            f.status |= FpuState.C2;
            return;
        }
        double x = toDouble(f, se, m);
        double s = StrictMath.sin(x), co = StrictMath.cos(x);
        switch (fn) {
            case SIN -> setResult(f, 0, s, c);
            case COS -> setResult(f, 0, co, c == Float80.ZERO ? Float80.NORMAL : c);
            case TAN -> {
                setResult(f, 0, StrictMath.tan(x), c);
                f.push(0x3FFF, Float80.INT_BIT);
            }
            default -> {
                setResult(f, 0, s, c);
                fromDouble(f, co);
                f.push(f.rSe, f.rM);
            }
        }
    }

    /** Writes a function result to ST(i); a zero operand gives its own signed zero exactly. */
    private static void setResult(FpuState f, int i, double d, int operandClass) {
        if (operandClass == Float80.ZERO && d == 0) {
            f.set(i, f.seOf(0), 0);
            return;
        }
        fromDouble(f, d);
        if (d != 0 && !Double.isInfinite(d)) f.exc |= FpuState.PE;
        f.set(i, f.rSe, f.rM);
    }

    /** F2XM1 (D9 F0): 2^x - 1 for -1 <= x <= 1 (outside, the result is undefined on the P6). */
    static void f2xm1(Cpu cpu, Insn i) {
        FpuState f = FpuControl.begin(cpu);
        if (f.isEmpty(0)) {
            if (FpuControl.stackUnderflow(f)) f.set(0, f.rSe, f.rM);
        } else {
            int se = f.seOf(0);
            long m = f.mantOf(0);
            int c = Float80.classify(se, m);
            if (c == Float80.UNSUPPORTED || Float80.isNaN(c)) {
                boolean ok = Float80.isNaN(c) ? FpuArith.propagateNaN(f, se, m, c, se, m, c) : FpuArith.invalid(f);
                if (ok) f.set(0, f.rSe, f.rM);
            } else if (c == Float80.INF) {
                if (Float80.neg(se)) f.set(0, 0xBFFF, Float80.INT_BIT); // 2^-inf - 1 = -1
            } else if (c != Float80.ZERO && (c != Float80.DENORMAL || FpuArith.denormal(f))) {
                setResult(f, 0, StrictMath.expm1(toDouble(f, se, m) * 0.6931471805599453), c);
            }
        }
        FpuControl.commit(f);
        f.status &= ~FpuState.C1;
        FpuControl.retire(cpu, i);
    }

    /** FYL2X (D9 F1): ST(1) = ST(1) * log2(ST(0)), pop. FYL2XP1 (D9 F9): log2(ST(0) + 1). */
    static void fyl2x(Cpu cpu, Insn i) {
        logarithm(cpu, i, false);
    }

    static void fyl2xp1(Cpu cpu, Insn i) {
        logarithm(cpu, i, true);
    }

    private static void logarithm(Cpu cpu, Insn i, boolean plusOne) {
        FpuState f = FpuControl.begin(cpu);
        boolean ok;
        if (f.isEmpty(0) || f.isEmpty(1)) {
            ok = FpuControl.stackUnderflow(f);
        } else {
            ok = FpuTranscendentalValues.log(f, f.seOf(0), f.mantOf(0), f.seOf(1), f.mantOf(1), plusOne);
        }
        finishBinary(cpu, i, f, ok);
    }

    /** FPATAN (D9 F3): ST(1) = arctan(ST(1) / ST(0)) with the quadrant from both signs, pop. */
    static void fpatan(Cpu cpu, Insn i) {
        FpuState f = FpuControl.begin(cpu);
        boolean ok;
        if (f.isEmpty(0) || f.isEmpty(1)) {
            ok = FpuControl.stackUnderflow(f);
        } else {
            ok = FpuTranscendentalValues.atan(f, f.seOf(1), f.mantOf(1), f.seOf(0), f.mantOf(0));
        }
        finishBinary(cpu, i, f, ok);
    }

    private static void finishBinary(Cpu cpu, Insn i, FpuState f, boolean ok) {
        if (ok) f.set(1, f.rSe, f.rM);
        FpuControl.commit(f);
        f.status &= ~FpuState.C1;
        if (ok) f.pop();
        FpuControl.retire(cpu, i);
    }
}
