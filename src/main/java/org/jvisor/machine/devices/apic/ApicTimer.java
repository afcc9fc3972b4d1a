package org.jvisor.machine.devices.apic;

import org.jvisor.machine.Clock;

/**
 * The local APIC timer's counter (SDM Vol. 3A 10.5.4): a 32-bit down-counter clocked by the
 * processor's bus clock through the divide configuration register, loaded from the initial
 * count register, in one-shot or periodic mode. Nothing ticks: the count is derived from the
 * machine {@link Clock}, and {@link #expiriesSincePoll()} says how often it reached zero.
 *
 * <p>The bus clock is a constant {@value #BUS_HZ} Hz (a 100 MHz P6 front-side bus), one bus
 * tick every 10 ns. Counting starts at the bus tick in which the initial count is written;
 * the count drops by one each {@code divisor} bus ticks after that.
 */
final class ApicTimer {
    public static final long BUS_HZ = 100_000_000;
    private static final long NANOS_PER_TICK = 1_000_000_000 / BUS_HZ;
    static final long NEVER = Long.MAX_VALUE;

    private final Clock clock;
    private long initial;       // initial count register, unsigned
    private int divideConfig;   // divide configuration register, bits 0, 1 and 3
    private boolean periodic;
    private boolean running;
    private long startTick;     // bus tick from which the present run counts
    private long startCount;    // the count at startTick; reaches zero after startCount steps
    private long expiriesSeen;  // expiries of the present run already reported

    ApicTimer(Clock clock) {
        this.clock = clock;
    }

    void reset() {
        initial = 0;
        divideConfig = 0;
        periodic = false;
        running = false;
        expiriesSeen = 0;
    }

    private long busTick() {
        return clock.nanos() / NANOS_PER_TICK;
    }

    /** Figure 10-10: bits 3,1,0 = 000..110 divide by 2..128, 111 by 1. */
    int divisor() {
        int code = divideConfig & 3 | divideConfig >>> 1 & 4;
        return code == 7 ? 1 : 2 << code;
    }

    int divideConfig() {
        return divideConfig;
    }

    int initialCount() {
        return (int) initial;
    }

    boolean periodic() {
        return periodic;
    }

    /** Counter steps taken since the present run started. */
    private long steps() {
        return (busTick() - startTick) / divisor();
    }

    /** How often the count has reached zero in the present run by {@code steps}. */
    private long expiries(long steps) {
        if (!running || steps < startCount) return 0;
        return periodic ? 1 + (steps - startCount) / initial : 1;
    }

    /** The current count register: 0 once a one-shot run is over or the timer is stopped. */
    int currentCount() {
        if (!running) return 0;
        long s = steps();
        if (s < startCount) return (int) (startCount - s);
        if (!periodic) return 0;
        return (int) (initial - (s - startCount) % initial); // reloaded from the initial count at zero
    }

    /** Zero crossings since the previous call (the caller raises the LVT timer interrupt). */
    long expiriesSincePoll() {
        long total = expiries(steps());
        long fresh = total - expiriesSeen;
        expiriesSeen = total;
        return fresh;
    }

    /** When the count next reaches zero (possibly already past if not yet polled), or NEVER. */
    long nextExpiryNanos() {
        if (!running || !periodic && expiriesSeen > 0) return NEVER;
        long steps = startCount + expiriesSeen * initial;
        return (startTick + steps * divisor()) * NANOS_PER_TICK;
    }

    /** Writing the initial count starts a run; 0 stops the timer (10.5.4). Poll before. */
    void writeInitialCount(int value) {
        initial = value & 0xFFFFFFFFL;
        running = initial != 0;
        startTick = busTick();
        startCount = initial;
        expiriesSeen = 0;
    }

    /** A new divider applies from now on to what is left of the count. Poll before. */
    void writeDivideConfig(int value) {
        rebase();
        divideConfig = value & 0xB;
    }

    /** Changing the mode does not start the timer; a run in progress continues in the new mode. */
    void setPeriodic(boolean periodic) {
        if (periodic == this.periodic) return;
        rebase();
        this.periodic = periodic;
    }

    /** Restarts the bookkeeping at the present count, so later settings apply from now. */
    private void rebase() {
        int current = currentCount();
        running = current != 0;
        startTick = busTick();
        startCount = current & 0xFFFFFFFFL;
        expiriesSeen = 0;
    }
}
