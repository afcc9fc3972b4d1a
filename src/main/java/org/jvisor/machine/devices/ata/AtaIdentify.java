package org.jvisor.machine.devices.ata;

/**
 * The 256-word IDENTIFY DEVICE block (ATA/ATAPI-6 8.15) describing a drive:
 * a fixed, LBA- and 48-bit-capable disk with PIO modes 0-4, no DMA, a write cache and
 * the power management feature set.
 */
final class AtaIdentify {
    private AtaIdentify() { }

    static int[] build(AtaDrive d) {
        int[] w = new int[256];
        long capacity = d.capacity();
        w[0] = 0x0040;                                  // ATA device (bit 15 = 0), fixed (obsolete bit 6)
        w[1] = d.defaultCylinders();
        w[3] = AtaDrive.DEFAULT_HEADS;
        w[6] = AtaDrive.DEFAULT_SECTORS;
        putString(w, 10, 10, d.serial());
        putString(w, 23, 4, d.firmware());
        putString(w, 27, 20, d.model());
        w[47] = 0x8000 | Ata.MAX_MULTIPLE;              // 80h in the high byte, max sectors per DRQ block
        w[49] = 0x0E00;                                 // IORDY supported, may be disabled; LBA supported
        w[50] = 0x4000;                                 // bit 14 shall be one
        w[51] = 0x0200;                                 // obsolete PIO timing mode 2
        w[53] = 0x0003;                                 // words 54-58 and 64-70 are valid
        w[54] = d.currentCylinders();
        w[55] = d.heads();
        w[56] = d.sectorsPerTrack();
        long chsCapacity = (long) d.currentCylinders() * d.heads() * d.sectorsPerTrack();
        w[57] = (int) chsCapacity & 0xFFFF;
        w[58] = (int) (chsCapacity >>> 16) & 0xFFFF;
        w[59] = 0x0100 | d.multipleCount();            // multiple setting valid, current sectors per block
        long lba28 = Math.min(capacity, Ata.LBA28_LIMIT);
        w[60] = (int) lba28 & 0xFFFF;
        w[61] = (int) (lba28 >>> 16) & 0xFFFF;
        w[64] = 0x0003;                                 // advanced PIO modes 3 and 4
        w[65] = w[66] = w[67] = w[68] = 120;            // cycle times in ns (PIO 4)
        w[80] = 0x007E;                                 // major versions ATA-1 .. ATA/ATAPI-6
        w[82] = 0x0028;                                 // write cache (5), power management (3)
        w[83] = 0x7400;                                 // 14 one; FLUSH CACHE EXT (13), FLUSH CACHE (12), 48-bit (10)
        w[84] = 0x4000;
        w[85] = 0x0008 | (d.writeCacheEnabled() ? 0x0020 : 0);
        w[86] = 0x3400;                                 // the same three, enabled
        w[87] = 0x4000;
        for (int i = 0; i < 4; i++) w[100 + i] = (int) (capacity >>> (16 * i)) & 0xFFFF;
        w[255] = 0xA5;
        w[255] |= checksum(w) << 8;                     // integrity word (word 255)
        return w;
    }

    /** ATA strings: two characters per word, the first in bits 15:8; padded with spaces. */
    static void putString(int[] w, int first, int words, String s) {
        for (int i = 0; i < words; i++) {
            int hi = charAt(s, 2 * i), lo = charAt(s, 2 * i + 1);
            w[first + i] = hi << 8 | lo;
        }
    }

    private static int charAt(String s, int i) {
        if (i >= s.length()) return ' ';
        char c = s.charAt(i);
        return c >= 0x20 && c < 0x7F ? c : '?';
    }

    /** The two's complement of the byte sum of words 0-254 and the A5h signature, so all 512 bytes sum to 0. */
    private static int checksum(int[] w) {
        int sum = 0;
        for (int i = 0; i < 255; i++) sum += (w[i] & 0xFF) + (w[i] >>> 8);
        sum += 0xA5;
        return -sum & 0xFF;
    }
}
