package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;
import org.jvisor.machine.cpu.decode.Insn;

/**
 * IRET / IRETD (SDM Vol. 2 IRET): real mode, virtual-8086 mode, task return (NT), the
 * return to virtual-8086 mode, and protected-mode returns to the same or an outer level.
 * Which EFLAGS bits the popped image may change depends on the operand size, CPL and IOPL.
 */
final class Iret {
    /** Bits a real-mode IRETD may load; VM, VIF and VIP keep their values (SDM Vol. 2 IRET). */
    private static final int REAL_MASK = 0x257FD5;
    /** Bits every protected-mode IRET loads. */
    private static final int BASIC = Flags.ARITH | Flags.TF | Flags.DF | Flags.NT;

    private Iret() { }

    static void iret(Cpu cpu, Insn i) {
        if (!cpu.isProtectedMode()) {
            real(cpu, i.op32);
        } else if (cpu.isV86()) {
            // IOPL < 3 traps to the virtual-8086 monitor.
            if ((cpu.getEflags() & Flags.IOPL) != Flags.IOPL) throw cpu.fault(Vectors.GP, 0);
            v86(cpu, i.op32);
        } else if ((cpu.getEflags() & Flags.NT) != 0) {
            taskReturn(cpu);
        } else {
            protectedMode(cpu, i.op32);
        }
    }

    private static void finish(Cpu cpu, int eip) {
        cpu.nextEip = eip;
        cpu.endBlock = true;
    }

    private static void real(Cpu cpu, boolean op32) {
        int w = op32 ? 4 : 2;
        int eip = Stacks.peek(cpu, 0, w), cs = Stacks.peek(cpu, w, w) & 0xFFFF, image = Stacks.peek(cpu, 2 * w, w);
        if (Integer.compareUnsigned(eip, cpu.segLimit[Seg.CS]) > 0) throw cpu.fault(Vectors.GP, 0);
        int old = cpu.getEflags();
        int flags = op32 ? (image & REAL_MASK) | (old & 0x1A0000) : (old & 0xFFFF0000) | (image & 0xFFFF);
        cpu.adjustEsp(3 * w);
        cpu.setEflags(flags);
        Segments.loadReal(cpu, Seg.CS, cs);
        finish(cpu, eip);
    }

    /** Virtual-8086 mode with IOPL 3: IOPL, VM, VIF and VIP are not changed by the pop. */
    private static void v86(Cpu cpu, boolean op32) {
        int w = op32 ? 4 : 2;
        int eip = Stacks.peek(cpu, 0, w), cs = Stacks.peek(cpu, w, w) & 0xFFFF, image = Stacks.peek(cpu, 2 * w, w);
        if (Integer.compareUnsigned(eip, cpu.segLimit[Seg.CS]) > 0) throw cpu.fault(Vectors.GP, 0);
        int old = cpu.getEflags();
        int keep = Flags.IOPL | Flags.VM | Flags.VIF | Flags.VIP | (op32 ? 0 : 0xFFFF0000);
        cpu.adjustEsp(3 * w);
        cpu.setEflags((image & ~keep) | (old & keep));
        Segments.loadReal(cpu, Seg.CS, cs);
        finish(cpu, eip);
    }

    /** NT = 1: return to the task in the back link, which must be a busy TSS in the GDT (SDM 7.4). */
    private static void taskReturn(Cpu cpu) {
        int link = cpu.readLinear16(cpu.segBase[Seg.TR] + Tss.LINK, 0);
        int err = link & 0xFFFC;
        if ((link & 4) != 0) throw cpu.fault(Vectors.TS, err);
        long d = Descriptors.read(cpu, link, Vectors.TS);
        if (!Tss.isBusy(d)) throw cpu.fault(Vectors.TS, err);
        if (!Descriptors.present(d)) throw cpu.fault(Vectors.NP, err);
        if (TaskSwitch.run(cpu, link, d, TaskSwitch.IRET, cpu.nextEip)) TaskSwitch.debugTrap(cpu);
    }

