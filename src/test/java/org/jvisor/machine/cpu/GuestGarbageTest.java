package org.jvisor.machine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.SplittableRandom;
import org.jvisor.machine.memory.PhysicalMemory;
import org.jvisor.machine.memory.PortBus;
import org.junit.jupiter.api.Test;

/**
 * Whatever bytes a guest executes, the model answers with architected faults: no Java
 * exception may escape (the run loop would report it as an "internal error" shutdown).
 */
class GuestGarbageTest {
    private static final int RAM = 4 << 20;

    @Test
    void randomBytesNeverEscapeAsJavaExceptions() {
        for (long seed = 1; seed <= 6; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            PhysicalMemory mem = new PhysicalMemory(RAM);
            byte[] junk = new byte[RAM];
            rnd.nextBytes(junk);
            mem.load(0, junk);
            Cpu cpu = new Cpu(mem, new PortBus());
            cpu.enterFlatProtectedMode();
            cpu.interceptExceptions = true;
            boolean user = seed % 2 == 0;
            if (user) { // ring 3 flat segments
                cpu.setSegment(Seg.CS, 0x1B, 0, 0xFFFFFFFF, 0xC0FB);
                for (int s : new int[] {Seg.DS, Seg.ES, Seg.SS, Seg.FS, Seg.GS}) cpu.setSegment(s, 0x23, 0, 0xFFFFFFFF, 0xC0F3);
                cpu.cpl = 3;
            }
            for (int k = 0; k < 3000; k++) {
                for (int n = 0; n < 8; n++) cpu.r[n] = rnd.nextInt(RAM);
                cpu.eip = rnd.nextInt(RAM - 16);
                cpu.halted = false;
                Exit e = cpu.run(50);
                if (e instanceof Exit.Shutdown s) {
                    assertFalse(s.reason().startsWith("internal error"), "seed " + seed + ": " + s.reason());
                }
                if (user && cpu.cpl != 3) break; // a far transfer left ring 3; the check above still held
            }
        }
    }

    @Test
    void instructionCutAtPageEndFaultsOnTheMissingPage() {
        PhysicalMemory mem = new PhysicalMemory(RAM);
        // Page directory at 0x10000, one page table at 0x11000 mapping 0-4 MiB identity, page 0x5000 absent.
        mem.write32(0x10000, 0x11000 | 3);
        for (int p = 0; p < 1024; p++) mem.write32(0x11000 + 4 * p, p == 5 ? 0 : (p << 12) | 3);
        mem.write8(0x4FFE, 0xB8); // mov eax, imm32: the immediate lies in the absent page
        mem.write8(0x4FFF, 0x01);
        Cpu cpu = new Cpu(mem, new PortBus());
        cpu.enterFlatProtectedMode();
        cpu.cr3 = 0x10000;
        cpu.cr0 |= Cpu.CR0_PG;
        cpu.interceptExceptions = true;
        cpu.eip = 0x4FFE;
        Exit e = cpu.run(10);
        // SDM 4.7: instruction fetch of a not-present page at CPL 0: error code 0, CR2 = the faulting byte.
        assertEquals(new Exit.Exception(Vectors.PF, 0, true, false), e);
        assertEquals(0x5000, cpu.cr2);
        assertEquals(0x4FFE, cpu.eip);
    }

    @Test
    void fetchBeyondCsLimitIsGp() {
        PhysicalMemory mem = new PhysicalMemory(RAM);
        mem.write8(0x0FFF, 0x90);
        Cpu cpu = new Cpu(mem, new PortBus());
        cpu.enterFlatProtectedMode();
        cpu.setSegment(Seg.CS, 0x08, 0, 0x0FFF, 0x409B); // byte-granular limit 0xFFF
        cpu.interceptExceptions = true;
        cpu.eip = 0x0FFF;
        Exit e = cpu.run(10);
        // The NOP at the limit runs; the next fetch at 0x1000 is beyond the limit: #GP(0) (SDM 5.3).
        assertEquals(new Exit.Exception(Vectors.GP, 0, true, false), e);
        assertEquals(0x1000, cpu.eip);
    }
}
