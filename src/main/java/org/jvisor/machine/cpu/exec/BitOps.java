package org.jvisor.machine.cpu.exec;

import org.jvisor.machine.cpu.decode.OpcodeTable;

/** Instruction family (to be filled in). */
public final class BitOps {
    private BitOps() { }

    public static void register(OpcodeTable t) {
    }
}
