package org.jvisor.machine.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DebugExitTest {
    private int stops;
    private final DebugExit exit = new DebugExit(() -> stops++);

    @Test
    void writeRecordsTheValueAndStops() {
        assertFalse(exit.exited());
        exit.write(0, 1, 1);
        assertTrue(exit.exited());
        assertEquals(1, exit.value());
        assertEquals(1, stops);
    }

    @Test
    void qemuStatusIsTwiceTheValuePlusOne() {
        exit.write(0, 1, 0);
        assertEquals(1, exit.qemuStatus());
        exit.write(0, 1, 1);
        assertEquals(3, exit.qemuStatus());
        exit.write(0, 1, 0x80);
        assertEquals(1, exit.qemuStatus(), "(0x80 << 1 | 1) cut to an 8-bit process status");
    }

    @Test
    void readsAreOpenBus() {
        assertEquals(0xFF, exit.read(0, 1));
        assertEquals(0xFFFF, exit.read(0, 2));
        assertEquals(-1, exit.read(0, 4));
    }
}
