package org.jvisor.machine.devices.apic;

import org.jvisor.machine.Clock;
import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.devices.IrqLine;
import org.jvisor.machine.devices.PicPair;
import org.jvisor.machine.memory.PhysicalMemory;

/**
 * The APICs of a uniprocessor PC, wired as jvisor's MP table describes them (boot.MpTable):
 * the local APIC as the processor's interrupt controller with the 8259A pair on LINT0, the
 * I/O APIC delivering to it and told of its EOIs, both register windows mapped at their
 * default addresses, and each ISA IRQ driving the 8259A input and the I/O APIC pin at once
 * (IRQ 0, the PIT, on pin 2 as on PC chipsets; IRQ n on pin n otherwise).
 */
public final class ApicWiring {
    public final LocalApic localApic;
    public final IoApic ioApic;
    private final PicPair pic;

    private ApicWiring(LocalApic localApic, IoApic ioApic, PicPair pic) {
        this.localApic = localApic;
        this.ioApic = ioApic;
        this.pic = pic;
    }

    /** Builds both APICs, attaches the local one to {@code cpu} and maps both windows in {@code mem}. */
    public static ApicWiring install(Cpu cpu, PhysicalMemory mem, Clock clock, PicPair pic, int ioApicId) {
        LocalApic local = new LocalApic(clock, pic);
        IoApic io = new IoApic(ioApicId, local);
        local.setEoiListener(io::endOfInterrupt);
        local.attach(cpu);
        mem.mapMmio((int) LocalApic.DEFAULT_BASE, LocalApic.WINDOW, local);
        mem.mapMmio((int) IoApic.DEFAULT_BASE, IoApic.WINDOW, io);
        return new ApicWiring(local, io, pic);
    }

    /** The I/O APIC pin an ISA IRQ is wired to (the MP table's I/O interrupt entries). */
    public static int ioApicPin(int isaIrq) {
        return isaIrq == 0 ? 2 : isaIrq;
    }

    /** A device's line for ISA IRQ 0-15: drives the 8259A and, except the cascade IRQ 2, the I/O APIC. */
    public IrqLine isaLine(int irq) {
        int pin = ioApicPin(irq);
        return high -> {
            pic.setIrq(irq, high);
            if (irq != 2) ioApic.setIrq(pin, high);
        };
    }

    /** Raises the local APIC timer's interrupt if it is due. */
    public void poll() {
        localApic.poll();
    }

    public long nextEventNanos() {
        return localApic.nextEventNanos();
    }

    /** Machine reset: both APICs as firmware leaves them (the local APIC in virtual wire mode). */
    public void reset() {
        localApic.reset();
        ioApic.reset();
    }
}
