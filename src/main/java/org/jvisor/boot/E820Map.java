package org.jvisor.boot;

import java.util.ArrayList;
import java.util.List;

/**
 * The PC's physical memory map as INT 15h AX=E820h reports it (ACPI 3.0 section 14, "System
 * Address Map Interfaces"): conventional memory below the EBDA, the BIOS area below 1 MiB,
 * extended memory up to the top of RAM, and optionally the APIC register windows.
 */
public final class E820Map {
    /** Address range types (ACPI AddressRangeMemory / AddressRangeReserved). */
    public static final int USABLE = 1, RESERVED = 2;
    /** The extended BIOS data area: the last KiB of conventional memory. */
    public static final long EBDA = 0x9FC00, CONVENTIONAL_END = 0xA0000;
    public static final long BIOS_AREA = 0xF0000, HIGH_MEMORY = 0x100000;
    /** Default MMIO windows of the 82093AA IOAPIC and the local APIC (4 KiB each). */
    public static final long IOAPIC_BASE = 0xFEC00000L, LAPIC_BASE = 0xFEE00000L, APIC_WINDOW = 0x1000;

    /** One address range: [base, base + length) of the given type. */
    public record Entry(long base, long length, int type) {
        public long end() {
            return base + length;
        }
    }

    private final List<Entry> entries;

    private E820Map(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * The map of a PC with {@code ramBytes} of RAM from address 0 (at least 1 MiB, and below
     * the IOAPIC window), with the two APIC windows reserved when {@code apicWindows}.
     */
    public static E820Map forRam(long ramBytes, boolean apicWindows) {
        if (ramBytes < HIGH_MEMORY || ramBytes > IOAPIC_BASE) {
            throw new BootException(String.format("RAM size %d KiB is outside the PC memory map (1 MiB to %d MiB)",
                    ramBytes / 1024, IOAPIC_BASE >> 20));
        }
        List<Entry> e = new ArrayList<>();
        e.add(new Entry(0, EBDA, USABLE));
        e.add(new Entry(EBDA, CONVENTIONAL_END - EBDA, RESERVED));
        e.add(new Entry(BIOS_AREA, HIGH_MEMORY - BIOS_AREA, RESERVED));
        if (ramBytes > HIGH_MEMORY) e.add(new Entry(HIGH_MEMORY, ramBytes - HIGH_MEMORY, USABLE));
        if (apicWindows) {
            e.add(new Entry(IOAPIC_BASE, APIC_WINDOW, RESERVED));
            e.add(new Entry(LAPIC_BASE, APIC_WINDOW, RESERVED));
        }
        return new E820Map(e);
    }

    /** The ranges in ascending address order. */
    public List<Entry> entries() {
        return entries;
    }

    /** The end of the usable range that contains {@code address}, or 0 if none does. */
    public long usableEndAt(long address) {
        for (Entry e : entries) {
            if (e.type == USABLE && address >= e.base && address < e.end()) return e.end();
        }
        return 0;
    }
}
