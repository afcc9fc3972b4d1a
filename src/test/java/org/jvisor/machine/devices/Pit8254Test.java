package org.jvisor.machine.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.jvisor.machine.Clock;
import org.jvisor.machine.memory.PortBus;
import org.junit.jupiter.api.Test;

/**
 * The 8254 against its datasheet (Intel 231164) on a virtual clock. Tick t is the t-th edge of
 * the 1.193182 MHz input clock; a count written between ticks t and t+1 is loaded by edge t+1.
 */
class Pit8254Test {
    private final Clock.Manual clock = Clock.manual();
    private final List<Long> irq0Edges = new ArrayList<>();
    private final Pit8254 pit = new Pit8254(clock, high -> {
        if (high) irq0Edges.add(tick());
    });
    private final PortBus bus = new PortBus();

    Pit8254Test() {
        bus.register(0x40, 4, pit);
    }

    private long tick() {
        return Pit8254.ticksAt(clock.nanos());
    }

    /** Moves the clock to the moment input-clock edge {@code t} happens. */
    private void toTick(long t) {
        clock.advanceTo(Pit8254.nanosAtTick(t));
        pit.poll();
    }

    /** Polls at every clock edge up to {@code t}, so each edge is seen at the tick it happens. */
    private void stepTo(long t) {
        for (long k = tick() + 1; k <= t; k++) toTick(k);
    }

    private void out(int port, int v) {
        bus.write(port, 1, v);
    }

    private int in(int port) {
        return bus.read(port, 1);
    }

    /** Counter latch command, then LSB and MSB. */
    private int latchedCount(int counter) {
        out(0x43, counter << 6);
        return in(0x40 + counter) | in(0x40 + counter) << 8;
    }

    /** Read-back status of one counter (command 11 1 0 select 0). */
    private int status(int counter) {
        out(0x43, 0xE0 | 2 << counter);
        return in(0x40 + counter);
    }

    private boolean out0() {
        return (status(0) & 0x80) != 0;
    }

    @Test
    void inputClockIs1193182Hz() {
        assertEquals(1_193_182, Pit8254.ticksAt(1_000_000_000L));
        assertEquals(0, Pit8254.ticksAt(838)); // one period is 838.095 ns
        assertEquals(1, Pit8254.ticksAt(839));
        assertEquals(839, Pit8254.nanosAtTick(1));
        assertEquals(1_000_000_000L, Pit8254.nanosAtTick(1_193_182));
        long hour = 3_600_000_000_000L;
        assertEquals(3600 * 1_193_182L, Pit8254.ticksAt(hour), "no overflow over long runs");
        for (long t : new long[] {1, 2, 1000, 65_536, 123_456_789, 1L << 40}) {
            long n = Pit8254.nanosAtTick(t);
            assertEquals(t, Pit8254.ticksAt(n));
            assertEquals(t - 1, Pit8254.ticksAt(n - 1));
        }
    }

    @Test
    void mode0CountsDownAndRaisesOutAtTerminalCount() {
        out(0x43, 0x30); // counter 0, LSB then MSB, mode 0, binary
        assertFalse(out0(), "mode 0: OUT low after the control word");
        out(0x40, 100);
        out(0x40, 0);
        toTick(1);
        assertEquals(100, latchedCount(0), "N is loaded by the first clock; that clock does not count");
        toTick(51);
        assertEquals(50, latchedCount(0));
        toTick(100);
        assertEquals(1, latchedCount(0));
        assertFalse(out0());
        assertTrue(irq0Edges.isEmpty());
        toTick(101);
        assertEquals(0, latchedCount(0));
        assertTrue(out0(), "OUT goes high N+1 clocks after the count is written");
        assertEquals(List.of(101L), irq0Edges);
        toTick(102);
        assertEquals(0xFFFF, latchedCount(0), "the counter keeps counting after terminal count");
        assertTrue(out0(), "OUT stays high until a new count or control word");
        toTick(200_000);
        assertEquals(List.of(101L), irq0Edges, "mode 0 interrupts once");
    }

    @Test
    void mode0NewCountRestartsWithOutLow() {
        out(0x43, 0x10); // LSB only, mode 0
        out(0x40, 10);
        stepTo(20);
        assertTrue(out0());
        out(0x40, 5);
        assertFalse(out0(), "writing a new count sets OUT low");
        toTick(26);
        assertTrue(out0());
        assertEquals(List.of(11L, 26L), irq0Edges);
    }

