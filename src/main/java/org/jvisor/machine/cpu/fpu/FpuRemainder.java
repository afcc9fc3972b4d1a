package org.jvisor.machine.cpu.fpu;

import static org.jvisor.machine.cpu.fpu.Float80.DENORMAL;
import static org.jvisor.machine.cpu.fpu.Float80.INF;
import static org.jvisor.machine.cpu.fpu.Float80.UNSUPPORTED;
import static org.jvisor.machine.cpu.fpu.Float80.ZERO;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.decode.Insn;

/**
 * The exact exponent/significand instructions: FPREM, FPREM1 (partial remainder), FSCALE and
 * FXTRACT (SDM Vol. 2). All results are exact except where FSCALE denormalizes or overflows.
 */
final class FpuRemainder {
    private FpuRemainder() { }

    /** FPREM (D9 F8): truncating quotient. */
    static void fprem(Cpu cpu, Insn i) {
        remainder(cpu, i, false);
    }

    /** FPREM1 (D9 F5): IEEE remainder, quotient rounded to nearest even. */
    static void fprem1(Cpu cpu, Insn i) {
        remainder(cpu, i, true);
    }

    private static void remainder(Cpu cpu, Insn i, boolean ieee) {
        FpuState f = FpuControl.begin(cpu);
        boolean ok, quotient = false;
        f.status &= ~FpuState.C2;
        if (f.isEmpty(0) || f.isEmpty(1)) {
            ok = FpuControl.stackUnderflow(f);
        } else {
            int before = f.exc;
            ok = compute(f, f.seOf(0), f.mantOf(0), f.seOf(1), f.mantOf(1), ieee);
            quotient = ok && (f.exc & ~before & FpuState.IE) == 0 && !Float80.isNaN(Float80.classify(f.rSe, f.rM));
        }
        if (ok) f.set(0, f.rSe, f.rM);
        int cc = f.status & FpuState.CC;
        FpuControl.commit(f);
        if (quotient) f.status = (f.status & ~FpuState.CC) | cc; // C1 is a quotient bit here, not rounding
        FpuControl.retire(cpu, i);
    }

    /**
     * ST(0) rem ST(1). SDM pseudo-code: when the exponent difference D is below 64 the
     * reduction completes (C2=0, quotient bits Q2 Q1 Q0 in C0 C3 C1); otherwise it reduces by
     * 2^(D-N) with N = 32 + D mod 32 (within the 32..63 the SDM allows) and sets C2=1.
     */
    static boolean compute(FpuState f, int aSe, long aM, int bSe, long bM, boolean ieee) {
        int ca = Float80.classify(aSe, aM), cb = Float80.classify(bSe, bM);
        if (ca == UNSUPPORTED || cb == UNSUPPORTED) return FpuArith.invalid(f);
        if (Float80.isNaN(ca) || Float80.isNaN(cb)) return FpuArith.propagateNaN(f, aSe, aM, ca, bSe, bM, cb);
        if (ca == INF || cb == ZERO) return FpuArith.invalid(f);
        if ((ca == DENORMAL || cb == DENORMAL) && !FpuArith.denormal(f)) return false;
        f.status &= ~FpuState.C2;
        if (ca == ZERO || cb == INF) {
            f.rSe = aSe;
            f.rM = aM;
            setQuotient(f, 0);
            return true;
        }
        boolean neg = Float80.neg(aSe);
        int ea = Float80.unpackExp(aSe, aM), eb = Float80.unpackExp(bSe, bM);
        long sa = Float80.unpackSig(aM), sb = Float80.unpackSig(bM);
        int d = ea - eb;
        if (d < (ieee ? -1 : 0)) {
            Float80.roundPack(f, neg, ea, sa, 0, 64, Float80.EXT, true); // unchanged (normalized)
            setQuotient(f, 0);
            return true;
        }
        if (d == -1) { // FPREM1 with |b|/2 <= |a| < |b| possible
            if (Long.compareUnsigned(sa, sb) > 0) {
                FpuArith.packExact(f, !neg, (sb - sa) + sb, eb - 64);
                setQuotient(f, 1);
            } else {
                Float80.roundPack(f, neg, ea, sa, 0, 64, Float80.EXT, true);
                setQuotient(f, 0);
            }
            return true;
        }
        reduce(f, neg, Float80.neg(aSe), ea, sa, sb, d, ieee);
        return true;
    }

    /** The long division of the significands by D (or N) steps and the C2/quotient report. */
    private static void reduce(FpuState f, boolean neg, boolean negA, int ea, long sa, long sb, int d, boolean ieee) {
        boolean partial = d >= 64;
        int steps = partial ? 32 + d % 32 : d;
        int unitExp = ea - steps - 63;
        long r = sa, q = 0;
        if (Long.compareUnsigned(r, sb) >= 0) {
            r -= sb;
            q = 1;
        }
        for (int n = 0; n < steps; n++) {
            boolean top = r < 0;
            r <<= 1;
            q <<= 1;
            if (top || Long.compareUnsigned(r, sb) >= 0) {
                r -= sb;
                q |= 1;
            }
        }
        if (ieee && !partial) {
            int c = r < 0 ? 1 : Long.compareUnsigned(r << 1, sb);
            if (c > 0 || (c == 0 && (q & 1) != 0)) {
                r = sb - r;
                q++;
                neg = !neg;
            }
        }
        FpuArith.packExact(f, r == 0 ? negA : neg, r, unitExp);
        // An incomplete reduction reports C2=1 and, on the host x87, zero quotient bits.
        setQuotient(f, partial ? 0 : q);
        if (partial) f.status |= FpuState.C2;
    }

