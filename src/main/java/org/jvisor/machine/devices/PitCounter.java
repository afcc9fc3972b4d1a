package org.jvisor.machine.devices;

/**
 * One counter of the Intel 8254 (datasheet 231164): modes 0-5, binary or BCD, LSB / MSB /
 * LSB-then-MSB access with its read and write flip-flops, the counter latch, the read-back
 * count and status latches, and GATE.
 *
 * <p>Time is the index of input-clock edges ("ticks"): tick t has happened once the clock has
 * reached it. Instead of stepping every edge, the counting element (CE) is a <em>segment</em>:
 * from tick {@code base} on it counts in closed form (value and OUT are functions of the clocks
 * since base); before base it still shows {@code preValue}/{@code preOut}. Loads, gate changes
 * and new counts start a new segment. CE values are kept as plain numbers (0 .. modulus-1) and
 * converted to BCD on reads.
 */
final class PitCounter {
    static final long NEVER = Long.MAX_VALUE;

    // Programming from the control word.
    private int access = 3, modeBits, mode;
    private boolean bcd;
    // Count register and its byte sequencing; the latches (-1 = empty).
    private int countRegister, writeLsb;
    private boolean countWritten, writeMsbNext, readMsbNext;
    private int latchedCount = -1, latchedStatus = -1;
    /** NULL COUNT: the count register has not reached the CE before this tick. */
    private long crLoadTick = NEVER;
    private boolean gate = true;

    // The counting element as a segment.
    private long base = NEVER;
    private boolean frozen;         // loaded but not counting (GATE low)
    private int preValue;
    private boolean preOut = true;
    private int start;              // one-shot modes 0, 1, 4, 5: CE at base
    private long terminal;          // one-shot: clocks from base until CE reaches 0; -1 once past
    private int period, phase;      // periodic modes 2, 3: N and the position within it at base
    private long pendingAt = NEVER; // periodic: a new count takes over at this tick
    private int pendingPeriod, pendingPhase;

    /** Control word with RW != 0 ("Write Operations"): all control logic reset, OUT to its initial level. */
    void control(int rw, int modeField, boolean bcdMode, long t) {
        int v = value(t);
        access = rw;
        modeBits = modeField;
        mode = modeField >= 6 ? modeField - 4 : modeField; // x10 and x11 are modes 2 and 3
        bcd = bcdMode;
        countWritten = writeMsbNext = readMsbNext = false;
        latchedCount = latchedStatus = -1;
        crLoadTick = NEVER;
        hold(v % modulus(), mode != 0); // mode 0 starts with OUT low, the others high
    }

    /** Counter latch command: the first latch holds until read; later ones are ignored. */
    void latchCount(long t) {
        if (latchedCount < 0) latchedCount = raw(t);
    }

    /** Read-back status latch: OUT, NULL COUNT, RW, M2-M0, BCD (datasheet Figure "Status Byte"). */
    void latchStatus(long t) {
        if (latchedStatus >= 0) return;
        latchedStatus = (out(t) ? 0x80 : 0) | (t < crLoadTick ? 0x40 : 0) | access << 4 | modeBits << 1 | (bcd ? 1 : 0);
    }

    /** One byte from the counter's port: a latched status first, then a latched count, else the live CE. */
    int read(long t) {
        if (latchedStatus >= 0) {
            int s = latchedStatus;
            latchedStatus = -1;
            return s;
        }
        int v = latchedCount >= 0 ? latchedCount : raw(t);
        boolean msb = access == 2 || (access == 3 && readMsbNext);
        if (access == 3) readMsbNext = !readMsbNext;
        if (access != 3 || msb) latchedCount = -1; // the latch holds until the whole count is read
        return (msb ? v >>> 8 : v) & 0xFF;
    }

    /** One byte to the counter's port, sequenced by RW and the write flip-flop. */
    void write(int b, long t) {
        b &= 0xFF;
        switch (access) {
            case 1 -> newCount(b, t);
            case 2 -> newCount(b << 8, t);
            default -> {
                if (writeMsbNext) {
                    writeMsbNext = false;
                    newCount(writeLsb | b << 8, t);
                } else {
                    writeLsb = b;
                    writeMsbNext = true;
                    // Mode 0: writing the first byte stops counting and sets OUT low at once.
                    if (mode == 0) hold(value(t), false);
                }
            }
        }
    }

