package org.jvisor.machine.cpu;

import org.jvisor.machine.memory.PhysicalMemory;

/**
 * Linear-to-physical translation with 32-bit paging (SDM Vol. 3A 4.3): 4 KiB pages and,
 * with CR4.PSE, 4 MiB pages; CR4.PGE global pages; CR0.WP; accessed and dirty bits.
 *
 * <p>The TLB is direct-mapped on the low bits of the linear page number and keeps one tag
 * array per access kind (supervisor/user x read/write). A kind's tag is set only when that
 * access is allowed without a walk, so a hit is one compare. Write tags are set only once
 * the dirty bit is set, so the first write walks and sets D as hardware does. Like a real
 * TLB it is not coherent with the page tables: stale entries survive until INVLPG, a CR3
 * load (non-global entries) or a CR4/CR0 paging change (all entries).
 */
public final class Paging {
    public static final int WRITE = 1, USER = 2, FETCH = 4;

    private static final int SIZE = 4096;
    private static final int P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80, G = 0x100;

    private final Cpu cpu;
    private final PhysicalMemory mem;
    /**
     * tags[kind * SIZE + slot]: linear page number, or -1. kind = (user ? 2 : 0) | (write ? 1 : 0).
     * One flat array: a hit costs one load and one bounds check (every memory access takes it).
     */
    private final int[] tags = new int[4 * SIZE];
    private final int[] frame = new int[SIZE];
    private final boolean[] global = new boolean[SIZE];
    /** Whether any 4 MiB page has been cached since the last full flush (INVLPG must then sweep). */
    private boolean largePagesCached;

    /** Translations done by walking the tables (TLB misses), for counters. */
    public long walks;

    Paging(Cpu cpu, PhysicalMemory mem) {
        this.cpu = cpu;
        this.mem = mem;
        flushAll();
    }

    /**
     * Translates a linear address for an access; throws #PF on a violation.
     * {@code access} is a combination of WRITE, USER and FETCH.
     */
    public int translate(int linear, int access) {
        if ((cpu.cr0 & Cpu.CR0_PG) == 0) return linear;
        int page = linear >>> 12;
        int slot = page & (SIZE - 1);
        if (tags[(access & 3) * SIZE + slot] == page) return frame[slot] | (linear & 0xFFF);
        return walk(linear, access);
    }

    /** The physical address for a linear one without side effects or faults; -1 if not mapped. */
    public long probe(int linear) {
        if ((cpu.cr0 & Cpu.CR0_PG) == 0) return linear & 0xFFFFFFFFL;
        int pde = mem.read32((cpu.cr3 & 0xFFFFF000) | ((linear >>> 22) << 2));
        if ((pde & P) == 0) return -1;
        if ((pde & PS) != 0 && (cpu.cr4 & Cpu.CR4_PSE) != 0) {
            return ((pde & 0xFFC00000) | (linear & 0x3FFFFF)) & 0xFFFFFFFFL;
        }
        int pte = mem.read32((pde & 0xFFFFF000) | (((linear >>> 12) & 0x3FF) << 2));
        if ((pte & P) == 0) return -1;
        return ((pte & 0xFFFFF000) | (linear & 0xFFF)) & 0xFFFFFFFFL;
    }

    private int walk(int linear, int access) {
        walks++;
        boolean write = (access & WRITE) != 0, user = (access & USER) != 0;
        int pdeAddr = (cpu.cr3 & 0xFFFFF000) | ((linear >>> 22) << 2);
        int pde = mem.read32(pdeAddr);
        if ((pde & P) == 0) throw pageFault(linear, access, false);
        boolean big = (pde & PS) != 0 && (cpu.cr4 & Cpu.CR4_PSE) != 0;
        int rights, frameBase, entry, entryAddr;
        if (big) {
            largePagesCached = true;
            rights = pde;
            entry = pde;
            entryAddr = pdeAddr;
            frameBase = (pde & 0xFFC00000) | (linear & 0x3FF000);
        } else {
            int pteAddr = (pde & 0xFFFFF000) | (((linear >>> 12) & 0x3FF) << 2);
            int pte = mem.read32(pteAddr);
            if ((pte & P) == 0) throw pageFault(linear, access, false);
            rights = pde & pte; // SDM 4.6: both levels must allow the access
            entry = pte;
            entryAddr = pteAddr;
            frameBase = pte & 0xFFFFF000;
        }
        boolean userOk = (rights & US) != 0;
        boolean wp = (cpu.cr0 & Cpu.CR0_WP) != 0;
        boolean userWrite = userOk && (rights & RW) != 0;
        boolean supWrite = !wp || (rights & RW) != 0;
        if (user && !userOk) throw pageFault(linear, access, true);
        if (write && !(user ? userWrite : supWrite)) throw pageFault(linear, access, true);
        // Accessed bits on both levels, dirty on the final level when writing (SDM 4.8).
        if (!big && (pde & A) == 0) mem.write32(pdeAddr, pde | A);
        int newEntry = entry | A | (write ? D : 0);
        if (newEntry != entry) mem.write32(entryAddr, newEntry);
        boolean dirty = (newEntry & D) != 0;
        int page = linear >>> 12;
        int slot = page & (SIZE - 1);
        invalidateSlot(slot);
        frame[slot] = frameBase;
        global[slot] = (entry & G) != 0 && (cpu.cr4 & Cpu.CR4_PGE) != 0;
        tags[slot] = page;
        if (supWrite && dirty) tags[SIZE + slot] = page;
        if (userOk) tags[2 * SIZE + slot] = page;
        if (userWrite && dirty) tags[3 * SIZE + slot] = page;
        return frameBase | (linear & 0xFFF);
    }

    private CpuFault pageFault(int linear, int access, boolean present) {
        cpu.cr2 = linear;
        // SDM 4.7: error code P, W/R, U/S (no I/D bit without NX on a P6).
        int code = (present ? 1 : 0) | ((access & WRITE) != 0 ? 2 : 0) | ((access & USER) != 0 ? 4 : 0);
        return cpu.fault(Vectors.PF, code);
    }

    private void invalidateSlot(int slot) {
        tags[slot] = -1;
        tags[SIZE + slot] = -1;
        tags[2 * SIZE + slot] = -1;
        tags[3 * SIZE + slot] = -1;
    }

    /** INVLPG (SDM 4.10.4.1): drops the translation of one page, global or not. */
    public void invalidatePage(int linear) {
        cpu.codeEpoch++;
        int page = linear >>> 12;
        int slot = page & (SIZE - 1);
        if (tags[slot] == page) invalidateSlot(slot);
        // 4 MiB pages are cached per 4 KiB page here, so a large-page INVLPG drops the whole range.
        if (largePagesCached) {
            int first = page & ~0x3FF;
            for (int p = first; p < first + 0x400; p++) {
                int s = p & (SIZE - 1);
                if (tags[s] == p) invalidateSlot(s);
            }
        }
    }

    /** A CR3 load (SDM 4.10.4.1): drops every non-global translation. */
    public void flushNonGlobal() {
        cpu.codeEpoch++;
        for (int s = 0; s < SIZE; s++) {
            if (!global[s]) invalidateSlot(s);
        }
    }

    /** Drops everything, global pages included (CR4.PGE/PSE or CR0.PG/WP changes). */
    public void flushAll() {
        cpu.codeEpoch++;
        largePagesCached = false;
        for (int s = 0; s < SIZE; s++) {
            invalidateSlot(s);
            global[s] = false;
        }
    }
}
