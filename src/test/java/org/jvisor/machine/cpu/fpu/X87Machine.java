package org.jvisor.machine.cpu.fpu;

import java.io.ByteArrayOutputStream;
import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.memory.PhysicalMemory;
import org.jvisor.machine.memory.PortBus;

/** A flat protected-mode processor running x87 code at CODE with data at DATA (tests only). */
final class X87Machine {
    static final int CODE = 0x1000, DATA = 0x8000;
    final Cpu cpu;
    private final ByteArrayOutputStream code = new ByteArrayOutputStream();

    X87Machine() {
        PhysicalMemory mem = new PhysicalMemory(1 << 20);
        cpu = new Cpu(mem, new PortBus());
        cpu.enterFlatProtectedMode();
        cpu.cr0 |= Cpu.CR0_NE | Cpu.CR0_MP;
        cpu.eip = CODE;
        cpu.interceptExceptions = true;
    }

    /** Appends instruction bytes. */
    X87Machine op(int... bytes) {
        for (int b : bytes) code.write(b);
        return this;
    }

    /** Appends an opcode with a ModRM of mod=00 rm=101 (disp32) addressing DATA + off. */
    X87Machine mem(int opcode, int reg, int off) {
        int a = DATA + off;
        return op(opcode, reg << 3 | 5, a & 0xFF, a >>> 8 & 0xFF, a >>> 16 & 0xFF, a >>> 24);
    }

    /** Runs everything appended so far (plus HLT) and returns the exit. */
    Exit run() {
        code.write(0xF4);
        cpu.mem.load(CODE, code.toByteArray());
        cpu.flushBlocks();
        return cpu.run(100_000);
    }

    /** Address of the next instruction to be appended. */
    int here() {
        return CODE + code.size();
    }

    void putDouble(int off, double d) {
        cpu.mem.write64(DATA + off, Double.doubleToRawLongBits(d));
    }

    void put64(int off, long v) {
        cpu.mem.write64(DATA + off, v);
    }

    void put16(int off, int v) {
        cpu.mem.write16(DATA + off, v);
    }

    void put32(int off, int v) {
        cpu.mem.write32(DATA + off, v);
    }

    long get64(int off) {
        return cpu.mem.read64(DATA + off);
    }

    int get32(int off) {
        return cpu.mem.read32(DATA + off);
    }

    int get16(int off) {
        return cpu.mem.read16(DATA + off);
    }

    double getDouble(int off) {
        return Double.longBitsToDouble(get64(off));
    }

    FpuState fpu() {
        return cpu.fpu;
    }
}
