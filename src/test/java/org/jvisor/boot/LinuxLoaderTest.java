package org.jvisor.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.memory.PhysicalMemory;
import org.jvisor.machine.memory.PortBus;
import org.junit.jupiter.api.Test;

/** The loader against Documentation/x86/boot.rst (header, 32-bit protocol) and zero-page.rst. */
class LinuxLoaderTest {
    private static final int MiB = 1 << 20;
    private PhysicalMemory mem = new PhysicalMemory(16 * MiB);
    private final LinuxImageBuilder image = new LinuxImageBuilder();

    private LinuxLoader.Loaded load(byte[] initrd, String cmdline) {
        return LinuxLoader.load(mem, image.build(), initrd, cmdline, E820Map.forRam(mem.size(), false));
    }

    private byte[] ram(int at, int length) {
        byte[] b = new byte[length];
        mem.copyOut(at, b, 0, length);
        return b;
    }

    private String cString(int at) {
        StringBuilder s = new StringBuilder();
        for (int c; (c = mem.read8(at++)) != 0; ) s.append((char) c);
        return s.toString();
    }

    private void rejects(String expectedStart, byte[] initrd, String cmdline) {
        BootException e = assertThrows(BootException.class, () -> load(initrd, cmdline));
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void protectedModeKernelGoesToOneMiBAndNothingElseThere() {
        mem.load(0x100000 + image.payload.length, new byte[] {0x77});
        load(null, "");
        assertArrayEquals(image.payload, ram(0x100000, image.payload.length), "the bytes after the setup sectors");
        assertEquals(0x77, mem.read8(0x100000 + image.payload.length), "nothing written past the payload");
    }

    @Test
    void zeroPageHasTheHeaderCopiedAndTheLoaderFields() {
        byte[] img = image.build();
        LinuxLoader.Loaded l = load(null, "console=ttyS0 root=/dev/ram0");
        int zp = l.bootParams();
        assertTrue(zp + 4096 <= 0x9FC00, "zero page in conventional memory");
        byte[] header = Arrays.copyOfRange(img, 0x1F1, 0x26C);
        header[0x210 - 0x1F1] = (byte) 0xFF;                     // type_of_loader: undefined
        header[0x228 - 0x1F1] = (byte) l.cmdlineAddress();               // cmd_line_ptr (little-endian)
        header[0x229 - 0x1F1] = (byte) (l.cmdlineAddress() >> 8);
        header[0x22A - 0x1F1] = (byte) (l.cmdlineAddress() >> 16);
        assertArrayEquals(header, ram(zp + 0x1F1, header.length), "setup header 0x1f1..0x26b with the loader fields");
        assertEquals(0xFF, mem.read8(zp + 0x210));
        assertEquals(0x100000, mem.read32(zp + 0x214), "code32_start");
        assertEquals("console=ttyS0 root=/dev/ram0", cString(mem.read32(zp + 0x228)));
        assertTrue(mem.read32(zp + 0x228) + 29 <= 0xA0000, "command line below 0xA0000");
        assertArrayEquals(new byte[0x40], ram(zp, 0x40), "screen_info left zero");
        assertEquals(0, mem.read8(zp + 0x1EF), "sentinel zero");
        assertArrayEquals(new byte[0x290 - 0x26C], ram(zp + 0x26C, 0x290 - 0x26C), "nothing past the header end");
        assertEquals(0, mem.read32(zp + 0x218), "no ramdisk_image");
        assertEquals(0, mem.read32(zp + 0x21C), "no ramdisk_size");
        assertEquals(15 * 1024, mem.read32(zp + 0x1E0), "alt_mem_k: KiB above 1 MiB");
    }

    @Test
    void headerCopyStopsAtTheEndTheJumpFieldGives() {
        image.headerEnd = 0x240;
        image.version = 0x0206;
        int zp = load(null, "").bootParams();
        assertEquals(2047, mem.read32(zp + 0x238), "cmdline_size is inside the header");
        assertArrayEquals(new byte[0x290 - 0x240], ram(zp + 0x240, 0x290 - 0x240), "pref_address etc. not copied");
    }

    @Test
    void e820TableInTheZeroPage() {
        E820Map map = E820Map.forRam(mem.size(), true);
        int zp = LinuxLoader.load(mem, image.build(), null, "", map).bootParams();
        assertEquals(6, mem.read8(zp + 0x1E8), "e820_entries");
        long[][] expected = {{0, 0x9FC00, 1}, {0x9FC00, 0x400, 2}, {0xF0000, 0x10000, 2},
            {0x100000, 15 * MiB, 1}, {0xFEC00000L, 0x1000, 2}, {0xFEE00000L, 0x1000, 2}};
        for (int n = 0; n < expected.length; n++) {
            int at = zp + 0x2D0 + 20 * n;
            assertEquals(expected[n][0], mem.read64(at), "addr of entry " + n);
            assertEquals(expected[n][1], mem.read64(at + 8), "size of entry " + n);
            assertEquals(expected[n][2], mem.read32(at + 16), "type of entry " + n);
        }
        assertArrayEquals(new byte[20], ram(zp + 0x2D0 + 20 * 6, 20), "nothing after the last entry");
    }

    @Test
    void initrdGoesPageAlignedToTheTopOfRam() {
        byte[] initrd = LinuxImageBuilder.pattern(10000, 3);
        LinuxLoader.Loaded l = load(initrd, "");
        // 16 MiB - 10000 = 0xFFD8F0, rounded down to a page
        assertEquals(0xFFD000, l.initrdStart());
        assertEquals(0xFFD000, mem.read32(l.bootParams() + 0x218), "ramdisk_image");
        assertEquals(10000, mem.read32(l.bootParams() + 0x21C), "ramdisk_size");
        assertArrayEquals(initrd, ram(0xFFD000, 10000));
    }

    @Test
    void initrdStaysBelowInitrdAddrMax() {
        mem = new PhysicalMemory(64 * MiB);
        image.initrdAddrMax = 0x37FFFFF; // the highest byte it may occupy
        LinuxLoader.Loaded l = load(new byte[0x2001], "");
        // last byte <= 0x37FFFFF: start <= 0x3800000 - 0x2001 = 0x37FDFFF, page aligned
        assertEquals(0x37FD000, l.initrdStart());
    }

    @Test
    void initrdBelowAnE820MapThatEndsBeforeTheMemoryDoes() {
        LinuxLoader.Loaded l = LinuxLoader.load(mem, image.build(), new byte[4096], "", E820Map.forRam(8 * MiB, false));
        assertEquals(8 * MiB - 4096, l.initrdStart());
    }

    @Test
    void handOffIsThe32BitBootProtocolState() {
        LinuxLoader.Loaded l = load(null, "x");
        Cpu cpu = new Cpu(mem, new PortBus());
        Arrays.fill(cpu.r, 0x55555555);
        cpu.setEflags(Flags.FIXED_ONE | Flags.IF);
        LinuxLoader.handOff(cpu, l);
        assertEquals(0x100000, cpu.eip);
        assertEquals(l.bootParams(), cpu.r[Reg.ESI]);
        assertEquals(0, cpu.r[Reg.EBP]);
        assertEquals(0, cpu.r[Reg.EDI]);
        assertEquals(0, cpu.r[Reg.EBX]);
        assertEquals(0, cpu.getEflags() & Flags.IF, "interrupts off");
        assertEquals(1, cpu.cr0 & 1, "protected mode");
        assertEquals(0, cpu.cr0 & 0x80000000, "paging off");
        assertEquals(0, cpu.cpl);
        assertEquals(0x10, cpu.segSel[Seg.CS]);
        for (int s : new int[] {Seg.DS, Seg.ES, Seg.SS}) {
            assertEquals(0x18, cpu.segSel[s]);
            assertEquals(0, cpu.segBase[s]);
            assertEquals(0xFFFFFFFF, cpu.segLimit[s]);
        }
        assertTrue(cpu.code32());
        assertTrue(cpu.gdtLimit >= 0x1F, "GDT covers selector 0x18");
        assertTrue(cpu.gdtBase + cpu.gdtLimit < 0xA0000, "our GDT in low memory");
        // The descriptors themselves (SDM Vol. 3A 3.4.5): base 0, limit 0xFFFFF pages, present, DPL 0
        assertFlat(mem.read64(cpu.gdtBase + 0x10), 0xB);
        assertFlat(mem.read64(cpu.gdtBase + 0x18), 0x3);
    }

    private static void assertFlat(long d, int type) {
        long limit = (d & 0xFFFF) | ((d >>> 48) & 0xF) << 16;
        long base = ((d >>> 16) & 0xFFFFFF) | ((d >>> 56) & 0xFF) << 24;
        assertEquals(0xFFFFF, limit);
        assertEquals(0, base);
        assertEquals(type, (d >>> 40) & 0xF, "type");
        assertEquals(1, (d >>> 44) & 1, "S: code/data");
        assertEquals(0, (d >>> 45) & 3, "DPL 0");
        assertEquals(1, (d >>> 47) & 1, "present");
        assertEquals(1, (d >>> 54) & 1, "D/B: 32-bit");
        assertEquals(1, (d >>> 55) & 1, "G: 4 KiB granularity");
    }

    @Test
    void kernelRunsAndReloadsItsSegmentsFromOurGdt() {
        // mov ax,0x18 ; mov ds,ax ; mov ss,ax ; jmp far 0x10:0x10000f ; mov eax,[esi+0x228] ; hlt
        image.payload = Arrays.copyOf(new byte[] {0x66, (byte) 0xB8, 0x18, 0, (byte) 0x8E, (byte) 0xD8,
            (byte) 0x8E, (byte) 0xD0, (byte) 0xEA, 0x0F, 0, 0x10, 0, 0x10, 0,
            (byte) 0x8B, (byte) 0x86, 0x28, 0x02, 0, 0, (byte) 0xF4}, 32);
        LinuxLoader.Loaded l = load(null, "quiet");
        Cpu cpu = new Cpu(mem, new PortBus());
        LinuxLoader.handOff(cpu, l);
        assertInstanceOf(Exit.Halted.class, cpu.run(100));
        assertEquals(l.cmdlineAddress(), cpu.r[Reg.EAX], "cmd_line_ptr read through DS");
        assertEquals(0x10, cpu.segSel[Seg.CS]);
        assertEquals(0x100016, cpu.eip);
    }

    @Test
    void commandLineLengthIsBoundedByCmdlineSize() {
        image.cmdlineSize = 16;
        LinuxLoader.Loaded l = load(null, "0123456789abcdef");
        assertEquals("0123456789abcdef", cString(l.cmdlineAddress()));
        rejects("command line too long", null, "0123456789abcdefg");
    }

    @Test
    void protocolsBefore206AllowAt255Characters() {
        image.version = 0x0205;
        image.cmdlineSize = 100000; // not a 2.05 field: must be ignored
        load(null, "a".repeat(255));
        rejects("command line too long", null, "a".repeat(256));
    }

    @Test
    void nullCommandLineIsEmpty() {
        LinuxLoader.Loaded l = load(null, null);
        assertEquals(0, mem.read8(l.cmdlineAddress()));
    }

    @Test
    void setupSectsZeroMeansFour() {
        image.setupSects = 0;
        byte[] img = image.build();
        assertEquals(5 * 512 + image.payload.length, img.length);
        load(null, "");
        assertArrayEquals(image.payload, ram(0x100000, image.payload.length));
    }

    @Test
    void rejectsImagesThatAreNotBzImages() {
        PhysicalMemory m = new PhysicalMemory(16 * MiB);
        for (byte[] bad : new byte[][] {new byte[0], new byte[300], new byte[4096]}) {
            BootException e = assertThrows(BootException.class, () -> LinuxLoader.load(m, bad, null, "", null));
            assertTrue(e.getMessage().matches("(not a bzImage|kernel image is empty).*"), e.getMessage());
        }
        image.hdrs = false;
        rejects("not a bzImage", null, "");
        image.hdrs = true;
        image.bootFlag = false;
        rejects("not a bzImage", null, "");
        image.bootFlag = true;
        image.loadflags = 0;
        rejects("not a bzImage", null, "");
    }

    @Test
    void rejectsOldProtocols() {
        image.version = 0x0203;
        rejects("boot protocol 2.03 is too old", null, "");
        image.version = 0x0204;
        load(null, "");
    }

    @Test
    void rejectsTruncatedImages() {
        byte[] whole = image.build();
        byte[] cut = Arrays.copyOf(whole, whole.length - 17);
        BootException e = assertThrows(BootException.class, () -> LinuxLoader.load(mem, cut, null, "", null));
        assertTrue(e.getMessage().startsWith("truncated bzImage"), e.getMessage());
        byte[] headerCut = Arrays.copyOf(whole, 0x204);
        e = assertThrows(BootException.class, () -> LinuxLoader.load(mem, headerCut, null, "", null));
        assertTrue(e.getMessage().startsWith("truncated bzImage"), e.getMessage());
    }

    @Test
    void rejectsKernelsThatDoNotFit() {
        image.initSize = 15 * MiB + 1; // from 1 MiB: one byte past 16 MiB
        rejects("kernel does not fit in RAM", null, "");
        image.initSize = 15 * MiB;
        load(null, "");
        image.initSize = 0;
        image.payload = new byte[15 * MiB + 16];
        rejects("kernel does not fit in RAM", null, "");
    }

    @Test
    void relocatableKernelNeedsInitSizeFromItsPreferredAddress() {
        image.relocatable = 1;
        image.prefAddress = 0x1000000; // LOAD_PHYSICAL_ADDR 16 MiB: runs there even when loaded at 1 MiB
        image.initSize = 0x100000;
        rejects("kernel does not fit in RAM", null, "");
        mem = new PhysicalMemory(17 * MiB);
        load(null, "");
        rejects("initrd does not fit in RAM", new byte[1], "");
        mem = new PhysicalMemory(18 * MiB);
        assertEquals(17 * MiB, load(new byte[MiB], "").initrdStart());
    }

    @Test
    void relocatableKernelRunsAtItsLoadAddressAlignedUp() {
        image.relocatable = 1;
        image.prefAddress = 0x100000;
        image.kernelAlignment = 0x400000;   // runs from 4 MiB
        image.initSize = 12 * MiB;          // up to 16 MiB: fits exactly
        load(null, "");
        image.initSize = 12 * MiB + 4096;
        rejects("kernel does not fit in RAM", null, "");
    }

    @Test
    void rejectsInitrdsThatDoNotFit() {
        rejects("initrd does not fit in RAM", new byte[16 * MiB], "");
        // 16 MiB RAM, kernel footprint to 5 MiB (1 MiB + init_size 4 MiB): 11 MiB fits, 11 MiB + 1 does not
        assertEquals(5 * MiB, load(new byte[11 * MiB], "").initrdStart());
        rejects("initrd does not fit in RAM", new byte[11 * MiB + 1], "");
        image.initrdAddrMax = 6 * MiB - 1;
        assertEquals(5 * MiB, load(new byte[MiB], "").initrdStart());
        rejects("initrd does not fit in RAM", new byte[MiB + 1], "");
    }

    @Test
    void corruptedImagesFailWithBootExceptionsOnly() {
        byte[] good = image.build();
        Random random = new Random(3);
        for (int n = 0; n < 400; n++) {
            byte[] bad = Arrays.copyOf(good, random.nextInt(good.length + 1));
            for (int k = random.nextInt(4); k > 0 && bad.length > 0; k--) {
                int at = 0x1F0 + random.nextInt(0x80);
                if (at < bad.length) bad[at] = (byte) random.nextInt(256);
            }
            try {
                LinuxLoader.load(new PhysicalMemory(16 * MiB), bad, new byte[random.nextInt(3) * 5000], "x", null);
            } catch (BootException expected) {
                assertFalse(expected.getMessage().isBlank());
            }
        }
    }
}
