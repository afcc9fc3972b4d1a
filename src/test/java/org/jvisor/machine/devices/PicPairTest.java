package org.jvisor.machine.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jvisor.machine.memory.PortBus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The PC's 8259A pair against the 8259A datasheet (231468), programmed as Linux does. */
class PicPairTest {
    private final PicPair pic = new PicPair();
    private final PortBus bus = new PortBus();

    @BeforeEach
    void init() {
        bus.register(0x20, 2, pic.masterPorts());
        bus.register(0xA0, 2, pic.slavePorts());
        bus.register(0x4D0, 2, pic.elcrPorts());
        initialize(0x01); // ICW4: 8086 mode, normal EOI
    }

    private void initialize(int icw4) {
        // ICW1 edge + ICW4 needed; ICW2 vector bases; ICW3 cascade on IR2 / slave id 2; ICW4.
        out(0x20, 0x11); out(0x21, 0x20); out(0x21, 0x04); out(0x21, icw4);
        out(0xA0, 0x11); out(0xA1, 0x28); out(0xA1, 0x02); out(0xA1, icw4);
        out(0x21, 0x00); out(0xA1, 0x00); // unmask everything (OCW1)
    }

    private void out(int port, int v) {
        bus.write(port, 1, v);
    }

    private int in(int port) {
        return bus.read(port, 1);
    }

    @Test
    void fullyNestedPriorityWithNonSpecificEoi() {
        pic.setIrq(1, true);
        pic.setIrq(0, true);
        assertTrue(pic.hasInterrupt());
        assertEquals(0x20, pic.acknowledge(), "IRQ0 has the highest priority");
        assertFalse(pic.hasInterrupt(), "IRQ1 waits while IRQ0 is in service");
        out(0x20, 0x20); // non-specific EOI
        assertEquals(0x21, pic.acknowledge());
        assertEquals(0x02, pic.inService());
    }

    @Test
    void higherPriorityInterruptsNestWithinALowerOne() {
        pic.setIrq(4, true);
        assertEquals(0x24, pic.acknowledge());
        pic.setIrq(3, true);
        assertTrue(pic.hasInterrupt(), "IRQ3 outranks IRQ4 in service");
        assertEquals(0x23, pic.acknowledge());
        assertEquals(0x18, pic.inService());
    }

    @Test
    void slaveInterruptsCascadeThroughIr2() {
        pic.setIrq(14, true);
        assertTrue(pic.hasInterrupt());
        assertEquals(0x2E, pic.acknowledge());
        assertEquals((1 << 2) | (1 << 14), pic.inService());
    }

    @Test
    void maskedRequestsWaitInIrr() {
        out(0x21, 0x01);
        pic.setIrq(0, true);
        assertFalse(pic.hasInterrupt());
        assertEquals(0x01, in(0x21), "IMR reads back");
        assertEquals(0x01, in(0x20) & 0x01, "IRR is the default read register");
        out(0x21, 0x00);
        assertEquals(0x20, pic.acknowledge());
    }

    @Test
    void edgeRequestsAreLatchedLevelRequestsFollowThePin() {
        pic.setIrq(5, true);
        pic.setIrq(5, false);
        assertTrue(pic.hasInterrupt(), "the rising edge stays latched in IRR");
        assertEquals(0x25, pic.acknowledge());
        out(0x20, 0x20);
        out(0x4D0, 0x20); // ELCR: IRQ5 level-triggered
        assertEquals(0x20, in(0x4D0));
        pic.setIrq(5, true);
        pic.setIrq(5, false);
        assertFalse(pic.hasInterrupt(), "a level request withdrawn before INTA is gone");
    }

    @Test
    void requestGoneBeforeAcknowledgeIsSpuriousIr7() {
        out(0x4D0, 0x08); // IRQ3 level
        pic.setIrq(3, true);
        assertTrue(pic.hasInterrupt());
        pic.setIrq(3, false);
        assertEquals(0x27, pic.acknowledge(), "spurious IR7 vector");
        assertEquals(0, pic.inService(), "a spurious IR7 is not put in service");
    }

    @Test
    void autoEoiLeavesNothingInService() {
        initialize(0x03);
        pic.setIrq(6, true);
        assertEquals(0x26, pic.acknowledge());
        assertEquals(0, pic.inService());
    }

    @Test
    void rotateOnNonSpecificEoiMakesTheServicedInputLowest() {
        pic.setIrq(0, true);
        assertEquals(0x20, pic.acknowledge());
        out(0x20, 0xA0); // rotate on non-specific EOI: IRQ0 becomes lowest priority
        pic.setIrq(0, false);
        pic.setIrq(0, true);
        pic.setIrq(1, true);
        assertEquals(0x21, pic.acknowledge(), "IRQ1 now outranks IRQ0");
    }

    @Test
    void specificEoiAndReadingIsr() {
        pic.setIrq(2 + 8, true); // IRQ10 through the slave
        pic.setIrq(7, true);
        assertEquals(0x2A, pic.acknowledge());
        out(0xA0, 0x0B); // OCW3: read ISR
        assertEquals(0x04, in(0xA0));
        out(0xA0, 0x62); // specific EOI for slave level 2
        out(0x20, 0x62); // specific EOI for master level 2
        assertEquals(0, pic.inService() & 0x0404);
        assertEquals(0x27, pic.acknowledge());
    }

    @Test
    void pollModeReturnsTheRequestAndAcknowledgesIt() {
        out(0x21, 0xFF);
        out(0x21, 0x00);
        pic.setIrq(3, true);
        out(0x20, 0x0C); // OCW3 poll command
        assertEquals(0x83, in(0x20));
        assertEquals(0x08, pic.inService());
    }

    @Test
    void specialMaskModeLetsLowerPrioritiesThrough() {
        pic.setIrq(3, true);
        assertEquals(0x23, pic.acknowledge());
        out(0x21, 0x08);  // mask the in-service IRQ3
        out(0x20, 0x68);  // OCW3: set special mask mode
        pic.setIrq(5, true);
        assertTrue(pic.hasInterrupt(), "special mask mode ignores the masked in-service level");
        assertEquals(0x25, pic.acknowledge());
    }
}
