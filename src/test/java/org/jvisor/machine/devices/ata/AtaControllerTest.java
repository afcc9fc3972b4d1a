package org.jvisor.machine.devices.ata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jvisor.machine.memory.PortBus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Disks in QEMU's order on the PC's legacy ports and IRQs, driven through a {@link PortBus}. */
class AtaControllerTest {
    @TempDir
    Path dir;

    private final boolean[] irq = new boolean[16];

    private List<DiskImage> disks(int n) throws IOException {
        List<DiskImage> list = new ArrayList<>();
        for (int i = 0; i < n; i++) list.add(DiskImage.open(AtaHarness.image(dir, "d" + i + ".img", 100 + i), false));
        return list;
    }

    /** IDENTIFY through the bus; returns words 60-61, the capacity. */
    private long capacity(PortBus bus, int base, int unit) {
        bus.write(base + 6, 1, 0xA0 | unit << 4);
        bus.write(base + 7, 1, 0xEC);
        assertEquals(0x58, bus.read(base + 7, 1), "DRQ at " + Integer.toHexString(base) + " unit " + unit);
        int[] w = new int[256];
        for (int i = 0; i < 256; i++) w[i] = bus.read(base, 2);
        return (long) w[61] << 16 | w[60];
    }

    @Test
    void disksInIndexOrder() throws IOException {
        PortBus bus = new PortBus();
        try (AtaController c = new AtaController(disks(3), l -> irq[14] = l, l -> irq[15] = l)) {
            c.register(bus);
            assertEquals(100, capacity(bus, 0x1F0, 0));
            assertEquals(101, capacity(bus, 0x1F0, 1));
            assertEquals(102, capacity(bus, 0x170, 0));
            bus.write(0x176, 1, 0xB0);
            assertEquals(0, bus.read(0x376, 1), "secondary slave absent: status 00h");
            bus.write(0x177, 1, 0xE7);
            assertEquals(false, irq[15], "absent drive ignores the command");
            bus.write(0x176, 1, 0xA0);
            bus.write(0x177, 1, 0xE7);
            assertTrue(irq[15], "secondary channel interrupts on IRQ 15");
            assertEquals(false, irq[14]);
            assertEquals(0x50, bus.read(0x177, 1));
            assertEquals(false, irq[15]);
            bus.write(0x1F7, 1, 0xE7);
            assertTrue(irq[14], "primary channel on IRQ 14");
        }
    }

    @Test
    void emptyChannelsFloat() {
        PortBus bus = new PortBus();
        AtaController c = new AtaController(List.of(), l -> { }, l -> { });
        c.register(bus);
        assertEquals(0xFF, bus.read(0x1F7, 1));
        assertEquals(0xFF, bus.read(0x3F6, 1));
        assertEquals(0xFF, bus.read(0x177, 1));
    }

    @Test
    void atMostFourDisks() throws IOException {
        List<DiskImage> five = disks(5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AtaController(five, l -> { }, l -> { }));
        assertTrue(e.getMessage().contains("at most 4"), e.getMessage());
        five.forEach(DiskImage::close);
    }

    @Test
    void writableImagesAreLockedReadOnlyOnesShared() throws IOException {
        Path p = AtaHarness.image(dir, "shared.img", 4);
        try (DiskImage a = DiskImage.open(p, true); DiskImage b = DiskImage.open(p, true)) {
            assertEquals(4, a.sectors() + b.sectors() - 4, "two readers");
        }
        try (DiskImage w = DiskImage.open(p, false)) {
            DiskImageException e = assertThrows(DiskImageException.class, () -> DiskImage.open(p, false));
            assertTrue(e.getMessage().contains("in use") && e.getMessage().contains(p.toString()), e.getMessage());
        }
        try (DiskImage again = DiskImage.open(p, false)) {
            byte[] b = new byte[512];
            again.read(2, b, 0, 1);
            assertArrayEquals(AtaHarness.expectedSector(2), b, "lock released on close");
        }
    }
}
