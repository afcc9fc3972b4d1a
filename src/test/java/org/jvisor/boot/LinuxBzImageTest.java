package org.jvisor.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.jvisor.machine.Pc;
import org.jvisor.machine.memory.PhysicalMemory;
import org.junit.jupiter.api.Test;

/**
 * The bundled guest kernel (images/bzImage, Linux 6.1 for i386): its setup header read
 * independently at boot.rst's offsets, then the loader's work judged by the kernel itself,
 * which prints the e820 map, MP table, ramdisk and command line it found.
 */
class LinuxBzImageTest {
    private static final int MiB = 1 << 20;
    private static final Path IMAGE = Path.of("images/bzImage");

    private static ByteBuffer header() throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(IMAGE)).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void setupHeaderIsALinux61BzImage() throws IOException {
        ByteBuffer b = header();
        assertEquals((short) 0xAA55, b.getShort(0x1FE), "boot_flag");
        assertEquals(0x53726448, b.getInt(0x202), "HdrS");
        assertEquals(0x020F, b.getShort(0x206), "Linux 6.1 speaks boot protocol 2.15");
        assertEquals(1, b.get(0x211) & 1, "LOADED_HIGH");
        assertEquals(0x100000, b.getInt(0x214), "code32_start");
        int setupSects = b.get(0x1F1) & 0xFF;
        long syssize = b.getInt(0x1F4) & 0xFFFFFFFFL;
        assertTrue(setupSects > 0);
        assertTrue(b.capacity() >= (setupSects + 1) * 512 + syssize * 16, "image holds what syssize promises");
        assertEquals(0x026C, 0x202 + (b.get(0x201) & 0xFF), "header ends after kernel_info_offset");
        assertEquals(2047, b.getInt(0x238), "cmdline_size = COMMAND_LINE_SIZE - 1");
    }

    @Test
    void loaderPlacesTheRealKernel() throws IOException {
        ByteBuffer b = header();
        byte[] image = b.array();
        int setup = ((b.get(0x1F1) & 0xFF) + 1) * 512;
        PhysicalMemory mem = new PhysicalMemory(64 * MiB);
        LinuxLoader.Loaded l = LinuxLoader.load(mem, image, null, "console=ttyS0", null);
        byte[] kernel = new byte[image.length - setup];
        mem.copyOut(0x100000, kernel, 0, kernel.length);
        assertArrayEquals(Arrays.copyOfRange(image, setup, image.length), kernel);
        byte[] zeroHeader = new byte[0x26C - 0x1F1];
        mem.copyOut(l.bootParams() + 0x1F1, zeroHeader, 0, zeroHeader.length);
        assertEquals(b.getInt(0x260), ByteBuffer.wrap(zeroHeader).order(ByteOrder.LITTLE_ENDIAN).getInt(0x260 - 0x1F1),
                "init_size copied");
        // non-relocatable: it runs at pref_address and needs init_size from there
        long needs = b.getLong(0x258) + (b.getInt(0x260) & 0xFFFFFFFFL);
        int tooSmall = (int) (needs - 1) & ~0xFFF;
        assertThrows(BootException.class, () -> LinuxLoader.load(new PhysicalMemory(tooSmall), image, null, "", null));
    }

    @Test
    void theKernelFindsWhatWeGaveIt() throws IOException {
        Pc pc = new Pc(128 * MiB, c -> { });
        byte[] initrd = new byte[100_000];
        String cmdline = "console=ttyS0 earlyprintk=serial,ttyS0 jvisor.test=1";
        LinuxLoader.Loaded l = LinuxLoader.load(pc.mem, Files.readAllBytes(IMAGE), initrd, cmdline,
                E820Map.forRam(128 * MiB, false));
        MpTable.write(pc.mem, MpTable.DEFAULT_ADDRESS, MpTable.Config.pc());
        LinuxLoader.handOff(pc.cpu, l);
        String out = "";
        for (int slice = 0; slice < 40 && !out.contains("Kernel command line"); slice++) {
            pc.run(5_000_000);
            out = pc.serialOutput().replace("\r", ""); // the serial console ends lines with CR LF
        }
        assertTrue(out.contains("Linux version 6.1"), out);
        assertTrue(out.contains("""
                BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable
                BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved
                BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved
                BIOS-e820: [mem 0x0000000000100000-0x0000000007ffffff] usable
                """), out);
        assertTrue(out.contains("found SMP MP-table at [mem 0x000f0000-0x000f000f]"), out);
        assertTrue(out.contains("Intel MultiProcessor Specification v1.4"), out);
        assertTrue(out.contains("Processor #0 (Bootup-CPU)"), out);
        // 128 MiB - 100000 rounded down to a page = 0x7fe7000; the kernel prints its start and the
        // last byte of the page-rounded extent (reserve_initrd)
        assertTrue(out.contains("RAMDISK: [mem 0x07fe7000-0x07ffffff]"), out);
        assertTrue(out.contains("Kernel command line: " + cmdline), out);
    }
}
