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
    /** Only blocks in the cache may be compiled; of those only single-page ones are chained to. */
    boolean cacheable;
    /**
     * Physical page of the bytes past the first page when the block's one instruction runs
     * onto the next page, else -1. Such a block is rechecked on every entry (Cpu.fetchBlock).
     */
    int secondPage = -1;
    /** EIP wrap mask: -1 for 32-bit code, 0xFFFF for 16-bit. */
    final int ipMask;
    // Two chained successors (taken and fall-through), each valid for one code epoch.
    private Block next0, next1;
    private int eip0, eip1, epoch0 = -1, epoch1 = -1;
    /** Times entered; hot blocks are compiled to bytecode. */
    public long executions;
    /** The bytecode form once the block is hot, else null. */
    org.jvisor.machine.cpu.compile.CompiledBlock compiled;

    Block(long key, int physicalPage, Insn[] insns, int byteLength, int ipMask) {
        this.ipMask = ipMask;
        this.key = key;
        this.physicalPage = physicalPage;
        this.insns = insns;
        this.byteLength = byteLength;
    }

    /** The block that last followed this one at {@code eip} in this epoch, if still valid. */
    Block successor(int eip, int epoch) {
        Block b = next0;
        if (b != null && eip0 == eip && epoch0 == epoch && b.valid) return b;
        b = next1;
        if (b != null && eip1 == eip && epoch1 == epoch && b.valid) return b;
        return null;
    }

    void link(int eip, int epoch, Block b) {
        if (!b.cacheable || b.secondPage >= 0 || !valid) return;
        if (next0 == null || epoch0 != epoch || !next0.valid) {
            next0 = b;
            eip0 = eip;
            epoch0 = epoch;
        } else {
            next1 = b;
            eip1 = eip;
            epoch1 = epoch;
        }
    }

    public boolean isValid() {
        return valid;
    }
}
