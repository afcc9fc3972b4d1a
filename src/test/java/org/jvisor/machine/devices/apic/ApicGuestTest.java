package org.jvisor.machine.devices.apic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.jvisor.machine.Clock;
import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.devices.PicPair;
import org.jvisor.machine.memory.PhysicalMemory;
import org.jvisor.machine.memory.PortBus;
import org.junit.jupiter.api.Test;

/**
 * Guest code on the processor model programs the local APIC timer through its MMIO window,
 * halts, and takes the timer interrupt through its IDT; the handler signals EOI.
 */
class ApicGuestTest {
    private static final int MAIN = 0x2000, HANDLER = 0x3000, GDT = 0x800, VECTOR = 0xEC;

    private static void load(PhysicalMemory mem, int at, int... bytes) {
        for (int k = 0; k < bytes.length; k++) mem.write8(at + k, bytes[k]);
    }

    @Test
    void periodicTimerInterruptsAHaltedGuestThreeTimes() {
        PhysicalMemory mem = new PhysicalMemory(1 << 20);
        Cpu cpu = new Cpu(mem, new PortBus());
        Clock.Manual clock = Clock.manual();
        ApicWiring apics = ApicWiring.install(cpu, mem, clock, new PicPair(), 1);
        mem.write64(GDT + 8, 0x00CF9A000000FFFFL);  // flat code, selector 08H
        mem.write64(GDT + 16, 0x00CF92000000FFFFL); // flat data, selector 10H
        mem.write32(VECTOR * 8, 0x0008_0000 | HANDLER & 0xFFFF); // 32-bit interrupt gate
        mem.write32(VECTOR * 8 + 4, HANDLER & 0xFFFF0000 | 0x8E00);
        load(mem, MAIN,
                0xC7, 0x05, 0x20, 0x03, 0xE0, 0xFE, VECTOR, 0x00, 0x02, 0x00, // LVT timer: periodic, vector ECH
                0xC7, 0x05, 0xE0, 0x03, 0xE0, 0xFE, 0x0B, 0x00, 0x00, 0x00, // divide by 1
                0xC7, 0x05, 0x80, 0x03, 0xE0, 0xFE, 0xE8, 0x03, 0x00, 0x00, // initial count 1000: 10 us
                0xFB,                                                       // sti
                0xF4, 0x83, 0xFB, 0x03, 0x72, 0xFA,                         // 1: hlt; cmp ebx,3; jb 1b
                0xFA, 0xF4);                                                // cli; hlt
        load(mem, HANDLER, 0x43,                                            // inc ebx
                0xC7, 0x05, 0xB0, 0x00, 0xE0, 0xFE, 0, 0, 0, 0,             // EOI
                0xCF);                                                      // iret
        cpu.enterFlatProtectedMode();
        cpu.gdtBase = GDT;
        cpu.gdtLimit = 23;
        cpu.idtBase = 0;
        cpu.idtLimit = 0x7FF;
        cpu.r[Reg.ESP] = 0x8000;
        cpu.eip = MAIN;

        for (int step = 0; step < 10; step++) {
            assertInstanceOf(Exit.Halted.class, cpu.run(10_000));
            if ((cpu.getEflags() & Flags.IF) == 0) break; // the final cli; hlt
            clock.advanceTo(Math.max(clock.nanos(), apics.nextEventNanos())); // idle until the timer
            apics.poll();
        }
        assertEquals(3, cpu.r[Reg.EBX], "three timer interrupts");
        assertEquals(30_000, clock.nanos(), "at 10, 20 and 30 us");
        assertEquals(MAIN + 39, cpu.eip, "stopped at the final hlt");
        assertEquals(0, mem.read32(0xFEE00100 + 0x70), "every interrupt was retired by EOI");
    }
}
