package org.jvisor.machine.cpu.exec;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;

/**
 * Stack-pointer arithmetic honouring SS.B (SDM Vol. 1 6.2.3: ESP with a 32-bit stack,
 * SP with a 16-bit one, which wraps within 64 KiB) and up-front checks for instructions
 * that touch several stack slots (PUSHA, ENTER, CALL): every slot is checked against the
 * segment limit and paging before the first write, so a fault changes nothing.
 */
final class StackArea {
    private StackArea() { }

    /** The offset mask of the stack pointer: all ones for a 32-bit stack, 0xFFFF otherwise. */
    static int mask(Cpu cpu) {
        return cpu.stack32() ? -1 : 0xFFFF;
    }

    /** Sets ESP (32-bit stack) or SP (16-bit stack, upper half kept) to a new top-of-stack offset. */
    static void setTop(Cpu cpu, int top) {
        if (cpu.stack32()) cpu.r[Reg.ESP] = top;
        else cpu.setReg16(Reg.ESP, top);
    }

    /**
     * Checks that {@code count} pushes of {@code size} bytes from top-of-stack offset
     * {@code top} can all be written: segment limit and type, then paging, in push order.
     * Each slot wraps on its own with a 16-bit stack, as the pushes do.
     */
    static void checkPushes(Cpu cpu, int top, int count, int size) {
        int m = mask(cpu);
        for (int k = 1; k <= count; k++) checkSlot(cpu, (top - k * size) & m, size, true);
    }

    /** Checks one stack slot for a read or write: limit and type, then the pages of both ends. */
    static void checkSlot(Cpu cpu, int off, int size, boolean write) {
        int lin = cpu.linear(Seg.SS, off, size, write);
        int access = cpu.accessBits(write);
        cpu.paging.translate(lin, access);
        if (((lin ^ (lin + size - 1)) & ~0xFFF) != 0) cpu.paging.translate(lin + size - 1, access);
    }

    /** Writes one 16- or 32-bit stack slot at an offset already checked. */
    static void write(Cpu cpu, int off, int v, boolean size32) {
        if (size32) cpu.write32(Seg.SS, off, v);
        else cpu.write16(Seg.SS, off, v);
    }

    /** Reads one 16-bit (zero-extended) or 32-bit stack slot. */
    static int read(Cpu cpu, int off, boolean size32) {
        return size32 ? cpu.read32(Seg.SS, off) : cpu.read16(Seg.SS, off);
    }
}
