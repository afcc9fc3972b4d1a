package org.jvisor.machine.devices.apic;

import org.jvisor.machine.devices.IrqLine;
import org.jvisor.machine.memory.MmioDevice;

/**
 * The Intel 82093AA I/O APIC (datasheet 290566): 24 interrupt input pins, each routed by a
 * 64-bit redirection table entry to the local APIC as an interrupt message. Software reaches
 * its registers indirectly: IOREGSEL (offset 00H) selects one, IOWIN (offset 10H) reads or
 * writes it.
 *
 * <p>{@link #setIrq} gives a pin's electrical level; the entry's polarity says which level is
 * active. Edge entries send one message per inactive-to-active transition; level entries send
 * while the pin is active and remote IRR is clear, set remote IRR when the local APIC accepts,
 * and clear it on the EOI for their vector ({@link #endOfInterrupt}). Signals on masked pins
 * are ignored (an active level is noticed once the pin is unmasked). Messages are accepted at
 * once, so delivery status reads idle unless the local APIC refused an active level pin's
 * message (it is sent again on the pin's next change, entry write or EOI); a refused edge is lost.
 *
 * <p>Like the 82093AA, writing a redirection entry as edge-triggered clears its remote IRR
 * (Linux relies on this to retire a lost EOI on I/O APICs older than version 20H).
 */
public final class IoApic implements MmioDevice {
    public static final long DEFAULT_BASE = 0xFEC00000L;
    public static final int WINDOW = 0x1000;
    public static final int PINS = 24;
    /** IOAPICVER (datasheet 3.2.2): maximum redirection entry 17H (24 entries), version 11H. */
    public static final int VERSION = 0x0017_0011;
    static final int IOREGSEL = 0x00, IOWIN = 0x10;
    static final int REG_ID = 0x00, REG_VERSION = 0x01, REG_ARBITRATION = 0x02, REG_TABLE = 0x10;
    /** Redirection entry bits (datasheet 3.2.4). */
    static final long VECTOR = 0xFF, LOGICAL = 1 << 11, DELIVERY_PENDING = 1 << 12, POLARITY_LOW = 1 << 13;
    static final long REMOTE_IRR = 1 << 14, LEVEL = 1 << 15, MASKED = 1 << 16;
    /** Writable: vector, delivery mode, destination mode, polarity, trigger, mask and destination. */
    private static final long WRITABLE_LOW = 0x1_AFFF, WRITABLE_HIGH = 0xFF00_0000L;

    private final ApicBus bus;
    private final int resetId;
    private final long[] table = new long[PINS];
    private int pinLevels; // bit n: pin n is electrically high
    private int select, id;

    /**
     * An I/O APIC delivering to {@code bus}, with its ID register reading {@code id} after
     * reset: the 82093AA powers up with ID 0 and firmware writes the ID the MP table names;
     * jvisor has no BIOS, so the device starts as firmware leaves it.
     */
    public IoApic(int id, ApicBus bus) {
        this.bus = bus;
        this.resetId = id & 0xF;
        reset();
    }

    /** Every entry masked, pins low, the register select cleared. */
    public void reset() {
        java.util.Arrays.fill(table, MASKED);
        pinLevels = 0;
        select = 0;
        id = resetId;
    }

    /** Drives pin 0-23 to an electrical level. */
    public void setIrq(int pin, boolean high) {
        if (pin < 0 || pin >= PINS) return;
        boolean wasActive = active(pin);
        pinLevels = high ? pinLevels | 1 << pin : pinLevels & ~(1 << pin);
        boolean isActive = active(pin);
        if ((table[pin] & LEVEL) != 0) {
            if (isActive) sendLevel(pin);
            else table[pin] &= ~DELIVERY_PENDING;
        } else if (isActive && !wasActive && (table[pin] & MASKED) == 0) {
            send(pin);
        }
    }

    /** An {@link IrqLine} for one pin, to hand to a device (asserted = electrically high). */
    public IrqLine line(int pin) {
        return high -> setIrq(pin, high);
    }

    /** The EOI broadcast (from the local APIC) for a level-triggered vector: clears remote IRR. */
    public void endOfInterrupt(int vector) {
        for (int pin = 0; pin < PINS; pin++) {
            long e = table[pin];
            if ((e & LEVEL) != 0 && (e & REMOTE_IRR) != 0 && (e & VECTOR) == vector) {
                table[pin] = e & ~REMOTE_IRR;
                sendLevel(pin); // still asserted: interrupt again
            }
        }
    }

    private boolean active(int pin) {
        boolean high = (pinLevels & 1 << pin) != 0;
        return high != ((table[pin] & POLARITY_LOW) != 0);
    }

    /** A level entry sends while active, unmasked and not awaiting its EOI. */
    private void sendLevel(int pin) {
        long e = table[pin];
        if ((e & (MASKED | REMOTE_IRR)) != 0 || !active(pin)) return;
        // accepted: wait for the EOI; refused: the send stays pending until the next chance
        table[pin] = send(pin) ? e & ~DELIVERY_PENDING | REMOTE_IRR : e | DELIVERY_PENDING;
    }

    /** One interrupt message for the pin's entry; true if the local APIC accepted it. */
    private boolean send(int pin) {
        long e = table[pin];
        return bus.deliver((int) (e & VECTOR), (int) (e >>> 8 & 7), (e & LOGICAL) != 0, (int) (e >>> 56),
                (e & LEVEL) != 0);
    }

    // --- registers ---------------------------------------------------------------------------

    @Override
    public int read(int offset, int size) {
        int v = switch (offset & ~3) {
            case IOREGSEL -> select;
            case IOWIN -> readRegister(select);
            default -> 0;
        };
        v >>>= 8 * (offset & 3);
        return size == 4 ? v : v & (1 << 8 * size) - 1;
    }

    @Override
    public void write(int offset, int size, int value) {
        if ((offset & 3) != 0) return; // both registers are written as whole dwords
        if (offset == IOREGSEL) select = value & 0xFF;
        else if (offset == IOWIN && size == 4) writeRegister(select, value);
    }

    /** ID (bits 24-27), version, arbitration ID (loaded from the ID), then entries low/high. */
    private int readRegister(int reg) {
        if (reg == REG_ID || reg == REG_ARBITRATION) return id << 24;
        if (reg == REG_VERSION) return VERSION;
        int pin = (reg - REG_TABLE) >>> 1;
        if (reg < REG_TABLE || pin >= PINS) return 0;
        long e = table[pin];
        return (int) ((reg & 1) == 0 ? e : e >>> 32);
    }

    private void writeRegister(int reg, int value) {
        if (reg == REG_ID) id = value >>> 24 & 0xF; // the arbitration ID follows it
        int pin = (reg - REG_TABLE) >>> 1;
        if (reg < REG_TABLE || pin >= PINS) return;
        long e = table[pin];
        if ((reg & 1) == 0) {
            long kept = e & (0xFFFF_FFFF_0000_0000L | DELIVERY_PENDING | REMOTE_IRR);
            e = kept | value & WRITABLE_LOW;
            if ((e & LEVEL) == 0) e &= ~REMOTE_IRR;
        } else {
            e = e & 0xFFFF_FFFFL | (value & WRITABLE_HIGH) << 32;
        }
        table[pin] = e;
        if ((e & LEVEL) != 0) sendLevel(pin); // unmasking an active level pin interrupts
    }
}
