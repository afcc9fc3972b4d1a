package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.CpuFault;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Paging;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;

/**
 * Interrupt and exception delivery through the IVT (real mode) or IDT (SDM Vol. 3A 6.12,
 * Vol. 2 INT n). Every check happens before anything is committed, so a fault during
 * delivery leaves the registers as they were; the nested fault is then delivered under
 * the double-fault rules (SDM 6.15 Table 6-5), and a fault while delivering #DF shuts the
 * processor down (triple fault).
 */
public final class Interrupts {
    /** The EXT bit of an error code: the fault happened while delivering an external event (SDM 6.13). */
    static final int EXT = 1;

    private Interrupts() { }

    /**
     * Delivers an event. {@code kind} is one of Cpu.EVENT_*: faults return to cpu.eip,
     * traps and software interrupts to cpu.nextEip, external interrupts to cpu.eip.
     * On return both cpu.eip and cpu.nextEip hold the handler's entry point, so it works
     * from the run loop and from inside an instruction alike. A software interrupt
     * (INT n, INT3, INTO) that faults raises the fault as the instruction's own
     * (EIP at the instruction, no EXT bit).
     */
    public static void deliver(Cpu cpu, int vector, int errorCode, boolean hasErrorCode, int kind) {
        if (kind == Cpu.EVENT_SOFTWARE) {
            deliverOnce(cpu, vector, errorCode, hasErrorCode, kind);
            return;
        }
        int v = vector, err = errorCode, k = kind;
        boolean hasErr = hasErrorCode;
        while (true) {
            try {
                deliverOnce(cpu, v, err, hasErr, k);
                return;
            } catch (CpuFault f) {
                if (v == Vectors.DF && k == Cpu.EVENT_FAULT) throw cpu.shutdown("triple fault");
                int second = f.vector;
                boolean secondHasErr = f.hasErrorCode;
                int secondErr = secondHasErr && second != Vectors.PF ? f.errorCode | EXT : f.errorCode;
                // A hypervisor intercepting exceptions sees the nested fault itself (run loop → exit).
                if (cpu.interceptExceptions) throw cpu.fault(second, secondErr);
                if (k == Cpu.EVENT_FAULT && isDoubleFault(v, second)) {
                    v = Vectors.DF;
                    err = 0;
                    hasErr = true;
                } else {
                    v = second;
                    err = secondErr;
                    hasErr = secondHasErr;
                }
                k = Cpu.EVENT_FAULT;
            }
        }
    }

    /** SDM 6.15 Table 6-5: which second exception while delivering a first one becomes #DF. */
    static boolean isDoubleFault(int first, int second) {
        boolean secondBad = Vectors.isContributory(second) || second == Vectors.PF;
        if (Vectors.isContributory(first)) return Vectors.isContributory(second);
        return first == Vectors.PF && secondBad;
    }

    private static void deliverOnce(Cpu cpu, int vector, int err, boolean hasErr, int kind) {
        int returnEip = kind == Cpu.EVENT_TRAP || kind == Cpu.EVENT_SOFTWARE ? cpu.nextEip : cpu.eip;
        if (!cpu.isProtectedMode()) {
            realMode(cpu, vector, returnEip);
            return;
        }
        // In virtual-8086 mode only INT n is IOPL-sensitive (Vol. 2 INT: "...IOPL < 3 AND INT n");
        // exec.InterruptOps checks it. INT3 and INTO go through the IDT like any software interrupt.
        int flags = cpu.getEflags();
        // SDM 17.3.1.1: the EFLAGS image of a fault-class exception has RF set (not for #DB).
        if (kind == Cpu.EVENT_FAULT && vector != Vectors.DB && vector != Vectors.DF) flags |= Flags.RF;
        protectedMode(cpu, vector, err, hasErr, kind, returnEip, flags);
    }

    /** Real-address mode (SDM 20.1.4): IVT entry CS:IP, push FLAGS, CS, IP; clear IF, TF, AC. */
    private static void realMode(Cpu cpu, int vector, int returnEip) {
        if (Integer.compareUnsigned(vector * 4 + 3, cpu.idtLimit) > 0) throw cpu.fault(Vectors.GP, 0);
        Stacks.checkCurrent(cpu, 3, 2);
        int entry = cpu.readLinear32(cpu.idtBase + vector * 4, 0);
        int flags = cpu.getEflags();
        Stacks.putCurrent(cpu, 1, 2, flags);
        Stacks.putCurrent(cpu, 2, 2, cpu.segSel[Seg.CS]);
        Stacks.putCurrent(cpu, 3, 2, returnEip);
        cpu.adjustEsp(-6);
        cpu.setEflags(flags & ~(Flags.IF | Flags.TF | Flags.AC | Flags.RF));
        Segments.loadReal(cpu, Seg.CS, entry >>> 16);
        enter(cpu, entry & 0xFFFF);
    }

