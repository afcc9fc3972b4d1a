package org.jvisor.machine.memory;

/**
 * The 64 KiB x86 I/O port space. Each device owns a range and sees offsets into it;
 * unclaimed ports read as all ones and ignore writes, as on a PC's ISA bus.
 */
public final class PortBus {
    private final PortDevice[] owner = new PortDevice[0x10000];
    private final int[] base = new int[0x10000];

    public void register(int first, int length, PortDevice device) {
        if (first < 0 || length <= 0 || first + length > 0x10000) {
            throw new IllegalArgumentException("bad port range " + first + "+" + length);
        }
        for (int p = first; p < first + length; p++) {
            if (owner[p] != null) throw new IllegalStateException(String.format("port %#x already claimed", p));
            owner[p] = device;
            base[p] = first;
        }
    }

    public int read(int port, int size) {
        port &= 0xFFFF;
        PortDevice d = owner[port];
        if (d == null) return size == 4 ? -1 : (1 << (8 * size)) - 1;
        return d.read(port - base[port], size);
    }

    public void write(int port, int size, int value) {
        port &= 0xFFFF;
        PortDevice d = owner[port];
        if (d != null) d.write(port - base[port], size, size == 4 ? value : value & ((1 << (8 * size)) - 1));
    }
}
