package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;

/**
 * Hardware task switch (SDM Vol. 3A 7.3): through a TSS descriptor or task gate from JMP,
 * CALL, INT/exceptions, and back through the back link from IRET with NT set.
 *
 * <p>Everything that can fault in the old task's context (reading the new TSS, writing the
 * old one, the busy bits) happens before the commit point; after it the new task's
 * registers are loaded and the segment checks raise their faults in the new task.
 */
final class TaskSwitch {
    /** The source of the switch: it decides busy bits, NT and the back link (SDM 7.3 Table 7-2). */
    static final int JMP = 0, CALL = 1, IRET = 2;

    // Indices of the new task's state as read from its TSS.
    private static final int EIP = 8, FLAGS = 9, SEGS = 10, LDT = 16, CR3 = 17, TRAP = 18, STATE = 19;

    private TaskSwitch() { }

    /**
     * The TSS a task gate or JMP/CALL names: in the GDT, an available TSS, present
     * (SDM Vol. 2 JMP, CALL, INT: #GP(TSS selector), #NP(TSS selector)).
     */
    static long checkTarget(Cpu cpu, int selector) {
        int err = selector & 0xFFFC;
        if ((selector & 4) != 0) throw cpu.fault(Vectors.GP, err);
        long d = Descriptors.read(cpu, selector, Vectors.GP);
        if (!Tss.isAvailable(d)) throw cpu.fault(Vectors.GP, err);
        if (!Descriptors.present(d)) throw cpu.fault(Vectors.NP, err);
        return d;
    }

    /**
     * Switches to the task whose TSS descriptor {@code d} the selector names; the old task
     * resumes at {@code returnEip}. On return cpu.eip and cpu.nextEip are the new task's EIP.
     * Returns true if the new TSS has its T bit set: the caller then finishes its own work
     * (an error code push) and calls {@link #debugTrap}.
     */
    static boolean run(Cpu cpu, int selector, long d, int source, int returnEip) {
        boolean new32 = Tss.is32(Descriptors.type(d));
        if (Integer.compareUnsigned(Descriptors.limit(d), new32 ? Tss.MIN_LIMIT_32 : Tss.MIN_LIMIT_16) < 0) {
            throw cpu.fault(Vectors.TS, selector & 0xFFFC);
        }
        boolean old32 = Tss.is32(cpu.segAr[Seg.TR] & 0xF);
        if (Integer.compareUnsigned(cpu.segLimit[Seg.TR], old32 ? Tss.MIN_LIMIT_32 : Tss.MIN_LIMIT_16) < 0) {
            throw cpu.fault(Vectors.TS, cpu.segSel[Seg.TR] & 0xFFFC);
        }
        int newBase = Descriptors.base(d);
        int[] st = new32 ? read32(cpu, newBase) : read16(cpu, newBase);
        int flags = cpu.getEflags();
        if (source == IRET) flags &= ~Flags.NT;
        save(cpu, old32, returnEip, flags);
        if (source != CALL) Tss.setBusy(cpu, cpu.segSel[Seg.TR], false);
        if (source == CALL) {
            cpu.writeLinear16(newBase + Tss.LINK, cpu.segSel[Seg.TR], 0);
            st[FLAGS] |= Flags.NT;
        }
        if (source != IRET) Tss.setBusy(cpu, selector, true);
        // Commit point (SDM 7.3 step 10): from here on faults belong to the new task.
        cpu.setSegment(Seg.TR, selector, newBase, Descriptors.limit(d), Descriptors.accessRights(d) | 2);
        cpu.cr0 |= Cpu.CR0_TS;
        if (new32 && (cpu.cr0 & Cpu.CR0_PG) != 0) {
            cpu.cr3 = st[CR3];
            cpu.paging.flushNonGlobal();
        }
        load(cpu, st, new32);
        return st[TRAP] != 0;
    }

    /**
     * The debug trap a TSS with the T bit raises once the switch is complete (SDM 7.2.1,
     * 17.2.3: DR6.BT), before the new task's first instruction.
     */
    static void debugTrap(Cpu cpu) {
        cpu.dr[6] |= 0x8000;
        cpu.nextEip = cpu.eip;
        Exit e = cpu.deliver(Vectors.DB, 0, false, Cpu.EVENT_TRAP);
        if (e != null) throw cpu.fault(Vectors.DB, 0);
    }

    private static int[] read32(Cpu cpu, int base) {
        int[] st = new int[STATE];
        for (int k = 0; k < 8; k++) st[k] = cpu.readLinear32(base + Tss.EAX + 4 * k, 0);
        st[EIP] = cpu.readLinear32(base + Tss.EIP, 0);
        st[FLAGS] = cpu.readLinear32(base + Tss.EFLAGS, 0);
        for (int s = 0; s < 6; s++) st[SEGS + s] = cpu.readLinear16(base + Tss.ES + 4 * s, 0);
        st[LDT] = cpu.readLinear16(base + Tss.LDT, 0);
        st[CR3] = cpu.readLinear32(base + Tss.CR3, 0);
        st[TRAP] = cpu.readLinear16(base + Tss.TRAP, 0) & 1;
        return st;
    }

