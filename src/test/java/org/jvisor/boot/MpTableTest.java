package org.jvisor.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.system.Cpuid;
import org.jvisor.machine.memory.PhysicalMemory;
import org.jvisor.machine.memory.PortBus;
import org.junit.jupiter.api.Test;

/**
 * The MP tables parsed back the way a kernel finds them (MP Specification 1.4 chapter 4):
 * scan the BIOS area on 16-byte boundaries for "_MP_", check both checksums, walk the entries.
 */
class MpTableTest {
    private final PhysicalMemory mem = new PhysicalMemory(4 << 20);

    private int sum(int at, int length) {
        int s = 0;
        for (int i = 0; i < length; i++) s += mem.read8(at + i);
        return s & 0xFF;
    }

    private String ascii(int at, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) s.append((char) mem.read8(at + i));
        return s.toString();
    }

    /** Section 4: the first 16-byte-aligned "_MP_" in 0xF0000-0xFFFFF whose 16 bytes sum to 0. */
    private int findFloatingPointer() {
        for (int p = 0xF0000; p < 0x100000; p += 16) {
            if (ascii(p, 4).equals("_MP_") && sum(p, 16) == 0) return p;
        }
        throw new AssertionError("no MP floating pointer structure");
    }

    /** The entries after the 44-byte header as int arrays of their bytes; sizes from Table 4-3. */
    private List<int[]> entries(int table) {
        List<int[]> out = new ArrayList<>();
        int at = table + 44, end = table + mem.read16(table + 4);
        while (at < end) {
            int size = mem.read8(at) == 0 ? 20 : 8;
            int[] e = new int[size];
            for (int i = 0; i < size; i++) e[i] = mem.read8(at + i);
            out.add(e);
            at += size;
        }
        assertEquals(end, at, "entries end exactly at the base table length");
        return out;
    }

    private static int u32(int[] e, int at) {
        return e[at] | e[at + 1] << 8 | e[at + 2] << 16 | e[at + 3] << 24;
    }

    private int writeDefault() {
        MpTable.write(mem, MpTable.DEFAULT_ADDRESS, MpTable.Config.pc());
        return findFloatingPointer();
    }

    @Test
    void floatingPointerIsValidAndPointsAtTheTable() {
        int fp = writeDefault();
        assertEquals(0xF0000, fp);
        assertEquals(1, mem.read8(fp + 8), "length in paragraphs");
        assertEquals(4, mem.read8(fp + 9), "revision 1.4");
        assertEquals(0, mem.read8(fp + 11), "feature 1: configuration table present, no default configuration");
        assertEquals(0, mem.read8(fp + 12) & 0x80, "IMCRP clear: virtual wire");
        int table = mem.read32(fp + 4);
        assertEquals("PCMP", ascii(table, 4));
        assertEquals(0, sum(table, mem.read16(table + 4)), "base table checksum");
        assertEquals(4, mem.read8(table + 6));
        assertEquals(0xFEE00000, mem.read32(table + 36), "local APIC address");
        assertEquals(0, mem.read16(table + 40), "no extended table");
        assertEquals(entries(table).size(), mem.read16(table + 34), "entry count");
    }

    @Test
    void processorEntryMatchesCpuidWithTheLocalApicOn() {
        int table = mem.read32(writeDefault() + 4);
        List<int[]> procs = entries(table).stream().filter(e -> e[0] == 0).toList();
        assertEquals(1, procs.size());
        int[] p = procs.get(0);
        assertEquals(0, p[1], "local APIC id");
        assertTrue(p[2] >= 0x10 && p[2] <= 0x15, "an integrated APIC's version (10h-15h)");
        assertEquals(3, p[3], "enabled bootstrap processor");
        Cpu cpu = new Cpu(mem, new PortBus());
        cpu.msrs.localApic = true; // a PC with an APIC: CPUID reports it while APIC_BASE enables it
        assertEquals(Cpuid.SIGNATURE, u32(p, 4));
        assertEquals(Cpuid.features(cpu), u32(p, 8));
        assertEquals(6, (u32(p, 4) >> 8) & 0xF, "P6 family");
        assertNotEquals(0, u32(p, 8) & (1 << 9), "APIC feature flag");
    }

    @Test
    void isaBusIoApicAndInterruptRouting() {
        List<int[]> all = entries(mem.read32(writeDefault() + 4));
        List<int[]> buses = all.stream().filter(e -> e[0] == 1).toList();
        assertEquals(1, buses.size());
        assertEquals("ISA   ", new String(new char[] {(char) buses.get(0)[2], (char) buses.get(0)[3],
            (char) buses.get(0)[4], (char) buses.get(0)[5], (char) buses.get(0)[6], (char) buses.get(0)[7]}));
        int isa = buses.get(0)[1];
        List<int[]> ioapics = all.stream().filter(e -> e[0] == 2).toList();
        assertEquals(1, ioapics.size());
        int[] io = ioapics.get(0);
        assertEquals(0x11, io[2], "82093AA version");
        assertEquals(1, io[3] & 1, "enabled");
        assertEquals(0xFEC00000, u32(io, 4));
        assertNotEquals(0, io[1], "IOAPIC id differs from the processor's local APIC id 0");
        int[] pinOf = new int[16];
        java.util.Arrays.fill(pinOf, -1);
        for (int[] e : all) {
            if (e[0] != 3) continue;
            assertEquals(0, e[1], "vectored INT");
            assertEquals(0, e[2] | e[3] << 8, "conforms to the ISA bus");
            assertEquals(isa, e[4]);
            assertEquals(io[1], e[6], "to our IOAPIC");
            assertEquals(-1, pinOf[e[5]], "one entry per IRQ");
            pinOf[e[5]] = e[7];
        }
        assertEquals(2, pinOf[0], "the PIT on pin 2");
        for (int irq = 3; irq < 16; irq++) assertEquals(irq, pinOf[irq], "IRQ " + irq);
        assertEquals(1, pinOf[1]);
        assertEquals(-1, pinOf[2], "the cascade is not routed (its pin carries IRQ 0)");
        List<int[]> locals = all.stream().filter(e -> e[0] == 4).toList();
        assertEquals(2, locals.size());
        assertEquals(List.of(3, 0xFF, 0), List.of(locals.get(0)[1], locals.get(0)[6], locals.get(0)[7]), "ExtINT on LINT0");
        assertEquals(List.of(1, 0xFF, 1), List.of(locals.get(1)[1], locals.get(1)[6], locals.get(1)[7]), "NMI on LINT1");
    }

    @Test
    void anywhereAlignedInTheBiosAreaWorks() {
        MpTable.write(mem, 0xFFE00, MpTable.Config.pc());
        assertEquals(0xFFE00, findFloatingPointer());
        assertEquals(0xFFE10, mem.read32(0xFFE00 + 4));
    }

    @Test
    void badPlacesAreRejected() {
        assertThrows(BootException.class, () -> MpTable.write(mem, 0xF0008, MpTable.Config.pc()));
        assertThrows(BootException.class, () -> MpTable.write(mem, 0xE0000, MpTable.Config.pc()));
        assertThrows(BootException.class, () -> MpTable.write(mem, 0xFFFF0, MpTable.Config.pc()));
        assertThrows(BootException.class, () -> MpTable.write(new PhysicalMemory(0xF0000), 0xF0000, MpTable.Config.pc()));
    }
}
