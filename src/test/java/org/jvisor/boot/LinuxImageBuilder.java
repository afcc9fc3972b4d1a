package org.jvisor.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds bzImage-shaped byte arrays for tests: a boot sector and setup area whose setup
 * header fields sit at the offsets of boot.rst's header table, then a protected-mode payload.
 * Offsets are written out here rather than taken from the loader, so the two can disagree.
 */
final class LinuxImageBuilder {
    int setupSects = 4;
    int version = 0x020F;
    int loadflags = 0x01;
    int headerEnd = 0x26C;
    long initrdAddrMax = 0x7FFFFFFFL;
    long kernelAlignment = 0x200000;
    int relocatable = 0;
    long cmdlineSize = 2047;
    long prefAddress = 0x100000;
    long initSize = 0x400000;
    boolean bootFlag = true, hdrs = true;
    byte[] payload = pattern(0x3000, 0x5A);
    long syssize = -1; // -1: the payload length / 16 as build.c writes it

    static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (seed + i * 7 + (i >> 8));
        return b;
    }

    /** The real-mode part's size: (setup_sects + 1) sectors, with 0 meaning 4. */
    int setupBytes() {
        return ((setupSects == 0 ? 4 : setupSects) + 1) * 512;
    }

    byte[] build() {
        int setup = setupBytes();
        ByteBuffer b = ByteBuffer.allocate(setup + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < setup; i++) b.put(i, (byte) 0xCC); // filler the loader must not copy
        for (int i = 0x1F1; i < headerEnd; i++) b.put(i, (byte) 0);
        b.put(0x1F1, (byte) setupSects);
        b.putInt(0x1F4, (int) (syssize >= 0 ? syssize : payload.length / 16));
        if (bootFlag) b.putShort(0x1FE, (short) 0xAA55);
        b.put(0x200, (byte) 0xEB).put(0x201, (byte) (headerEnd - 0x202));
        if (hdrs) b.put(0x202, (byte) 'H').put(0x203, (byte) 'd').put(0x204, (byte) 'r').put(0x205, (byte) 'S');
        b.putShort(0x206, (short) version);
        b.put(0x211, (byte) loadflags);
        b.putInt(0x214, 0x100000);
        b.putInt(0x22C, (int) initrdAddrMax);
        b.putInt(0x230, (int) kernelAlignment);
        b.put(0x234, (byte) relocatable);
        b.putInt(0x238, (int) cmdlineSize);
        b.putLong(0x258, prefAddress);
        b.putInt(0x260, (int) initSize);
        b.put(setup, payload);
        return b.array();
    }
}
