package org.jvisor.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The PC memory map: 640 KiB less the EBDA, the BIOS area, extended memory, APIC windows. */
class E820MapTest {
    private static final long MiB = 1 << 20;

    private static E820Map.Entry e(long base, long length, int type) {
        return new E820Map.Entry(base, length, type);
    }

    @Test
    void sixteenMiB() {
        assertEquals(List.of(e(0, 0x9FC00, 1), e(0x9FC00, 0x400, 2), e(0xF0000, 0x10000, 2), e(0x100000, 0xF00000, 1)),
                E820Map.forRam(16 * MiB, false).entries());
    }

    @Test
    void oneHundredTwentyEightMiBWithApicWindows() {
        assertEquals(List.of(e(0, 0x9FC00, 1), e(0x9FC00, 0x400, 2), e(0xF0000, 0x10000, 2),
                e(0x100000, 0x7F00000, 1), e(0xFEC00000L, 0x1000, 2), e(0xFEE00000L, 0x1000, 2)),
                E820Map.forRam(128 * MiB, true).entries());
    }

    @Test
    void exactlyOneMiBHasNoExtendedMemory() {
        List<E820Map.Entry> m = E820Map.forRam(MiB, false).entries();
        assertEquals(3, m.size());
        assertTrue(m.stream().noneMatch(x -> x.base() >= MiB));
    }

    @Test
    void mapsAreSortedAndDisjointAndCountRamOnce() {
        for (long ram : new long[] {MiB, 2 * MiB, 37 * MiB + 4096, 512 * MiB, 2047 * MiB}) {
            List<E820Map.Entry> m = E820Map.forRam(ram, true).entries();
            long usable = 0;
            for (int n = 0; n < m.size(); n++) {
                if (n > 0) assertTrue(m.get(n - 1).end() <= m.get(n).base(), "sorted, disjoint at " + ram);
                if (m.get(n).type() == E820Map.USABLE) usable += m.get(n).length();
            }
            assertEquals(ram - (0x100000 - 0x9FC00), usable, "usable bytes for " + ram);
        }
    }

    @Test
    void usableEndAt() {
        E820Map m = E820Map.forRam(32 * MiB, true);
        assertEquals(32 * MiB, m.usableEndAt(MiB));
        assertEquals(0x9FC00, m.usableEndAt(0x7000));
        assertEquals(0, m.usableEndAt(0xF0000), "reserved");
        assertEquals(0, m.usableEndAt(32 * MiB), "past RAM");
    }

    @Test
    void ramSizesOutsideThePcMapAreRejected() {
        assertThrows(BootException.class, () -> E820Map.forRam(MiB - 4096, false));
        assertThrows(BootException.class, () -> E820Map.forRam(0xFEC00000L + 4096, false));
        assertEquals(0xFEC00000L, E820Map.forRam(0xFEC00000L, true).entries().get(3).end());
    }
}