    /** GATE input: enables counting in modes 0, 2, 3, 4; its rising edge triggers modes 1, 2, 3, 5. */
    void setGate(boolean high, long t) {
        if (high == gate) return;
        sync(t);
        if (high) {
            if (mode == 0 || mode == 4) resume(t);
            else if (countWritten) trigger(t);
        } else if (mode == 0 || mode == 4) {
            freezeOneShot(t);
        } else if (mode == 2 || mode == 3) {
            freezePeriodic(t);
        }
        gate = high;
    }

    private void newCount(int cr, long t) {
        countRegister = cr;
        countWritten = true;
        crLoadTick = NEVER; // NULL COUNT until this count reaches the CE
        sync(t);
        switch (mode) {
            case 0, 4 -> loadOneShot(t); // loaded on the next clock, gated or not
            case 1, 5 -> {
                if (t < base) loadOneShot(base - 1); // a trigger on this clock period takes the new count
            }
            default -> newPeriodicCount(t);
        }
    }

    private void newPeriodicCount(long t) {
        if (base == NEVER) {
            if (gate) startPeriodic(t); // first count after the control word: loaded on the next clock
        } else if (frozen) {
            return; // loaded by the next GATE rising edge
        } else if (t < base) {
            period = countNumber(); // the load has not happened yet: it takes the new count
            crLoadTick = base;
        } else {
            scheduleAtBoundary(t);
        }
    }

    /** Modes 2 and 3: a count written while counting takes effect at the end of the period / half-cycle. */
    private void scheduleAtBoundary(long t) {
        int pos = position(t - base);
        int next = countNumber();
        if (mode == 2) {
            pendingAt = t + (period - pos);
            pendingPhase = 0;
        } else {
            int high = (period + 1) / 2;
            boolean inHighHalf = pos < high;
            pendingAt = t + (inHighHalf ? high - pos : period - pos);
            pendingPhase = inHighHalf ? (next + 1) / 2 : 0; // continue with the new count's low half
        }
        pendingPeriod = next;
        crLoadTick = pendingAt;
    }

    private void trigger(long t) {
        if (mode == 1 || mode == 5) {
            loadOneShot(t);
        } else {
            startPeriodic(t);
        }
    }

    /** The CE takes N on the next clock (datasheet: "loaded on the next CLK pulse"). */
    private void loadOneShot(long t) {
        int n = countNumber();
        snapshot(t);
        if (mode == 0) preOut = false; // mode 0: OUT goes low as soon as the count is written
        start = n % modulus();
        terminal = n;
        base = t + 1;
        frozen = (mode == 0 || mode == 4) && !gate;
        crLoadTick = Math.min(crLoadTick, t + 1); // a retrigger reloads a count already loaded
        pendingAt = NEVER;
    }

    private void startPeriodic(long t) {
        snapshot(t);
        preOut = true;
        period = countNumber();
        phase = 0;
        base = t + 1;
        frozen = false;
        crLoadTick = Math.min(crLoadTick, t + 1);
        pendingAt = NEVER;
    }

    private void freezeOneShot(long t) {
        long k = elapsed(t);
        if (k > 0) {
            int v = value(t);
            if (terminal >= 0) {
                boolean past = mode == 0 ? k >= terminal : k > terminal;
                terminal = past ? -1 : terminal - k;
            }
            start = v;
            base = t;
        }
        frozen = true;
    }

    private void resume(long t) {
        if (frozen && base != NEVER && base <= t) base = t; // counts again from the next clock
        frozen = false;
    }

    private void freezePeriodic(long t) {
        long k = elapsed(t);
        if (k > 0) {
            phase = position(k);
            base = t;
        }
        if (pendingAt != NEVER) crLoadTick = NEVER; // the new count now waits for the next trigger
        pendingAt = NEVER;
        frozen = true;
    }

    private void hold(int v, boolean out) {
        base = NEVER;
        frozen = false;
        pendingAt = NEVER;
        preValue = v;
        preOut = out;
    }

    private void snapshot(long t) {
        preValue = value(t);
        preOut = out(t);
    }

    private void sync(long t) {
        if (t >= pendingAt) {
            base = pendingAt;
            period = pendingPeriod;
            phase = pendingPhase;
            pendingAt = NEVER;
        }
    }

