package org.jvisor.machine.cpu.diff;

import java.util.List;

/**
 * Compares two FNSAVE images (32-bit protected-mode layout): control, status and tag
 * words and the eight registers. The instruction and operand pointers and the opcode are
 * left out: processors differ in when they update them, and the host runs in 64-bit mode.
 *
 * <p>The transcendental instructions are the one documented tolerance: processors differ
 * among themselves in their last bits (the SDM promises about 1 ulp), and the model computes
 * them in double precision. Their results must agree in sign and exponent and within
 * 2^12 units of the 64-bit significand (the 11 bits double precision lacks, and one more),
 * and C1 (round-up) is not compared for them.
 */
final class X87Compare {
    static final java.util.Set<String> TRANSCENDENTAL = java.util.Set.of(
            "f2xm1", "fyl2x", "fyl2xp1", "fptan", "fpatan", "fsin", "fcos", "fsincos");
    private static final int C1 = 0x200;

    private X87Compare() { }

    static void compare(DiffCase c, byte[] expected, byte[] model, List<String> diffs) {
        if (model == null) {
            diffs.add("x87: model produced no FNSAVE image");
            return;
        }
        boolean approximate = TRANSCENDENTAL.contains(c.entry.mnemonic);
        String[] words = {"control", "status", "tag"};
        for (int w = 0; w < 3; w++) {
            int e = u16(expected, 4 * w), m = u16(model, 4 * w);
            int ignore = approximate && w == 1 ? C1 : 0;
            if (((e ^ m) & ~ignore) != 0) diffs.add(String.format("x87 %s word: expected %04x, model %04x", words[w], e, m));
        }
        for (int st = 0; st < 8; st++) {
            int at = 28 + 10 * st;
            if (!java.util.Arrays.equals(expected, at, at + 10, model, at, at + 10)
                    && !(approximate && close(expected, model, at))) {
                diffs.add(String.format("x87 st(%d): expected %s, model %s", st, ext(expected, at), ext(model, at)));
            }
        }
    }

    /** Same sign and exponent, significands within 2^12 units. */
    private static boolean close(byte[] a, byte[] b, int at) {
        if (u16(a, at + 8) != u16(b, at + 8)) return false;
        long sa = significand(a, at), sb = significand(b, at);
        return Math.abs((sa >>> 1) - (sb >>> 1)) <= 1 << 11;
    }

    private static long significand(byte[] b, int at) {
        long sig = 0;
        for (int k = 7; k >= 0; k--) sig = sig << 8 | (b[at + k] & 0xFF);
        return sig;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    static String ext(byte[] b, int at) {
        long sig = 0;
        for (int k = 7; k >= 0; k--) sig = sig << 8 | (b[at + k] & 0xFF);
        return String.format("%04x:%016x", u16(b, at + 8), sig);
    }
}
