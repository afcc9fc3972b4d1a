package org.jvisor.machine.cpu;

import org.jvisor.machine.cpu.decode.Insn;

/**
 * Decoded instructions from one entry point to the next control transfer, all inside one
 * physical page. Keyed by physical address and mode; dropped when its page is written.
 */
public final class Block {
    final long key;
    final int physicalPage;
    public final Insn[] insns;
    /** Guest bytes covered, for counters and the translator. */
    public final int byteLength;
    boolean valid = true;
    /** Times entered; the bytecode compiler will pick hot blocks by it. */
    public long executions;

    Block(long key, int physicalPage, Insn[] insns, int byteLength) {
        this.key = key;
        this.physicalPage = physicalPage;
        this.insns = insns;
        this.byteLength = byteLength;
    }

    public boolean isValid() {
        return valid;
    }
}
