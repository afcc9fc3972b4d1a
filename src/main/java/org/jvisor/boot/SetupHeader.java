package org.jvisor.boot;

/**
 * The setup header of a bzImage (Linux Documentation/x86/boot.rst, "The Real-Mode Kernel
 * Header"): the fields a 32-bit loader reads, parsed and checked once. Fields a protocol
 * version does not define are given the values boot.rst says to assume.
 */
record SetupHeader(int setupSects, long syssize, int version, int loadflags, int code32Start,
                   long initrdAddrMax, long kernelAlignment, boolean relocatable, long cmdlineSize,
                   long prefAddress, long initSize, int headerEnd) {

    /** Offsets into the image (and into boot_params, which holds a copy at the same place). */
    static final int SETUP_SECTS = 0x1F1, SYSSIZE = 0x1F4, BOOT_FLAG = 0x1FE, JUMP = 0x200, MAGIC = 0x202;
    static final int VERSION = 0x206, TYPE_OF_LOADER = 0x210, LOADFLAGS = 0x211, CODE32_START = 0x214;
    static final int RAMDISK_IMAGE = 0x218, RAMDISK_SIZE = 0x21C, CMD_LINE_PTR = 0x228;
    static final int INITRD_ADDR_MAX = 0x22C, KERNEL_ALIGNMENT = 0x230, RELOCATABLE_KERNEL = 0x234;
    static final int CMDLINE_SIZE = 0x238, PREF_ADDRESS = 0x258, INIT_SIZE = 0x260;
    /** boot_params puts edd_mbr_sig_buffer here: a header copy never reaches past it. */
    static final int HEADER_LIMIT = 0x290;
    static final int BOOT_FLAG_VALUE = 0xAA55, HDRS = 0x53726448, MIN_VERSION = 0x0204;
    static final int LOADED_HIGH = 1;

    /** Parses and checks the header; every defect is a one-line BootException. */
    static SetupHeader parse(byte[] image) {
        if (image.length == 0) throw new BootException("kernel image is empty");
        if (image.length < 0x200) {
            throw new BootException("not a bzImage: " + image.length + " bytes is shorter than a boot sector");
        }
        Bytes b = new Bytes(image, "kernel image");
        if (b.u16(BOOT_FLAG) != BOOT_FLAG_VALUE) throw new BootException("not a bzImage: no 0xAA55 boot flag at 0x1fe");
        if (image.length < VERSION + 2) throw new BootException("truncated bzImage: the setup header is cut off");
        if (b.u32(MAGIC) != HDRS) throw new BootException("not a bzImage: no \"HdrS\" setup header signature at 0x202");
        int version = b.u16(VERSION);
        if (version < MIN_VERSION) {
            throw new BootException(String.format("boot protocol %d.%02d is too old: jvisor needs 2.04 or later",
                    version >> 8, version & 0xFF));
        }
        int headerEnd = Math.min(JUMP + 2 + b.u8(JUMP + 1), HEADER_LIMIT);
        if (headerEnd < INITRD_ADDR_MAX + 4 || image.length < headerEnd) {
            throw new BootException("truncated bzImage: the setup header ends at " + hex(headerEnd)
                    + " but the image has " + image.length + " bytes");
        }
        SetupHeader h = fields(b, version, headerEnd);
        if ((h.loadflags & LOADED_HIGH) == 0) {
            throw new BootException("not a bzImage: loadflags LOADED_HIGH is clear (a zImage loaded at 0x10000)");
        }
        long needed = h.setupBytes() + h.syssize * 16;
        if (image.length < needed) {
            throw new BootException(String.format("truncated bzImage: %d bytes, the header promises at least %d",
                    image.length, needed));
        }
        return h;
    }

    /** Reads the fields, with boot.rst's stated defaults for those newer than the version. */
    private static SetupHeader fields(Bytes b, int version, int end) {
        int sects = b.u8(SETUP_SECTS) == 0 ? 4 : b.u8(SETUP_SECTS);
        boolean v205 = version >= 0x0205 && end >= RELOCATABLE_KERNEL + 1;
        boolean v206 = version >= 0x0206 && end >= CMDLINE_SIZE + 4;
        boolean v210 = version >= 0x020A && end >= INIT_SIZE + 4;
        return new SetupHeader(sects, u32(b, SYSSIZE), version, b.u8(LOADFLAGS), b.u32(CODE32_START),
                u32(b, INITRD_ADDR_MAX),
                v205 ? u32(b, KERNEL_ALIGNMENT) : 0, v205 && b.u8(RELOCATABLE_KERNEL) != 0,
                v206 ? u32(b, CMDLINE_SIZE) : 255,
                v210 ? (u32(b, PREF_ADDRESS) | (u32(b, PREF_ADDRESS + 4) << 32)) : LinuxLoader.KERNEL_ADDRESS,
                v210 ? u32(b, INIT_SIZE) : 0, end);
    }

    /** Bytes of real-mode code (boot sector + setup) before the protected-mode kernel. */
    int setupBytes() {
        return (setupSects + 1) * 512;
    }

    /**
     * Where the kernel decompresses and runs (boot.rst, init_size): a relocatable kernel at its
     * load address rounded up to kernel_alignment, but never below its preferred address (the
     * 32-bit decompressor raises it to LOAD_PHYSICAL_ADDR); otherwise at pref_address.
     */
    long runtimeStart(long loadAddress) {
        if (!relocatable || kernelAlignment == 0 || Long.bitCount(kernelAlignment) != 1) return prefAddress;
        long aligned = (loadAddress + kernelAlignment - 1) & -kernelAlignment;
        return Math.max(aligned, prefAddress);
    }

    private static long u32(Bytes b, int at) {
        return b.u32(at) & 0xFFFFFFFFL;
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
