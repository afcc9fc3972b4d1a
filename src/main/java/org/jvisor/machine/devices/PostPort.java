package org.jvisor.machine.devices;

import org.jvisor.machine.memory.PortDevice;

/**
 * Port 0x80, where firmware writes POST codes and Linux writes for I/O delays (outb_p).
 * On the PC/AT it is a spare DMA page register (the 74LS612 behind ports 0x80-0x8F), so it
 * reads back the last byte written; we model that (qemu instead reads 0xFF). Power-on value 0.
 * Only byte 0x80 is ours: the wider parts of a word or dword access read as open bus.
 */
public final class PostPort implements PortDevice {
    public static final int PORT = 0x80;

    private int last;

    @Override
    public int read(int offset, int size) {
        return size == 1 ? last : last | (size == 2 ? 0xFF00 : 0xFFFFFF00);
    }

    @Override
    public void write(int offset, int size, int value) {
        last = value & 0xFF;
    }

    /** The last POST code written. */
    public int lastCode() {
        return last;
    }
}
