package org.jvisor.boot;

/**
 * The Multiboot 1 header (Multiboot 0.6.96, section 3.1.1): found 32-bit aligned in the
 * first 8192 bytes of the image, with magic, flags and a checksum that sums them to zero.
 * The address fields are meaningful only with {@link #FLAG_ADDRESSES} (the a.out kludge).
 */
public record MultibootHeader(int offset, int flags, int headerAddr, int loadAddr, int loadEndAddr,
        int bssEndAddr, int entryAddr) {
    public static final int MAGIC = 0x1BADB002;
    public static final int FLAG_ALIGN_MODULES = 1, FLAG_MEMORY_INFO = 2, FLAG_VIDEO_MODE = 4;
    public static final int FLAG_ADDRESSES = 1 << 16;
    /** Bits 0-15 are requirements; a loader must refuse ones it does not know (section 3.1.2). */
    static final int SUPPORTED_REQUIREMENTS = FLAG_ALIGN_MODULES | FLAG_MEMORY_INFO;
    static final int SEARCH_LIMIT = 8192;

    public boolean hasAddresses() {
        return (flags & FLAG_ADDRESSES) != 0;
    }

    /** Finds and checks the header; throws BootException when there is none or it is unusable. */
    public static MultibootHeader find(byte[] image) {
        Bytes b = new Bytes(image, "kernel image");
        int end = Math.min(SEARCH_LIMIT, image.length) - 12;
        for (int at = 0; at <= end; at += 4) {
            if (b.u32(at) != MAGIC) continue;
            int flags = b.u32(at + 4);
            if (MAGIC + flags + b.u32(at + 8) != 0) continue; // a stray magic word, not a header
            return parse(b, at, flags);
        }
        throw new BootException("no Multiboot header (magic 0x1BADB002 with a valid checksum) in the first 8192 bytes");
    }

    private static MultibootHeader parse(Bytes b, int at, int flags) {
        int unknown = flags & 0xFFFF & ~SUPPORTED_REQUIREMENTS;
        if (unknown != 0) {
            throw new BootException(String.format("Multiboot header requires features this loader lacks (flags %#x)", unknown));
        }
        if ((flags & FLAG_ADDRESSES) == 0) return new MultibootHeader(at, flags, 0, 0, 0, 0, 0);
        return new MultibootHeader(at, flags, b.u32(at + 12), b.u32(at + 16), b.u32(at + 20),
                b.u32(at + 24), b.u32(at + 28));
    }
}
