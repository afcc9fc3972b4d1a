package org.jvisor.machine.cpu.fpu;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.decode.Insn;

/**
 * x87 arithmetic instructions (SDM Vol. 2 FADD/FADDP/FIADD, FSUB*, FSUBR*, FMUL*, FDIV*,
 * FDIVR*, FSQRT, FCHS, FABS, FRNDINT): operand selection, stack faults and writing results.
 * The value computations are in {@link FpuArith}.
 *
 * <p>ModRM.reg selects the operation: 0 add, 1 multiply, 4/5 subtract, 6/7 divide, the odd
 * ones reversed. For the register forms "reversed" means ST(i) op ST(0) whichever register
 * is the destination (D8: ST(0); DC and DE: ST(i)), which is how the hardware encodes it.
 */
final class FpuArithOps {
    private FpuArithOps() { }

    private static int operation(int reg) {
        return switch (reg) {
            case 0 -> FpuArith.ADD;
            case 1 -> FpuArith.MUL;
            case 4, 5 -> FpuArith.SUB;
            default -> FpuArith.DIV;
        };
    }

    /** D8 C0-FF (not the compares): ST(0) = ST(0) op ST(i). */
    static void st0Sti(Cpu cpu, Insn i) {
        registerForm(cpu, i, 0, false);
    }

    /** DC C0-FF: ST(i) = ST(i) op ST(0). */
    static void stiSt0(Cpu cpu, Insn i) {
        registerForm(cpu, i, i.rm, false);
    }

    /** DE C0-FF: ST(i) = ST(i) op ST(0), then pop. */
    static void stiSt0Pop(Cpu cpu, Insn i) {
        registerForm(cpu, i, i.rm, true);
    }

    private static void registerForm(Cpu cpu, Insn i, int dest, boolean pop) {
        FpuState f = FpuControl.begin(cpu);
        boolean ok;
        if (f.isEmpty(0) || f.isEmpty(i.rm)) {
            ok = FpuControl.stackUnderflow(f);
        } else if ((i.reg & 1) != 0 && i.reg >= 5) {
            ok = FpuArith.binary(f, operation(i.reg), f.seOf(i.rm), f.mantOf(i.rm), f.seOf(0), f.mantOf(0));
        } else {
            ok = FpuArith.binary(f, operation(i.reg), f.seOf(0), f.mantOf(0), f.seOf(i.rm), f.mantOf(i.rm));
        }
        if (ok) f.set(dest, f.rSe, f.rM);
        FpuControl.commit(f);
        if (ok && pop) f.pop();
        FpuControl.retire(cpu, i);
    }

    static void m32fp(Cpu cpu, Insn i) {
        memoryForm(cpu, i, FpuLoadStore.M32FP);
    }

    static void m64fp(Cpu cpu, Insn i) {
        memoryForm(cpu, i, FpuLoadStore.M64FP);
    }

    static void m16int(Cpu cpu, Insn i) {
        memoryForm(cpu, i, FpuLoadStore.M16INT);
    }

    static void m32int(Cpu cpu, Insn i) {
        memoryForm(cpu, i, FpuLoadStore.M32INT);
    }

    /** ST(0) = ST(0) op mem (or mem op ST(0) for the reversed forms). */
    private static void memoryForm(Cpu cpu, Insn i, int kind) {
        FpuState f = FpuControl.begin(cpu);
        FpuLoadStore.load(cpu, i, kind);
        int mSe = f.rSe;
        long mM = f.rM;
        FpuLoadStore.dropDenormalAgainstNaN(f);
        boolean ok;
        if (f.isEmpty(0)) {
            f.exc = 0; // the stack fault is detected before the memory operand is examined
            ok = FpuControl.stackUnderflow(f);
        } else if (FpuControl.unmaskedPre(f)) {
            ok = false;
        } else if ((i.reg & 1) != 0 && i.reg >= 5) {
            ok = FpuArith.binary(f, operation(i.reg), mSe, mM, f.seOf(0), f.mantOf(0));
        } else {
            ok = FpuArith.binary(f, operation(i.reg), f.seOf(0), f.mantOf(0), mSe, mM);
        }
        if (ok) f.set(0, f.rSe, f.rM);
        FpuControl.commit(f);
        FpuControl.retire(cpu, i);
    }

    /** FSQRT (D9 FA). */
    static void fsqrt(Cpu cpu, Insn i) {
        FpuState f = FpuControl.begin(cpu);
        boolean ok = f.isEmpty(0) ? FpuControl.stackUnderflow(f) : FpuArith.sqrt(f, f.seOf(0), f.mantOf(0));
        if (ok) f.set(0, f.rSe, f.rM);
        FpuControl.commit(f);
        FpuControl.retire(cpu, i);
    }

    /** FCHS (D9 E0) and FABS (D9 E1): sign only, no exceptions but underflow; C1 cleared. */
    static void fchs(Cpu cpu, Insn i) {
        signOp(cpu, i, true);
    }

    static void fabs(Cpu cpu, Insn i) {
        signOp(cpu, i, false);
    }

    private static void signOp(Cpu cpu, Insn i, boolean flip) {
        FpuState f = FpuControl.begin(cpu);
        if (f.isEmpty(0)) {
            if (FpuControl.stackUnderflow(f)) f.set(0, f.rSe, f.rM);
        } else {
            int se = f.seOf(0);
            f.set(0, flip ? se ^ Float80.SIGN : se & ~Float80.SIGN, f.mantOf(0));
        }
        FpuControl.commit(f);
        FpuControl.retire(cpu, i);
    }

    /** FRNDINT (D9 FC): rounds ST(0) to an integral value by RC. */
    static void frndint(Cpu cpu, Insn i) {
        FpuState f = FpuControl.begin(cpu);
        boolean ok;
        if (f.isEmpty(0)) {
            ok = FpuControl.stackUnderflow(f);
        } else {
            int se = f.seOf(0);
            long m = f.mantOf(0);
            int c = Float80.classify(se, m);
            if (c == Float80.UNSUPPORTED) {
                ok = FpuArith.invalid(f);
            } else if (Float80.isNaN(c)) {
                ok = FpuArith.propagateNaN(f, se, m, c, se, m, c);
            } else if (c == Float80.ZERO || c == Float80.INF) {
                f.rSe = se;
                f.rM = m;
                ok = true;
            } else {
                ok = c != Float80.DENORMAL || FpuArith.denormal(f);
                if (ok) Float80.roundToIntegral(f, se, m, Float80.rc(f));
            }
        }
        if (ok) f.set(0, f.rSe, f.rM);
        FpuControl.commit(f);
        FpuControl.retire(cpu, i);
    }
}
