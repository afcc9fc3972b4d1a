package org.jvisor.boot;

import java.util.List;
import org.jvisor.machine.memory.PhysicalMemory;

/**
 * Builds the Multiboot information structure (Multiboot 0.6.96 section 3.3) and what it
 * points to (memory map, strings, module list) upward from {@link Multiboot#INFO_BASE}.
 */
final class BootInfoWriter {
    static final String LOADER_NAME = "jvisor";
    private static final long LOW_RAM_END = 0xA0000, HIGH_RAM_START = 0x100000;

    private final PhysicalMemory mem;
    private int next = Multiboot.INFO_BASE + Multiboot.INFO_SIZE;

    BootInfoWriter(PhysicalMemory mem) {
        this.mem = mem;
    }

    /** Writes the structure; returns its address. */
    int write(String cmdline, List<Multiboot.Module> modules, List<Long> starts) {
        int info = Multiboot.INFO_BASE;
        mem.load(info, new byte[Multiboot.INFO_SIZE]);
        int flags = Multiboot.INFO_MEMORY | Multiboot.INFO_MODS | Multiboot.INFO_MMAP | Multiboot.INFO_LOADER_NAME;
        mem.write32(info + 4, (int) (LOW_RAM_END / 1024));                    // mem_lower, KiB from 0
        mem.write32(info + 8, (int) ((mem.size() - HIGH_RAM_START) / 1024));  // mem_upper, KiB from 1 MiB
        if (cmdline != null) {
            flags |= Multiboot.INFO_CMDLINE;
            mem.write32(info + 16, string(cmdline));
        }
        mem.write32(info + 20, modules.size());
        mem.write32(info + 24, moduleList(modules, starts));
        int mmap = memoryMap();
        mem.write32(info + 44, next - mmap);
        mem.write32(info + 48, mmap);
        mem.write32(info + 64, string(LOADER_NAME));
        mem.write32(info, flags);
        return info;
    }

    private int moduleList(List<Multiboot.Module> modules, List<Long> starts) {
        int list = reserve(modules.size() * Multiboot.MODULE_SIZE);
        for (int n = 0; n < modules.size(); n++) {
            int entry = list + n * Multiboot.MODULE_SIZE;
            long start = starts.get(n);
            String cmd = modules.get(n).cmdline();
            mem.write32(entry, (int) start);                                   // mod_start
            mem.write32(entry + 4, (int) (start + modules.get(n).data().length)); // mod_end (exclusive)
            mem.write32(entry + 8, string(cmd == null ? "" : cmd));
            mem.write32(entry + 12, 0);
        }
        return list;
    }

    /** Section 3.3 mmap: each entry is size (20, not counting itself), base, length, type. */
    private int memoryMap() {
        int start = next;
        entry(0, LOW_RAM_END, 1);
        entry(LOW_RAM_END, HIGH_RAM_START - LOW_RAM_END, 2);
        entry(HIGH_RAM_START, mem.size() - HIGH_RAM_START, 1);
        return start;
    }

    private void entry(long base, long length, int type) {
        int e = reserve(Multiboot.MMAP_ENTRY_SIZE);
        mem.write32(e, Multiboot.MMAP_ENTRY_SIZE - 4);
        mem.write64(e + 4, base);
        mem.write64(e + 12, length);
        mem.write32(e + 20, type);
    }

    private int string(String s) {
        byte[] z = Multiboot.cString(s);
        int at = reserve(z.length);
        mem.load(at, z);
        return at;
    }

    private int reserve(int bytes) {
        int at = next;
        if (at + bytes > Multiboot.INFO_END) {
            throw new BootException(String.format("boot information (command lines, module list) exceeds %d bytes",
                    Multiboot.INFO_END - Multiboot.INFO_BASE));
        }
        next = (at + bytes + 3) & ~3;
        return at;
    }
}
