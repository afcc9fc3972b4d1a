package org.jvisor.machine.devices.apic;

/**
 * The local vector table of a P6 local APIC (SDM Vol. 3A 10.5.1, Figure 10-8): five entries,
 * timer (320H), performance counter (340H), LINT0 (350H), LINT1 (360H) and error (370H); the
 * thermal entry at 330H is a Pentium 4 addition and reads as reserved here. Every entry
 * resets masked. Delivery status (bit 12) always reads idle because a local interrupt is
 * accepted into the IRR at once; remote IRR (bit 14) stays clear because level-triggered
 * fixed LINT inputs are not modelled (LINT0 carries the 8259A in ExtINT mode only).
 */
final class Lvt {
    static final int TIMER = 0, PERF = 1, LINT0 = 2, LINT1 = 3, ERROR = 4;
    static final int FIRST_OFFSET = 0x320, LAST_OFFSET = 0x370, THERMAL_OFFSET = 0x330;
    static final int VECTOR = 0xFF, MASKED = 1 << 16, PERIODIC = 1 << 17;
    static final int POLARITY_LOW = 1 << 13, LEVEL = 1 << 15;
    static final int RESET = MASKED;
    /**
     * Bits software can write, per entry: timer = vector, mask, timer mode; performance =
     * vector, delivery mode, mask; LINT0/1 = vector, delivery mode, polarity, trigger, mask;
     * error = vector, mask.
     */
    private static final int[] WRITABLE = {0x300FF, 0x107FF, 0x1A7FF, 0x1A7FF, 0x100FF};

    private final int[] entries = new int[5];

    /** The entry a register offset names, or -1 (thermal and anything else). */
    static int indexOf(int offset) {
        if (offset < FIRST_OFFSET || offset > LAST_OFFSET || offset == THERMAL_OFFSET) return -1;
        int slot = (offset - FIRST_OFFSET) >>> 4;
        return slot == 0 ? TIMER : slot - 1;
    }

    void reset() {
        java.util.Arrays.fill(entries, RESET);
    }

    int get(int entry) {
        return entries[entry];
    }

    /** While the APIC is software-disabled the mask bit cannot be cleared (10.4.7.2). */
    void write(int entry, int value, boolean softwareEnabled) {
        int v = value & WRITABLE[entry];
        entries[entry] = softwareEnabled ? v : v | MASKED;
    }

    /** Clearing the software enable flag sets every mask bit (10.4.7.2). */
    void maskAll() {
        for (int i = 0; i < entries.length; i++) entries[i] |= MASKED;
    }

    boolean masked(int entry) {
        return (entries[entry] & MASKED) != 0;
    }

    int vector(int entry) {
        return entries[entry] & VECTOR;
    }

    /** Bits 8-10; the timer and error entries have none and deliver fixed. */
    int deliveryMode(int entry) {
        return entries[entry] >>> 8 & 7;
    }
}
