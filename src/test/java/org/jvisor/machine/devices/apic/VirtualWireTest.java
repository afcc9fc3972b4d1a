package org.jvisor.machine.devices.apic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jvisor.machine.Clock;
import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.system.Cpuid;
import org.jvisor.machine.cpu.system.MsrFile;
import org.jvisor.machine.devices.PicPair;
import org.jvisor.machine.memory.PhysicalMemory;
import org.jvisor.machine.memory.PortBus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The 8259A pair behind the local APIC: LINT0 in ExtINT mode (MP specification 3.6.2.2
 * virtual wire), and the APIC's global enable in IA32_APIC_BASE (SDM Vol. 3A 10.4.3).
 */
class VirtualWireTest {
    private final PicPair pic = new PicPair();
    private final PortBus ports = new PortBus();
    private final LocalApic apic = new LocalApic(Clock.manual(), pic);

    @BeforeEach
    void programPicAsLinuxDoes() {
        ports.register(0x20, 2, pic.masterPorts());
        ports.register(0xA0, 2, pic.slavePorts());
        int[][] writes = {{0x20, 0x11}, {0x21, 0x30}, {0x21, 0x04}, {0x21, 0x01},
                          {0xA0, 0x11}, {0xA1, 0x38}, {0xA1, 0x02}, {0xA1, 0x01}, {0x21, 0}, {0xA1, 0}};
        for (int[] w : writes) ports.write(w[0], 1, w[1]);
    }

    private int reg(int offset) {
        return apic.read(offset, 4);
    }

    private void set(int offset, int value) {
        apic.write(offset, 4, value);
    }

    @Test
    void extIntLint0PassesThePicVectors() {
        pic.setIrq(0, true);
        assertTrue(apic.hasInterrupt());
        assertEquals(0x30, apic.acknowledge(), "the 8259A supplies the vector (ICW2 30H + IRQ0)");
        assertEquals(1, pic.inService(), "the INTA reached the 8259A");
        assertEquals(0, reg(0x100 + 0x10), "ExtINT does not go through the APIC's ISR");
        ports.write(0x20, 1, 0x20); // the 8259A's own EOI
        pic.setIrq(12, true);
        assertEquals(0x3C, apic.acknowledge(), "slave vectors too");
    }

    @Test
    void maskedLint0CutsThePicOff() {
        set(0x350, 0x10700);
        pic.setIrq(3, true);
        assertFalse(apic.hasInterrupt());
        assertEquals(0xFF, apic.acknowledge(), "nothing to acknowledge: spurious");
        assertEquals(0, pic.inService());
        set(0x350, 0x700);
        assertEquals(0x33, apic.acknowledge());
    }

    @Test
    void fixedLint0DoesNotCarryThePic() {
        set(0x350, 0x40); // fixed mode, vector 40H
        pic.setIrq(1, true);
        assertFalse(apic.hasInterrupt(), "only ExtINT asks the 8259A for a vector");
    }

    @Test
    void apicInterruptsAndThePicShareTheLine() {
        set(0x300, 1 << 18 | 0x90);
        pic.setIrq(1, true);
        assertEquals(0x90, apic.acknowledge(), "the APIC's own request first");
        assertEquals(0x31, apic.acknowledge(), "then the 8259A's");
    }

    @Test
    void attachingReportsTheApicInCpuidAndGlobalDisableLeavesThePic() {
        Cpu cpu = new Cpu(new PhysicalMemory(1 << 20), ports);
        assertEquals(0, Cpuid.features(cpu) & Cpuid.APIC, "no APIC before one is attached");
        apic.attach(cpu);
        assertSame(apic, cpu.pic);
        assertEquals(Cpuid.APIC, Cpuid.features(cpu) & Cpuid.APIC);
        assertEquals(0xFEE00900L, cpu.apicBase, "IA32_APIC_BASE: FEE00000H, enabled, BSP (10.4.4)");

        set(0x350, 0x10700); // LINT0 masked: the APIC holds the 8259A off
        set(0x80, 0x20);
        cpu.apicBase &= ~MsrFile.APIC_ENABLE; // WRMSR 1BH clearing bit 11
        pic.setIrq(4, true);
        assertTrue(apic.hasInterrupt(), "a globally disabled APIC: INTR comes straight from the 8259A");
        assertEquals(0x34, apic.acknowledge());
        assertTrue(apic.isGloballyDisabled());
        assertEquals(-1, apic.read(0x30, 4), "the register window no longer decodes");
        assertEquals(0, Cpuid.features(cpu) & Cpuid.APIC, "CPUID clears the APIC flag");

        cpu.apicBase |= MsrFile.APIC_ENABLE;
        assertEquals(-1, apic.read(0x30, 4), "a P6 APIC cannot be re-enabled without reset");
        assertEquals(0, Cpuid.features(cpu) & Cpuid.APIC);

        apic.reset();
        assertEquals(LocalApic.VERSION, apic.read(0x30, 4));
        assertEquals(0, reg(0x80), "reset: power-up values again");
        assertEquals(Cpuid.APIC, Cpuid.features(cpu) & Cpuid.APIC);
    }
}
