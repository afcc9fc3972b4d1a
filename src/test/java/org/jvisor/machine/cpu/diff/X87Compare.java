package org.jvisor.machine.cpu.diff;

import java.util.List;

/**
 * Compares two FNSAVE images (32-bit protected-mode layout): control, status and tag
 * words and the eight registers. The instruction and operand pointers and the opcode are
 * left out: processors differ in when they update them, and the host runs in 64-bit mode.
 */
final class X87Compare {
    private X87Compare() { }

    static void compare(DiffCase c, byte[] expected, byte[] model, List<String> diffs) {
        if (model == null) {
            diffs.add("x87: model produced no FNSAVE image");
            return;
        }
        String[] words = {"control", "status", "tag"};
        for (int w = 0; w < 3; w++) {
            int e = u16(expected, 4 * w), m = u16(model, 4 * w);
            if (e != m) diffs.add(String.format("x87 %s word: expected %04x, model %04x", words[w], e, m));
        }
        for (int st = 0; st < 8; st++) {
            int at = 28 + 10 * st;
            if (!java.util.Arrays.equals(expected, at, at + 10, model, at, at + 10)) {
                diffs.add(String.format("x87 st(%d): expected %s, model %s", st, ext(expected, at), ext(model, at)));
            }
        }
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
