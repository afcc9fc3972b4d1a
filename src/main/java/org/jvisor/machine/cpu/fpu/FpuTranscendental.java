package org.jvisor.machine.cpu.fpu;

import java.math.BigDecimal;
import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.decode.Insn;

/**
 * x87 transcendental instructions: FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1
 * (SDM Vol. 2 and Vol. 1 8.3.10). Values come from {@link ExtendedMath} (about 199-bit
 * series) and are rounded once to 64 bits by RC, with PE, UE/OE and C1 as for arithmetic.
 *
 * <p><b>Where results can differ from a real x87.</b>
 * <ul>
 * <li>These results are correctly rounded; a P6 (and later x87s) is only guaranteed to be
 *     within about one unit in the last place, so the last bit and C1 can differ for some
 *     operands.</li>
 * <li>The P6 reduces trigonometric arguments with a 66-bit value of pi; this model reduces
 *     exactly (110-digit pi), so for arguments far from zero the results differ beyond the
 *     bits that 66-bit pi makes meaningful (the host x87 used by the differential tests
 *     differs from the P6 here too).</li>
 * <li>Outside the documented operand ranges the P6 result is undefined; this model follows
 *     the host x87 the differential tests run on: F2XM1 with |x| > 1 returns x, with x = 1
 *     returns 1 - tiny rounded by RC, with x = -1 returns -0.5 (all with PE); FYL2XP1 with
 *     x <= -1 returns x (PE); FYL2XP1 with x >= 1 - sqrt(2)/2 returns the true value,
 *     where the host's differs in its last bits. Tiny FPTAN arguments round as if tan x
 *     were just below |x| (host behaviour), and FSINCOS reports the sine's rounding in C1.</li>
 * <li>As on the P6: FPTAN pushes exactly 1.0; FSIN, FCOS, FSINCOS and FPTAN with
 *     |ST(0)| >= 2^63 set C2=1 and leave the operand unchanged.</li>
 * </ul>
 * FSIN/FCOS/FSINCOS/FPTAN with 2^-40 <= |x| < 2^20, F2XM1 with 2^-100 <= |x| < 1, FYL2X,
 * FYL2XP1 with 2^-60 <= |x| < 1/4 and FPATAN (exponents within 60) take allocation-free
 * double-double paths ({@link FastTrig}, {@link FastExpLog}; about a microsecond); extreme
 * operands, and the rare operands whose
 * fast result lies too close to a rounding boundary, go through {@link ExtendedMath}'s
 * BigDecimal series, which allocates and costs tens of microseconds.
 */
final class FpuTranscendental {
    private static final int SIN = 0, COS = 1, SINCOS = 2, TAN = 3;
    private static final int ONE_SE = 0x3FFF;

