package org.jvisor.machine.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;
import org.jvisor.machine.memory.PhysicalMemory;
import org.jvisor.machine.memory.PortBus;

/**
 * A flat protected-mode processor for the stack, branch, string and I/O tests: 4 MiB of
 * RAM, CPL 0, exceptions intercepted. Test programs end with UD2 (0F 0B), whose #UD exit
 * marks the end: every instruction before it has retired.
 */
final class FlowRig {
    static final int CODE = 0x1000;
    static final byte[] UD2 = {0x0F, 0x0B};

    final PhysicalMemory mem = new PhysicalMemory(4 << 20);
    final PortBus ports = new PortBus();
    final Cpu cpu = new Cpu(mem, ports);

    FlowRig() {
        cpu.enterFlatProtectedMode();
        cpu.interceptExceptions = true;
        cpu.r[4] = 0x8000;
        cpu.eip = CODE;
    }

    /** Places code (bytes given as ints) at CODE followed by UD2. */
    FlowRig code(int... bytes) {
        return codeAt(CODE, bytes);
    }

    FlowRig codeAt(int at, int... bytes) {
        byte[] b = new byte[bytes.length + 2];
        for (int k = 0; k < bytes.length; k++) b[k] = (byte) bytes[k];
        b[bytes.length] = UD2[0];
        b[bytes.length + 1] = UD2[1];
        mem.load(at, b);
        return this;
    }

    Exit run() {
        return cpu.run(1_000_000);
    }

    /** Runs to the UD2 at the end of the program and checks it was reached. */
    void runToEnd(int endAddress) {
        Exit e = run();
        assertEquals(new Exit.Exception(Vectors.UD, 0, false, false), e, "exit");
        assertEquals(endAddress, cpu.eip, "eip at the final UD2");
    }

    /** Runs and expects an exception exit with an error code, EIP at {@code at}. */
    void runToFault(int vector, int errorCode, int at) {
        Exit e = run();
        assertEquals(new Exit.Exception(vector, errorCode, Vectors.hasErrorCode(vector), false), e, "exit");
        assertEquals(at, cpu.eip, "eip at the faulting instruction");
    }

    /** Drops to a privilege level with flat code and stack segments of that DPL. */
    void privilege(int cpl, int iopl) {
        cpu.cpl = cpl;
        cpu.setSegment(Seg.CS, 0x18 | cpl, 0, 0xFFFFFFFF, 0xC09B | cpl << 5);
        cpu.setSegment(Seg.SS, 0x20 | cpl, 0, 0xFFFFFFFF, 0xC093 | cpl << 5);
        cpu.setEflags((cpu.getEflags() & ~Flags.IOPL) | iopl << 12);
    }

    int read32(int addr) {
        return mem.read32(addr);
    }

    void write32(int addr, int v) {
        mem.write32(addr, v);
    }

    /** Identity-maps the first 4 MiB with 4 KiB user-writable pages, except {@code hole} (not present). */
    void pagingWithHole(int hole) {
        int dir = 0x100000, table = 0x101000;
        mem.write32(dir, table | 7);
        for (int p = 0; p < 1024; p++) mem.write32(table + 4 * p, p == hole >>> 12 ? 0 : p << 12 | 7);
        cpu.cr3 = dir;
        cpu.cr0 |= Cpu.CR0_PG;
        cpu.paging.flushAll();
    }
}