    /** Clocks counted since base at tick t (0 while frozen); -1 before base. */
    private long elapsed(long t) {
        if (t < base) return -1;
        return frozen ? 0 : t - base;
    }

    private boolean periodic() {
        return mode == 2 || mode == 3;
    }

    private int position(long k) {
        return (int) ((phase + k) % period);
    }

    /** The CE as a number (0 .. modulus-1) at tick t. */
    int value(long t) {
        sync(t);
        long k = elapsed(t);
        if (k < 0) return preValue;
        if (!periodic()) return (int) Math.floorMod(start - k, (long) modulus());
        int pos = position(k);
        return (mode == 2 ? period - pos : squareWaveValue(pos)) % modulus();
    }

    /**
     * Mode 3 CE: even N counts down by 2 each half; odd N takes 1 off on the first clock of the
     * high half and 3 off on the first clock of the low half, then 2 a clock (datasheet, Mode 3).
     */
    private int squareWaveValue(int pos) {
        int n = period, high = (n + 1) / 2;
        boolean odd = (n & 1) != 0;
        if (pos < high) return odd && pos > 0 ? n + 1 - 2 * pos : n - 2 * pos;
        int q = pos - high;
        return odd && q > 0 ? n - 1 - 2 * q : n - 2 * q;
    }

    /** The OUT pin at tick t (datasheet mode waveforms). */
    boolean out(long t) {
        sync(t);
        if (periodic() && !gate) return true; // modes 2 and 3: GATE low forces OUT high
        long k = elapsed(t);
        return k < 0 ? preOut : outAt(k);
    }

    /** OUT k clocks into the current segment. */
    private boolean outAt(long k) {
        return switch (mode) {
            case 0, 1 -> terminal < 0 || k >= terminal;
            case 4, 5 -> terminal < 0 || k != terminal; // one clock low when the CE reaches 0
            case 2 -> position(k) != period - 1;        // low while the CE is 1
            default -> position(k) < (period + 1) / 2;  // high for the first (N+1)/2 clocks
        };
    }

    /**
     * The first tick after {@code a} at which OUT rises, or {@link #NEVER}. Ticks given to this
     * counter never decrease, and edges up to a tick are asked for before anything else is asked
     * at a later tick ({@link Pit8254} polls first), so a pending new count is never applied
     * before the edges of the period it ends have been counted.
     */
    long firstRiseAfter(long a) {
        sync(a);
        long r = segmentFirstRise(a);
        if (pendingAt != NEVER && r > pendingAt) {
            r = periodicFirstRise(pendingAt, pendingPeriod, pendingPhase, Math.max(a, pendingAt));
        }
        return r;
    }

    private long segmentFirstRise(long a) {
        if (base == NEVER || (periodic() && !gate)) return NEVER;
        if (a < base && !preOut && outAt(0)) return base;
        if (frozen) return NEVER;
        long ka = Math.max(a - base, 0);
        return switch (mode) {
            case 0, 1 -> terminal > ka ? base + terminal : NEVER;
            case 4, 5 -> terminal >= 0 && terminal + 1 > ka ? base + terminal + 1 : NEVER;
            default -> periodicFirstRise(base, period, phase, base + ka);
        };
    }

    /** OUT rises in modes 2 and 3 whenever the position in the period wraps to 0. */
    private static long periodicFirstRise(long base, int n, int phase, long after) {
        if (n < 2) return NEVER; // N = 1: OUT never changes
        long k = after - base;
        return base + ((phase + k) / n + 1) * n - phase;
    }

    boolean gate() {
        return gate;
    }

    private int modulus() {
        return bcd ? 10000 : 0x10000;
    }

    /** N from the count register: 0 stands for 2^16 (binary) or 10^4 (BCD). */
    private int countNumber() {
        int n = bcd ? fromBcd(countRegister) : countRegister;
        return n == 0 ? modulus() : n;
    }

    private int raw(long t) {
        int v = value(t);
        return bcd ? toBcd(v) : v;
    }

    static int fromBcd(int v) {
        return (v & 0xF) + ((v >>> 4) & 0xF) * 10 + ((v >>> 8) & 0xF) * 100 + ((v >>> 12) & 0xF) * 1000;
    }

    static int toBcd(int v) {
        return v % 10 | (v / 10 % 10) << 4 | (v / 100 % 10) << 8 | (v / 1000 % 10) << 12;
    }
}
