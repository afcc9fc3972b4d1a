package org.jvisor.machine.cpu.exec;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Vectors;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * PUSHF and POPF (SDM Vol. 2 PUSHF/PUSHFD, POPF/POPFD). Both are sensitive: PUSHF reveals
 * the real IF and IOPL, and POPF outside ring 0 silently drops changes to IF and IOPL
 * instead of trapping (Robin and Irvine). No CR4.VME: in virtual-8086 mode with IOPL &lt; 3
 * both raise #GP(0).
 */
final class FlagStackOps {
    /** Flags POPF may change at all; VM, VIP and VIF never change and RF is cleared (32-bit form). */
    static final int POPF_WRITABLE = Flags.ARITH | Flags.TF | Flags.IF | Flags.DF | Flags.IOPL | Flags.NT
            | Flags.AC | Flags.ID;

    private FlagStackOps() { }

    static void register(OpcodeTable t) {
        int attrs = StackOps.STACK | Entry.SENSITIVE;
        t.def(0x9C, "pushf", "").exec(FlagStackOps::pushf16, FlagStackOps::pushf32).attrs(attrs).add();
        t.def(0x9D, "popf", "").exec(FlagStackOps::popf16, FlagStackOps::popf32).attrs(attrs | Entry.ENDS_BLOCK).add();
    }

    static int iopl(Cpu cpu) {
        return (cpu.eflags >>> 12) & 3;
    }

    /** SDM PUSHF: the image has VM and RF cleared (AND 00FCFFFFH); the 16-bit form pushes FLAGS. */
    static void pushf16(Cpu cpu, Insn i) {
        checkV86(cpu);
        cpu.push16(cpu.getEflags());
    }

    static void pushf32(Cpu cpu, Insn i) {
        checkV86(cpu);
        cpu.push32(cpu.getEflags() & ~(Flags.VM | Flags.RF));
    }

    static void popf16(Cpu cpu, Insn i) {
        checkV86(cpu);
        int v = cpu.pop16();
        apply(cpu, v, writableMask(cpu) & 0xFFFF);
    }

    static void popf32(Cpu cpu, Insn i) {
        checkV86(cpu);
        int v = cpu.pop32();
        apply(cpu, v & ~Flags.RF, writableMask(cpu) | Flags.RF); // RF is cleared
    }

    /** Virtual-8086 mode without VME: PUSHF/POPF are IOPL-sensitive (SDM 20.2.7). */
    private static void checkV86(Cpu cpu) {
        if (cpu.isV86() && iopl(cpu) < 3) throw cpu.fault(Vectors.GP, 0);
    }

    /**
     * SDM POPF operation: CPL 0 (and real mode) may change IOPL and IF; 0 &lt; CPL &lt;= IOPL
     * may change IF but not IOPL; CPL &gt; IOPL changes neither, silently. Virtual-8086 mode
     * (IOPL 3 here) may change IF but not IOPL.
     */
    static int writableMask(Cpu cpu) {
        if (cpu.isV86()) return POPF_WRITABLE & ~Flags.IOPL;
        if (!cpu.isProtectedMode() || cpu.cpl == 0) return POPF_WRITABLE;
        if (cpu.cpl > iopl(cpu)) return POPF_WRITABLE & ~(Flags.IOPL | Flags.IF);
        return POPF_WRITABLE & ~Flags.IOPL;
    }

    private static void apply(Cpu cpu, int value, int mask) {
        int old = cpu.getEflags();
        cpu.setEflags((old & ~mask) | (value & mask)); // also ends the block: IF/TF may have changed
    }
}
