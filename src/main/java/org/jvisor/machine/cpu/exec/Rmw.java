package org.jvisor.machine.cpu.exec;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.decode.Insn;

/**
 * Read-modify-write access to a ModRM memory operand: the effective address is computed
 * once and checked for writing before the read, so a read-only segment or page faults
 * before anything changes (the P6 reads such operands with write intent, and a #PF on
 * them reports W/R = 1). Callers write memory before registers and flags.
 */
final class Rmw {
    private Rmw() { }

    /** The linear address of the memory operand, segment-checked for a write of {@code size} bytes. */
    static int linear(Cpu cpu, Insn i, int size) {
        return cpu.linear(i.seg, cpu.ea(i), size, true);
    }

    static int read8(Cpu cpu, int lin) {
        return cpu.readLinear8(lin, cpu.accessBits(true));
    }

    static int read16(Cpu cpu, int lin) {
        return cpu.readLinear16(lin, cpu.accessBits(true));
    }

    static int read32(Cpu cpu, int lin) {
        return cpu.readLinear32(lin, cpu.accessBits(true));
    }

    static void write8(Cpu cpu, int lin, int v) {
        cpu.writeLinear8(lin, v, cpu.accessBits(true));
    }

    static void write16(Cpu cpu, int lin, int v) {
        cpu.writeLinear16(lin, v, cpu.accessBits(true));
    }

    static void write32(Cpu cpu, int lin, int v) {
        cpu.writeLinear32(lin, v, cpu.accessBits(true));
    }
}
