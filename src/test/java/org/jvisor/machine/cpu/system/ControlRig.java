package org.jvisor.machine.cpu.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;
import org.jvisor.machine.memory.PhysicalMemory;
import org.jvisor.machine.memory.PortBus;

/**
 * A flat protected-mode machine for the system-instruction tests: a GDT with code and data
 * at DPL 0, 1 and 3 and a set of unusual descriptors, exceptions intercepted as exits.
 * Code snippets end in UD2 so they stop the same way at every privilege level.
 */
final class ControlRig {
    static final int GDT = 0x1000, TSS = 0x3000, LDT = 0x4000, CODE = 0x10000, DATA = 0x20000;
    // Selectors (RPL 0) and their descriptors (SDM Vol. 3A 3.4.5).
    static final int CODE0 = 0x08, DATA0 = 0x10, CODE3 = 0x18, DATA3 = 0x20, CODE1 = 0x28, DATA1 = 0x30;
    static final int TSS_SEL = 0x38, LDT_SEL = 0x40, CONFORMING0 = 0x48, EXEC_ONLY3 = 0x50, ABSENT3 = 0x58;
    static final int CALL_GATE3 = 0x60, INT_GATE3 = 0x68, READ_ONLY3 = 0x70, SMALL0 = 0x78, GDT_LIMIT = 0x7F;
    static final long[] DESCRIPTORS = {
        0,
        0x00CF9A000000FFFFL, 0x00CF92000000FFFFL, // flat code/data DPL 0
        0x00CFFA000000FFFFL, 0x00CFF2000000FFFFL, // flat code/data DPL 3
        0x00CFBA000000FFFFL, 0x00CFB2000000FFFFL, // flat code/data DPL 1
        0x0000890030000067L, // 32-bit TSS, available, base 0x3000, limit 0x67
        0x000082004000001FL, // LDT, base 0x4000, limit 0x1F
        0x00CF9E000000FFFFL, // conforming readable code, DPL 0
        0x00CFF8000000FFFFL, // execute-only code, DPL 3
        0x00CF72000000FFFFL, // data, not present, DPL 3
        0x0000EC0000080000L, // 32-bit call gate, DPL 3
        0x0000EE0000080000L, // 32-bit interrupt gate, DPL 3 (not valid for LAR)
        0x00CFF0000000FFFFL, // read-only data, DPL 3
        0x0040920000001234L, // data, byte granular, limit 0x1234, DPL 0
    };
    static final int UD2_0 = 0x0F, UD2_1 = 0x0B;

    final PhysicalMemory mem = new PhysicalMemory(4 << 20);
    final Cpu cpu = new Cpu(mem, new PortBus());
    private int end;

    ControlRig() {
        cpu.enterFlatProtectedMode();
        cpu.interceptExceptions = true;
        for (int k = 0; k < DESCRIPTORS.length; k++) {
            mem.write32(GDT + 8 * k, (int) DESCRIPTORS[k]);
            mem.write32(GDT + 8 * k + 4, (int) (DESCRIPTORS[k] >>> 32));
        }
        cpu.gdtBase = GDT;
        cpu.gdtLimit = GDT_LIMIT;
        cpu.setSegment(Seg.CS, CODE0, 0, 0xFFFFFFFF, 0xC09B);
        cpu.setSegment(Seg.SS, DATA0, 0, 0xFFFFFFFF, 0xC093);
        cpu.r[4] = 0x9000;
    }

    /** Runs at CPL n (0, 1 or 3) from now on: CS and SS caches as a far return would leave them. */
    ControlRig cpl(int n) {
        cpu.cpl = n;
        int code = n == 0 ? CODE0 : n == 1 ? CODE1 : CODE3, data = n == 0 ? DATA0 : n == 1 ? DATA1 : DATA3;
        cpu.setSegment(Seg.CS, code | n, 0, 0xFFFFFFFF, 0xC09B | n << 5);
        cpu.setSegment(Seg.SS, data | n, 0, 0xFFFFFFFF, 0xC093 | n << 5);
        return this;
    }

    /** Switches to real mode at CPL 0 with CS = 1000h, so the code runs at IP 0. */
    ControlRig realMode() {
        cpu.cr0 &= ~Cpu.CR0_PE;
        cpu.cpl = 0;
        cpu.refreshSegments();
        cpu.setSegment(Seg.CS, CODE >>> 4, CODE, 0xFFFF, 0x9B);
        return this;
    }

    /** Loads the code (then UD2) at CODE and runs it; returns the exit. */
    Exit run(int... code) {
        for (int k = 0; k < code.length; k++) mem.write8(CODE + k, code[k]);
        mem.write8(CODE + code.length, UD2_0);
        mem.write8(CODE + code.length + 1, UD2_1);
        end = CODE + code.length - cpu.segBase[Seg.CS];
        cpu.eip = CODE - cpu.segBase[Seg.CS];
        cpu.halted = false;
        return cpu.run(10_000);
    }

    /** Runs the code and asserts it reached the final UD2 without any other exit. */
    void runClean(int... code) {
        Exit e = run(code);
        assertEquals(new Exit.Exception(Vectors.UD, 0, false, false), e, "exit");
        assertEquals(end, cpu.eip, "stopped at the closing UD2");
    }

    /** Runs the code and asserts the first instruction faults with the given vector and error code. */
    void runFaults(int vector, int errorCode, int... code) {
        Exit e = run(code);
        assertEquals(new Exit.Exception(vector, errorCode, Vectors.hasErrorCode(vector), false), e, "exit");
        assertEquals(CODE - cpu.segBase[Seg.CS], cpu.eip, "a fault leaves EIP at the instruction");
    }

    static int[] bytes(int... b) {
        return b;
    }

    /** MOV r32, imm32 (B8+r id). */
    static int[] movImm(int reg, int v) {
        return new int[] {0xB8 + reg, v & 0xFF, (v >>> 8) & 0xFF, (v >>> 16) & 0xFF, v >>> 24};
    }

    static int[] concat(int[]... parts) {
        int n = 0;
        for (int[] p : parts) n += p.length;
        int[] out = new int[n];
        int k = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, k, p.length);
            k += p.length;
        }
        return out;
    }
}
