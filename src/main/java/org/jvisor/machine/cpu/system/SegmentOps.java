package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.decode.OpcodeTable;

/** System instruction family (to be filled in). */
public final class SegmentOps {
    private SegmentOps() { }

    public static void register(OpcodeTable t) {
    }
}
