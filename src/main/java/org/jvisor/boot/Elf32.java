package org.jvisor.boot;

import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an ELF32 i386 executable a boot loader needs: the entry point and the
 * PT_LOAD program headers (System V ABI gABI, "ELF Header" and "Program Header";
 * the i386 supplement for EM_386). Everything is bounds-checked against the file.
 */
public record Elf32(int entry, List<Segment> segments) {
    static final int EHDR_SIZE = 52, PHDR_MIN = 32;
    static final int ET_EXEC = 2, EM_386 = 3, PT_LOAD = 1;

    /** One loadable segment: file bytes [fileOffset, fileOffset+fileSize) go to paddr, then zeros up to memSize. */
    public record Segment(long paddr, long fileOffset, long fileSize, long memSize) { }

    public static boolean isElf(byte[] image) {
        return image.length >= 4 && image[0] == 0x7F && image[1] == 'E' && image[2] == 'L' && image[3] == 'F';
    }

    public static Elf32 parse(byte[] image) {
        Bytes b = new Bytes(image, "ELF image");
        if (!isElf(image)) throw new BootException("not an ELF file (no \\x7fELF magic)");
        b.need(0, EHDR_SIZE);
        if (b.u8(4) != 1) throw new BootException("ELF class " + b.u8(4) + " is not ELFCLASS32");
        if (b.u8(5) != 1) throw new BootException("ELF data encoding " + b.u8(5) + " is not little-endian");
        if (b.u16(16) != ET_EXEC) throw new BootException("ELF type " + b.u16(16) + " is not an executable (ET_EXEC)");
        if (b.u16(18) != EM_386) throw new BootException("ELF machine " + b.u16(18) + " is not i386 (EM_386)");
        long phoff = b.u32(28) & 0xFFFFFFFFL;
        int phentsize = b.u16(42), phnum = b.u16(44);
        if (phnum == 0) throw new BootException("ELF file has no program headers");
        if (phentsize < PHDR_MIN) throw new BootException("ELF program header size " + phentsize + " is below 32");
        b.need(phoff, (long) phentsize * phnum);
        List<Segment> segments = new ArrayList<>();
        for (int n = 0; n < phnum; n++) {
            long ph = phoff + (long) n * phentsize;
            if (b.u32(ph) != PT_LOAD) continue;
            segments.add(segment(b, ph, n));
        }
        if (segments.isEmpty()) throw new BootException("ELF file has no PT_LOAD segment");
        return new Elf32(b.u32(24), List.copyOf(segments));
    }

    private static Segment segment(Bytes b, long ph, int n) {
        long offset = b.u32(ph + 4) & 0xFFFFFFFFL;
        long paddr = b.u32(ph + 12) & 0xFFFFFFFFL;
        long filesz = b.u32(ph + 16) & 0xFFFFFFFFL;
        long memsz = b.u32(ph + 20) & 0xFFFFFFFFL;
        if (filesz > memsz) {
            throw new BootException(String.format("ELF segment %d: file size %#x exceeds memory size %#x", n, filesz, memsz));
        }
        if (paddr + memsz > 0x1_0000_0000L) {
            throw new BootException(String.format("ELF segment %d at %#x (+%#x) wraps past 4 GiB", n, paddr, memsz));
        }
        b.need(offset, filesz);
        return new Segment(paddr, offset, filesz, memsz);
    }
}
