package org.jvisor.machine.devices.ata;

import java.util.List;
import org.jvisor.machine.devices.IrqLine;
import org.jvisor.machine.memory.PortBus;

/**
 * The PC's two legacy ATA channels with disks assigned in QEMU's index order: primary
 * master, primary slave, secondary master, secondary slave. A channel without drives is
 * still registered, reading FFh (an empty bus) so guests probe it and find nothing.
 */
public final class AtaController implements AutoCloseable {
    public static final int MAX_DISKS = 4;

    private final AtaChannel primary;
    private final AtaChannel secondary;

    /**
     * @param disks up to four opened images, in order
     * @param irq14 the primary channel's line, irq15 the secondary's
     * @throws IllegalArgumentException for more than four disks (one-line message)
     */
    public AtaController(List<DiskImage> disks, IrqLine irq14, IrqLine irq15) {
        if (disks.size() > MAX_DISKS) {
            throw new IllegalArgumentException("at most " + MAX_DISKS
                    + " ATA disks (two channels, two drives each), got " + disks.size());
        }
        AtaDrive[] d = new AtaDrive[MAX_DISKS];
        for (int i = 0; i < disks.size(); i++) d[i] = new AtaDrive(disks.get(i), String.format("JV%02d%08X", i,
                disks.get(i).path().toAbsolutePath().toString().hashCode()));
        primary = new AtaChannel(irq14, d[0], d[1]);
        secondary = new AtaChannel(irq15, d[2], d[3]);
    }

    /** Claims 0x1F0-0x1F7, 0x3F6, 0x170-0x177 and 0x376 on the bus. */
    public void register(PortBus ports) {
        ports.register(AtaChannel.PRIMARY_COMMAND, AtaChannel.COMMAND_PORTS, primary.commandBlock());
        ports.register(AtaChannel.PRIMARY_CONTROL, AtaChannel.CONTROL_PORTS, primary.controlBlock());
        ports.register(AtaChannel.SECONDARY_COMMAND, AtaChannel.COMMAND_PORTS, secondary.commandBlock());
        ports.register(AtaChannel.SECONDARY_CONTROL, AtaChannel.CONTROL_PORTS, secondary.controlBlock());
    }

    public AtaChannel primary() {
        return primary;
    }

    public AtaChannel secondary() {
        return secondary;
    }

    /** Hardware reset of both channels (machine reset). */
    public void reset() {
        primary.reset();
        secondary.reset();
    }

    /** Flushes and closes every image. */
    @Override
    public void close() {
        try {
            primary.close();
        } finally {
            secondary.close();
        }
    }
}
