package org.jvisor.machine.cpu.diff;

import java.util.Random;

/** Random operand values biased toward the edges where instructions go wrong. */
final class Values {
    private static final int[] EDGES = {
        0, 1, 2, -1, -2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
        0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFF80, 0xFFFF8000, 0x0F, 0x10, 0x1F, 0x20, 0x21, 0x3F,
        0x55555555, 0xAAAAAAAA, 0x00FF00FF, 0x12345678
    };

    private Values() { }

    static int interesting(Random rnd) {
        int pick = rnd.nextInt(8);
        if (pick < 3) return EDGES[rnd.nextInt(EDGES.length)];
        if (pick == 3) return rnd.nextInt(40);
        if (pick == 4) return (byte) rnd.nextInt();          // sign-extended byte
        if (pick == 5) return rnd.nextInt() & 0xFF;
        if (pick == 6) return 1 << rnd.nextInt(32) ^ (rnd.nextBoolean() ? 0 : -1);
        return rnd.nextInt();
    }

    /** Arithmetic flags and DF at random; IF set as in any user process. */
    static int eflags(Random rnd) {
        int f = 0x202;
        f |= rnd.nextInt() & (0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x800);
        if (rnd.nextInt(4) == 0) f |= 0x400;
        return f;
    }
}
