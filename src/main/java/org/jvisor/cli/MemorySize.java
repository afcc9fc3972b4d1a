package org.jvisor.cli;

import java.util.Locale;

/** Parses QEMU-style RAM sizes: {@code 128M}, {@code 1G}, {@code 65536K}; a bare number means MiB. */
final class MemorySize {
    /** The largest RAM the 32-bit physical space below the device windows can hold here. */
    static final long MAX = 3L << 30;

    private MemorySize() { }

    static int parse(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT);
        if (s.endsWith("B")) s = s.substring(0, s.length() - 1);
        long unit = 1 << 20;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'K' -> unit = 1 << 10;
                case 'M' -> unit = 1 << 20;
                case 'G' -> unit = 1L << 30;
                default -> unit = 0;
            }
            if (unit != 0) s = s.substring(0, s.length() - 1);
            else unit = 1 << 20;
        }
        long n;
        try {
            n = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new UsageError("bad memory size '" + text + "' (use e.g. 128M or 1G)");
        }
        long bytes = n * unit;
        if (n <= 0 || bytes < (1 << 20) || bytes > MAX) {
            throw new UsageError("memory size '" + text + "' out of range (1M to 3G)");
        }
        if ((bytes & 0xFFF) != 0) throw new UsageError("memory size '" + text + "' is not a multiple of 4K");
        return (int) bytes;
    }
}
