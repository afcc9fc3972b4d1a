package org.jvisor.machine.cpu.exec;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.LazyFlags;

/**
 * Eager arithmetic-flag helpers for the instructions that do not use the lazy record:
 * parity, SF/ZF/PF of a result, and replacing all six flags at once without first
 * materializing the lazy ones (the other EFLAGS bits always live in {@code cpu.eflags}).
 */
final class ArithFlags {
    private ArithFlags() { }

    /** PF: set when the low byte has an even number of one bits (SDM Vol. 1 3.4.3.1). */
    static int parity(int result) {
        return (Integer.bitCount(result & 0xFF) & 1) == 0 ? Flags.PF : 0;
    }

    /** ZF, SF and PF of a result of the width whose sign bit is {@code signBit}. */
    static int szp(int result, int signBit) {
        int mask = (signBit << 1) - 1;
        int f = parity(result);
        if ((result & mask) == 0) f |= Flags.ZF;
        if ((result & signBit) != 0) f |= Flags.SF;
        return f;
    }

    /** Replaces all six arithmetic flags with {@code arith}. */
    static void setAll(Cpu cpu, int arith) {
        cpu.eflags = (cpu.eflags & ~Flags.ARITH) | (arith & Flags.ARITH);
        cpu.lazyOp = LazyFlags.NONE;
    }

    /** Replaces the arithmetic flags in {@code which} with those bits of {@code values}. */
    static void set(Cpu cpu, int which, int values) {
        int f = cpu.getEflags();
        cpu.eflags = (f & ~which) | (values & which);
        cpu.lazyOp = LazyFlags.NONE;
    }
}