    /** Quotient bits: Q2 in C0, Q1 in C3, Q0 in C1. */
    private static void setQuotient(FpuState f, long q) {
        int cc = ((q & 4) != 0 ? FpuState.C0 : 0) | ((q & 2) != 0 ? FpuState.C3 : 0) | ((q & 1) != 0 ? FpuState.C1 : 0);
        f.status = (f.status & ~(FpuState.C0 | FpuState.C1 | FpuState.C3)) | cc;
    }

    /** FSCALE (D9 FD): ST(0) * 2^trunc(ST(1)), rounded to 64 bits (PC does not apply). */
    static void fscale(Cpu cpu, Insn i) {
        FpuState f = FpuControl.begin(cpu);
        boolean ok;
        if (f.isEmpty(0) || f.isEmpty(1)) {
            ok = FpuControl.stackUnderflow(f);
        } else {
            ok = scale(f, f.seOf(0), f.mantOf(0), f.seOf(1), f.mantOf(1));
        }
        if (ok) f.set(0, f.rSe, f.rM);
        FpuControl.commit(f);
        FpuControl.retire(cpu, i);
    }

    static boolean scale(FpuState f, int aSe, long aM, int bSe, long bM) {
        int ca = Float80.classify(aSe, aM), cb = Float80.classify(bSe, bM);
        if (ca == UNSUPPORTED || cb == UNSUPPORTED) return FpuArith.invalid(f);
        if (Float80.isNaN(ca) || Float80.isNaN(cb)) return FpuArith.propagateNaN(f, aSe, aM, ca, bSe, bM, cb);
        boolean na = Float80.neg(aSe), nb = Float80.neg(bSe);
        if (cb == INF) {
            if ((ca == ZERO && !nb) || (ca == INF && nb)) return FpuArith.invalid(f);
            if ((ca == DENORMAL) && !FpuArith.denormal(f)) return false;
            if (ca == ZERO || ca == INF) {
                f.rSe = aSe;
                f.rM = aM;
            } else if (nb) {
                Float80.setZero(f, na);
            } else {
                Float80.setInfinity(f, na, Float80.EXT);
            }
            return true;
        }
        if ((ca == DENORMAL || cb == DENORMAL) && !FpuArith.denormal(f)) return false;
        if (ca == ZERO || ca == INF) {
            f.rSe = aSe;
            f.rM = aM;
            return true;
        }
        int n = 0;
        if (cb != ZERO) {
            int eb = Float80.unpackExp(bSe, bM);
            long sb = Float80.unpackSig(bM);
            n = eb < 0 ? 0 : eb >= 20 ? 1 << 20 : (int) (sb >>> (63 - eb));
            if (nb) n = -n;
        }
        Float80.roundPack(f, na, Float80.unpackExp(aSe, aM) + n, Float80.unpackSig(aM), 0, 64, Float80.EXT, true);
        return true;
    }

    /** FXTRACT (D9 F4): ST(0) = exponent, then push the significand (SDM Vol. 2). */
    static void fxtract(Cpu cpu, Insn i) {
        FpuState f = FpuControl.begin(cpu);
        if (f.isEmpty(0) || !f.isEmpty(7)) {
            // A stack fault leaves the indefinite in both places when masked.
            boolean ok = f.isEmpty(0) ? FpuControl.stackUnderflow(f) : FpuControl.stackOverflow(f);
            if (ok) {
                f.set(0, Float80.INDEF_SE, Float80.INDEF_M);
                f.push(Float80.INDEF_SE, Float80.INDEF_M);
            }
        } else {
            extract(f, f.seOf(0), f.mantOf(0));
        }
        FpuControl.commit(f);
        FpuControl.retire(cpu, i);
    }

    private static void extract(FpuState f, int se, long m) {
        int c = Float80.classify(se, m);
        int sigSe = se;
        long sigM = m;
        boolean ok;
        if (c == UNSUPPORTED || Float80.isNaN(c)) {
            ok = c == UNSUPPORTED ? FpuArith.invalid(f) : FpuArith.propagateNaN(f, se, m, c, se, m, c);
            sigSe = f.rSe;
            sigM = f.rM;
        } else if (c == ZERO) {
            f.exc |= FpuState.ZE;
            ok = (f.control & FpuState.ZE) != 0;
            Float80.setInfinity(f, true, Float80.EXT);
        } else if (c == INF) {
            ok = true;
            Float80.setInfinity(f, false, Float80.EXT);
        } else {
            ok = c != DENORMAL || FpuArith.denormal(f);
            sigSe = (se & Float80.SIGN) | Float80.BIAS;
            sigM = Float80.unpackSig(m);
            Float80.fromLong(f, Float80.unpackExp(se, m));
        }
        if (ok) {
            f.set(0, f.rSe, f.rM);
            f.push(sigSe, sigM);
        }
    }
}