    @Test
    void mode0WritingTheFirstByteStopsTheCount() {
        out(0x43, 0x30);
        out(0x40, 0x00);
        out(0x40, 0x01); // 256
        toTick(101);
        assertEquals(156, latchedCount(0));
        out(0x40, 0x10); // first byte of a new count: counting stops
        toTick(301);
        assertEquals(156, latchedCount(0), "no counting between the two bytes");
        assertFalse(out0());
        out(0x40, 0x00); // 0x0010 = 16, loaded by the next clock
        toTick(302);
        assertEquals(16, latchedCount(0));
        toTick(318);
        assertEquals(List.of(318L), irq0Edges);
    }

    @Test
    void mode2RaisesIrq0OncePerPeriod() {
        out(0x43, 0x34); // counter 0, LSB/MSB, rate generator
        out(0x40, 1000 & 0xFF);
        out(0x40, 1000 >> 8);
        for (long t = 1; t <= 5001; t++) {
            toTick(t);
            if (t == 1 || t == 1001) assertEquals(1000, latchedCount(0), "reloaded with N");
            if (t == 1000) {
                assertEquals(1, latchedCount(0));
                assertFalse(out0(), "OUT low for the one clock the count is 1");
            }
            if (t == 999 || t == 1001) assertTrue(out0());
        }
        assertEquals(List.of(1001L, 2001L, 3001L, 4001L, 5001L), irq0Edges);
    }

    @Test
    void missedPeriodsCoalesceIntoOneEdgeAndNextEventIsExact() {
        out(0x43, 0x34);
        out(0x40, 0x00);
        out(0x40, 0x10); // 4096
        toTick(10);
        assertEquals(Pit8254.nanosAtTick(4097), pit.nextEventNanos());
        toTick(4096);
        assertTrue(irq0Edges.isEmpty());
        toTick(40_000); // nine periods late
        assertEquals(1, irq0Edges.size(), "a late timer interrupt is seen once");
        assertEquals(Pit8254.nanosAtTick(40_961), pit.nextEventNanos());
    }

    @Test
    void mode2NewCountTakesEffectAtTheEndOfThePeriod() {
        out(0x43, 0x34);
        out(0x40, 100);
        out(0x40, 0);
        toTick(50);
        out(0x40, 10);
        out(0x40, 0);
        assertEquals(0x40, status(0) & 0x40, "NULL COUNT until the new count is loaded");
        toTick(100);
        assertEquals(1, latchedCount(0), "the current period runs out with the old count");
        toTick(101);
        assertEquals(10, latchedCount(0));
        assertEquals(0, status(0) & 0x40);
        stepTo(131);
        assertEquals(List.of(101L, 111L, 121L, 131L), irq0Edges);
    }

    @Test
    void mode3SquareWaveEvenCount() {
        out(0x43, 0x36); // counter 0, LSB/MSB, square wave
        out(0x40, 6);
        out(0x40, 0);
        int[] values = new int[12];
        boolean[] outs = new boolean[12];
        for (int k = 0; k < 12; k++) {
            toTick(1 + k);
            values[k] = latchedCount(0);
            outs[k] = out0();
        }
        // Even N: the count goes down by 2; OUT high for N/2 clocks, low for N/2.
        assertEquals("[6, 4, 2, 6, 4, 2, 6, 4, 2, 6, 4, 2]", java.util.Arrays.toString(values));
        assertEquals("[true, true, true, false, false, false, true, true, true, false, false, false]",
                java.util.Arrays.toString(outs));
        assertEquals(List.of(7L), irq0Edges);
    }

    @Test
    void mode3SquareWaveOddCount() {
        out(0x43, 0x36);
        out(0x40, 5);
        out(0x40, 0);
        int[] values = new int[10];
        boolean[] outs = new boolean[10];
        for (int k = 0; k < 10; k++) {
            toTick(1 + k);
            values[k] = latchedCount(0);
            outs[k] = out0();
        }
        // Odd N: high (N+1)/2 clocks, low (N-1)/2; datasheet figure: 5 4 2 5 2 5 4 2 ...
        assertEquals("[5, 4, 2, 5, 2, 5, 4, 2, 5, 2]", java.util.Arrays.toString(values));
        assertEquals("[true, true, true, false, false, true, true, true, false, false]", java.util.Arrays.toString(outs));
        assertEquals(List.of(6L), irq0Edges);
    }

