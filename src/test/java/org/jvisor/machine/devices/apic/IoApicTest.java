package org.jvisor.machine.devices.apic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jvisor.boot.MpTable;
import org.jvisor.machine.Clock;
import org.jvisor.machine.cpu.InterruptController;
import org.jvisor.machine.memory.PhysicalMemory;
import org.junit.jupiter.api.Test;

/** The 82093AA I/O APIC (datasheet 290566) routing pins to the local APIC. */
class IoApicTest {
    private static final int LEVEL = 1 << 15, MASKED = 1 << 16, POLARITY_LOW = 1 << 13, LOGICAL = 1 << 11;
    private static final int REMOTE_IRR = 1 << 14;
    private final LocalApic lapic = new LocalApic(Clock.manual(), InterruptController.NONE);
    private final IoApic ioapic = new IoApic(1, lapic);
    private final PhysicalMemory mem = new PhysicalMemory(1 << 20);

    IoApicTest() {
        lapic.setEoiListener(ioapic::endOfInterrupt);
        mem.mapMmio((int) IoApic.DEFAULT_BASE, IoApic.WINDOW, ioapic);
        mem.mapMmio((int) LocalApic.DEFAULT_BASE, LocalApic.WINDOW, lapic);
    }

    /** IOREGSEL then IOWIN, as software does through the MMIO window. */
    private int reg(int index) {
        mem.write32(0xFEC00000, index);
        return mem.read32(0xFEC00010);
    }

    private void set(int index, int value) {
        mem.write32(0xFEC00000, index);
        mem.write32(0xFEC00010, value);
    }

    private void route(int pin, int low, int destination) {
        set(0x11 + 2 * pin, destination << 24);
        set(0x10 + 2 * pin, low);
    }

    private boolean requested(int vector) {
        return (mem.read32(0xFEE00200 + 0x10 * (vector >>> 5)) & 1 << (vector & 31)) != 0;
    }

    private void eoi() {
        mem.write32(0xFEE000B0, 0);
    }

    @Test
    void identificationRegisters() {
        assertEquals(0x00170011, reg(0x01), "version 11H, maximum redirection entry 17H");
        assertEquals(23, (reg(0x01) >>> 16 & 0xFF), "24 pins");
        assertEquals(MpTable.Config.pc().ioApicVersion(), reg(0x01) & 0xFF, "as the MP table says");
        assertEquals(MpTable.Config.pc().ioApicId() << 24, reg(0x00), "the ID the MP table names");
        set(0x00, 0x0A000000);
        assertEquals(0x0A000000, reg(0x00));
        assertEquals(0x0A000000, reg(0x02), "the arbitration ID is loaded from the ID");
        set(0x01, 0);
        assertEquals(0x00170011, reg(0x01), "read-only");
        mem.write32(0xFEC00000, 0x1234);
        assertEquals(0x34, mem.read32(0xFEC00000), "IOREGSEL is 8 bits");
    }

    @Test
    void entriesResetMaskedAndKeepWritableBits() {
        for (int pin = 0; pin < 24; pin++) {
            assertEquals(MASKED, reg(0x10 + 2 * pin), "pin " + pin);
            assertEquals(0, reg(0x11 + 2 * pin));
        }
        set(0x10, 0xFFFFFFFF);
        assertEquals(0x0001AFFF, reg(0x10), "delivery status and remote IRR are read-only");
        set(0x11, 0xFFFFFFFF);
        assertEquals(0xFF000000, reg(0x11), "destination in bits 56-63");
        assertEquals(0, reg(0x40), "no register past entry 23");
    }

    @Test
    void edgeEntryFiresOncePerRisingEdge() {
        route(2, 0x30, 0);
        ioapic.setIrq(2, true);
        assertTrue(requested(0x30));
        assertEquals(0x30, lapic.acknowledge());
        ioapic.setIrq(2, true);
        assertFalse(requested(0x30), "a held level is not a new edge");
        ioapic.setIrq(2, false);
        ioapic.setIrq(2, true);
        assertTrue(requested(0x30));
        assertEquals(0, mem.read32(0xFEE00180 + 0x10), "edge: TMR clear");
        eoi();
        assertEquals(0, reg(0x14) & REMOTE_IRR);
    }

    @Test
    void levelEntryWaitsForEoiAndRepeatsWhileAsserted() {
        route(9, LEVEL | 0x41, 0);
        ioapic.setIrq(9, true);
        assertEquals(0x41, lapic.acknowledge());
        assertTrue((reg(0x10 + 2 * 9) & REMOTE_IRR) != 0, "remote IRR set on acceptance");
        assertTrue((mem.read32(0xFEE00180 + 0x20) & 1 << 1) != 0, "TMR marks 41H level");
        assertFalse(requested(0x41), "no second message before the EOI");
        eoi();
        assertTrue(requested(0x41), "still asserted after the EOI: sent again");
        assertEquals(0x41, lapic.acknowledge());
        ioapic.setIrq(9, false);
        eoi();
        assertEquals(0, reg(0x10 + 2 * 9) & REMOTE_IRR, "the EOI for 41H clears remote IRR");
        assertFalse(lapic.hasInterrupt());
    }

