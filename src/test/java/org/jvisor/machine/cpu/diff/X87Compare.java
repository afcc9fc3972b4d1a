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
 * a relative 2^-51 (double precision's 53 bits, less two),
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
                    && !(approximate && close(expected, model, at)) && !bothPropagatedNaNs(expected, model, at)) {
                diffs.add(String.format("x87 st(%d): expected %s, model %s", st, ext(expected, at), ext(model, at)));
            }
        }
    }

    /**
     * Which NaN an operation returns when both operands are NaNs differs between vendors
     * (the Intel SDM, Table 4-7, takes the larger significand; the AMD host keeps the
     * destination): two QNaNs that are not the default indefinite count as agreeing.
     */
    private static boolean bothPropagatedNaNs(byte[] a, byte[] b, int at) {
        return quietNaN(a, at) && quietNaN(b, at) && !indefinite(a, at) && !indefinite(b, at);
    }

    private static boolean quietNaN(byte[] b, int at) {
        return (u16(b, at + 8) & 0x7FFF) == 0x7FFF && (significand(b, at) >>> 62) == 3;
    }

    private static boolean indefinite(byte[] b, int at) {
        return u16(b, at + 8) == 0xFFFF && significand(b, at) == 0xC000000000000000L;
    }

    /** Both finite and normal-range, with a relative difference of at most 2^-51. */
    private static boolean close(byte[] a, byte[] b, int at) {
        double x = value(a, at), y = value(b, at);
        if (Double.isNaN(x) || Double.isNaN(y) || x == 0 || y == 0) return false;
        return Math.abs(x - y) <= Math.max(Math.abs(x), Math.abs(y)) * 0x1p-51;
    }

    /** An 80-bit register as a double (NaN for infinities, NaNs and values out of double range). */
    private static double value(byte[] b, int at) {
        int se = u16(b, at + 8), exp = se & 0x7FFF;
        long sig = significand(b, at);
        if (exp == 0x7FFF || exp == 0) return exp == 0 && sig == 0 ? 0 : Double.NaN;
        double v = Math.scalb((double) (sig >>> 11), exp - 16383 - 52);
        if (Double.isInfinite(v) || v == 0) return Double.NaN;
        return (se & 0x8000) != 0 ? -v : v;
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
