package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Vectors;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/** Privileged and system instructions. */
public final class SystemOps {
    private SystemOps() { }

    public static void register(OpcodeTable t) {
        t.def(0xF4, "hlt", "").exec(SystemOps::hlt).attrs(Entry.PRIVILEGED | Entry.ENDS_BLOCK).add();
    }

    /** SDM Vol. 2 HLT: #GP(0) unless CPL 0; the processor stops until an interrupt. */
    static void hlt(Cpu cpu, Insn i) {
        if (cpu.cpl != 0) throw cpu.fault(Vectors.GP, 0);
        cpu.halted = true;
        cpu.endBlock = true;
    }
}
