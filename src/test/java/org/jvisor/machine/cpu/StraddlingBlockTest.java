package org.jvisor.machine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.jvisor.machine.memory.PhysicalMemory;
import org.jvisor.machine.memory.PortBus;
import org.junit.jupiter.api.Test;

/** An instruction running onto the next page is cached like any block, yet follows both pages. */
class StraddlingBlockTest {
    // mov eax, imm32 (B8 id) starting two bytes before a page boundary; hlt after it.
    private static final int AT = 0x1FFE;

    private static Cpu cpu(PhysicalMemory mem, int eip) {
        Cpu cpu = new Cpu(mem, new PortBus());
        cpu.enterFlatProtectedMode();
        cpu.eip = eip;
        return cpu;
    }

    private static void again(Cpu cpu, int eip) {
        cpu.halted = false;
        cpu.eip = eip;
        assertInstanceOf(Exit.Halted.class, cpu.run(100));
    }

    @Test
    void cachedAndDroppedWhenTheSecondPageIsWritten() {
        PhysicalMemory mem = new PhysicalMemory(1 << 20);
        mem.load(AT, new byte[] {(byte) 0xB8, 0x11, 0x22, 0x33, 0x44, (byte) 0xF4});
        Cpu cpu = cpu(mem, AT);
        assertInstanceOf(Exit.Halted.class, cpu.run(100));
        assertEquals(0x44332211, cpu.r[Reg.EAX]);
        long decoded = cpu.blocksDecoded;
        again(cpu, AT);
        assertEquals(decoded, cpu.blocksDecoded, "second run decodes nothing");
        mem.write8(0x2002, 0x55); // the immediate's top byte, on the second page
        again(cpu, AT);
        assertEquals(0x55332211, cpu.r[Reg.EAX]);
    }

    @Test
    void followsARemappedSecondPage() {
        PhysicalMemory mem = new PhysicalMemory(1 << 20);
        // Linear 0x400000 -> frame 0x3000, 0x401000 -> frame 0x4000 (later 0x5000); 4 KiB pages.
        mem.write32(0x10000 + 4, 0x11000 | 7);
        mem.write32(0x11000, 0x3000 | 7);
        mem.write32(0x11004, 0x4000 | 7);
        mem.load(0x3FFE, new byte[] {(byte) 0xB8, 0x11});
        mem.load(0x4000, new byte[] {0x22, 0x33, 0x44, (byte) 0xF4});
        mem.load(0x5000, new byte[] {0x66, 0x77, (byte) 0x88, (byte) 0xF4});
        Cpu cpu = cpu(mem, 0x400FFE);
        cpu.cr3 = 0x10000;
        cpu.cr0 |= Cpu.CR0_PG;
        assertInstanceOf(Exit.Halted.class, cpu.run(100));
        assertEquals(0x44332211, cpu.r[Reg.EAX]);
        mem.write32(0x11004, 0x5000 | 7);
        cpu.paging.invalidatePage(0x401000); // INVLPG (SDM Vol. 3A 4.10.4.1)
        again(cpu, 0x400FFE);
        assertEquals(0x88776611, cpu.r[Reg.EAX]);
    }
}
