package org.jvisor.boot;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.memory.PhysicalMemory;

/**
 * A Multiboot 1 boot loader (Multiboot Specification 0.6.96): loads an ELF32 kernel (or an
 * image with the a.out-kludge address fields), its modules page-aligned above the kernel,
 * and the boot information structure with memory sizes, a memory map and the command line;
 * then hands over the processor as section 3.2 prescribes.
 */
public final class Multiboot {
    /** The value the kernel finds in EAX (section 3.2). */
    public static final int BOOTLOADER_MAGIC = 0x2BADB002;
    /** Where the boot information and everything it points to is built: conventional memory. */
    public static final int INFO_BASE = 0x9000, INFO_END = 0x9FC00;
    static final int INFO_MEMORY = 1, INFO_CMDLINE = 1 << 2, INFO_MODS = 1 << 3, INFO_MMAP = 1 << 6;
    static final int INFO_LOADER_NAME = 1 << 9;
    static final int INFO_SIZE = 88, MODULE_SIZE = 16, MMAP_ENTRY_SIZE = 24;

    /** A boot module: its bytes and the string the kernel sees with it. */
    public record Module(byte[] data, String cmdline) { }

    /** Where things went: the kernel's entry point, its physical extent, and the info structure. */
    public record Loaded(int entry, int infoAddress, long kernelStart, long kernelEnd, List<Long> moduleStarts) { }

    private Multiboot() { }

    /** Loads a kernel, its modules and the boot information into memory. */
    public static Loaded load(PhysicalMemory mem, byte[] image, String cmdline, List<Module> modules) {
        if (mem.size() < 0x100000) throw new BootException("Multiboot needs at least 1 MiB of RAM, have " + mem.size());
        MultibootHeader header = MultibootHeader.find(image);
        KernelExtent k = header.hasAddresses() ? loadKludge(mem, image, header) : loadElf(mem, image);
        long next = align(k.end);
        List<Long> starts = new ArrayList<>();
        for (int n = 0; n < modules.size(); n++) {
            byte[] data = modules.get(n).data();
            checkFits(mem, next, data.length, "module " + n);
            mem.load((int) next, data);
            starts.add(next);
            next = align(next + data.length);
        }
        int info = new BootInfoWriter(mem).write(cmdline, modules, starts);
        return new Loaded(k.entry, info, k.start, k.end, List.copyOf(starts));
    }

    /** The machine state of section 3.2: flat protected mode, EAX = magic, EBX = info, EIP = entry. */
    public static void handOff(Cpu cpu, Loaded loaded) {
        cpu.enterFlatProtectedMode();
        cpu.r[Reg.EAX] = BOOTLOADER_MAGIC;
        cpu.r[Reg.EBX] = loaded.infoAddress();
        cpu.eip = loaded.entry();
        cpu.nextEip = loaded.entry();
    }

    private record KernelExtent(int entry, long start, long end) { }

    private static KernelExtent loadElf(PhysicalMemory mem, byte[] image) {
        Elf32 elf = Elf32.parse(image);
        long start = Long.MAX_VALUE, end = 0;
        for (int n = 0; n < elf.segments().size(); n++) {
            Elf32.Segment s = elf.segments().get(n);
            if (s.memSize() == 0) continue;
            checkFits(mem, s.paddr(), s.memSize(), "ELF segment " + n);
            place(mem, image, s.paddr(), s.fileOffset(), s.fileSize(), s.memSize());
            start = Math.min(start, s.paddr());
            end = Math.max(end, s.paddr() + s.memSize());
        }
        if (end == 0) throw new BootException("ELF file has only empty PT_LOAD segments");
        return new KernelExtent(elf.entry(), start, end);
    }

    /** Section 3.1.3: the image from header_addr's file position maps load_addr..load_end_addr. */
    private static KernelExtent loadKludge(PhysicalMemory mem, byte[] image, MultibootHeader h) {
        long headerAddr = h.headerAddr() & 0xFFFFFFFFL, loadAddr = h.loadAddr() & 0xFFFFFFFFL;
        if (loadAddr > headerAddr) throw new BootException("Multiboot load_addr lies above header_addr");
        long fileStart = h.offset() - (headerAddr - loadAddr);
        if (fileStart < 0) throw new BootException("Multiboot header_addr - load_addr reaches before the file start");
        long loadEnd = h.loadEndAddr() == 0 ? loadAddr + image.length - fileStart : h.loadEndAddr() & 0xFFFFFFFFL;
        long bssEnd = h.bssEndAddr() == 0 ? loadEnd : h.bssEndAddr() & 0xFFFFFFFFL;
        if (loadEnd < loadAddr || bssEnd < loadEnd) throw new BootException("Multiboot load/bss end addresses are out of order");
        long fileSize = loadEnd - loadAddr;
        new Bytes(image, "kernel image").need(fileStart, fileSize);
        checkFits(mem, loadAddr, bssEnd - loadAddr, "kernel image");
        place(mem, image, loadAddr, fileStart, fileSize, bssEnd - loadAddr);
        return new KernelExtent(h.entryAddr(), loadAddr, bssEnd);
    }

    private static void place(PhysicalMemory mem, byte[] image, long paddr, long offset, long fileSize, long memSize) {
        mem.load((int) paddr, image, (int) offset, (int) fileSize);
        byte[] zeros = new byte[(int) (memSize - fileSize)];
        mem.load((int) (paddr + fileSize), zeros);
    }

    /** Fails unless [at, at+length) is RAM and stays clear of the boot-information area. */
    private static void checkFits(PhysicalMemory mem, long at, long length, String what) {
        if (at + length > mem.size()) {
            throw new BootException(String.format("%s at %#x (+%#x) does not fit in %d KiB of RAM",
                    what, at, length, mem.size() / 1024));
        }
        if (at < INFO_END && at + length > INFO_BASE) {
            throw new BootException(String.format("%s at %#x (+%#x) overlaps the boot information area %#x-%#x",
                    what, at, length, INFO_BASE, INFO_END));
        }
    }

    private static long align(long a) {
        return (a + 0xFFF) & ~0xFFFL;
    }

    static byte[] cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return z;
    }
}