    @Test
    void mode3NewCountWaitsForTheEndOfTheHalfCycle() {
        out(0x43, 0x36);
        out(0x40, 100);
        out(0x40, 0);
        toTick(21); // 20 clocks into the high half
        out(0x40, 20);
        out(0x40, 0);
        toTick(50);
        assertTrue(out0(), "the high half of the old count goes on");
        toTick(51);
        assertFalse(out0(), "OUT falls after 50 clocks, then the new count's low half runs");
        toTick(61);
        assertEquals(List.of(61L), irq0Edges);
        stepTo(101);
        assertEquals(List.of(61L, 81L, 101L), irq0Edges);
    }

    @Test
    void mode4StrobesOnceAfterNPlusOneClocks() {
        out(0x43, 0x38); // the Linux one-shot clock event mode
        assertTrue(out0());
        out(0x40, 100);
        out(0x40, 0);
        toTick(100);
        assertTrue(out0());
        toTick(101);
        assertFalse(out0(), "OUT strobes low N+1 clocks after the count is written");
        toTick(102);
        assertTrue(out0());
        toTick(100_000);
        assertEquals(List.of(102L), irq0Edges);
        assertEquals(Long.MAX_VALUE, pit.nextEventNanos());
    }

    @Test
    void counterLatchFreezesTheValueUntilRead() {
        out(0x43, 0x34);
        out(0x40, 0x34);
        out(0x40, 0x12); // 0x1234
        toTick(0x101); // 0x100 clocks after the load
        out(0x43, 0x00); // latch counter 0
        toTick(0x301);
        out(0x43, 0x00); // a second latch before the read is ignored
        assertEquals(0x34, in(0x40));
        toTick(0x401);
        assertEquals(0x11, in(0x40), "the latch holds until both bytes are read");
        toTick(0x501);
        int live = in(0x40) | in(0x40) << 8;
        assertEquals(0x1234 - 0x500, live, "after the latched bytes, reads follow the counter again");
    }

    @Test
    void readBackStatusByte() {
        out(0x43, 0x34);
        // OUT=1, NULL COUNT=1, RW=11, mode 010, binary
        assertEquals(0xF4, status(0));
        out(0x40, 10);
        out(0x40, 0);
        assertEquals(0xF4, status(0), "NULL COUNT stays until the next clock loads the count");
        toTick(1);
        assertEquals(0xB4, status(0));
        out(0x43, 0x7D); // counter 1, LSB/MSB, mode 110 (= 2, shown as written), BCD
        assertEquals(0xFD, status(1));
        out(0x43, 0x90); // counter 2, LSB only, mode 0: OUT low
        assertEquals(0x50, status(2));
    }

    @Test
    void readBackLatchesStatusBeforeCount() {
        out(0x43, 0x34);
        out(0x40, 0x00);
        out(0x40, 0x20); // 0x2000
        toTick(0x11);
        out(0x43, 0xC2); // latch count and status of counter 0
        toTick(0x500);
        out(0x43, 0xC2); // both already latched: ignored
        assertEquals(0xB4, in(0x40), "status first");
        assertEquals(0xF0, in(0x40));
        assertEquals(0x1F, in(0x40));
    }

    @Test
    void lsbOnlyMsbOnlyAndAlternatingAccess() {
        out(0x43, 0x14); // LSB only, mode 2
        out(0x40, 0x50);
        toTick(1);
        assertEquals(0x50, in(0x40));
        assertEquals(0x50, in(0x40), "LSB-only reads never return the MSB");
        out(0x43, 0x24); // MSB only, mode 2
        out(0x40, 0x02); // count 0x0200
        toTick(2);
        assertEquals(0x02, in(0x40));
        toTick(2 + 0x100);
        assertEquals(0x01, in(0x40));
        out(0x43, 0x34); // LSB then MSB: the flip-flops start at the LSB
        out(0x40, 0xCD);
        out(0x40, 0xAB);
        toTick(259);
        out(0x43, 0x00);
        assertEquals(0xCD, in(0x40));
        assertEquals(0xAB, in(0x40));
    }

