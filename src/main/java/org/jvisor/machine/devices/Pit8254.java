package org.jvisor.machine.devices;

import org.jvisor.machine.Clock;
import org.jvisor.machine.memory.PortDevice;

/**
 * The Intel 8254 programmable interval timer (datasheet 231164) at ports 0x40-0x43: counters
 * 0-2 at offsets 0-2, the write-only control word register at offset 3. Its input clock is the
 * PC's 1.193182 MHz, derived from the machine {@link Clock}. Counter 0's OUT drives IRQ0;
 * counter 1 (DRAM refresh on a real PC) drives nothing; counter 2's GATE and OUT are wired to
 * port 0x61 ({@link SystemControlPort}). GATE of counters 0 and 1 is tied high.
 *
 * <p>The machine drives interrupts: {@link #poll()} raises one IRQ0 edge if OUT0 rose at least
 * once since the previous poll (missed periods coalesce, as a late timer interrupt does), and
 * {@link #nextEventNanos()} says when the next rise is due, so a halted machine can skip ahead.
 */
public final class Pit8254 implements PortDevice {
    public static final long FREQUENCY_HZ = 1_193_182;
    private static final int CONTROL = 3;
    // 1193182 / 10^9 reduced, so conversions are exact integer arithmetic.
    private static final long TICKS_PER = 596_591, NANOS_PER = 500_000_000;

    private final Clock clock;
    private final IrqLine irq0;
    private final PitCounter[] counters = {new PitCounter(), new PitCounter(), new PitCounter()};
    private long polledTick;

    public Pit8254(Clock clock, IrqLine irq0) {
        this.clock = clock;
        this.irq0 = irq0;
        this.polledTick = ticksAt(clock.nanos());
    }

    /** Input-clock edges that have happened by {@code nanos}: floor(nanos * 1193182 / 10^9). */
    public static long ticksAt(long nanos) {
        return nanos / NANOS_PER * TICKS_PER + nanos % NANOS_PER * TICKS_PER / NANOS_PER;
    }

    /** The first nanosecond at which input-clock edge {@code tick} has happened (inverse of ticksAt). */
    public static long nanosAtTick(long tick) {
        long q = tick / TICKS_PER, r = tick % TICKS_PER;
        return q * NANOS_PER + (r * NANOS_PER + TICKS_PER - 1) / TICKS_PER;
    }

    @Override
    public int read(int offset, int size) {
        int v = 0;
        for (int i = 0; i < size; i++) v |= readByte(offset + i) << (8 * i); // the ISA bus splits wide accesses
        return v;
    }

    @Override
    public void write(int offset, int size, int value) {
        for (int i = 0; i < size; i++) writeByte(offset + i, value >>> (8 * i) & 0xFF);
    }

    private int readByte(int offset) {
        long t = pollTick();
        if (offset >= CONTROL) return 0xFF; // the control word register cannot be read
        return counters[offset].read(t);
    }

    private void writeByte(int offset, int v) {
        if (offset > CONTROL) return;
        long t = pollTick();
        boolean out0 = counters[0].out(t);
        if (offset == CONTROL) control(v, t);
        else counters[offset].write(v, t);
        if (!out0 && counters[0].out(t)) pulse(); // e.g. a control word setting OUT0 high at once
    }

    /** Control word: SC1-SC0 select, RW1-RW0 access (00 = counter latch), M2-M0 mode, BCD. */
    private void control(int v, long t) {
        int select = v >>> 6, rw = (v >>> 4) & 3;
        if (select == 3) {
            readBack(v, t);
        } else if (rw == 0) {
            counters[select].latchCount(t);
        } else {
            counters[select].control(rw, (v >>> 1) & 7, (v & 1) != 0, t);
        }
    }

    /** Read-back command: bit 5 = 0 latches counts, bit 4 = 0 latches status, bits 1-3 select counters 0-2. */
    private void readBack(int v, long t) {
        for (int i = 0; i < 3; i++) {
            if ((v & (2 << i)) == 0) continue;
            if ((v & 0x20) == 0) counters[i].latchCount(t);
            if ((v & 0x10) == 0) counters[i].latchStatus(t);
        }
    }

    /** Counter 2's GATE (port 0x61 bit 0). */
    public void setGate2(boolean high) {
        counters[2].setGate(high, pollTick());
    }

    public boolean gate2() {
        return counters[2].gate();
    }

    /** Counter 2's OUT (port 0x61 bit 5). */
    public boolean out2() {
        return counters[2].out(pollTick());
    }

    /** The OUT pin of counter 0, 1 or 2 now. */
    public boolean out(int counter) {
        return counters[counter].out(pollTick());
    }

    /** Raises one IRQ0 edge if OUT0 rose since the previous poll. */
    public void poll() {
        pollTick();
    }

    /** When OUT0 next rises (possibly already past if not yet polled), or Long.MAX_VALUE. */
    public long nextEventNanos() {
        long r = counters[0].firstRiseAfter(pollTick());
        return r == PitCounter.NEVER ? Long.MAX_VALUE : nanosAtTick(r);
    }

    /** Catches IRQ0 up with the clock; returns the current tick. */
    private long pollTick() {
        long now = ticksAt(clock.nanos());
        if (now > polledTick) {
            if (counters[0].firstRiseAfter(polledTick) <= now) pulse();
            polledTick = now;
        }
        return polledTick;
    }

    private void pulse() {
        irq0.set(true);
        irq0.set(false);
    }
}
