package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.decode.OpcodeTable;

/** System instruction family (to be filled in). */
public final class ControlOps {
    private ControlOps() { }

    public static void register(OpcodeTable t) {
    }
}
