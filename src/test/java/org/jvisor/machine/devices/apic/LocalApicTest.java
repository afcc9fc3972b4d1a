package org.jvisor.machine.devices.apic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.jvisor.boot.MpTable;
import org.jvisor.machine.Clock;
import org.jvisor.machine.cpu.InterruptController;
import org.jvisor.machine.memory.PhysicalMemory;
import org.junit.jupiter.api.Test;

/** The local APIC's registers, priorities, EOI and errors against SDM Vol. 3A chapter 10. */
class LocalApicTest {
    private final Clock.Manual clock = Clock.manual();
    private final LocalApic apic = new LocalApic(clock, InterruptController.NONE);
    private final List<Integer> eois = new ArrayList<>();

    LocalApicTest() {
        apic.setEoiListener(eois::add);
    }

    private int reg(int offset) {
        return apic.read(offset, 4);
    }

    private void set(int offset, int value) {
        apic.write(offset, 4, value);
    }

    /** A fixed, edge-triggered self-IPI (ICR shorthand 01, 10.6.1). */
    private void selfIpi(int vector) {
        set(0x300, 1 << 18 | vector);
    }

    private boolean inIrr(int vector) {
        return (reg(0x200 + 0x10 * (vector >>> 5)) & 1 << (vector & 31)) != 0;
    }

    private boolean inIsr(int vector) {
        return (reg(0x100 + 0x10 * (vector >>> 5)) & 1 << (vector & 31)) != 0;
    }

    @Test
    void powerUpValuesAreThoseOfSection10_4_7_1() {
        apic.resetToPowerUp();
        assertEquals(0, reg(0x20), "APIC ID of the BSP");
        assertEquals(0, reg(0x80), "TPR");
        assertEquals(0, reg(0x90), "APR");
        assertEquals(0, reg(0xA0), "PPR");
        assertEquals(0, reg(0xD0), "LDR");
        assertEquals(0xFFFFFFFF, reg(0xE0), "DFR: all ones");
        assertEquals(0xFF, reg(0xF0), "SVR: vector FFH, software-disabled");
        for (int n = 0; n < 8; n++) {
            assertEquals(0, reg(0x100 + 0x10 * n), "ISR");
            assertEquals(0, reg(0x180 + 0x10 * n), "TMR");
            assertEquals(0, reg(0x200 + 0x10 * n), "IRR");
        }
        assertEquals(0, reg(0x280), "ESR");
        assertEquals(0, reg(0x300));
        assertEquals(0, reg(0x310));
        for (int lvt : new int[] {0x320, 0x340, 0x350, 0x360, 0x370}) {
            assertEquals(0x00010000, reg(lvt), "LVT " + Integer.toHexString(lvt) + " masked");
        }
        assertEquals(0, reg(0x380));
        assertEquals(0, reg(0x390));
        assertEquals(0, reg(0x3E0));
    }

    @Test
    void firmwareLeavesVirtualWireMode() {
        assertEquals(0x1FF, reg(0xF0), "software-enabled, spurious vector FFH");
        assertEquals(0x700, reg(0x350), "LINT0: ExtINT, unmasked");
        assertEquals(0x400, reg(0x360), "LINT1: NMI, unmasked");
        assertEquals(0x00010000, reg(0x320), "the timer stays masked");
    }

    @Test
    void versionRegisterDescribesAP6ApicWithFiveLvtEntries() {
        int version = reg(0x30);
        assertEquals(MpTable.Config.pc().localApicVersion(), version & 0xFF, "the version the MP table announces");
        assertTrue((version & 0xF0) == 0x10, "1xH: an integrated APIC (10.4.8)");
        assertEquals(4, version >>> 16 & 0xFF, "max LVT entry = entries - 1: timer, perf, LINT0, LINT1, error");
        set(0x30, 0);
        assertEquals(version, reg(0x30), "read-only");
    }

