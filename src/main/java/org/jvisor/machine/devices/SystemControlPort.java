package org.jvisor.machine.devices;

import org.jvisor.machine.Clock;
import org.jvisor.machine.memory.PortDevice;

/**
 * Port 0x61, the PC/AT system control port B. Writable bits 0-3 read back as written:
 * bit 0 counter 2 GATE, bit 1 speaker data enable (no sound is made), bit 2 parity check
 * disable, bit 3 channel check disable (the two NMI sources, stored). Read-only: bit 4 the
 * refresh toggle (flips every 15 µs of machine time), bit 5 counter 2's OUT, bits 6-7 the
 * channel and parity error flags (never set here).
 */
public final class SystemControlPort implements PortDevice {
    public static final int GATE2 = 0x01, SPEAKER = 0x02, PARITY_CHECK_DISABLE = 0x04,
            CHANNEL_CHECK_DISABLE = 0x08, REFRESH = 0x10, OUT2 = 0x20;
    /** Half period of the refresh toggle (the DRAM refresh request rate of the AT). */
    public static final long REFRESH_TOGGLE_NANOS = 15_000;

    private final Clock clock;
    private final Pit8254 pit;
    private int control;

    public SystemControlPort(Clock clock, Pit8254 pit) {
        this.clock = clock;
        this.pit = pit;
        pit.setGate2(false);
    }

    @Override
    public int read(int offset, int size) {
        int v = control;
        if ((clock.nanos() / REFRESH_TOGGLE_NANOS & 1) != 0) v |= REFRESH;
        if (pit.out2()) v |= OUT2;
        return size == 1 ? v : v | (size == 2 ? 0xFF00 : 0xFFFFFF00); // nothing above 0x61 on this device
    }

    @Override
    public void write(int offset, int size, int value) {
        control = value & 0x0F;
        pit.setGate2((value & GATE2) != 0);
    }

    public boolean speakerEnabled() {
        return (control & (GATE2 | SPEAKER)) == (GATE2 | SPEAKER);
    }

    /** Bits 2-3 as written: set bits disable the parity and channel-check NMIs. */
    public int nmiDisableBits() {
        return control & (PARITY_CHECK_DISABLE | CHANNEL_CHECK_DISABLE);
    }
}