    private FpuTranscendental() { }

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
        if (f.isEmpty(0) || (pushes && !f.isEmpty(7))) {
            boolean ok = f.isEmpty(0) ? FpuControl.stackUnderflow(f) : FpuControl.stackOverflow(f);
            if (ok) {
                f.set(0, f.rSe, f.rM);
                if (pushes) f.push(f.rSe, f.rM);
            }
        } else {
            trigValue(f, fn, f.seOf(0), f.mantOf(0));
        }
        FpuControl.commit(f);
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
        if (c == Float80.ZERO) { // sin, tan: the signed zero; cos: 1
            if (fn == COS) f.set(0, ONE_SE, Float80.INT_BIT);
            if (fn == SINCOS) f.push(ONE_SE, Float80.INT_BIT);
            if (fn == TAN) f.push(ONE_SE, Float80.INT_BIT);
            return;
        }
        int e = Float80.unpackExp(se, m);
        if (e >= 63) { // SDM: out of range, C2=1 and the operand unchanged
            f.status |= FpuState.C2;
            return;
        }
        long sig = Float80.unpackSig(m);
        if (fast(f, fn, sig, e, Float80.neg(se))) return;
        BigDecimal x = ExtendedMath.exact(sig, e - 63);
        if (Float80.neg(se)) x = x.negate();
        boolean tiny = e < -40; // sin x ~ x - x^3/6, tan x ~ x + x^3/3, cos x ~ 1 - x^2/2
        writeTrig(f, fn, x, tiny ? null : ExtendedMath.sinCos(x), tiny, c);
    }

    /** Rounds and writes the results: ST(0) for FSIN/FCOS, then the pushed 1.0 or cosine. */
    private static void writeTrig(FpuState f, int fn, BigDecimal x, BigDecimal[] sc, boolean tiny, int c) {
        switch (fn) {
            case SIN -> {
                roundSin(f, x, sc, tiny);
                f.set(0, f.rSe, f.rM);
            }
            case COS -> {
                roundCos(f, sc, tiny);
                f.set(0, f.rSe, f.rM);
            }
            case TAN -> {
                if (tiny) { // tan x is just above |x|; the host x87 rounds normal ones as if just below
                    ExtendedMath.round(f, x, 0, true, c == Float80.DENORMAL ? 1 : -1);
                } else {
                    ExtendedMath.round(f, sc[0].divide(sc[1], ExtendedMath.MC), 0, false, 0);
                }
                f.set(0, f.rSe, f.rM);
                f.push(ONE_SE, Float80.INT_BIT);
            }
            default -> {
                roundSin(f, x, sc, tiny);
                f.set(0, f.rSe, f.rM);
                boolean sinUp = f.up; // C1 reports the sine's rounding (as the host x87 does)
                roundCos(f, sc, tiny);
                f.push(f.rSe, f.rM);
                f.up = sinUp;
            }
        }
    }

    /** The double-double path ({@link FastTrig}); false leaves everything for the exact path. */
    private static boolean fast(FpuState f, int fn, long sig, int e, boolean neg) {
        FastTrig t = f.fastTrig;
        if (!t.sinCos(sig, e, neg)) return false;
        int exc = f.exc;
        boolean ok = switch (fn) {
            case SIN -> t.roundSin(f);
            case COS -> t.roundCos(f);
            case TAN -> t.roundTan(f);
            default -> t.roundSin(f);
        };
        if (!ok) {
            f.exc = exc;
            return false;
        }
        if (fn == SINCOS) {
            int sinSe = f.rSe;
            long sinM = f.rM;
            boolean sinUp = f.up;
            if (!t.roundCos(f)) {
                f.exc = exc;
                return false;
            }
            f.set(0, sinSe, sinM);
            f.push(f.rSe, f.rM);
            f.up = sinUp; // C1 reports the sine's rounding (as the host x87 does)
            return true;
        }
        f.set(0, f.rSe, f.rM);
        if (fn == TAN) f.push(ONE_SE, Float80.INT_BIT);
        return true;
    }

    private static void roundSin(FpuState f, BigDecimal x, BigDecimal[] sc, boolean tiny) {
        if (tiny) {
            ExtendedMath.round(f, x, 0, true, -1);
        } else {
            ExtendedMath.round(f, sc[0], 0, false, 0);
        }
    }

    private static void roundCos(FpuState f, BigDecimal[] sc, boolean tiny) {
        if (tiny) {
            ExtendedMath.round(f, BigDecimal.ONE, 0, true, -1);
        } else {
            ExtendedMath.round(f, sc[1], 0, false, 0);
        }
    }

    /** F2XM1 (D9 F0): 2^x - 1, defined for -1 <= x <= 1. */
    static void f2xm1(Cpu cpu, Insn i) {
        FpuState f = FpuControl.begin(cpu);
        boolean ok;
        if (f.isEmpty(0)) {
            ok = FpuControl.stackUnderflow(f);
        } else {
            ok = FpuTranscendentalValues.exp2m1(f, f.seOf(0), f.mantOf(0));
        }
        if (ok) f.set(0, f.rSe, f.rM);
        FpuControl.commit(f);
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
        if (ok) f.pop();
        FpuControl.retire(cpu, i);
    }
}
