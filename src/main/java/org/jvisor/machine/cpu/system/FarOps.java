package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.decode.OpcodeTable;

/** System instruction family (to be filled in). */
public final class FarOps {
    private FarOps() { }

    public static void register(OpcodeTable t) {
    }
}