    @Test
    void bcdCounting() {
        out(0x43, 0x31); // mode 0, BCD
        out(0x40, 0x00);
        out(0x40, 0x01); // 100 decimal
        toTick(1);
        assertEquals(0x0100, latchedCount(0));
        toTick(2);
        assertEquals(0x0099, latchedCount(0));
        toTick(101);
        assertEquals(0x0000, latchedCount(0));
        assertEquals(List.of(101L), irq0Edges);
        toTick(102);
        assertEquals(0x9999, latchedCount(0), "BCD wraps to 9999");
        out(0x43, 0x35); // mode 2, BCD, count 0 = 10000
        out(0x40, 0);
        out(0x40, 0);
        toTick(103);
        assertEquals(0x0000, latchedCount(0));
        toTick(104);
        assertEquals(0x9999, latchedCount(0));
        toTick(102 + 10_000 + 1);
        assertEquals(List.of(101L, 10_103L), irq0Edges);
    }

    @Test
    void counter2GateStopsAndRetriggers() {
        out(0x43, 0xB0); // counter 2, mode 0
        pit.setGate2(false);
        out(0x42, 50);
        out(0x42, 0);
        toTick(100);
        assertEquals(50, latchedCount(2), "GATE low: loaded but not counting");
        pit.setGate2(true);
        toTick(110);
        assertEquals(40, latchedCount(2));
        pit.setGate2(false);
        toTick(500);
        assertEquals(40, latchedCount(2), "mode 0 counting suspends while GATE is low");
        assertFalse(pit.out2());
        pit.setGate2(true);
        toTick(539);
        assertFalse(pit.out2());
        toTick(540);
        assertTrue(pit.out2());

        out(0x43, 0xB4); // counter 2, mode 2
        out(0x42, 20);
        out(0x42, 0);
        toTick(560);
        assertFalse(pit.out2(), "count 1");
        pit.setGate2(false);
        assertTrue(pit.out2(), "GATE low forces OUT high in mode 2");
        toTick(600);
        pit.setGate2(true); // rising GATE reloads N on the next clock
        toTick(601);
        assertEquals(20, latchedCount(2));
        toTick(620);
        assertFalse(pit.out2());
        assertTrue(irq0Edges.isEmpty(), "counter 2 drives no interrupt");
    }

    @Test
    void mode1OneShotIsTriggeredByGate() {
        out(0x43, 0xB2); // counter 2, mode 1
        pit.setGate2(false);
        out(0x42, 30);
        out(0x42, 0);
        toTick(100);
        assertTrue(pit.out2(), "armed, waiting for a trigger");
        assertEquals(0x40, status(2) & 0x40, "NULL COUNT until the trigger loads the count");
        pit.setGate2(true);
        toTick(101);
        assertFalse(pit.out2(), "OUT low from the clock after the trigger");
        assertEquals(30, latchedCount(2));
        toTick(130);
        assertFalse(pit.out2());
        toTick(131);
        assertTrue(pit.out2());
        pit.setGate2(false);
        toTick(200);
        pit.setGate2(true); // retrigger
        toTick(215);
        assertFalse(pit.out2());
        assertEquals(16, latchedCount(2), "reloaded with N by the clock after the retrigger");
    }

    @Test
    void mode5StrobesAfterAGateTrigger() {
        out(0x43, 0xBA); // counter 2, LSB/MSB, mode 5
        pit.setGate2(false);
        out(0x42, 10);
        out(0x42, 0);
        toTick(50);
        assertTrue(pit.out2(), "nothing happens before the trigger");
        pit.setGate2(true);
        toTick(60);
        assertTrue(pit.out2());
        toTick(61);
        assertFalse(pit.out2(), "OUT strobes low N+1 clocks after the trigger");
        toTick(62);
        assertTrue(pit.out2());
    }

    @Test
    void biosDefaultRunsAt18Point2Hz() {
        out(0x43, 0x36); // mode 3, count 0 = 65536
        out(0x40, 0);
        out(0x40, 0);
        long first = pit.nextEventNanos();
        assertEquals(Pit8254.nanosAtTick(1 + 65_536), first);
        clock.advanceTo(first);
        pit.poll();
        long period = pit.nextEventNanos() - first;
        assertEquals(1e9 / 18.2065, period, 1000, "65536 / 1193182 s");
        assertEquals(1, irq0Edges.size());
    }

    @Test
    void wideAccessesAreSplitIntoBytes() {
        out(0x43, 0x14); // counter 0, LSB only, mode 2
        out(0x43, 0x54); // counter 1, LSB only, mode 2
        bus.write(0x40, 2, 0x2010); // 0x10 to counter 0, 0x20 to counter 1
        toTick(1);
        assertEquals(0x2010, bus.read(0x40, 2));
        assertEquals(0xFF, bus.read(0x43, 1), "the control word register is write-only");
    }
}
