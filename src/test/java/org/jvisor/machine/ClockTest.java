package org.jvisor.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClockTest {
    @Test
    void manualClockMovesOnlyForward() {
        Clock.Manual c = Clock.manual();
        assertEquals(0, c.nanos());
        c.advance(1500);
        c.advanceTo(2000);
        assertEquals(2000, c.nanos());
        assertThrows(IllegalArgumentException.class, () -> c.advance(-1));
        assertThrows(IllegalArgumentException.class, () -> c.advanceTo(1999));
        assertEquals(2000, c.nanos());
    }

    @Test
    void hostClockStartsNearZeroAndFollowsTheHost() throws InterruptedException {
        Clock c = Clock.host();
        long a = c.nanos();
        assertTrue(a >= 0 && a < 1_000_000_000L, "starts at construction");
        Thread.sleep(20);
        long b = c.nanos();
        assertTrue(b - a >= 20_000_000L, "at least the 20 ms slept: " + (b - a));
    }
}