    @Test
    void registersKeepOnlyTheirDefinedBits() {
        set(0x20, 0xFFFFFFFF);
        assertEquals(0x0F000000, reg(0x20), "4-bit APIC ID on P6");
        set(0xD0, 0xFFFFFFFF);
        assertEquals(0xFF000000, reg(0xD0), "logical ID in 24-31");
        set(0xE0, 0x0FFFFFFF);
        assertEquals(0x0FFFFFFF, reg(0xE0), "cluster model; bits 0-27 read as ones");
        set(0xF0, 0x100);
        assertEquals(0x10F, reg(0xF0), "SVR vector bits 0-3 hardwired to 1 on P6");
        set(0x80, 0x1234);
        assertEquals(0x34, reg(0x80));
        set(0x320, 0xFFFFFFFF);
        assertEquals(0x000300FF, reg(0x320), "timer LVT: vector, mask, periodic");
        set(0x350, 0xFFFFFFFF);
        assertEquals(0x0001A7FF, reg(0x350), "LINT0: delivery status and remote IRR are read-only");
        set(0x370, 0xFFFFFFFF);
        assertEquals(0x000100FF, reg(0x370));
        set(0x3E0, 0xFFFFFFFF);
        assertEquals(0xB, reg(0x3E0), "divide bits 0, 1, 3");
        set(0x330, 0xFFFFFFFF);
        assertEquals(0, reg(0x330), "no thermal LVT on P6");
    }

    @Test
    void narrowReadsSeeTheAddressedBytesAndTheWindowIsMmio() {
        PhysicalMemory mem = new PhysicalMemory(1 << 20);
        mem.mapMmio((int) LocalApic.DEFAULT_BASE, LocalApic.WINDOW, apic);
        assertEquals(LocalApic.VERSION, mem.read32(0xFEE00030));
        assertEquals(0x04, mem.read8(0xFEE00032));
        mem.write32(0xFEE00080, 0x57);
        assertEquals(0x57, reg(0x80));
        mem.write8(0xFEE00080, 0x11);
        assertEquals(0x57, reg(0x80), "sub-dword writes are not defined and change nothing");
        assertEquals(0, mem.read32(0xFEE00034), "reserved bytes of a 16-byte slot");
    }

    @Test
    void taskPriorityMasksWholeClassesAndPprFollows() {
        set(0x80, 0x50);
        selfIpi(0x45);
        assertTrue(inIrr(0x45));
        assertFalse(apic.hasInterrupt(), "class 4 does not beat TPR class 5");
        assertEquals(0x50, reg(0xA0), "PPR = TPR while nothing is in service");
        set(0x80, 0x40);
        assertFalse(apic.hasInterrupt(), "an equal class is blocked too");
        set(0x80, 0x3F);
        assertTrue(apic.hasInterrupt());
        assertEquals(0x45, apic.acknowledge());
        assertEquals(0x40, reg(0xA0), "PPR = in-service class 40H, which beats TPR 3FH");
        set(0x80, 0x4A);
        assertEquals(0x4A, reg(0xA0), "TPR class equal to ISRV class: PPR = TPR");
    }

    @Test
    void irrMovesToIsrAndEoiRetiresTheHighestInService() {
        selfIpi(0x31);
        selfIpi(0x52);
        assertEquals(0x52, apic.acknowledge(), "highest vector first");
        assertTrue(inIsr(0x52));
        assertFalse(inIrr(0x52));
        assertFalse(apic.hasInterrupt(), "0x31 waits below in-service 0x52");
        selfIpi(0x55);
        assertFalse(apic.hasInterrupt(), "same class does not nest");
        selfIpi(0x61);
        assertEquals(0x61, apic.acknowledge(), "a higher class nests");
        assertEquals(0x60, reg(0xA0));
        set(0xB0, 0);
        assertFalse(inIsr(0x61), "EOI clears the highest ISR bit");
        assertTrue(inIsr(0x52));
        set(0xB0, 0);
        assertEquals(0x55, apic.acknowledge());
        set(0xB0, 0);
        assertEquals(0x31, apic.acknowledge());
        set(0xB0, 0);
        assertEquals(0, reg(0x100 + 0x10), "ISR empty");
        assertFalse(apic.hasInterrupt());
        assertTrue(eois.isEmpty(), "edge-triggered vectors are not broadcast");
    }

    @Test
    void vanishedRequestYieldsTheSpuriousVectorWithoutIsr() {
        set(0xF0, 0x1E0);
        selfIpi(0x70);
        assertTrue(apic.hasInterrupt());
        set(0x80, 0xF0); // raised between INTR and INTA
        assertEquals(0xEF, apic.acknowledge(), "SVR vector with bits 0-3 forced to 1");
        assertEquals(0, reg(0x130), "nothing in service");
        assertTrue(inIrr(0x70), "the request is still pending");
    }

