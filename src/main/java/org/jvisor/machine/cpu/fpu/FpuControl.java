package org.jvisor.machine.cpu.fpu;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Paging;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;
import org.jvisor.machine.cpu.decode.Insn;

/**
 * The x87 control instructions and the checks every x87 instruction starts with: #NM from
 * CR0.EM/TS/MP (SDM Vol. 3A 2.5, Table 2-2), pending unmasked exceptions reported as #MF at
 * the next waiting instruction (SDM Vol. 1 8.6-8.7), the last-instruction pointers
 * (SDM Vol. 1 8.1.8-8.1.9) and the status-word bookkeeping after an operation.
 */
final class FpuControl {
    private FpuControl() { }

    // =======================================================================================
    // Instruction prologue / epilogue
    // =======================================================================================

    /** A waiting x87 instruction: #NM if EM or TS, then #MF for a pending unmasked exception. */
    static FpuState begin(Cpu cpu) {
        if ((cpu.cr0 & (Cpu.CR0_EM | Cpu.CR0_TS)) != 0) throw cpu.fault(Vectors.NM);
        FpuState f = cpu.fpu;
        if ((f.status & FpuState.ES) != 0) pendingError(cpu);
        f.exc = 0;
        f.up = false;
        return f;
    }

    /** A non-waiting instruction (FNINIT, FNCLEX, FNSTSW, FNSTCW, FNSTENV, FNSAVE): #NM only. */
    static FpuState beginNoWait(Cpu cpu) {
        if ((cpu.cr0 & (Cpu.CR0_EM | Cpu.CR0_TS)) != 0) throw cpu.fault(Vectors.NM);
        cpu.fpu.exc = 0;
        return cpu.fpu;
    }

    /**
     * SDM Vol. 1 8.7: with CR0.NE=1 the pending exception is #MF before this instruction.
     * With NE=0 a P6 asserts FERR# (IRQ13 through the PIC on a PC) and the instruction runs
     * on; the PC wires IRQ13 from {@link FpuState#status} ES later, here it is only recorded.
     */
    static void pendingError(Cpu cpu) {
        if ((cpu.cr0 & Cpu.CR0_NE) != 0) throw cpu.fault(Vectors.MF);
    }

    /** Records FIP/FCS/FOP and, for a memory operand, FDP/FDS (SDM Vol. 1 8.1.8-8.1.9). */
    static void retire(Cpu cpu, Insn i) {
        FpuState f = cpu.fpu;
        f.fip = cpu.eip;
        f.fcs = cpu.segSel[Seg.CS];
        f.fop = ((i.opcode & 7) << 8) | i.modrm;
        if (i.mod != 3) {
            f.fdp = cpu.ea(i);
            f.fds = cpu.segSel[i.seg];
        }
    }

    /** Merges the operation's exceptions into the status word; C1 reports rounding up (SDM 8.1.3.3). */
    static void commit(FpuState f) {
        int c1 = (f.exc & FpuState.SF) != 0 ? f.status & FpuState.C1
                : f.up && (f.exc & FpuState.PE) != 0 ? FpuState.C1 : 0;
        f.status = (f.status & ~FpuState.C1) | c1 | (f.exc & 0x7F);
        f.updateSummary();
    }

    /** Register-stack underflow (SDM 8.5.1.1): IE and SF with C1=0; true if masked. */
    static boolean stackUnderflow(FpuState f) {
        f.exc |= FpuState.IE | FpuState.SF;
        f.status &= ~FpuState.C1;
        Float80.setIndefinite(f);
        return (f.control & FpuState.IE) != 0;
    }

    /** Register-stack overflow on a push: IE and SF with C1=1; true if masked. */
    static boolean stackOverflow(FpuState f) {
        f.exc |= FpuState.IE | FpuState.SF;
        f.status |= FpuState.C1;
        Float80.setIndefinite(f);
        return (f.control & FpuState.IE) != 0;
    }

    /** True if the operation raised an unmasked invalid, denormal or zero-divide exception. */
    static boolean unmaskedPre(FpuState f) {
        return (f.exc & ~f.control & (FpuState.IE | FpuState.DE | FpuState.ZE)) != 0;
    }

    /** Pushes f.rSe/f.rM, or handles stack overflow when ST(7) is in use. */
    static void pushResult(FpuState f) {
        if (f.tagOf((f.top() - 1) & 7) != FpuState.TAG_EMPTY) {
            f.exc = 0; // the stack fault is detected before the source is examined
            if (!stackOverflow(f)) return;
        }
        f.push(f.rSe, f.rM);
    }

    /**
     * Checks a whole memory destination before any byte is written (segment limit and both
     * ends through paging), so a multi-part store never half-completes.
     */
    static void checkWrite(Cpu cpu, int seg, int off, int size) {
        int lin = cpu.linear(seg, off, size, true);
        int access = cpu.accessBits(true) | Paging.WRITE;
        cpu.paging.translate(lin, access);
        cpu.paging.translate(lin + size - 1, access);
    }

