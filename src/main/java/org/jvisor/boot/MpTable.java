package org.jvisor.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.jvisor.machine.cpu.system.Cpuid;
import org.jvisor.machine.memory.PhysicalMemory;

/**
 * The Intel MultiProcessor Specification 1.4 tables that tell a kernel where its processor,
 * local APIC, IOAPIC and ISA interrupt routing are (chapter 4): an MP floating pointer
 * structure in the BIOS area, followed by a base configuration table with one processor,
 * one ISA bus, one IOAPIC, the ISA IRQ assignments and the local APIC's LINT0/LINT1 wiring.
 */
public final class MpTable {
    /** A conventional place: the start of the BIOS area, which the e820 map reserves. */
    public static final int DEFAULT_ADDRESS = 0xF0000;
    static final int FLOATING_SIZE = 16, HEADER_SIZE = 44, PROCESSOR_SIZE = 20, ENTRY_SIZE = 8;
    static final int SPEC_REV = 4;
    /** Entry types (section 4.3) and interrupt types (Table 4-10). */
    static final int PROCESSOR = 0, BUS = 1, IOAPIC = 2, IO_INTERRUPT = 3, LOCAL_INTERRUPT = 4;
    static final int INT = 0, NMI = 1, EXTINT = 3;
    static final int ISA_BUS_ID = 0, ISA_IRQS = 16, ALL_LOCAL_APICS = 0xFF;

    /** What the tables describe; {@link #pc()} is jvisor's uniprocessor PC. */
    public record Config(int localApicId, int localApicVersion, int cpuSignature, int cpuFeatures,
                         long localApicAddress, int ioApicId, int ioApicVersion, long ioApicAddress) {
        /**
         * The P6 processor of {@link Cpuid} with its local APIC enabled (CPUID.1:EDX.APIC set,
         * as the processor reports once the APIC is on), APIC version 11h, IOAPIC 1 (an 82093AA,
         * version 11h) at the default addresses.
         */
        public static Config pc() {
            return new Config(0, 0x11, Cpuid.SIGNATURE, Cpuid.FEATURES | Cpuid.APIC,
                    E820Map.LAPIC_BASE, 1, 0x11, E820Map.IOAPIC_BASE);
        }
    }

    private MpTable() { }

    /**
     * Writes the floating pointer at {@code address} (16-byte aligned, inside 0xF0000-0xFFFFF
     * where section 4 says a BIOS may put it) and the configuration table right after it.
     * Returns the number of bytes written.
     */
    public static int write(PhysicalMemory mem, int address, Config config) {
        byte[] table = configurationTable(config);
        int end = address + FLOATING_SIZE + table.length;
        if ((address & 15) != 0 || address < E820Map.BIOS_AREA || end > E820Map.HIGH_MEMORY) {
            throw new BootException(String.format("MP tables at %#x: need a 16-byte boundary with %d bytes inside "
                    + "0xf0000-0xfffff", address, FLOATING_SIZE + table.length));
        }
        if (end > mem.size()) throw new BootException("MP tables need RAM up to 1 MiB, have " + mem.size() + " bytes");
        mem.load(address, floatingPointer(address + FLOATING_SIZE));
        mem.load(address + FLOATING_SIZE, table);
        return FLOATING_SIZE + table.length;
    }

    /** Section 4.1: "_MP_", table address, length 1 paragraph, revision 1.4, checksum, no default config. */
    static byte[] floatingPointer(int tableAddress) {
        ByteBuffer b = buffer(FLOATING_SIZE);
        b.put(ascii("_MP_")).putInt(tableAddress).put((byte) 1).put((byte) SPEC_REV);
        // checksum (10), feature byte 1 = 0: a configuration table is present; byte 2 bit 7 (IMCRP) = 0:
        // virtual wire mode, there is no IMCR to program.
        seal(b.array(), 10);
        return b.array();
    }

    /** Section 4.2 header, then the base table entries of section 4.3. */
    static byte[] configurationTable(Config c) {
        int ioInts = ISA_IRQS - 1, entries = 1 + 1 + 1 + ioInts + 2;
        int length = HEADER_SIZE + PROCESSOR_SIZE + (entries - 1) * ENTRY_SIZE;
        ByteBuffer b = buffer(length);
        b.put(ascii("PCMP")).putShort((short) length).put((byte) SPEC_REV).put((byte) 0);
        b.put(ascii("JVISOR  ")).put(ascii("PC          "));
        b.putInt(0).putShort((short) 0).putShort((short) entries).putInt((int) c.localApicAddress());
        b.putShort((short) 0).put((byte) 0).put((byte) 0); // no extended table
        processor(b, c);
        b.put((byte) BUS).put((byte) ISA_BUS_ID).put(ascii("ISA   "));
        b.put((byte) IOAPIC).put((byte) c.ioApicId()).put((byte) c.ioApicVersion()).put((byte) 1)
                .putInt((int) c.ioApicAddress());
        for (int irq = 0; irq < ISA_IRQS; irq++) {
            // IRQ 0 (the PIT) is wired to pin 2, as on PC chipsets; IRQ 2 is the PIC cascade, which
            // never interrupts and whose pin IRQ 0 now uses.
            if (irq == 2) continue;
            interrupt(b, IO_INTERRUPT, INT, irq, c.ioApicId(), irq == 0 ? 2 : irq);
        }
        interrupt(b, LOCAL_INTERRUPT, EXTINT, 0, ALL_LOCAL_APICS, 0); // LINT0: the 8259A (virtual wire)
        interrupt(b, LOCAL_INTERRUPT, NMI, 0, ALL_LOCAL_APICS, 1);    // LINT1: NMI
        seal(b.array(), 7);
        return b.array();
    }

    /** Section 4.3.1: enabled bootstrap processor with its CPUID signature and features. */
    private static void processor(ByteBuffer b, Config c) {
        b.put((byte) PROCESSOR).put((byte) c.localApicId()).put((byte) c.localApicVersion()).put((byte) 0b11);
        b.putInt(c.cpuSignature()).putInt(c.cpuFeatures()).putLong(0);
    }

    /** Sections 4.3.4/4.3.5: flags 0 = polarity and trigger conform to the ISA bus (high, edge). */
    private static void interrupt(ByteBuffer b, int entryType, int intType, int srcIrq, int destId, int destPin) {
        b.put((byte) entryType).put((byte) intType).putShort((short) 0).put((byte) ISA_BUS_ID)
                .put((byte) srcIrq).put((byte) destId).put((byte) destPin);
    }

    /** Sets the byte at {@code at} so that all bytes sum to zero modulo 256. */
    private static void seal(byte[] data, int at) {
        int sum = 0;
        for (byte x : data) sum += x;
        data[at] = (byte) (data[at] - sum);
    }

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
