package org.jvisor.machine;

/**
 * The machine's notion of time: nanoseconds since an arbitrary origin, never decreasing.
 * Devices (PIT, RTC, port 0x61) derive everything time-dependent from one Clock and never
 * read the host's time themselves, so a run on a {@link Manual} clock is deterministic.
 */
public interface Clock {
    /** Nanoseconds since this clock's origin; never smaller than a value returned before. */
    long nanos();

    /** A clock that follows the host's monotonic time, starting at 0 now (interactive runs). */
    static Host host() {
        return new Host();
    }

    /** A clock that stands still until advanced explicitly (tests, deterministic runs). */
    static Manual manual() {
        return new Manual();
    }

    /** Host time: {@link System#nanoTime()} relative to the moment of construction. */
    final class Host implements Clock {
        private final long origin = System.nanoTime();

        @Override
        public long nanos() {
            return System.nanoTime() - origin;
        }
    }

    /** Virtual time, moved only by {@link #advance} and {@link #advanceTo}; starts at 0. */
    final class Manual implements Clock {
        private volatile long now;

        @Override
        public long nanos() {
            return now;
        }

        /** Moves time forward by {@code delta} nanoseconds (not negative). */
        public void advance(long delta) {
            if (delta < 0) throw new IllegalArgumentException("time cannot go back: " + delta);
            now = Math.addExact(now, delta);
        }

        /** Moves time forward to {@code nanos}; a value in the past is refused. */
        public void advanceTo(long nanos) {
            if (nanos < now) throw new IllegalArgumentException("time cannot go back: " + nanos + " < " + now);
            now = nanos;
        }
    }
}