    // =======================================================================================
    // Control instructions
    // =======================================================================================

    /** FNINIT (DB E3). */
    static void fninit(Cpu cpu, Insn i) {
        beginNoWait(cpu).reset();
    }

    /** FNCLEX (DB E2): clears the exception flags, SF, ES and B. */
    static void fnclex(Cpu cpu, Insn i) {
        FpuState f = beginNoWait(cpu);
        f.status &= ~(0x7F | FpuState.ES | FpuState.B);
    }

    /** FNENI, FNDISI, FNSETPM (DB E0, E1, E4): 8087/287 leftovers, no-ops on the P6. */
    static void legacyNop(Cpu cpu, Insn i) {
        beginNoWait(cpu);
    }

    /** FLDCW m16: bit 6 reads as 1 and bits 13-15 as 0; newly unmasked flags become pending. */
    static void fldcw(Cpu cpu, Insn i) {
        FpuState f = begin(cpu);
        int v = cpu.read16(i.seg, cpu.ea(i));
        f.control = (v & 0x1F3F) | 0x40;
        f.updateSummary();
    }

    static void fnstcw(Cpu cpu, Insn i) {
        FpuState f = beginNoWait(cpu);
        cpu.write16(i.seg, cpu.ea(i), f.control);
    }

    static void fnstswMem(Cpu cpu, Insn i) {
        FpuState f = beginNoWait(cpu);
        cpu.write16(i.seg, cpu.ea(i), f.status);
    }

    /** FNSTSW AX (DF E0). */
    static void fnstswAx(Cpu cpu, Insn i) {
        FpuState f = beginNoWait(cpu);
        cpu.setReg16(Reg.EAX, f.status);
    }

    /** WAIT/FWAIT (9B): #NM only when MP and TS are both set (SDM Vol. 3A Table 2-2). */
    static void fwait(Cpu cpu, Insn i) {
        if ((cpu.cr0 & (Cpu.CR0_MP | Cpu.CR0_TS)) == (Cpu.CR0_MP | Cpu.CR0_TS)) throw cpu.fault(Vectors.NM);
        if ((cpu.fpu.status & FpuState.ES) != 0) pendingError(cpu);
    }

    /** FNOP (D9 D0): a waiting instruction that updates the pointers. */
    static void fnop(Cpu cpu, Insn i) {
        begin(cpu);
        retire(cpu, i);
    }

    /** FDECSTP / FINCSTP: move TOP, C1 cleared, tags unchanged. */
    static void fdecstp(Cpu cpu, Insn i) {
        FpuState f = begin(cpu);
        f.setTop(f.top() - 1);
        f.status &= ~FpuState.C1;
        retire(cpu, i);
    }

    static void fincstp(Cpu cpu, Insn i) {
        FpuState f = begin(cpu);
        f.setTop(f.top() + 1);
        f.status &= ~FpuState.C1;
        retire(cpu, i);
    }

    /** FFREE ST(i): tag empty, TOP unchanged. */
    static void ffree(Cpu cpu, Insn i) {
        FpuState f = begin(cpu);
        f.setTag(f.phys(i.rm), FpuState.TAG_EMPTY);
        f.status &= ~FpuState.C1; // the SDM leaves C0-C3 undefined; the host x87 clears C1
        retire(cpu, i);
    }

    /** FFREEP ST(i) (DF C0+i, undocumented on P6): free, then pop. */
    static void ffreep(Cpu cpu, Insn i) {
        FpuState f = begin(cpu);
        f.setTag(f.phys(i.rm), FpuState.TAG_EMPTY);
        f.status &= ~FpuState.C1;
        f.pop();
        retire(cpu, i);
    }

    /** FXCH ST(i) (also the D9/DD/DF aliases): empty operands become the indefinite if masked. */
    static void fxch(Cpu cpu, Insn i) {
        FpuState f = begin(cpu);
        int a = f.phys(0), b = f.phys(i.rm);
        if (f.tagOf(a) == FpuState.TAG_EMPTY || f.tagOf(b) == FpuState.TAG_EMPTY) {
            if (!stackUnderflow(f)) {
                commit(f);
                retire(cpu, i);
                return;
            }
            fillIndefiniteIfEmpty(f, a);
            fillIndefiniteIfEmpty(f, b);
        }
        int se = f.se[a];
        long m = f.mant[a];

        int t = f.tagOf(a);
        f.se[a] = f.se[b];
        f.mant[a] = f.mant[b];
        f.setTag(a, f.tagOf(b));
        f.se[b] = se;
        f.mant[b] = m;
        f.setTag(b, t);
        commit(f);
        retire(cpu, i);
    }

    private static void fillIndefiniteIfEmpty(FpuState f, int p) {
        if (f.tagOf(p) != FpuState.TAG_EMPTY) return;
        f.se[p] = Float80.INDEF_SE;
        f.mant[p] = Float80.INDEF_M;
        f.setTag(p, FpuState.TAG_SPECIAL);
    }
}
