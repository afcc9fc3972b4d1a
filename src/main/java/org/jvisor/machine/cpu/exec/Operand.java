package org.jvisor.machine.cpu.exec;

import org.jvisor.machine.cpu.Cpu;

/**
 * Width-generic operand access for the less hot families (shifts, bit tests, exchanges)
 * that share one body across 8/16/32 bits. Register numbers follow ModRM encoding (for
 * 8 bits: AL CL DL BL AH CH DH BH). Values are zero-extended.
 */
final class Operand {
    private Operand() { }

    static int reg(Cpu cpu, int n, int width) {
        return switch (width) {
            case 8 -> cpu.reg8(n);
            case 16 -> cpu.r[n] & 0xFFFF;
            default -> cpu.r[n];
        };
    }

    static void setReg(Cpu cpu, int n, int width, int v) {
        switch (width) {
            case 8 -> cpu.setReg8(n, v);
            case 16 -> cpu.setReg16(n, v);
            default -> cpu.r[n] = v;
        }
    }

    /** Reads with write intent (a read-modify-write operand). */
    static int readLinear(Cpu cpu, int lin, int width) {
        return switch (width) {
            case 8 -> Rmw.read8(cpu, lin);
            case 16 -> Rmw.read16(cpu, lin);
            default -> Rmw.read32(cpu, lin);
        };
    }

    static void writeLinear(Cpu cpu, int lin, int width, int v) {
        switch (width) {
            case 8 -> Rmw.write8(cpu, lin, v);
            case 16 -> Rmw.write16(cpu, lin, v);
            default -> Rmw.write32(cpu, lin, v);
        }
    }

    /** Reads a plain (read-only) memory operand. */
    static int read(Cpu cpu, int seg, int off, int width) {
        return switch (width) {
            case 8 -> cpu.read8(seg, off);
            case 16 -> cpu.read16(seg, off);
            default -> cpu.read32(seg, off);
        };
    }
}