    @Test
    void eoiForAnotherVectorLeavesRemoteIrr() {
        route(5, LEVEL | 0x51, 0);
        route(6, LEVEL | 0x61, 0);
        ioapic.setIrq(5, true);
        ioapic.setIrq(6, true);
        assertEquals(0x61, lapic.acknowledge());
        eoi();
        assertTrue((reg(0x10 + 2 * 5) & REMOTE_IRR) != 0, "pin 5 still waits for 51H");
    }

    @Test
    void maskedPinsIgnoreEdgesButAnActiveLevelFiresOnUnmask() {
        route(3, MASKED | 0x33, 0);
        ioapic.setIrq(3, true);
        route(3, 0x33, 0);
        assertFalse(requested(0x33), "an edge on a masked pin is lost");
        route(4, MASKED | LEVEL | 0x34, 0);
        ioapic.setIrq(4, true);
        assertFalse(requested(0x34));
        route(4, LEVEL | 0x34, 0);
        assertTrue(requested(0x34), "unmasking an asserted level pin interrupts");
    }

    @Test
    void activeLowPolarity() {
        route(10, LEVEL | POLARITY_LOW | MASKED | 0x4A, 0);
        ioapic.setIrq(10, true); // inactive high
        route(10, LEVEL | POLARITY_LOW | 0x4A, 0);
        assertFalse(requested(0x4A));
        ioapic.setIrq(10, false);
        assertTrue(requested(0x4A), "a low level is active");
    }

    @Test
    void destinationsMustAddressTheLocalApic() {
        route(1, 0x71, 2); // physical APIC ID 2; ours is 0
        ioapic.setIrq(1, true);
        assertFalse(requested(0x71));
        mem.write32(0xFEE000D0, 0x01000000); // LDR: logical ID 1 (flat model)
        route(7, LOGICAL | 0x72, 0x01);
        ioapic.setIrq(7, true);
        assertTrue(requested(0x72));
        route(8, LOGICAL | ApicBus.LOWEST_PRIORITY << 8 | 0x73, 0xFF);
        ioapic.setIrq(8, true);
        assertTrue(requested(0x73), "lowest priority to every processor: the only one");
    }

    @Test
    void refusedLevelMessageStaysPending() {
        route(11, LEVEL | 0x5B, 0);
        mem.write32(0xFEE000F0, 0xFF); // software-disable the local APIC
        ioapic.setIrq(11, true);
        assertTrue((reg(0x10 + 2 * 11) & 1 << 12) != 0, "delivery status: send pending");
        assertEquals(0, reg(0x10 + 2 * 11) & REMOTE_IRR);
        mem.write32(0xFEE000F0, 0x1FF);
        route(11, LEVEL | 0x5B, 0);
        assertTrue(requested(0x5B), "sent again when the entry is written");
        assertEquals(0, reg(0x10 + 2 * 11) & 1 << 12);
    }

    @Test
    void switchingToEdgeClearsRemoteIrr() {
        route(12, LEVEL | 0x4C, 0);
        ioapic.setIrq(12, true);
        assertTrue((reg(0x10 + 2 * 12) & REMOTE_IRR) != 0);
        route(12, MASKED | 0x4C, 0);
        assertEquals(0, reg(0x10 + 2 * 12) & REMOTE_IRR, "what Linux does when an EOI was lost");
    }

    @Test
    void extIntEntryLetsThePicAnswer() {
        int[] picVector = {0};
        InterruptController fakePic = new InterruptController() {
            @Override public boolean hasInterrupt() { return picVector[0] != 0; }
            @Override public int acknowledge() { return picVector[0]; }
        };
        LocalApic apic = new LocalApic(Clock.manual(), fakePic);
        apic.write(0x350, 4, 0x10700); // LINT0 masked: only the I/O APIC path is open
        IoApic io = new IoApic(1, apic);
        picVector[0] = 0x20;
        assertFalse(apic.hasInterrupt());
        io.setIrq(0, false);
        io.write(0, 4, 0x10);
        io.write(0x10, 4, ApicBus.EXTINT << 8);
        io.setIrq(0, true);
        assertTrue(apic.hasInterrupt());
        assertEquals(0x20, apic.acknowledge(), "the 8259A supplies the vector");
    }
}
