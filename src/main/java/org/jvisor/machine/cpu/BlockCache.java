package org.jvisor.machine.cpu;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decoded blocks by (physical address, mode). A direct-mapped array answers most lookups;
 * a map holds the rest. Blocks are also listed per physical page so that a write to the
 * page drops them all.
 */
final class BlockCache {
    private static final int FAST = 1 << 14;
    private final Block[] fast = new Block[FAST];
    private final Map<Long, Block> all = new HashMap<>();
    private final Map<Integer, List<Block>> byPage = new HashMap<>();

    long invalidations;

    static long key(int physical, int mode) {
        return (physical & 0xFFFFFFFFL) | ((long) mode << 32);
    }

    Block get(long key) {
        int slot = slot(key);
        Block b = fast[slot];
        if (b != null && b.key == key) return b;
        b = all.get(key);
        if (b != null) fast[slot] = b;
        return b;
    }

    void put(Block b) {
        all.put(b.key, b);
        fast[slot(b.key)] = b;
        byPage.computeIfAbsent(b.physicalPage, p -> new ArrayList<>()).add(b);
        if (b.secondPage >= 0) byPage.computeIfAbsent(b.secondPage, p -> new ArrayList<>()).add(b);
    }

    /** Drops every block taken from a physical page; returns how many. */
    int invalidatePage(int page) {
        List<Block> blocks = byPage.remove(page);
        if (blocks == null) return 0;
        for (Block b : blocks) {
            b.valid = false;
            // A two-page block stays listed under its other page: drop only this very block.
            all.remove(b.key, b);
            int slot = slot(b.key);
            if (fast[slot] == b) fast[slot] = null;
        }
        invalidations += blocks.size();
        return blocks.size();
    }

    void clear() {
        for (List<Block> blocks : byPage.values()) {
            for (Block b : blocks) b.valid = false;
        }
        all.clear();
        byPage.clear();
        java.util.Arrays.fill(fast, null);
    }

    int size() {
        return all.size();
    }

    private static int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 50) & (FAST - 1);
    }
}