    /** A 16-bit TSS: no FS, GS, CR3; the upper halves of the registers read as ones (as Bochs models the 286 TSS). */
    private static int[] read16(Cpu cpu, int base) {
        int[] st = new int[STATE];
        for (int k = 0; k < 8; k++) st[k] = 0xFFFF0000 | cpu.readLinear16(base + Tss.AX_16 + 2 * k, 0);
        st[EIP] = cpu.readLinear16(base + Tss.IP_16, 0);
        st[FLAGS] = cpu.readLinear16(base + Tss.FLAGS_16, 0);
        for (int s = 0; s < 4; s++) st[SEGS + s] = cpu.readLinear16(base + Tss.ES_16 + 2 * s, 0);
        st[LDT] = cpu.readLinear16(base + Tss.LDT_16, 0);
        return st;
    }

    /** Saves the dynamic fields of the current task into its TSS (SDM 7.3 step 7). */
    private static void save(Cpu cpu, boolean old32, int eip, int flags) {
        int base = cpu.segBase[Seg.TR];
        if (old32) {
            cpu.writeLinear32(base + Tss.EIP, eip, 0);
            cpu.writeLinear32(base + Tss.EFLAGS, flags, 0);
            for (int k = 0; k < 8; k++) cpu.writeLinear32(base + Tss.EAX + 4 * k, cpu.r[k], 0);
            for (int s = 0; s < 6; s++) cpu.writeLinear16(base + Tss.ES + 4 * s, cpu.segSel[s], 0);
        } else {
            cpu.writeLinear16(base + Tss.IP_16, eip, 0);
            cpu.writeLinear16(base + Tss.FLAGS_16, flags, 0);
            for (int k = 0; k < 8; k++) cpu.writeLinear16(base + Tss.AX_16 + 2 * k, cpu.r[k], 0);
            for (int s = 0; s < 4; s++) cpu.writeLinear16(base + Tss.ES_16 + 2 * s, cpu.segSel[s], 0);
        }
    }

    /** Loads the new task's registers, then checks and loads LDTR and the segments (SDM 7.3 steps 11-13). */
    private static void load(Cpu cpu, int[] st, boolean new32) {
        System.arraycopy(st, 0, cpu.r, 0, 8);
        cpu.setEflags(st[FLAGS]);
        int eip = new32 ? st[EIP] : st[EIP] & 0xFFFF;
        cpu.eip = eip;
        cpu.nextEip = eip;
        cpu.endBlock = true;
        for (int s = 0; s < 6; s++) cpu.setSegment(s, st[SEGS + s], 0, 0, 0);
        cpu.setSegment(Seg.LDTR, st[LDT], 0, 0, 0);
        boolean v86 = (st[FLAGS] & Flags.VM) != 0;
        cpu.cpl = v86 ? 3 : st[SEGS + Seg.CS] & 3;
        loadLdt(cpu, st[LDT]);
        if (v86) {
            for (int s = 0; s < 6; s++) Segments.loadReal(cpu, s, st[SEGS + s]);
            return;
        }
        loadCode(cpu, st[SEGS + Seg.CS]);
        int ss = st[SEGS + Seg.SS];
        Segments.loadDescriptor(cpu, Seg.SS, ss, Segments.checkStack(cpu, ss, cpu.cpl, Vectors.TS));
        for (int s : DATA) {
            int sel = st[SEGS + s];
            if ((sel & ~3) == 0) continue;
            Segments.loadDescriptor(cpu, s, sel, Segments.checkData(cpu, sel, cpu.cpl, Vectors.TS));
        }
    }

    private static final int[] DATA = {Seg.ES, Seg.DS, Seg.FS, Seg.GS};

    /** LDTR from the new TSS: null, or an LDT descriptor in the GDT that is present, else #TS(LDT). */
    private static void loadLdt(Cpu cpu, int sel) {
        if ((sel & ~3) == 0) return;
        int err = sel & 0xFFFC;
        if ((sel & 4) != 0) throw cpu.fault(Vectors.TS, err);
        long d = Descriptors.read(cpu, sel, Vectors.TS);
        if (Descriptors.codeOrData(d) || Descriptors.type(d) != 2 || !Descriptors.present(d)) {
            throw cpu.fault(Vectors.TS, err);
        }
        cpu.setSegment(Seg.LDTR, sel, Descriptors.base(d), Descriptors.limit(d), Descriptors.accessRights(d));
    }

    /** CS of the new task: code, DPL = RPL (non-conforming) or DPL <= RPL (conforming), else #TS; #NP if absent. */
    private static void loadCode(Cpu cpu, int sel) {
        int err = sel & 0xFFFC;
        if (err == 0) throw cpu.fault(Vectors.TS, 0);
        long d = Descriptors.read(cpu, sel, Vectors.TS);
        int dpl = Descriptors.dpl(d), rpl = sel & 3;
        if (!Descriptors.isCode(d)) throw cpu.fault(Vectors.TS, err);
        if (Descriptors.conforming(d) ? dpl > rpl : dpl != rpl) throw cpu.fault(Vectors.TS, err);
        if (!Descriptors.present(d)) throw cpu.fault(Vectors.NP, err);
        Segments.loadDescriptor(cpu, Seg.CS, sel, d);
    }
}
