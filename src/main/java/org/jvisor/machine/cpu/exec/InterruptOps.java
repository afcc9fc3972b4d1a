package org.jvisor.machine.cpu.exec;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Vectors;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * Software interrupts and BOUND (SDM Vol. 2 INT n/INTO/INT3/INT1, BOUND). The far transfer
 * through the IDT (gate DPL check, stack switch) is {@link Cpu#softwareInterrupt}'s job;
 * these rows are sensitive because that transfer's checks depend on CPL.
 */
final class InterruptOps {
    private static final int SOFT_INT = Entry.BRANCH | Entry.ENDS_BLOCK | Entry.SENSITIVE;

    private InterruptOps() { }

    static void register(OpcodeTable t) {
        t.def(0xCC, "int3", "").exec(InterruptOps::int3).attrs(SOFT_INT).add();
        t.def(0xCD, "int", "Ib").exec(InterruptOps::intN).attrs(SOFT_INT).add();
        t.def(0xCE, "into", "").exec(InterruptOps::into).attrs(SOFT_INT | Entry.NOT_IN_LONG_MODE).add();
        t.def(0xF1, "int1", "").exec(InterruptOps::int1).attrs(Entry.BRANCH | Entry.ENDS_BLOCK).add();
        t.def(0x62, "bound", "Gv,Ma").exec(InterruptOps::bound16, InterruptOps::bound32)
                .attrs(Entry.MEM_ONLY | Entry.NOT_IN_LONG_MODE).add();
    }

    /** INT3 is not IOPL-sensitive in virtual-8086 mode (SDM 20.2.7 covers INT n only). */
    static void int3(Cpu cpu, Insn i) {
        cpu.softwareInterrupt(Vectors.BP);
    }

    /** INT n: in virtual-8086 mode with IOPL &lt; 3 (no VME) it raises #GP(0) (SDM 20.2.7). */
    static void intN(Cpu cpu, Insn i) {
        if (cpu.isV86() && FlagStackOps.iopl(cpu) < 3) throw cpu.fault(Vectors.GP, 0);
        cpu.softwareInterrupt(i.imm & 0xFF);
    }

    /** INTO: #OF as a trap when OF = 1, else nothing. */
    static void into(Cpu cpu, Insn i) {
        if (cpu.flag(Flags.OF)) cpu.softwareInterrupt(Vectors.OF);
    }

    /**
     * INT1/ICEBP (F1): a #DB trap. Unlike INT n/INT3/INTO it is delivered like a hardware
     * debug trap, without the gate-DPL check (SDM 6.12.1.1 names only INT n, INT3 and INTO)
     * and without the virtual-8086 IOPL check. When intercepting, the owner sees it as a
     * software event with EIP past the instruction, as for INT n.
     */
    static void int1(Cpu cpu, Insn i) {
        if (cpu.interceptExceptions) {
            cpu.softwareInterrupt(Vectors.DB);
            return;
        }
        cpu.deliver(Vectors.DB, 0, false, Cpu.EVENT_TRAP);
        cpu.endBlock = true;
    }

    /**
     * BOUND: the signed index must lie within [lower, upper] read from memory, else #BR (a
     * fault). The bounds are one 4- or 8-byte operand: the upper half does not wrap at 64 KiB.
     */
    static void bound16(Cpu cpu, Insn i) {
        int ea = cpu.ea(i);
        int lower = (short) cpu.read16(i.seg, ea);
        int upper = (short) cpu.read16(i.seg, ea + 2);
        int index = (short) cpu.r[i.reg];
        if (index < lower || index > upper) throw cpu.fault(Vectors.BR, 0);
    }

    static void bound32(Cpu cpu, Insn i) {
        int ea = cpu.ea(i);
        int lower = cpu.read32(i.seg, ea);
        int upper = cpu.read32(i.seg, ea + 4);
        int index = cpu.r[i.reg];
        if (index < lower || index > upper) throw cpu.fault(Vectors.BR, 0);
    }
}
