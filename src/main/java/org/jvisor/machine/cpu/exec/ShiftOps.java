package org.jvisor.machine.cpu.exec;

import org.jvisor.machine.cpu.decode.OpcodeTable;

/** Instruction family (to be filled in). */
public final class ShiftOps {
    private ShiftOps() { }

    public static void register(OpcodeTable t) {
    }
}
