package org.jvisor.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The zero page, Linux's {@code struct boot_params} (Documentation/x86/zero-page.rst and the
 * 32-bit boot protocol in boot.rst): all zero, the image's setup header copied to 0x1f1, then
 * the loader's fields. screen_info (0x000-0x03f) stays zero: the guest has no VGA, only serial.
 */
final class BootParams {
    static final int SIZE = 4096;
    static final int ALT_MEM_K = 0x1E0, E820_ENTRIES = 0x1E8, E820_TABLE = 0x2D0;
    static final int E820_ENTRY_SIZE = 20, E820_MAX_ENTRIES = 128;
    /** "Undefined" boot loader id (boot.rst, type_of_loader). */
    static final int LOADER_UNDEFINED = 0xFF;

    private final ByteBuffer page = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);

    /** A clean page with the setup header, 0x1f1 up to its end, copied in (boot.rst, 32-bit protocol). */
    BootParams(byte[] image, SetupHeader header) {
        page.put(SetupHeader.SETUP_SECTS, image, SetupHeader.SETUP_SECTS, header.headerEnd() - SetupHeader.SETUP_SECTS);
    }

    BootParams put8(int offset, int value) {
        page.put(offset, (byte) value);
        return this;
    }

    BootParams put32(int offset, long value) {
        page.putInt(offset, (int) value);
        return this;
    }

    /** e820_entries and e820_table: 20-byte entries of base (u64), size (u64), type (u32). */
    BootParams e820(E820Map map) {
        List<E820Map.Entry> entries = map.entries();
        if (entries.size() > E820_MAX_ENTRIES) {
            throw new BootException("the memory map has " + entries.size() + " entries, boot_params holds 128");
        }
        page.put(E820_ENTRIES, (byte) entries.size());
        for (int n = 0; n < entries.size(); n++) {
            E820Map.Entry e = entries.get(n);
            int at = E820_TABLE + n * E820_ENTRY_SIZE;
            page.putLong(at, e.base()).putLong(at + 8, e.length()).putInt(at + 16, e.type());
        }
        return this;
    }

    byte[] bytes() {
        return page.array().clone();
    }
}