    @Test
    void arbitrationPriorityOnP6() {
        set(0x80, 0x35);
        assertEquals(0x35, reg(0x90), "TPR beats empty IRR and ISR");
        selfIpi(0x47);
        assertEquals(0x40, reg(0x90), "IRRV class 4 above TPR class 3");
        set(0x80, 0x20);
        assertEquals(0x47, apic.acknowledge());
        assertEquals(0x40, reg(0x90), "ISRV class 4");
        set(0x80, 0x48);
        assertEquals(0x40, reg(0x90), "TPR class must exceed the ISRV class");
        set(0x80, 0x58);
        assertEquals(0x58, reg(0x90));
    }

    @Test
    void esrIsWrittenBeforeItIsRead() {
        selfIpi(0x05); // illegal vector
        assertEquals(0, reg(0x280), "errors become visible only after a write");
        set(0x280, 0);
        assertEquals(1 << 5, reg(0x280), "send illegal vector");
        assertFalse(apic.hasInterrupt(), "illegal vectors are not delivered");
        set(0x280, 0);
        assertEquals(0, reg(0x280), "the next write clears it");
    }

    @Test
    void errorsRaiseTheErrorEntryAndIllegalLocalVectorsAreReceiveErrors() {
        set(0x370, 0xE3);
        set(0x320, 0x0A); // timer vector 10: illegal
        set(0x3E0, 0xB);
        set(0x380, 1);
        clock.advance(10); // one bus tick at divide-by-1

        apic.poll();
        set(0x280, 0);
        assertEquals(1 << 6, reg(0x280), "receive illegal vector");
        assertEquals(0xE3, apic.acknowledge(), "the error LVT interrupt");
    }

    @Test
    void levelTriggeredVectorsSetTmrAndEoiIsBroadcast() {
        assertTrue(apic.deliver(0x66, ApicBus.FIXED, false, 0, true));
        assertTrue((reg(0x180 + 0x30) & 1 << 6) != 0, "TMR bit of 0x66");
        assertEquals(0x66, apic.acknowledge());
        set(0xB0, 0);
        assertEquals(List.of(0x66), eois);
    }

    @Test
    void softwareDisabledApicHoldsRequestsAndKeepsLvtMasked() {
        selfIpi(0x80);
        set(0xF0, 0xFF);
        assertEquals(0x00010700, reg(0x350), "disabling sets every mask bit");
        set(0x350, 0x700);
        assertEquals(0x00010700, reg(0x350), "the mask bit cannot be cleared");
        assertFalse(apic.hasInterrupt(), "the pending request is held");
        assertFalse(apic.deliver(0x81, ApicBus.FIXED, false, 0, false), "fixed messages are refused");
        set(0xF0, 0x1FF);
        assertEquals(0x80, apic.acknowledge());
        assertFalse(inIrr(0x81));
    }

    @Test
    void destinationsFollowIdLdrAndDfr() {
        set(0x20, 0x03000000);
        assertTrue(apic.addressedBy(false, 3));
        assertTrue(apic.addressedBy(false, 0xF), "physical broadcast");
        assertFalse(apic.addressedBy(false, 0));
        set(0xD0, 0x24000000);
        assertTrue(apic.addressedBy(true, 0x04), "flat: a common bit");
        assertFalse(apic.addressedBy(true, 0x80));
        assertTrue(apic.addressedBy(true, 0xFF), "logical broadcast");
        set(0xE0, 0x0FFFFFFF); // cluster model
        assertTrue(apic.addressedBy(true, 0x2C), "cluster 2, member bit 2");
        assertFalse(apic.addressedBy(true, 0x34), "another cluster");
        set(0x310, 0x05000000);
        set(0x300, 0x0000_0040 | 0 << 11); // physical destination 5: not us
        assertFalse(inIrr(0x40));
        set(0x310, 0x03000000);
        set(0x300, 0x0000_0040);
        assertTrue(inIrr(0x40));
        set(0x300, 3 << 18 | 0x41); // all excluding self
        assertFalse(inIrr(0x41));
        assertEquals(0, reg(0x300) & 1 << 12, "delivery status idle");
    }
}
