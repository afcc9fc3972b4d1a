package org.jvisor.machine.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jvisor.machine.Clock;
import org.jvisor.machine.memory.PortBus;
import org.junit.jupiter.api.Test;

/** Port 0x61 (PC/AT system control port B) with PIT counter 2 behind it. */
class SystemControlPortTest {
    private final Clock.Manual clock = Clock.manual();
    private final Pit8254 pit = new Pit8254(clock, IrqLine.NONE);
    private final SystemControlPort port61 = new SystemControlPort(clock, pit);
    private final PortBus bus = new PortBus();

    SystemControlPortTest() {
        bus.register(0x40, 4, pit);
        bus.register(0x61, 1, port61);
    }

    private int in61() {
        return bus.read(0x61, 1);
    }

    private void toTick(long t) {
        clock.advanceTo(Pit8254.nanosAtTick(t));
    }

    @Test
    void lowNibbleReadsBackAndNmiBitsAreStored() {
        bus.write(0x61, 1, 0xFC); // bits 4-7 are read-only
        assertEquals(0x0C, in61() & 0x0F);
        assertEquals(0x0C, port61.nmiDisableBits());
        assertFalse(port61.speakerEnabled());
        bus.write(0x61, 1, 0x03);
        assertEquals(0x03, in61() & 0x0F);
        assertTrue(port61.speakerEnabled());
        assertEquals(0, in61() & 0xC0, "no parity or channel check errors");
    }

    @Test
    void refreshBitTogglesEvery15Microseconds() {
        assertEquals(0, in61() & 0x10);
        clock.advanceTo(14_999);
        assertEquals(0, in61() & 0x10);
        clock.advanceTo(15_000);
        assertEquals(0x10, in61() & 0x10);
        clock.advanceTo(29_999);
        assertEquals(0x10, in61() & 0x10);
        clock.advanceTo(30_000);
        assertEquals(0, in61() & 0x10);
    }

    @Test
    void bit0GatesCounter2AndBit5ShowsOut2() {
        bus.write(0x43, 1, 0xB0); // counter 2, mode 0
        bus.write(0x42, 1, 100);
        bus.write(0x42, 1, 0);
        assertFalse(pit.gate2(), "GATE2 starts low with port 0x61 cleared");
        toTick(1000);
        assertEquals(0, in61() & 0x20);
        bus.write(0x61, 1, 0x01); // GATE2 high at tick 1000: counts from the next clock
        assertTrue(pit.gate2());
        toTick(1099);
        assertEquals(0, in61() & 0x20);
        toTick(1100);
        assertEquals(0x20, in61() & 0x20, "OUT2 high at terminal count");

        bus.write(0x43, 1, 0xB6); // counter 2, mode 3 square wave, N = 10
        bus.write(0x42, 1, 10);
        bus.write(0x42, 1, 0);
        StringBuilder wave = new StringBuilder();
        for (long t = 1101; t <= 1120; t++) {
            toTick(t);
            wave.append((in61() & 0x20) != 0 ? '1' : '0');
        }
        assertEquals("11111000001111100000", wave.toString());
        bus.write(0x61, 1, 0x00);
        assertEquals(0x20, in61() & 0x20, "GATE low holds OUT high in mode 3");
    }
}
