package org.jvisor.machine.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.jvisor.machine.cpu.Flags.ZF;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Vectors;

/**
 * Page faults from the integer families: read-modify-write operands are read with write
 * intent, so the #PF error code has W/R = 1 even when the read is what faults (SDM Vol. 3A
 * 4.7); nothing changes before the fault; multi-part writes check every page first.
 */
class AluPagingTest {
    private static final int READ_ONLY = 0xB000, ABSENT = 0x9000;
    private static final int P = 1, W = 2;
    private final AluTestRig m = new AluTestRig();

    @BeforeEach
    void paging() {
        m.pageWithHoles(READ_ONLY, ABSENT);
    }

    private void assertPageFault(int errorCode, int cr2, int... code) {
        Exit e = m.run(code);
        assertEquals(new Exit.Exception(Vectors.PF, errorCode, true, false), e);
        assertEquals(cr2, m.cpu.cr2, "cr2");
        assertEquals(AluTestRig.CODE, m.cpu.eip);
    }

    @Test
    void readModifyWriteFaultsAsAWrite() {
        m.cpu.mem.write32(READ_ONLY, 5);
        m.cpu.r[0] = 1;
        m.setFlags(ZF);
        assertPageFault(P | W, READ_ONLY, 0x01, 0x05, 0x00, 0xB0, 0x00, 0x00); // add [0xb000], eax
        assertEquals(5, m.cpu.mem.read32(READ_ONLY));
        m.assertFlags(ZF);
        assertPageFault(W, ABSENT + 4, 0xFF, 0x05, 0x04, 0x90, 0x00, 0x00); // inc dword [0x9004]
        assertPageFault(W, ABSENT, 0xD1, 0x25, 0x00, 0x90, 0x00, 0x00); // shl dword [0x9000], 1
        assertPageFault(W, ABSENT, 0x87, 0x05, 0x00, 0x90, 0x00, 0x00); // xchg [0x9000], eax
        assertEquals(1, m.cpu.r[0]);
    }

    @Test
    void plainReadsFaultAsReads() {
        assertPageFault(0, ABSENT, 0x03, 0x05, 0x00, 0x90, 0x00, 0x00); // add eax, [0x9000]
        assertPageFault(0, ABSENT, 0x39, 0x05, 0x00, 0x90, 0x00, 0x00); // cmp [0x9000], eax
        m.ok(0x8B, 0x05, 0x00, 0xB0, 0x00, 0x00); // mov eax, [0xb000]: reading read-only is fine
    }

    @Test
    void bitOffsetReachesTheNextPage() {
        m.cpu.r[3] = 0x100; // 0x100 bits = 0x20 bytes past 0x8ff0
        assertPageFault(0, ABSENT + 0x10, 0x0F, 0xA3, 0x1D, 0xF0, 0x8F, 0x00, 0x00); // bt [0x8ff0], ebx
        assertPageFault(W, ABSENT + 0x10, 0x0F, 0xAB, 0x1D, 0xF0, 0x8F, 0x00, 0x00); // bts [0x8ff0], ebx
    }

    @Test
    void splitWritesCheckBothPagesFirst() {
        m.cpu.mem.write32(READ_ONLY - 4, 0x11111111);
        m.cpu.mem.write32(READ_ONLY, 0x22222222);
        m.cpu.r[0] = 0x11111111;
        m.cpu.r[2] = 0x22222222;
        m.cpu.r[3] = 0x33333333;
        m.cpu.r[1] = 0x44444444;
        assertPageFault(P | W, READ_ONLY, 0x0F, 0xC7, 0x0D, 0xFC, 0xAF, 0x00, 0x00); // cmpxchg8b [0xaffc]
        assertEquals(0x11111111, m.cpu.mem.read32(READ_ONLY - 4));
        m.cpu.r[0] = 0x0000ABCD;
        assertPageFault(P | W, READ_ONLY, 0x01, 0x05, 0xFE, 0xAF, 0x00, 0x00); // add [0xaffe], eax
        assertEquals(0x11111111, m.cpu.mem.read32(READ_ONLY - 4));
    }
}
