package org.jvisor.machine.cpu.diff;

/** Formatting of register sets in failure reports. */
final class Registers {
    static final String[] NAMES = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};

    private Registers() { }

    static String format(int[] r) {
        StringBuilder s = new StringBuilder();
        for (int k = 0; k < 8; k++) {
            if (k > 0) s.append(' ');
            s.append(NAMES[k]).append('=').append(String.format("%08x", r[k]));
        }
        return s.toString();
    }
}
