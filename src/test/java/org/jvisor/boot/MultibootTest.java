package org.jvisor.boot;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.memory.PhysicalMemory;
import org.jvisor.machine.memory.PortBus;
import org.junit.jupiter.api.Test;

/** The loader against the Multiboot 0.6.96 specification, sections 3.1-3.3. */
class MultibootTest {
    private static final int RAM = 8 << 20;
    private final PhysicalMemory mem = new PhysicalMemory(RAM);

    private static byte[] fill(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }

    private ElfBuilder twoSegments() {
        return new ElfBuilder().segment(0x100000, fill(0x1800, 0x11), 0x3000).segment(0x104000, fill(16, 0x22), 16);
    }

    private String cString(int addr) {
        StringBuilder s = new StringBuilder();
        for (int c; (c = mem.read8(addr++)) != 0; ) s.append((char) c);
        return s.toString();
    }

    @Test
    void loadsSegmentsAndZeroesBss() {
        mem.load(0x100000, fill(0x5000, 0xAA));
        Multiboot.Loaded l = Multiboot.load(mem, twoSegments().build(), "", List.of());
        assertEquals(0x11, mem.read8(0x1017FF));
        assertEquals(0, mem.read8(0x101800), "bss beyond p_filesz is zero");
        assertEquals(0, mem.read8(0x102FFF));
        assertEquals(0xAA, mem.read8(0x103000), "bytes past p_memsz are untouched");
        assertEquals(0x22, mem.read8(0x10400F));
        assertEquals(0x100000, l.entry());
        assertEquals(0x100000, l.kernelStart());
        assertEquals(0x104010, l.kernelEnd());
    }

    @Test
    void infoStructureHasMemoryCommandLineMapAndLoaderName() {
        int info = Multiboot.load(mem, twoSegments().build(), "console=ttyS0 quiet", List.of()).infoAddress();
        int flags = mem.read32(info);
        assertEquals(1 | 4 | 8 | 64 | 512, flags);
        assertEquals(640, mem.read32(info + 4), "mem_lower in KiB");
        assertEquals((RAM - 0x100000) / 1024, mem.read32(info + 8), "mem_upper in KiB above 1 MiB");
        assertEquals("console=ttyS0 quiet", cString(mem.read32(info + 16)));
        assertEquals(0, mem.read32(info + 20), "no modules");
        assertEquals("jvisor", cString(mem.read32(info + 64)));
        int mmap = mem.read32(info + 48), length = mem.read32(info + 44);
        long usable = 0;
        for (int e = mmap; e < mmap + length; e += mem.read32(e) + 4) {
            assertEquals(20, mem.read32(e));
            if (mem.read32(e + 20) == 1) usable += mem.read64(e + 12);
        }
        assertEquals(0xA0000 + (RAM - 0x100000), usable, "usable RAM in the map");
    }

    @Test
    void modulesArePageAlignedAboveTheKernelWithTheirStrings() {
        byte[] a = "module-a".getBytes(StandardCharsets.US_ASCII), b = fill(5000, 0x33);
        Multiboot.Loaded l = Multiboot.load(mem, twoSegments().build(), null,
                List.of(new Multiboot.Module(a, "first arg"), new Multiboot.Module(b, "second")));
        int info = l.infoAddress();
        assertEquals(0, mem.read32(info) & 4, "no command line flag without one");
        assertEquals(2, mem.read32(info + 20));
        int list = mem.read32(info + 24);
        assertEquals(0x105000, mem.read32(list), "first module on the page after the kernel");
        assertEquals(0x105000 + a.length, mem.read32(list + 4));
        assertEquals("first arg", cString(mem.read32(list + 8)));
        assertEquals(0x106000, mem.read32(list + 16));
        assertEquals(0x106000 + 5000, mem.read32(list + 20));
        assertEquals("second", cString(mem.read32(list + 24)));
        assertEquals('m', mem.read8(0x105000));
        assertEquals(0x33, mem.read8(0x106000 + 4999));
    }

    @Test
    void handOffMatchesSection32() {
        Cpu cpu = new Cpu(mem, new PortBus());
        Multiboot.Loaded l = Multiboot.load(mem, twoSegments().build(), "", List.of());
        Multiboot.handOff(cpu, l);
        assertEquals(0x2BADB002, cpu.r[Reg.EAX]);
        assertEquals(l.infoAddress(), cpu.r[Reg.EBX]);
        assertEquals(0x100000, cpu.eip);
        assertTrue(cpu.isProtectedMode());
        assertEquals(0, cpu.cr0 & Cpu.CR0_PG, "paging off");
        assertEquals(0, cpu.cpl);
        assertEquals(0, cpu.getEflags() & (Flags.IF | Flags.VM), "IF and VM clear");
        assertEquals(0, cpu.segBase[Seg.CS]);
        assertEquals(0xFFFFFFFF, cpu.segLimit[Seg.DS]);
        assertTrue(cpu.code32());
    }