    private static void protectedMode(Cpu cpu, boolean op32) {
        int w = op32 ? 4 : 2;
        int eip = Stacks.peek(cpu, 0, w), csSel = Stacks.peek(cpu, w, w) & 0xFFFF;
        int image = Stacks.peek(cpu, 2 * w, w);
        if (op32 && (image & Flags.VM) != 0 && cpu.cpl == 0) {
            toV86(cpu, eip, csSel, image);
            return;
        }
        long cs = FarOps.returnCode(cpu, csSel);
        if (!op32) eip &= 0xFFFF;
        int flags = mergeFlags(cpu, image, op32);
        int rpl = csSel & 3;
        if (rpl == cpu.cpl) {
            if (!Segments.withinLimit(cs, eip)) throw cpu.fault(Vectors.GP, 0);
            cs = Descriptors.setAccessed(cpu, csSel, cs);
            cpu.adjustEsp(3 * w);
            cpu.setEflags(flags);
            Segments.loadCode(cpu, csSel, cs, rpl);
            finish(cpu, eip);
            return;
        }
        int esp = Stacks.peek(cpu, 3 * w, w);
        int ssSel = Stacks.peek(cpu, 4 * w, w) & 0xFFFF;
        long ss = Segments.checkStack(cpu, ssSel, rpl, Vectors.GP);
        if (!Segments.withinLimit(cs, eip)) throw cpu.fault(Vectors.GP, 0);
        cs = Descriptors.setAccessed(cpu, csSel, cs);
        ss = Descriptors.setAccessed(cpu, ssSel, ss);
        cpu.setEflags(flags);
        FarOps.toOuterLevel(cpu, csSel, cs, ssSel, ss, esp, eip);
    }

    /**
     * The EFLAGS a protected-mode IRET loads (SDM Vol. 2 IRET): IF only if CPL <= IOPL, IOPL
     * only at CPL 0, RF/AC/ID only with a 32-bit image, VIF/VIP only at CPL 0 (VM is
     * handled by the return to virtual-8086 mode). CPL is the level IRET executes at.
     */
    static int mergeFlags(Cpu cpu, int image, boolean op32) {
        int old = cpu.getEflags();
        int mask = BASIC;
        if (op32) mask |= Flags.RF | Flags.AC | Flags.ID;
        if (cpu.cpl <= ((old & Flags.IOPL) >>> 12)) mask |= Flags.IF;
        if (cpu.cpl == 0) {
            mask |= Flags.IOPL;
            if (op32) mask |= Flags.VIF | Flags.VIP;
        }
        return (old & ~mask) | (image & mask);
    }

    /**
     * Return to virtual-8086 mode from CPL 0 (SDM Vol. 2 IRET): the frame continues with
     * ESP, SS, ES, DS, FS, GS; every segment is loaded the V86 way and CPL becomes 3.
     */
    private static void toV86(Cpu cpu, int eip, int cs, int image) {
        int esp = Stacks.peek(cpu, 12, 4);
        int ss = Stacks.peek(cpu, 16, 4) & 0xFFFF, es = Stacks.peek(cpu, 20, 4) & 0xFFFF;
        int ds = Stacks.peek(cpu, 24, 4) & 0xFFFF, fs = Stacks.peek(cpu, 28, 4) & 0xFFFF;
        int gs = Stacks.peek(cpu, 32, 4) & 0xFFFF;
        cpu.setEflags(image);
        Segments.loadReal(cpu, Seg.CS, cs);
        Segments.loadReal(cpu, Seg.SS, ss);
        Segments.loadReal(cpu, Seg.ES, es);
        Segments.loadReal(cpu, Seg.DS, ds);
        Segments.loadReal(cpu, Seg.FS, fs);
        Segments.loadReal(cpu, Seg.GS, gs);
        cpu.r[Reg.ESP] = esp;
        cpu.cpl = 3;
        finish(cpu, eip & 0xFFFF);
    }
}
