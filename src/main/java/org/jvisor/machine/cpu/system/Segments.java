package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;

/**
 * Loading segment registers (SDM Vol. 3A 3.4.3, 5.4-5.6; Vol. 2 MOV, POP, LDS/LES/LSS).
 * The checks are shared with far transfers, IRET, RETF and task switches, which raise the
 * same conditions with a different vector (#TS during a task switch): hence the
 * {@code vector} parameters.
 */
public final class Segments {
    /** V86-mode segment cache: present, DPL 3, read/write accessed data (SDM 20.1.1). */
    static final int V86_AR = 0xF3;

    private Segments() { }

    /**
     * Loads a data or stack segment register (DS, ES, FS, GS, SS) as MOV and POP do,
     * raising #GP/#SS/#NP with the selector as error code where the SDM says so. Loading
     * SS holds interrupts off for one instruction (SDM 6.8.3) and ends the block.
     */
    public static void load(Cpu cpu, int seg, int selector) {
        loadNoShadow(cpu, seg, selector);
        if (seg == Seg.SS) {
            cpu.interruptShadow = true;
            cpu.endBlock = true;
        }
    }

    /** As {@link #load} without the interrupt shadow (LSS, SDM Vol. 2 LDS/LES/LFS/LGS/LSS). */
    public static void loadNoShadow(Cpu cpu, int seg, int selector) {
        selector &= 0xFFFF;
        if (!cpu.isProtectedMode() || cpu.isV86()) {
            loadReal(cpu, seg, selector);
            return;
        }
        if (seg == Seg.SS) {
            long d = checkStack(cpu, selector, cpu.cpl, Vectors.GP);
            loadDescriptor(cpu, Seg.SS, selector, d);
            return;
        }
        if ((selector & ~3) == 0) {
            loadNull(cpu, seg, selector);
            return;
        }
        long d = checkData(cpu, selector, cpu.cpl, Vectors.GP);
        loadDescriptor(cpu, seg, selector, d);
    }

    /**
     * Real mode: base = selector * 16, the limit and attributes stay (SDM 20.1.1).
     * Virtual-8086 mode: limit 64 KiB, DPL 3 read/write data (SDM 20.2.1).
     */
    public static void loadReal(Cpu cpu, int seg, int selector) {
        if (cpu.isV86()) {
            cpu.setSegment(seg, selector, selector << 4, 0xFFFF, V86_AR);
        } else {
            cpu.setSegment(seg, selector, selector << 4, cpu.segLimit[seg], cpu.segAr[seg] | Cpu.AR_P);
        }
        if (seg == Seg.CS) cpu.endBlock = true;
    }

    /** A null selector in DS/ES/FS/GS: the register is unusable until reloaded (SDM 3.4.2). */
    public static void loadNull(Cpu cpu, int seg, int selector) {
        cpu.setSegment(seg, selector, 0, 0, 0);
    }

    /** Sets the accessed bit and loads the hidden cache from a checked descriptor. */
    public static void loadDescriptor(Cpu cpu, int seg, int selector, long d) {
        d = Descriptors.setAccessed(cpu, selector, d);
        cpu.setSegment(seg, selector, Descriptors.base(d), Descriptors.limit(d), Descriptors.accessRights(d));
    }

    /**
     * Loads CS for a far transfer: the selector's RPL becomes the new CPL (SDM 5.8.1-5.8.6).
     * The caller has checked the descriptor and the new EIP against its limit.
     */
    public static void loadCode(Cpu cpu, int selector, long d, int newCpl) {
        loadDescriptor(cpu, Seg.CS, (selector & 0xFFFC) | newCpl, d);
        cpu.cpl = newCpl;
        cpu.endBlock = true;
    }

    /**
     * Checks a non-null selector for DS/ES/FS/GS at privilege {@code cpl} (SDM Vol. 2 MOV):
     * data or readable code, DPL >= max(CPL, RPL) unless conforming code, else
     * {@code vector}(selector); not present #NP(selector).
     */
    public static long checkData(Cpu cpu, int selector, int cpl, int vector) {
        long d = Descriptors.read(cpu, selector, vector);
        int err = selector & 0xFFFC;
        if (!Descriptors.readable(d)) throw cpu.fault(vector, err);
        int dpl = Descriptors.dpl(d);
        if (!Descriptors.conforming(d) && ((selector & 3) > dpl || cpl > dpl)) throw cpu.fault(vector, err);
        if (!Descriptors.present(d)) throw cpu.fault(Vectors.NP, err);
        return d;
    }

    /**
     * Checks a selector for SS at privilege {@code cpl}: null gives {@code vector}(0); RPL and
     * DPL must equal CPL and the segment be writable data, else {@code vector}(selector);
     * not present #SS(selector) (SDM Vol. 2 MOV, 5.8.5).
     */
    public static long checkStack(Cpu cpu, int selector, int cpl, int vector) {
        if ((selector & ~3) == 0) throw cpu.fault(vector, 0);
        long d = Descriptors.read(cpu, selector, vector);
        int err = selector & 0xFFFC;
        if ((selector & 3) != cpl || !Descriptors.writableData(d) || Descriptors.dpl(d) != cpl) {
            throw cpu.fault(vector, err);
        }
        if (!Descriptors.present(d)) throw cpu.fault(Vectors.SS, err);
        return d;
    }

    /**
     * After a return to an outer privilege level (RETF, IRET): DS, ES, FS and GS that the
     * new CPL may not use (data or non-conforming code with DPL < CPL) become null
     * (SDM Vol. 2 RET, IRET).
     */
    public static void nullInaccessible(Cpu cpu) {
        for (int s : DATA_SEGMENTS) {
            int ar = cpu.segAr[s];
            boolean conformingCode = (ar & 0x1C) == 0x1C;
            int dpl = (ar >>> 5) & 3;
            if ((ar & Cpu.AR_S) != 0 && !conformingCode && dpl < cpu.cpl) loadNull(cpu, s, 0);
        }
    }

    private static final int[] DATA_SEGMENTS = {Seg.ES, Seg.DS, Seg.FS, Seg.GS};

    /** True if {@code offset} lies within a code segment's limit (far transfers #GP(0)). */
    public static boolean withinLimit(long d, int offset) {
        return Integer.compareUnsigned(offset, Descriptors.limit(d)) <= 0;
    }
}
