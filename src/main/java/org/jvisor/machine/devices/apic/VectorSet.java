package org.jvisor.machine.devices.apic;

/**
 * A 256-bit set of interrupt vectors laid out as the local APIC's IRR, ISR and TMR are: eight
 * 32-bit words, word n holding vectors 32n..32n+31 (SDM Vol. 3A 10.8.4, Figure 10-20).
 */
final class VectorSet {
    private final int[] words = new int[8];
    /** Bit n set when word n is non-zero: the processor asks for the highest vector on every block. */
    private int nonEmpty;

    boolean contains(int vector) {
        return (words[vector >>> 5] & 1 << (vector & 31)) != 0;
    }

    void add(int vector) {
        words[vector >>> 5] |= 1 << (vector & 31);
        nonEmpty |= 1 << (vector >>> 5);
    }

    void remove(int vector) {
        int w = vector >>> 5;
        words[w] &= ~(1 << (vector & 31));
        if (words[w] == 0) nonEmpty &= ~(1 << w);
    }

    void set(int vector, boolean member) {
        if (member) add(vector);
        else remove(vector);
    }

    /** The highest vector in the set, or -1 when it is empty. */
    int highest() {
        if (nonEmpty == 0) return -1;
        int w = 31 - Integer.numberOfLeadingZeros(nonEmpty);
        return w << 5 | 31 - Integer.numberOfLeadingZeros(words[w]);
    }

    /** Word n, as the register at base + 0x10 * n reads. */
    int word(int n) {
        return words[n];
    }

    void clear() {
        java.util.Arrays.fill(words, 0);
        nonEmpty = 0;
    }
}
