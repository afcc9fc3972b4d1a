package org.jvisor.machine.cpu.fpu;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.decode.Insn;

/**
 * x87 comparisons (SDM Vol. 2 FCOM/FCOMP/FCOMPP, FUCOM*, FICOM*, FTST, FXAM, FCOMI/FCOMIP/
 * FUCOMI/FUCOMIP). Results: greater, less, equal, unordered as C3 C2 C0 = 000, 001, 100, 111,
 * or for FCOMI as ZF PF CF with OF, SF and AF cleared. C1 is cleared (0 on stack underflow).
 */
final class FpuCompare {
    static final int GREATER = 0, LESS = 1, EQUAL = 2, UNORDERED = 3;
    private static final int[] CC = {0, FpuState.C0, FpuState.C3, FpuState.C3 | FpuState.C2 | FpuState.C0};
    private static final int[] EFL = {0, Flags.CF, Flags.ZF, Flags.ZF | Flags.PF | Flags.CF};

    private FpuCompare() { }

    /**
     * Compares a with b. Any NaN is unordered; it raises IE for an SNaN always and for a QNaN
     * unless {@code quiet} (the FUCOM family). Unsupported encodings raise IE, denormals DE.
     * Returns -1 when an unmasked exception leaves the condition codes alone.
     */
    static int compare(FpuState f, int aSe, long aM, int bSe, long bM, boolean quiet) {
        int ca = Float80.classify(aSe, aM), cb = Float80.classify(bSe, bM);
        if (ca == Float80.UNSUPPORTED || cb == Float80.UNSUPPORTED
                || ca == Float80.SNAN || cb == Float80.SNAN
                || (!quiet && (ca == Float80.QNAN || cb == Float80.QNAN))) {
            f.exc |= FpuState.IE;
            return (f.control & FpuState.IE) != 0 ? UNORDERED : -1;
        }
        if (Float80.isNaN(ca) || Float80.isNaN(cb)) return UNORDERED;
        if ((ca == Float80.DENORMAL || cb == Float80.DENORMAL) && !FpuArith.denormal(f)) return -1;
        if (ca == Float80.ZERO && cb == Float80.ZERO) return EQUAL;
        int ka = orderKey(aSe, aM, ca), kb = orderKey(bSe, bM, cb);
        boolean na = Float80.neg(aSe) && ca != Float80.ZERO, nb = Float80.neg(bSe) && cb != Float80.ZERO;
        if (na != nb) return na ? LESS : GREATER;
        int c = ka != kb ? Integer.compare(ka, kb)
                : Long.compareUnsigned(Float80.unpackSig(aM), Float80.unpackSig(bM));
        if (c == 0) return EQUAL;
        return (c > 0) != na ? GREATER : LESS;
    }

    /** Magnitude order by exponent: zero lowest, infinity highest. */
    private static int orderKey(int se, long m, int cls) {
        if (cls == Float80.ZERO) return Integer.MIN_VALUE;
        if (cls == Float80.INF) return Integer.MAX_VALUE;
        return Float80.unpackExp(se, m);
    }

    // =======================================================================================
    // Instructions
    // =======================================================================================

    /** D8/DC D0-DF (and the DC D0-DF, DE D0-D7 aliases): FCOM/FCOMP ST(i); pops = 1 for FCOMP. */
    static void fcomReg(Cpu cpu, Insn i) {
        compareRegs(cpu, i, i.rm, false, (i.reg & 1) != 0 || i.opcode == 0xDE ? 1 : 0);
    }

    /** DD E0-EF: FUCOM/FUCOMP ST(i). */
    static void fucomReg(Cpu cpu, Insn i) {
        compareRegs(cpu, i, i.rm, true, i.reg == 5 ? 1 : 0);
    }

    /** DE D9: FCOMPP. */
    static void fcompp(Cpu cpu, Insn i) {
        compareRegs(cpu, i, 1, false, 2);
    }

    /** DA E9: FUCOMPP. */
    static void fucompp(Cpu cpu, Insn i) {
        compareRegs(cpu, i, 1, true, 2);
    }

    private static void compareRegs(Cpu cpu, Insn i, int other, boolean quiet, int pops) {
        FpuState f = FpuControl.begin(cpu);
        int r;
        if (f.isEmpty(0) || f.isEmpty(other)) {
            r = FpuControl.stackUnderflow(f) ? UNORDERED : -1;
        } else {
            r = compare(f, f.seOf(0), f.mantOf(0), f.seOf(other), f.mantOf(other), quiet);
        }
        finish(cpu, i, f, r, pops);
    }