    private static void enter(Cpu cpu, int eip) {
        cpu.eip = eip;
        cpu.nextEip = eip;
        cpu.endBlock = true;
    }

    /** Protected mode (SDM 6.12.1, Vol. 2 INT n): gate checks, then a task, inner or same-level transfer. */
    private static void protectedMode(Cpu cpu, int vector, int err, boolean hasErr, int kind, int returnEip, int flags) {
        int gateErr = vector * 8 + 2;
        if (Integer.compareUnsigned(vector * 8 + 7, cpu.idtLimit) > 0) throw cpu.fault(Vectors.GP, gateErr);
        int lo = cpu.readLinear32(cpu.idtBase + vector * 8, 0);
        int hi = cpu.readLinear32(cpu.idtBase + vector * 8 + 4, 0);
        long gate = (lo & 0xFFFFFFFFL) | ((long) hi << 32);
        int type = Descriptors.type(gate);
        boolean gateType = type == 5 || type == 6 || type == 7 || type == 0xE || type == 0xF;
        if (Descriptors.codeOrData(gate) || !gateType) throw cpu.fault(Vectors.GP, gateErr);
        if (kind == Cpu.EVENT_SOFTWARE && Descriptors.dpl(gate) < cpu.cpl) throw cpu.fault(Vectors.GP, gateErr);
        if (!Descriptors.present(gate)) throw cpu.fault(Vectors.NP, gateErr);
        if (type == 5) {
            taskGate(cpu, gate, err, hasErr, returnEip);
            return;
        }
        int sel = Descriptors.gateSelector(gate);
        if ((sel & ~3) == 0) throw cpu.fault(Vectors.GP, 0);
        long cs = Descriptors.read(cpu, sel, Vectors.GP);
        if (!Descriptors.isCode(cs) || Descriptors.dpl(cs) > cpu.cpl) throw cpu.fault(Vectors.GP, sel & 0xFFFC);
        if (!Descriptors.present(cs)) throw cpu.fault(Vectors.NP, sel & 0xFFFC);
        int dpl = Descriptors.dpl(cs);
        if (!Descriptors.conforming(cs) && dpl < cpu.cpl) {
            // From V86 mode only to a ring-0 handler (SDM 20.3.1.1).
            if (cpu.isV86() && dpl != 0) throw cpu.fault(Vectors.GP, sel & 0xFFFC);
            toInnerLevel(cpu, gate, cs, err, hasErr, returnEip, flags);
        } else {
            if (cpu.isV86()) throw cpu.fault(Vectors.GP, sel & 0xFFFC);
            toSameLevel(cpu, gate, cs, err, hasErr, returnEip, flags);
        }
    }

    /** Flags on entry: TF, NT, RF and VM clear; an interrupt gate (not a trap gate) clears IF (SDM 6.12.1.3). */
    private static int handlerFlags(long gate, int flags) {
        int f = flags & ~(Flags.TF | Flags.NT | Flags.RF | Flags.VM);
        return (Descriptors.type(gate) & 1) == 0 ? f & ~Flags.IF : f;
    }

    private static int entryOffset(Cpu cpu, long gate, long cs) {
        int offset = Descriptors.gateOffset(gate);
        if (!Segments.withinLimit(cs, offset)) throw cpu.fault(Vectors.GP, 0);
        return offset;
    }

