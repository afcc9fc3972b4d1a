package org.jvisor.machine.devices;

import org.jvisor.machine.cpu.InterruptController;
import org.jvisor.machine.memory.PortDevice;

/**
 * The PC's two cascaded 8259As: the master at 0x20-0x21 with the slave on its IR2, the slave
 * at 0xA0-0xA1 (IRQ 8-15), and the ELCR edge/level registers at 0x4D0-0x4D1 (PIIX). It is
 * the processor's interrupt controller: INTR is the master's output.
 */
public final class PicPair implements InterruptController {
    private static final int CASCADE = 2;
    private final Pic8259 master = new Pic8259(), slave = new Pic8259();

    /** Port device for one chip: offsets 0 (A0=0) and 1 (A0=1). */
    public PortDevice masterPorts() {
        return ports(master);
    }

    public PortDevice slavePorts() {
        return ports(slave);
    }

    /** The two ELCR bytes: bit n = IRQ n (or n+8) is level-triggered. IRQ 0-2 and 8, 13 stay edge. */
    public PortDevice elcrPorts() {
        return new PortDevice() {
            @Override
            public int read(int offset, int size) {
                return (offset == 0 ? master.levelMask : slave.levelMask) & 0xFF;
            }

            @Override
            public void write(int offset, int size, int v) {
                if (offset == 0) master.levelMask = v & 0xF8;
                else slave.levelMask = v & 0xDE;
            }
        };
    }

    private PortDevice ports(Pic8259 chip) {
        return new PortDevice() {
            @Override
            public int read(int offset, int size) {
                int v = chip.read(offset & 1);
                cascade();
                return v;
            }

            @Override
            public void write(int offset, int size, int v) {
                chip.write(offset & 1, v);
                cascade();
            }
        };
    }

    public void reset() {
        master.reset();
        slave.reset();
    }

    /** Drives IRQ line 0-15. */
    public void setIrq(int irq, boolean high) {
        if (irq < 8) master.setInput(irq, high);
        else slave.setInput(irq - 8, high);
        cascade();
    }

    /** An {@link IrqLine} for one IRQ, to hand to a device. */
    public IrqLine line(int irq) {
        return high -> setIrq(irq, high);
    }

    /** The slave's INT output is the master's IR2 input. */
    private void cascade() {
        master.setInput(CASCADE, slave.pending() >= 0);
    }

    @Override
    public boolean hasInterrupt() {
        return master.pending() >= 0;
    }

    @Override
    public int acknowledge() {
        int n = master.acknowledge();
        int vector;
        if (n == CASCADE && (master.icw3 & (1 << CASCADE)) != 0) {
            vector = slave.vectorBase | slave.acknowledge();
        } else {
            vector = master.vectorBase | n;
        }
        cascade();
        return vector;
    }

    /** In-service and request registers, for debugging and tests: master in bits 0-7, slave in 8-15. */
    public int inService() {
        return master.isr | slave.isr << 8;
    }

    public int requests() {
        return master.irr | slave.irr << 8;
    }
}
