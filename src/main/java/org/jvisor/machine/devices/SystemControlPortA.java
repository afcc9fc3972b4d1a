package org.jvisor.machine.devices;

import org.jvisor.machine.memory.PortDevice;

/**
 * PS/2 System Control Port A at 0x92 (IBM PS/2 reference; PIIX3 "Port 92"): bit 0 is the
 * alternate fast reset, bit 1 the alternate A20 gate. The register reads back as written.
 * A reset happens on a 0-to-1 transition of bit 0 (the bit must be cleared again before the
 * next one), which is how PS/2 systems and qemu's port 0x92 behave.
 */
public final class SystemControlPortA implements PortDevice {
    public static final int PORT = 0x92;
    public static final int FAST_RESET = 0x01, A20 = 0x02;

    private final Runnable resetLine;
    private final A20Line a20;
    private int value;

    public SystemControlPortA(Runnable reset, A20Line a20) {
        this.resetLine = reset;
        this.a20 = a20;
        this.reset();
    }

    /** Power-on state: all bits 0 (qemu's too), so this source leaves A20 to the 8042. */
    public void reset() {
        value = 0;
        a20.set(false);
    }

    @Override
    public int read(int offset, int size) {
        return size == 1 ? value : value | (size == 2 ? 0xFF00 : 0xFFFFFF00); // one port: the rest is open bus
    }

    @Override
    public void write(int offset, int size, int v) {
        int old = value;
        value = v & 0xFF;
        if (((old ^ value) & A20) != 0) a20.set((value & A20) != 0);
        if ((old & FAST_RESET) == 0 && (value & FAST_RESET) != 0) resetLine.run();
    }
}
