package org.jvisor.boot;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.memory.PhysicalMemory;

/**
 * A loader for the Linux x86 boot protocol (Documentation/x86/boot.rst) entered the 32-bit
 * way: the bzImage's protected-mode kernel at 1 MiB, the zero page, command line and a GDT of
 * our own in conventional memory, the initrd as high as the kernel allows; then the processor
 * in the state of boot.rst's "32-bit Boot Protocol" section. The real-mode setup code never runs.
 */
public final class LinuxLoader {
    /** Where the protected-mode kernel goes (loadflags LOADED_HIGH) and where it is entered. */
    public static final int KERNEL_ADDRESS = 0x100000;
    /** Low-memory layout: zero page, our GDT, command line (which must end below the EBDA). */
    public static final int ZERO_PAGE = 0x10000, GDT = 0x11000, CMDLINE = 0x20000;
    /** __BOOT_CS and __BOOT_DS, the selectors the 32-bit protocol requires. */
    public static final int BOOT_CS = 0x10, BOOT_DS = 0x18;
    /** GDT: null, unused, flat 4 GiB execute/read code (type 0xB), flat read/write data (type 0x3). */
    static final long[] GDT_ENTRIES = {0, 0, 0x00CF9B000000FFFFL, 0x00CF93000000FFFFL};
    static final int CODE_AR = 0xC09B, DATA_AR = 0xC093;
    private static final int PAGE = 0x1000;

    /** Where everything went; {@code initrdStart} and {@code initrdSize} are 0 without an initrd. */
    public record Loaded(int entry, int bootParams, int gdt, long kernelStart, long kernelEnd,
                         long initrdStart, long initrdSize, int cmdlineAddress) { }

    private LinuxLoader() { }

    /**
     * Loads a bzImage, optional initrd and command line into memory. {@code map} is the e820
     * map handed to the kernel (null: the plain map for this much RAM); it also bounds where
     * the kernel and initrd may go.
     */
    public static Loaded load(PhysicalMemory mem, byte[] bzImage, byte[] initrd, String cmdline, E820Map map) {
        if (bzImage == null) throw new BootException("no kernel image");
        SetupHeader h = SetupHeader.parse(bzImage);
        E820Map e820 = map != null ? map : E820Map.forRam(Math.max(mem.size(), E820Map.HIGH_MEMORY), false);
        long ramTop = Math.min(mem.size(), e820.usableEndAt(KERNEL_ADDRESS));
        long kernelEnd = kernelFootprintEnd(h, bzImage.length, ramTop);
        byte[] cmd = commandLine(h, cmdline == null ? "" : cmdline);
        long initrdSize = initrd == null ? 0 : initrd.length;
        long initrdStart = initrdSize == 0 ? 0 : placeInitrd(h, initrdSize, kernelEnd, ramTop);

        BootParams zero = new BootParams(bzImage, h)
                .put8(SetupHeader.TYPE_OF_LOADER, BootParams.LOADER_UNDEFINED)
                .put32(SetupHeader.CODE32_START, KERNEL_ADDRESS)
                .put32(SetupHeader.CMD_LINE_PTR, CMDLINE)
                .put32(SetupHeader.RAMDISK_IMAGE, initrdStart)
                .put32(SetupHeader.RAMDISK_SIZE, initrdSize)
                .put32(BootParams.ALT_MEM_K, (ramTop - E820Map.HIGH_MEMORY) / 1024)
                .e820(e820);
        mem.load(KERNEL_ADDRESS, bzImage, h.setupBytes(), bzImage.length - h.setupBytes());
        if (initrdSize != 0) mem.load((int) initrdStart, initrd);
        mem.load(ZERO_PAGE, zero.bytes());
        mem.load(CMDLINE, cmd);
        for (int n = 0; n < GDT_ENTRIES.length; n++) mem.write64(GDT + 8 * n, GDT_ENTRIES[n]);
        return new Loaded(KERNEL_ADDRESS, ZERO_PAGE, GDT, KERNEL_ADDRESS, kernelEnd, initrdStart, initrdSize, CMDLINE);
    }

    /**
     * boot.rst, "32-bit Boot Protocol": protected mode without paging, our GDT loaded, CS =
     * __BOOT_CS and DS = ES = SS = __BOOT_DS (flat 4 GiB), interrupts off, ESI = zero page,
     * EBP = EDI = EBX = 0, EIP = code32_start.
     */
    public static void handOff(Cpu cpu, Loaded loaded) {
        cpu.enterFlatProtectedMode();
        cpu.gdtBase = loaded.gdt();
        cpu.gdtLimit = GDT_ENTRIES.length * 8 - 1;
        cpu.setSegment(Seg.CS, BOOT_CS, 0, 0xFFFFFFFF, CODE_AR);
        for (int s : new int[] {Seg.ES, Seg.SS, Seg.DS, Seg.FS, Seg.GS}) cpu.setSegment(s, BOOT_DS, 0, 0xFFFFFFFF, DATA_AR);
        Arrays.fill(cpu.r, 0);
        cpu.r[Reg.ESI] = loaded.bootParams();
        cpu.eip = loaded.entry();
        cpu.nextEip = loaded.entry();
    }

    /**
     * The end of the memory the kernel occupies before it reads the memory map: its load
     * extent and, from the runtime start, init_size (boot.rst, init_size). Fails unless RAM
     * reaches that far.
     */
    private static long kernelFootprintEnd(SetupHeader h, long imageLength, long ramTop) {
        long payload = imageLength - h.setupBytes();
        long runtime = h.runtimeStart(KERNEL_ADDRESS);
        long end = Math.max(KERNEL_ADDRESS + payload, runtime + h.initSize());
        if (end > ramTop) {
            throw new BootException(String.format("kernel does not fit in RAM: it needs memory up to %#x "
                    + "(%d bytes at %#x, init_size %#x from %#x) but usable RAM ends at %#x",
                    end, payload, KERNEL_ADDRESS, h.initSize(), runtime, ramTop));
        }
        return end;
    }

    /** The NUL-terminated command line, at most cmdline_size bytes before the NUL. */
    private static byte[] commandLine(SetupHeader h, String cmdline) {
        byte[] text = cmdline.getBytes(StandardCharsets.UTF_8);
        long room = Math.min(h.cmdlineSize(), E820Map.EBDA - CMDLINE - 1);
        if (text.length > room) {
            throw new BootException("command line too long: " + text.length + " bytes, the kernel takes at most " + room);
        }
        byte[] z = new byte[text.length + 1];
        System.arraycopy(text, 0, z, 0, text.length);
        return z;
    }

    /**
     * The initrd page-aligned as high as possible: its last byte at or below initrd_addr_max
     * and inside usable RAM, and above everything the kernel occupies while it starts.
     */
    private static long placeInitrd(SetupHeader h, long size, long kernelEnd, long ramTop) {
        long top = Math.min(ramTop, h.initrdAddrMax() + 1);
        long start = (top - size) & -PAGE;
        if (size > top || start < kernelEnd) {
            throw new BootException(String.format("initrd does not fit in RAM: %d bytes must lie between the kernel "
                    + "end %#x and %#x", size, kernelEnd, top));
        }
        return start;
    }
}