    /** Inter-privilege delivery: stack from the TSS, frame [GS FS DS ES] SS ESP EFLAGS CS EIP [err]. */
    private static void toInnerLevel(Cpu cpu, long gate, long cs, int err, boolean hasErr, int returnEip, int flags) {
        int newCpl = Descriptors.dpl(cs);
        boolean fromV86 = cpu.isV86();
        long stack = Tss.innerStack(cpu, newCpl);
        int ssSel = (int) (stack >>> 32), esp = (int) stack;
        long ss = Segments.checkStack(cpu, ssSel, newCpl, Vectors.TS);
        int width = (Descriptors.type(gate) & 8) != 0 ? 4 : 2;
        int ssAr = Descriptors.accessRights(ss), ssBase = Descriptors.base(ss);
        int count = (fromV86 ? 9 : 5) + (hasErr ? 1 : 0);
        Stacks.checkRoom(cpu, Descriptors.limit(ss), ssAr, esp, count, width, Vectors.SS, ssSel & 0xFFFC);
        int offset = entryOffset(cpu, gate, cs);
        int access = newCpl == 3 ? Paging.USER : 0;
        int slot = 1;
        if (fromV86) {
            Stacks.put(cpu, ssBase, ssAr, esp, slot++, width, cpu.segSel[Seg.GS], access);
            Stacks.put(cpu, ssBase, ssAr, esp, slot++, width, cpu.segSel[Seg.FS], access);
            Stacks.put(cpu, ssBase, ssAr, esp, slot++, width, cpu.segSel[Seg.DS], access);
            Stacks.put(cpu, ssBase, ssAr, esp, slot++, width, cpu.segSel[Seg.ES], access);
        }
        Stacks.put(cpu, ssBase, ssAr, esp, slot++, width, cpu.segSel[Seg.SS], access);
        Stacks.put(cpu, ssBase, ssAr, esp, slot++, width, cpu.r[Reg.ESP], access);
        Stacks.put(cpu, ssBase, ssAr, esp, slot++, width, flags, access);
        Stacks.put(cpu, ssBase, ssAr, esp, slot++, width, cpu.segSel[Seg.CS], access);
        Stacks.put(cpu, ssBase, ssAr, esp, slot++, width, returnEip, access);
        if (hasErr) Stacks.put(cpu, ssBase, ssAr, esp, slot, width, err, access);
        int csSel = Descriptors.gateSelector(gate);
        ss = Descriptors.setAccessed(cpu, ssSel, ss);
        cs = Descriptors.setAccessed(cpu, csSel, cs);
        // Commit: nothing below can fault.
        cpu.setEflags(handlerFlags(gate, flags));
        if (fromV86) {
            for (int s : V86_DATA) Segments.loadNull(cpu, s, 0);
        }
        cpu.setSegment(Seg.SS, ssSel, ssBase, Descriptors.limit(ss), ssAr);
        cpu.r[Reg.ESP] = Stacks.espAfter(esp, ssAr, count * width);
        Segments.loadCode(cpu, csSel, cs, newCpl);
        enter(cpu, width == 4 ? offset : offset & 0xFFFF);
    }

    private static final int[] V86_DATA = {Seg.ES, Seg.DS, Seg.FS, Seg.GS};

    /** Same-privilege delivery (DPL = CPL, or a conforming handler): EFLAGS CS EIP [err] on the current stack. */
    private static void toSameLevel(Cpu cpu, long gate, long cs, int err, boolean hasErr, int returnEip, int flags) {
        int width = (Descriptors.type(gate) & 8) != 0 ? 4 : 2;
        int count = hasErr ? 4 : 3;
        Stacks.checkCurrent(cpu, count, width);
        int offset = entryOffset(cpu, gate, cs);
        Stacks.putCurrent(cpu, 1, width, flags);
        Stacks.putCurrent(cpu, 2, width, cpu.segSel[Seg.CS]);
        Stacks.putCurrent(cpu, 3, width, returnEip);
        if (hasErr) Stacks.putCurrent(cpu, 4, width, err);
        int csSel = Descriptors.gateSelector(gate);
        cs = Descriptors.setAccessed(cpu, csSel, cs);
        cpu.adjustEsp(-count * width);
        cpu.setEflags(handlerFlags(gate, flags));
        Segments.loadCode(cpu, csSel, cs, cpu.cpl);
        enter(cpu, width == 4 ? offset : offset & 0xFFFF);
    }

    /**
     * A task gate in the IDT (SDM 6.12.2): switch tasks as a CALL does (busy, NT, back
     * link), then push the error code on the new task's stack.
     */
    private static void taskGate(Cpu cpu, long gate, int err, boolean hasErr, int returnEip) {
        int tssSel = Descriptors.gateSelector(gate);
        long tss = TaskSwitch.checkTarget(cpu, tssSel);
        boolean trap = TaskSwitch.run(cpu, tssSel, tss, TaskSwitch.CALL, returnEip);
        if (hasErr) {
            if (Tss.is32(Descriptors.type(tss))) cpu.push32(err);
            else cpu.push16(err);
        }
        enter(cpu, cpu.eip);
        if (trap) TaskSwitch.debugTrap(cpu);
    }
}