    @Test
    void aoutKludgeLoadsByTheHeaderAddresses() {
        // Header at file offset 0 describing itself at 0x200000; 0x100 file bytes, bss to 0x200200.
        ByteBuffer img = ByteBuffer.allocate(0x100).order(ByteOrder.LITTLE_ENDIAN);
        int flags = MultibootHeader.FLAG_ADDRESSES | 2;
        img.putInt(MultibootHeader.MAGIC).putInt(flags).putInt(-(MultibootHeader.MAGIC + flags));
        img.putInt(0x200000).putInt(0x200000).putInt(0x200100).putInt(0x200200).putInt(0x200020);
        img.put(0x20, (byte) 0xF4);
        mem.load(0x200100, fill(0x100, 0xAA));
        Multiboot.Loaded l = Multiboot.load(mem, img.array(), "", List.of());
        assertEquals(0x200020, l.entry());
        assertEquals(0xF4, mem.read8(0x200020));
        assertEquals(0, mem.read8(0x2001FF), "bss up to bss_end_addr zeroed");
        assertEquals(0x200200, l.kernelEnd());
    }

    private static void rejects(byte[] image, String fragment) {
        PhysicalMemory m = new PhysicalMemory(RAM);
        BootException e = assertThrows(BootException.class, () -> Multiboot.load(m, image, "", List.of()));
        assertFalse(e.getMessage().contains("\n"), "one-line message");
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void badImagesAreRejectedWithAClearMessage() {
        rejects(new byte[0], "no Multiboot header");
        rejects(fill(100, 0), "no Multiboot header");
        ElfBuilder badSum = twoSegments();
        badSum.mbChecksumDelta = 1;
        rejects(badSum.build(), "no Multiboot header");
        ElfBuilder video = twoSegments();
        video.mbFlags = 4;
        rejects(video.build(), "requires features");
        ElfBuilder elf64 = twoSegments();
        elf64.elfClass = 2;
        rejects(elf64.build(), "ELFCLASS32");
        ElfBuilder arm = twoSegments();
        arm.machine = 40;
        rejects(arm.build(), "EM_386");
        ElfBuilder rel = twoSegments();
        rel.type = 1;
        rejects(rel.build(), "ET_EXEC");
        rejects(new ElfBuilder().segment(0x100000, fill(32, 1), 16).build(), "exceeds memory size");
        rejects(new ElfBuilder().segment(RAM - 16, fill(32, 1), 32).build(), "does not fit");
        rejects(new ElfBuilder().segment(0x9000, fill(32, 1), 32).build(), "overlaps the boot information");
        rejects(new ElfBuilder().segment(0xFFFFF000, fill(16, 1), 0x2000).build(), "wraps past 4 GiB");
    }

    @Test
    void truncatedProgramHeadersAndSegmentsAreCaught() {
        byte[] good = twoSegments().build();
        byte[] phBeyond = good.clone();
        ByteBuffer.wrap(phBeyond).order(ByteOrder.LITTLE_ENDIAN).putInt(28, good.length - 40); // e_phoff
        rejects(phBeyond, "beyond its end");
        byte[] cut = Arrays.copyOf(good, good.length - 1);
        rejects(cut, "beyond its end");
    }

    @Test
    void randomDamageNeverEscapesAsAnotherException() {
        byte[] good = twoSegments().build();
        Random rnd = new Random(7);
        for (int n = 0; n < 2000; n++) {
            byte[] bad = Arrays.copyOf(good, rnd.nextInt(good.length + 1));
            for (int k = rnd.nextInt(4); k > 0 && bad.length > 0; k--) bad[rnd.nextInt(bad.length)] = (byte) rnd.nextInt();
            PhysicalMemory m = new PhysicalMemory(RAM);
            assertDoesNotThrow(() -> {
                try {
                    Multiboot.load(m, bad, "x", List.of());
                } catch (BootException expected) {
                    assertFalse(expected.getMessage().isBlank());
                }
            });
        }
    }

    @Test
    void overlongCommandLineIsABootException() {
        String huge = "x".repeat(Multiboot.INFO_END - Multiboot.INFO_BASE);
        BootException e = assertThrows(BootException.class,
                () -> Multiboot.load(mem, twoSegments().build(), huge, List.of()));
        assertTrue(e.getMessage().contains("exceeds"));
    }
}
