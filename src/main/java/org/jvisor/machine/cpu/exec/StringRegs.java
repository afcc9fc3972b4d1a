package org.jvisor.machine.cpu.exec;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;

/**
 * Register and memory plumbing shared by the string instructions (SDM Vol. 1 7.3.9):
 * the address size picks SI/DI/CX or ESI/EDI/ECX (16-bit indices wrap within 64 KiB and
 * keep the upper register halves), DF picks the direction, elements are 1, 2 or 4 bytes.
 */
final class StringRegs {
    /**
     * Iterations one execution of a repeated instruction may do before it ends its block and
     * re-enters itself (EIP still at the instruction), so interrupts are taken in between.
     */
    static final int CHUNK = 4096;

    private StringRegs() { }

    static int count(Cpu cpu, boolean addr32) {
        return addr32 ? cpu.r[Reg.ECX] : cpu.r[Reg.ECX] & 0xFFFF;
    }

    static void setCount(Cpu cpu, boolean addr32, int n) {
        if (addr32) cpu.r[Reg.ECX] = n;
        else cpu.setReg16(Reg.ECX, n);
    }

    /** ESI or EDI as an offset: the whole register, or its low 16 bits. */
    static int index(Cpu cpu, boolean addr32, int reg) {
        return addr32 ? cpu.r[reg] : cpu.r[reg] & 0xFFFF;
    }

    static void advance(Cpu cpu, boolean addr32, int reg, int delta) {
        if (addr32) cpu.r[reg] += delta;
        else cpu.setReg16(reg, cpu.r[reg] + delta);
    }

    /** Bytes the indices move per element: negative when DF = 1. DF is never lazy. */
    static int delta(Cpu cpu, int size) {
        return (cpu.eflags & Flags.DF) != 0 ? -size : size;
    }

    /**
     * Iterations allowed in this execution. With TF set a repeated string instruction traps
     * after every iteration (SDM 17.3.1.4), so it does one at a time.
     */
    static int budget(Cpu cpu) {
        return (cpu.eflags & Flags.TF) != 0 ? 1 : CHUNK;
    }

    /** Work is left: run this instruction again next, after the block ends. */
    static void resumeLater(Cpu cpu) {
        cpu.nextEip = cpu.eip;
        cpu.endBlock = true;
    }

    static int read(Cpu cpu, int seg, int off, int size) {
        return switch (size) {
            case 1 -> cpu.read8(seg, off);
            case 2 -> cpu.read16(seg, off);
            default -> cpu.read32(seg, off);
        };
    }

    static void write(Cpu cpu, int seg, int off, int v, int size) {
        switch (size) {
            case 1 -> cpu.write8(seg, off, v);
            case 2 -> cpu.write16(seg, off, v);
            default -> cpu.write32(seg, off, v);
        }
    }

    /** The accumulator's low {@code size} bytes. */
    static int accumulator(Cpu cpu, int size) {
        int a = cpu.r[Reg.EAX];
        return size == 4 ? a : a & ((1 << (8 * size)) - 1);
    }

    static void setAccumulator(Cpu cpu, int v, int size) {
        switch (size) {
            case 1 -> cpu.setReg8(Reg.EAX, v);
            case 2 -> cpu.setReg16(Reg.EAX, v);
            default -> cpu.r[Reg.EAX] = v;
        }
    }

    /**
     * Checks that the destination element ES:DI can be written (segment, then paging for
     * both ends) without writing it: INS does this before reading the port.
     */
    static void checkDestination(Cpu cpu, int off, int size) {
        int lin = cpu.linear(Seg.ES, off, size, true);
        int access = cpu.accessBits(true);
        cpu.paging.translate(lin, access);
        if (((lin ^ (lin + size - 1)) & ~0xFFF) != 0) cpu.paging.translate(lin + size - 1, access);
    }

    /** The lazy-flags width code for an element size of 1, 2 or 4 bytes. */
    static int width(int size) {
        return size >>> 1;
    }
}
