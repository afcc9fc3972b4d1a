package org.jvisor.machine.devices.apic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jvisor.machine.Clock;
import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.devices.IrqLine;
import org.jvisor.machine.devices.PicPair;
import org.jvisor.machine.memory.PhysicalMemory;
import org.jvisor.machine.memory.PortBus;
import org.junit.jupiter.api.Test;

/** The PC's APIC wiring: what a kernel that switches from the 8259A to the I/O APIC sees. */
class ApicWiringTest {
    private final PhysicalMemory mem = new PhysicalMemory(1 << 20);
    private final PortBus ports = new PortBus();
    private final Cpu cpu = new Cpu(mem, ports);
    private final PicPair pic = new PicPair();
    private final ApicWiring apics = ApicWiring.install(cpu, mem, Clock.manual(), pic, 1);

    private void ioApic(int index, int value) {
        mem.write32(0xFEC00000, index);
        mem.write32(0xFEC00010, value);
    }

    @Test
    void pitIrq0ReachesThePicThroughLint0AndIoApicPin2() {
        ports.register(0x20, 2, pic.masterPorts());
        ports.register(0xA0, 2, pic.slavePorts());
        int[][] init = {{0x20, 0x11}, {0x21, 0x30}, {0x21, 0x04}, {0x21, 0x01}, {0x21, 0xFE}};
        for (int[] w : init) ports.write(w[0], 1, w[1]);
        assertSame(apics.localApic, cpu.pic);
        IrqLine irq0 = apics.isaLine(0);
        irq0.set(true);
        irq0.set(false);
        assertEquals(0x30, cpu.pic.acknowledge(), "virtual wire: the 8259A's IRQ0 vector");
        ports.write(0x20, 1, 0x20);

        // The kernel masks the 8259A and LINT0, then routes pin 2 to vector 0xEF.
        ports.write(0x21, 1, 0xFF);
        mem.write32(0xFEE00350, 0x10700);
        ioApic(0x11 + 2 * 2, 0);
        ioApic(0x10 + 2 * 2, 0xEF);
        irq0.set(true);
        irq0.set(false);
        assertTrue(cpu.pic.hasInterrupt());
        assertEquals(0xEF, cpu.pic.acknowledge(), "IRQ0 through I/O APIC pin 2");
        assertFalse(cpu.pic.hasInterrupt());
    }

    @Test
    void isaIrqsUseTheirOwnPinExceptTheTimer() {
        assertEquals(2, ApicWiring.ioApicPin(0));
        for (int irq = 1; irq < 16; irq++) assertEquals(irq, ApicWiring.ioApicPin(irq));
        ioApic(0x10 + 2 * 4, 0x64);
        apics.isaLine(4).set(true);
        assertEquals(0x64, cpu.pic.acknowledge(), "COM1 on pin 4");
    }
}
