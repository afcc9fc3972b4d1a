package org.jvisor.machine.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;
import org.junit.jupiter.api.Test;

/** String instructions with REP prefixes, DF, address sizes and faults mid-way. */
class StringOpsTest {
    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int k = 0; k < n; k++) b[k] = (byte) (seed + 7 * k + (k >>> 8));
        return b;
    }

    @Test
    void repMovsbBackwardWithDf() {
        // std-style copy: DF = 1, ESI/EDI at the last byte; 100 bytes from 0x3000 to 0x5000.
        FlowRig m = new FlowRig().code(0xF3, 0xA4);
        byte[] src = pattern(100, 3);
        m.mem.load(0x3000, src);
        m.cpu.setEflags(Flags.FIXED_ONE | Flags.DF);
        m.cpu.r[Reg.ESI] = 0x3000 + 99;
        m.cpu.r[Reg.EDI] = 0x5000 + 99;
        m.cpu.r[Reg.ECX] = 100;
        m.runToEnd(FlowRig.CODE + 2);
        for (int k = 0; k < 100; k++) assertEquals(src[k] & 0xFF, m.mem.read8(0x5000 + k), "byte " + k);
        assertEquals(0x3000 - 1, m.cpu.r[Reg.ESI]);
        assertEquals(0x5000 - 1, m.cpu.r[Reg.EDI]);
        assertEquals(0, m.cpu.r[Reg.ECX]);
    }

    @Test
    void repMovsdForwardAcrossPagesAndChunks() {
        // 5000 dwords from 0x10804 to 0x30002 (unaligned, crosses several pages and the chunk size).
        FlowRig m = new FlowRig().code(0xF3, 0xA5);
        byte[] src = pattern(20000, 11);
        m.mem.load(0x10804, src);
        m.cpu.r[Reg.ESI] = 0x10804;
        m.cpu.r[Reg.EDI] = 0x30002;
        m.cpu.r[Reg.ECX] = 5000;
        m.runToEnd(FlowRig.CODE + 2);
        byte[] out = new byte[20000];
        m.mem.copyOut(0x30002, out, 0, out.length);
        assertEquals(java.util.Arrays.toString(src), java.util.Arrays.toString(out));
        assertEquals(0x10804 + 20000, m.cpu.r[Reg.ESI]);
        assertEquals(0x30002 + 20000, m.cpu.r[Reg.EDI]);
        // 5000 > 4096 iterations per execution: the instruction ran twice.
        assertEquals(2, m.cpu.instructions, "a long REP re-enters itself between chunks");
    }

    @Test
    void overlappingForwardMovsbReplicatesAsSequential() {
        // EDI = ESI + 1: each byte copies the one just written, so the first byte fills the run.
        FlowRig m = new FlowRig().code(0xF3, 0xA4);
        m.mem.load(0x3000, new byte[] {0x5A, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        m.cpu.r[Reg.ESI] = 0x3000;
        m.cpu.r[Reg.EDI] = 0x3001;
        m.cpu.r[Reg.ECX] = 9;
        m.runToEnd(FlowRig.CODE + 2);
        for (int k = 0; k < 10; k++) assertEquals(0x5A, m.mem.read8(0x3000 + k), "byte " + k);
    }

    @Test
    void repeCmpsbStopsAtFirstDifference() {
        FlowRig m = new FlowRig().code(0xF3, 0xA6);
        m.mem.load(0x3000, "abcdef".getBytes());
        m.mem.load(0x4000, "abcXef".getBytes());
        m.cpu.r[Reg.ESI] = 0x3000;
        m.cpu.r[Reg.EDI] = 0x4000;
        m.cpu.r[Reg.ECX] = 6;
        m.runToEnd(FlowRig.CODE + 2);
        assertEquals(2, m.cpu.r[Reg.ECX]);
        assertEquals(0x3004, m.cpu.r[Reg.ESI]);
        assertEquals(0x4004, m.cpu.r[Reg.EDI]);
        // 'd' - 'X' = 0x64 - 0x58 = 0x0C: no borrow, not zero, positive, PF (0x0C has two bits),
        // AF (low nibble 4 - 8 borrows).
        assertEquals(Flags.PF | Flags.AF, m.cpu.getEflags() & Flags.ARITH);
    }

    @Test
    void repneScasbFindsTerminator() {
        FlowRig m = new FlowRig().code(0xF2, 0xAE);
        m.mem.load(0x3000, "hello\0world".getBytes());
        m.cpu.r[Reg.EDI] = 0x3000;
        m.cpu.r[Reg.ECX] = -1;
        m.cpu.r[Reg.EAX] = 0xFFFFFF00;
        m.runToEnd(FlowRig.CODE + 2);
        assertEquals(0x3006, m.cpu.r[Reg.EDI]);
        assertEquals(-7, m.cpu.r[Reg.ECX]);
        assertTrue(m.cpu.flag(Flags.ZF));
    }

    @Test
    void zeroCountDoesNothing() {
        FlowRig m = new FlowRig().code(0xF3, 0xA6, 0xF3, 0xAB);
        m.cpu.setArithFlags(Flags.CF);
        m.cpu.r[Reg.EDI] = 0x3000;
        m.cpu.r[Reg.EAX] = -1;
        m.runToEnd(FlowRig.CODE + 4);
        assertEquals(Flags.CF, m.cpu.getEflags() & Flags.ARITH, "flags unchanged");
        assertEquals(0, m.read32(0x3000));
        assertEquals(0x3000, m.cpu.r[Reg.EDI]);
    }

    @Test
    void repStosdFaultsMidwayAndResumes() {
        // rep stosd from 0x1FFF0: four dwords fit before the not-present page at 0x20000.
        FlowRig m = new FlowRig().code(0xF3, 0xAB);
        m.pagingWithHole(0x20000);
        m.cpu.r[Reg.EDI] = 0x1FFF0;
        m.cpu.r[Reg.ECX] = 100;
        m.cpu.r[Reg.EAX] = 0x77777777;
        m.runToFault(Vectors.PF, 0x2, FlowRig.CODE); // write to a not-present page, supervisor
        assertEquals(0x20000, m.cpu.cr2);
        assertEquals(96, m.cpu.r[Reg.ECX]);
        assertEquals(0x20000, m.cpu.r[Reg.EDI]);
        for (int k = 0; k < 4; k++) assertEquals(0x77777777, m.read32(0x1FFF0 + 4 * k));
        // Map the page and restart the same instruction: it finishes the remaining 96.
        m.mem.write32(0x101000 + 4 * 0x20, 0x20000 | 7);
        m.cpu.paging.flushAll();
        m.runToEnd(FlowRig.CODE + 2);
        assertEquals(0, m.cpu.r[Reg.ECX]);
        assertEquals(0x1FFF0 + 400, m.cpu.r[Reg.EDI]);
        assertEquals(0x77777777, m.read32(0x1FFF0 + 396));
    }

    @Test
    void sixteenBitAddressingWrapsDiAndKeepsUpperHalves() {
        // a16 rep stosb with DI = 0xFFFE, CX = 4: stores at ES:FFFE, FFFF, 0000, 0001.
        FlowRig m = new FlowRig().code(0x67, 0xF3, 0xAA);
        m.cpu.setSegment(Seg.ES, 0x10, 0x40000, 0xFFFFFFFF, 0xC093);
        m.cpu.r[Reg.EDI] = 0x1234FFFE;
        m.cpu.r[Reg.ECX] = 0x56780004;
        m.cpu.r[Reg.EAX] = 0xA5;
        m.runToEnd(FlowRig.CODE + 3);
        for (int off : new int[] {0xFFFE, 0xFFFF, 0, 1}) assertEquals(0xA5, m.mem.read8(0x40000 + off), "offset " + off);
        assertEquals(0, m.mem.read8(0x50000), "no carry into 64 KiB");
        assertEquals(0x12340002, m.cpu.r[Reg.EDI]);
        assertEquals(0x56780000, m.cpu.r[Reg.ECX]);
    }

    @Test
    void lodsWithSegmentOverride() {
        // fs lodsd ; lodsw (DS)
        FlowRig m = new FlowRig().code(0x64, 0xAD, 0x66, 0xAD);
        m.cpu.setSegment(Seg.FS, 0x10, 0x200000, 0xFFFFFFFF, 0xC093);
        m.write32(0x203000, 0xCAFEBABE);
        m.write32(0x3004, 0x4321);
        m.cpu.r[Reg.ESI] = 0x3000;
        m.runToEnd(FlowRig.CODE + 4);
        assertEquals(0xCAFE4321, m.cpu.r[Reg.EAX]);
        assertEquals(0x3006, m.cpu.r[Reg.ESI]);
    }

    @Test
    void movsSourceLimitFaultLeavesRegistersAtElement() {
        // DS limit 0x3007: the third dword (offset 0x3008) faults with #GP(0).
        FlowRig m = new FlowRig().code(0xF3, 0xA5);
        m.cpu.setSegment(Seg.DS, 0x10, 0, 0x3007, 0x4093);
        m.cpu.r[Reg.ESI] = 0x3000;
        m.cpu.r[Reg.EDI] = 0x5000;
        m.cpu.r[Reg.ECX] = 10;
        m.runToFault(Vectors.GP, 0, FlowRig.CODE);
        assertEquals(8, m.cpu.r[Reg.ECX]);
        assertEquals(0x3008, m.cpu.r[Reg.ESI]);
        assertEquals(0x5008, m.cpu.r[Reg.EDI]);
    }

    @Test
    void misalignedRepMovsdAtCplThreeRaisesAlignmentCheck() {
        // CR0.AM + EFLAGS.AC at CPL 3: the first misaligned dword raises #AC(0) (SDM 6.15, vector 17).
        FlowRig m = new FlowRig().code(0xF3, 0xA5);
        m.cpu.cr0 |= org.jvisor.machine.cpu.Cpu.CR0_AM;
        m.privilege(3, 0);
        m.cpu.setEflags(m.cpu.getEflags() | Flags.AC);
        m.cpu.r[Reg.ESI] = 0x3001;
        m.cpu.r[Reg.EDI] = 0x5000;
        m.cpu.r[Reg.ECX] = 64;
        m.runToFault(Vectors.AC, 0, FlowRig.CODE);
        assertEquals(64, m.cpu.r[Reg.ECX]);
        assertEquals(0x3001, m.cpu.r[Reg.ESI]);
    }
}
