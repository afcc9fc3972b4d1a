package org.jvisor.machine.cpu.fpu;

import org.jvisor.machine.cpu.decode.OpcodeTable;

/** x87 instructions (to be filled in). */
public final class FpuOps {
    private FpuOps() { }

    public static void register(OpcodeTable t) {
    }
}
