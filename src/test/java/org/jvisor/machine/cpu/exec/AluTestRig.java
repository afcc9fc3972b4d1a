package org.jvisor.machine.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.memory.PhysicalMemory;
import org.jvisor.machine.memory.PortBus;

/**
 * A flat 32-bit protected-mode processor for the integer-family tests: code is placed at
 * {@link #CODE}, followed by HLT, and faults come back as {@link Exit.Exception}.
 */
final class AluTestRig {
    static final int CODE = 0x1000;
    static final int DATA = 0x8000;
    final Cpu cpu;

    AluTestRig() {
        cpu = new Cpu(new PhysicalMemory(1 << 20), new PortBus());
        cpu.enterFlatProtectedMode();
        cpu.interceptExceptions = true;
        cpu.r[4] = 0x80000; // a stack, unused by most tests
    }

    /** Runs the given instruction bytes followed by HLT; returns the exit. */
    Exit run(int... bytes) {
        byte[] code = new byte[bytes.length + 1];
        for (int k = 0; k < bytes.length; k++) code[k] = (byte) bytes[k];
        code[bytes.length] = (byte) 0xF4;
        cpu.mem.load(CODE, code);
        cpu.flushBlocks();
        cpu.halted = false;
        cpu.eip = CODE;
        return cpu.run(1000);
    }

    /** Runs and asserts the code ran to its HLT. */
    void ok(int... bytes) {
        Exit e = run(bytes);
        assertEquals(Exit.HALTED, e, "exit");
    }

    /** Runs and asserts the first instruction faulted with {@code vector}, leaving EIP on it. */
    void faults(int vector, int... bytes) {
        Exit e = run(bytes);
        assertEquals(Exit.Exception.class, e.getClass(), "exit " + e);
        assertEquals(vector, ((Exit.Exception) e).vector(), "vector");
        assertEquals(CODE, cpu.eip, "eip stays on the faulting instruction");
    }

    /**
     * Turns on paging with CR0.WP: the first 1 MiB identity-mapped read/write (user and
     * supervisor), then page {@code readOnly} made read-only and page {@code absent} not present.
     */
    void pageWithHoles(int readOnly, int absent) {
        int dir = 0x10000, table = 0x11000;
        cpu.mem.write32(dir, table | 7);
        for (int p = 0; p < 256; p++) cpu.mem.write32(table + 4 * p, p << 12 | 7);
        cpu.mem.write32(table + 4 * (readOnly >>> 12), readOnly | 5);
        cpu.mem.write32(table + 4 * (absent >>> 12), 0);
        cpu.cr3 = dir;
        cpu.cr0 |= Cpu.CR0_PG | Cpu.CR0_WP;
        cpu.paging.flushAll();
    }

    /** The error code of the exception the last run ended with. */
    int errorCode(Exit e) {
        return ((Exit.Exception) e).errorCode();
    }

    void setFlags(int arith) {
        cpu.setEflags(Flags.FIXED_ONE | arith);
    }

    int flags() {
        return cpu.getEflags() & Flags.ARITH;
    }

    void assertFlags(int expected, int mask) {
        assertEquals(Integer.toBinaryString(expected & mask), Integer.toBinaryString(flags() & mask), "flags");
    }

    void assertFlags(int expected) {
        assertFlags(expected, Flags.ARITH);
    }

    int read32(int addr) {
        return cpu.mem.read32(addr);
    }

    void write32(int addr, int v) {
        cpu.mem.write32(addr, v);
    }
}
