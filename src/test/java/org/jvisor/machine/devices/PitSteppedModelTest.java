package org.jvisor.machine.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.jvisor.machine.Clock;
import org.jvisor.machine.memory.PortBus;
import org.junit.jupiter.api.Test;

/**
 * The 8254's closed-form counters against a second, naive model that steps every input-clock
 * edge the way the datasheet describes each mode. Random control words, counts (whole or
 * byte by byte) and GATE changes on counter 2; value, OUT and NULL COUNT must agree at every tick.
 */
class PitSteppedModelTest {
    /** One counter, one clock edge at a time, written straight from the datasheet's mode descriptions. */
    static final class SteppedCounter {
        int mode, cr, ce, loaded; // loaded: the count the CE last took from CR
        boolean out = true, nullCount = true, gate;
        boolean loadPending, counting, stopped, trigger, countValid, strobed, justLoaded;

        void control(int m) {
            mode = m;
            out = m != 0;
            nullCount = true;
            loadPending = counting = stopped = trigger = countValid = false;
        }

        void firstByte() {
            if (mode == 0) {
                stopped = true; // mode 0: counting disabled, OUT low at once
                out = false;
            }
        }

        void count(int n) {
            cr = n;
            nullCount = true;
            countValid = true;
            stopped = false;
            if (mode == 0) out = false;
            if (mode == 0 || mode == 4 || ((mode == 2 || mode == 3) && !counting && gate)) loadPending = true;
        }

        void setGate(boolean high) {
            if (high && !gate && countValid && mode != 0 && mode != 4) trigger = true;
            if (!high && (mode == 2 || mode == 3)) out = true; // and counting stops
            gate = high;
        }

        /** One rising edge of the input clock. */
        void clock() {
            boolean enabled = gate || mode == 1 || mode == 5;
            if (loadPending || trigger) {
                load();
            } else if (!counting || stopped || !enabled) {
                return;
            } else if (mode == 2 || mode == 3) {
                stepPeriodic();
            } else {
                stepOneShot();
            }
        }

        private void load() {
            loadPending = trigger = false;
            ce = loaded = cr;
            nullCount = false;
            counting = true;
            strobed = false;
            justLoaded = true;
            if (mode == 1) out = false;
            if (mode >= 2) out = true; // modes 4 and 5: a strobe lasts one clock, reload or not
        }

        private void stepOneShot() {
            ce = (ce - 1) & 0xFFFF;
            if (mode == 4 || mode == 5) out = true;
            if (ce != 0) return;
            if (mode == 0 || mode == 1) out = true;
            if ((mode == 4 || mode == 5) && !strobed) {
                out = false;
                strobed = true;
            }
        }

        private void stepPeriodic() {
            if (mode == 2) {
                if (ce == 1) {
                    ce = loaded = cr; // reload: a new count written meanwhile takes effect here
                    nullCount = false;
                    out = true;
                } else if (--ce == 1) {
                    out = false;
                }
                return;
            }
            // Odd N: the first clock after a load takes 1 (OUT high) or 3 (OUT low); then 2 a clock.
            ce -= (loaded & 1) != 0 && justLoaded ? (out ? 1 : 3) : 2;
            justLoaded = false;
            if (ce <= 0) { // half-cycle over: OUT toggles and the count reloads on the same clock
                out = !out;
                ce = loaded = cr;
                nullCount = false;
                justLoaded = true;
            }
        }
    }

    private static final int TICKS_PER_TRIAL = 1500;

    private final Clock.Manual clock = Clock.manual();
    private int irq0Edges, expectedEdges;
    private final Pit8254 pit = new Pit8254(clock, high -> {
        if (high) irq0Edges++;
    });
    private final PortBus bus = new PortBus();
    private final SteppedCounter ref = new SteppedCounter();
    /** The operations of the current trial, for the failure message. */
    private final StringBuilder log = new StringBuilder();
    /** The write flip-flop state the test expects (it persists across trials). */
    private boolean lsbWritten;
    private int pendingLsb;
    private int counter;

    PitSteppedModelTest() {
        bus.register(0x40, 4, pit);
    }

    /** Counter 2 with random GATE changes: value, OUT and NULL COUNT at every clock. */
    @Test
    void counter2AgreesWithSteppingEveryClock() {
        counter = 2;
        Random rnd = new Random(8254);
        for (int trial = 0; trial < 300; trial++) runTrial(rnd, trial, true);
    }

    /** Counter 0 (GATE tied high): the same, and one IRQ0 edge for each rise of OUT. */
    @Test
    void counter0AgreesAndRaisesIrq0OnEveryRise() {
        counter = 0;
        ref.gate = true;
        Random rnd = new Random(1982);
        for (int trial = 0; trial < 300; trial++) runTrial(rnd, trial, false);
    }

    private void runTrial(Random rnd, int trial, boolean gateOps) {
        log.setLength(0);
        if (gateOps) setGate(rnd.nextBoolean());
        long tick = Pit8254.ticksAt(clock.nanos());
        for (int step = 0; step < TICKS_PER_TRIAL; step++) {
            boolean before = ref.out;
            int op = rnd.nextInt(100);
            if (op < 2) controlWord(rnd.nextInt(6));
            else if (op < 5) count(rnd);
            else if (op < 8 && gateOps) setGate(!ref.gate);
            if (!before && ref.out) expectedEdges++;
            compare("trial " + trial + " step " + step + " mode " + ref.mode + " after " + log);
            tick++;
            clock.advanceTo(Pit8254.nanosAtTick(tick));
            before = ref.out;
            ref.clock();
            pit.poll();
            if (!before && ref.out) expectedEdges++;
        }
        compare("trial " + trial + " end");
    }

    private void controlWord(int m) {
        bus.write(0x43, 1, counter << 6 | 0x30 | m << 1);
        ref.control(m);
        note(":mode" + m);
        lsbWritten = false;
    }

    /** A whole count, or its first byte only (the second comes with the next count operation). */
    private void count(Random rnd) {
        int port = 0x40 + counter;
        int n = 2 + rnd.nextInt(rnd.nextBoolean() ? 12 : 300);
        if (lsbWritten || rnd.nextInt(4) > 0) {
            if (lsbWritten) n = pendingLsb | (n & 0xFF) << 8;
            else bus.write(port, 1, n & 0xFF);
            bus.write(port, 1, n >> 8);
            ref.count(n);
            note(":N=" + n);
            lsbWritten = false;
        } else {
            pendingLsb = n & 0xFF;
            bus.write(port, 1, pendingLsb);
            ref.firstByte();
            note(":lsb");
            lsbWritten = true;
        }
    }

    private void setGate(boolean high) {
        note(":gate" + (high ? 1 : 0));
        pit.setGate2(high);
        ref.setGate(high);
    }

    private void note(String what) {
        log.append(Pit8254.ticksAt(clock.nanos())).append(what).append(' ');
    }

    private void compare(String where) {
        bus.write(0x43, 1, 0xC0 | 2 << counter); // read-back: count and status
        int status = bus.read(0x40 + counter, 1);
        int value = bus.read(0x40 + counter, 1) | bus.read(0x40 + counter, 1) << 8;
        if (!ref.nullCount || ref.counting) assertEquals(ref.ce, value, where + ": count");
        assertEquals(ref.out, (status & 0x80) != 0, where + ": OUT");
        assertEquals(ref.nullCount, (status & 0x40) != 0, where + ": NULL COUNT");
        assertEquals(counter == 0 ? expectedEdges : 0, irq0Edges, where + ": IRQ0 edges");
    }
}
