package org.jvisor.machine.devices.apic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jvisor.machine.Clock;
import org.jvisor.machine.cpu.InterruptController;
import org.junit.jupiter.api.Test;

/**
 * The local APIC timer (SDM Vol. 3A 10.5.4) on a manual clock. The bus clock is 100 MHz, so
 * one bus tick is 10 ns and the count drops once every divisor x 10 ns after the initial
 * count is written.
 */
class LocalApicTimerTest {
    private static final int TIMER_VECTOR = 0xEC, PERIODIC = 1 << 17, MASKED = 1 << 16;
    private static final long NS_PER_BUS_TICK = 10;
    private final Clock.Manual clock = Clock.manual();
    private final LocalApic apic = new LocalApic(clock, InterruptController.NONE);

    private int reg(int offset) {
        return apic.read(offset, 4);
    }

    private void set(int offset, int value) {
        apic.write(offset, 4, value);
    }

    /** Takes and retires one interrupt; returns its vector, or -1 if none was pending. */
    private int take() {
        if (!apic.hasInterrupt()) return -1;
        int v = apic.acknowledge();
        set(0xB0, 0);
        return v;
    }

    private void advanceAndPoll(long nanos) {
        clock.advance(nanos);
        apic.poll();
    }

    @Test
    void everyDivideConfigurationOfFigure10_10() {
        // divide configuration register value -> divisor, straight from the figure
        int[][] table = {{0b0000, 2}, {0b0001, 4}, {0b0010, 8}, {0b0011, 16},
                         {0b1000, 32}, {0b1001, 64}, {0b1010, 128}, {0b1011, 1}};
        for (int[] row : table) {
            apic.reset();
            set(0x320, TIMER_VECTOR);
            set(0x3E0, row[0]);
            set(0x380, 100);
            long step = row[1] * NS_PER_BUS_TICK;
            advanceAndPoll(step * 40);
            assertEquals(60, reg(0x390), "divide " + row[1] + ": 40 steps taken");
            assertEquals(-1, take());
            advanceAndPoll(step * 60 - 1);
            assertEquals(1, reg(0x390), "one step short");
            assertEquals(-1, take(), "divide " + row[1] + ": not yet");
            advanceAndPoll(1);
            assertEquals(0, reg(0x390), "one-shot ends at 0");
            assertEquals(TIMER_VECTOR, take(), "divide " + row[1] + ": fires at 100 steps");
            advanceAndPoll(step * 1000);
            assertEquals(-1, take(), "one-shot fires once");
        }
    }

    @Test
    void periodicModeReloadsAndNextEventNamesEachExpiry() {
        set(0x320, PERIODIC | TIMER_VECTOR);
        set(0x3E0, 0b0001); // divide by 4: a step every 40 ns
        set(0x380, 250);    // 250 steps: a period of 10 us
        assertEquals(10_000, apic.nextEventNanos());
        for (int k = 1; k <= 5; k++) {
            clock.advanceTo(k * 10_000L - 1);
            apic.poll();
            assertEquals(-1, take(), "period " + k + ": not before 10 us x " + k);
            clock.advanceTo(k * 10_000L);
            apic.poll();
            assertEquals(250, reg(0x390), "reloaded from the initial count");
            assertEquals(TIMER_VECTOR, take(), "period " + k);
            assertEquals((k + 1) * 10_000L, apic.nextEventNanos());
        }
        advanceAndPoll(2_500); // a quarter period
        assertEquals(250 - 62, reg(0x390), "2500 ns = 62 whole steps of 40 ns");
        assertEquals(250, reg(0x380), "the initial count reads back");
    }

    @Test
    void missedPeriodsCoalesceIntoOneInterrupt() {
        set(0x320, PERIODIC | TIMER_VECTOR);
        set(0x3E0, 0b1011);
        set(0x380, 1000); // 10 us
        advanceAndPoll(55_000);
        assertEquals(TIMER_VECTOR, take());
        assertEquals(-1, take(), "one IRR bit holds one request");
        assertEquals(60_000, apic.nextEventNanos());
        assertEquals(500, reg(0x390));
    }

    @Test
    void maskedTimerCountsButDoesNotInterrupt() {
        set(0x320, MASKED | TIMER_VECTOR);
        set(0x3E0, 0b1011);
        set(0x380, 100);
        assertEquals(Long.MAX_VALUE, apic.nextEventNanos(), "nothing to wake up for");
        advanceAndPoll(500);
        assertEquals(50, reg(0x390), "the count runs");
        advanceAndPoll(500);
        assertEquals(-1, take(), "masked: the expiry is lost");
        set(0x320, TIMER_VECTOR);
        advanceAndPoll(10_000);
        assertEquals(-1, take(), "unmasking does not bring it back");
    }

    @Test
    void writingZeroStopsAndModeChangesDoNotStart() {
        set(0x320, PERIODIC | TIMER_VECTOR);
        set(0x3E0, 0b1011);
        set(0x380, 100);
        advanceAndPoll(300);
        set(0x380, 0);
        assertEquals(0, reg(0x390));
        advanceAndPoll(100_000);
        assertEquals(-1, take(), "a zero initial count stops the timer");
        assertEquals(Long.MAX_VALUE, apic.nextEventNanos());
        set(0x320, TIMER_VECTOR);
        set(0x320, PERIODIC | TIMER_VECTOR);
        advanceAndPoll(100_000);
        assertEquals(-1, take(), "switching modes does not start it");
    }

    @Test
    void rewritingTheInitialCountRestartsTheRun() {
        set(0x320, TIMER_VECTOR);
        set(0x3E0, 0b1011);
        set(0x380, 100);
        advanceAndPoll(900);
        set(0x380, 100);
        advanceAndPoll(900);
        assertEquals(-1, take(), "restarted 90 steps into the first run");
        assertEquals(10, reg(0x390));
        advanceAndPoll(100);
        assertEquals(TIMER_VECTOR, take());
    }

    @Test
    void aNewDividerAppliesToTheRestOfTheCount() {
        set(0x320, TIMER_VECTOR);
        set(0x3E0, 0b1011); // by 1: 10 ns a step
        set(0x380, 100);
        advanceAndPoll(500); // 50 steps, 50 left
        set(0x3E0, 0b0000); // by 2: 20 ns a step
        assertEquals(50, reg(0x390));
        assertEquals(500 + 50 * 20, apic.nextEventNanos());
        advanceAndPoll(50 * 20);
        assertEquals(TIMER_VECTOR, take());
    }

    @Test
    void timerRaisesItsVectorWhenReadAfterExpiryWithoutPoll() {
        set(0x320, TIMER_VECTOR);
        set(0x3E0, 0b1011);
        set(0x380, 10);
        clock.advance(100);
        assertTrue((reg(0x200 + 0x70) & 1 << (TIMER_VECTOR & 31)) != 0, "a register access brings the timer up to date");
        assertFalse((reg(0x180 + 0x70) & 1 << (TIMER_VECTOR & 31)) != 0, "edge-triggered");
    }
}
