package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.decode.OpcodeTable;

/** System instruction family (to be filled in). */
public final class TableOps {
    private TableOps() { }

    public static void register(OpcodeTable t) {
    }
}