    private static void finish(Cpu cpu, Insn i, FpuState f, int r, int pops) {
        FpuControl.commit(f);
        f.status &= ~FpuState.C1;
        if (r >= 0) {
            f.setCc(CC[r]);
            for (int n = 0; n < pops; n++) f.pop();
        }
        FpuControl.retire(cpu, i);
    }

    /** D8 /2, /3 and DC /2, /3 (m32fp, m64fp), DA/DE /2, /3 (FICOM m32int/m16int). */
    static void fcomMem(Cpu cpu, Insn i) {
        int kind = switch (i.opcode) {
            case 0xD8 -> FpuLoadStore.M32FP;
            case 0xDC -> FpuLoadStore.M64FP;
            case 0xDA -> FpuLoadStore.M32INT;
            default -> FpuLoadStore.M16INT;
        };
        FpuState f = FpuControl.begin(cpu);
        FpuLoadStore.load(cpu, i, kind);
        FpuLoadStore.dropDenormalAgainstNaN(f);
        int r;
        if (f.isEmpty(0)) {
            f.exc = 0; // the stack fault is detected before the memory operand is examined
            r = FpuControl.stackUnderflow(f) ? UNORDERED : -1;
        } else if (FpuControl.unmaskedPre(f)) {
            r = -1;
        } else {
            // A signaling float32/64 operand was quieted by the load, which raised IE already.
            boolean wasSignaling = (f.exc & FpuState.IE) != 0;
            r = compare(f, f.seOf(0), f.mantOf(0), f.rSe, f.rM, false);
            if (wasSignaling && r >= 0) r = UNORDERED;
        }
        finish(cpu, i, f, r, i.reg == 3 ? 1 : 0);
    }

    /** FTST (D9 E4): ST(0) against +0.0. */
    static void ftst(Cpu cpu, Insn i) {
        FpuState f = FpuControl.begin(cpu);
        int r;
        if (f.isEmpty(0)) {
            r = FpuControl.stackUnderflow(f) ? UNORDERED : -1;
        } else {
            r = compare(f, f.seOf(0), f.mantOf(0), 0, 0, false);
        }
        finish(cpu, i, f, r, 0);
    }

    /** FXAM (D9 E5): class in C3 C2 C0, sign in C1; never raises an exception. */
    static void fxam(Cpu cpu, Insn i) {
        FpuState f = FpuControl.begin(cpu);
        int se = f.seOf(0);
        long m = f.mantOf(0);
        int cc;
        if (f.isEmpty(0)) {
            cc = FpuState.C3 | FpuState.C0;
        } else {
            cc = switch (Float80.classify(se, m)) {
                case Float80.UNSUPPORTED -> 0;
                case Float80.QNAN, Float80.SNAN -> FpuState.C0;
                case Float80.NORMAL -> FpuState.C2;
                case Float80.INF -> FpuState.C2 | FpuState.C0;
                case Float80.ZERO -> FpuState.C3;
                default -> FpuState.C3 | FpuState.C2;
            };
        }
        if (Float80.neg(se)) cc |= FpuState.C1;
        f.setCc(cc);
        FpuControl.retire(cpu, i);
    }

    /** DB F0-F7 FCOMI, DF F0-F7 FCOMIP, DB E8-EF FUCOMI, DF E8-EF FUCOMIP. */
    static void fcomi(Cpu cpu, Insn i) {
        FpuState f = FpuControl.begin(cpu);
        boolean quiet = i.reg == 5, pop = i.opcode == 0xDF;
        int r;
        if (f.isEmpty(0) || f.isEmpty(i.rm)) {
            r = FpuControl.stackUnderflow(f) ? UNORDERED : -1;
        } else {
            r = compare(f, f.seOf(0), f.mantOf(0), f.seOf(i.rm), f.mantOf(i.rm), quiet);
        }
        // C1 is left alone unless a stack fault cleared it (as the host x87 does; the SDM says "set to 0").
        int c1 = f.status & FpuState.C1;
        FpuControl.commit(f);
        if ((f.exc & FpuState.SF) == 0) f.status = (f.status & ~FpuState.C1) | c1;
        if (r >= 0) {
            cpu.setArithFlags(EFL[r]);
            if (pop) f.pop();
        }
        FpuControl.retire(cpu, i);
    }
}
