package org.jvisor.machine.cpu.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Vectors;
import org.junit.jupiter.api.Test;

/** PUSHF/POPF by privilege level and IOPL, per the SDM POPF operation table. */
class StackFlagsTest {
    private static final int POPF32 = 0x9D;

    /** Runs POPF (32- or 16-bit) popping {@code image} from flags {@code before} at a CPL and IOPL. */
    private static int popf(int cpl, int iopl, int before, int image, boolean op32) {
        FlowRig m = op32 ? new FlowRig().code(POPF32) : new FlowRig().code(0x66, POPF32);
        m.cpu.setEflags(before);
        m.privilege(cpl, iopl);
        m.write32(0x8000, image);
        m.runToEnd(FlowRig.CODE + (op32 ? 1 : 2));
        assertEquals(op32 ? 0x8004 : 0x8002, m.cpu.r[Reg.ESP]);
        return m.cpu.getEflags();
    }

    private static final int ALL = Flags.ARITH | Flags.TF | Flags.IF | Flags.DF | Flags.IOPL | Flags.NT
            | Flags.AC | Flags.ID;

    @Test
    void cplZeroChangesIfAndIoplButNotVmVifVip() {
        int image = ALL | Flags.VM | Flags.VIF | Flags.VIP | Flags.RF;
        int after = popf(0, 0, Flags.FIXED_ONE, image, true);
        assertEquals(ALL | Flags.FIXED_ONE, after);
    }

    @Test
    void cplZeroClearsAll() {
        int after = popf(0, 3, (ALL & ~Flags.TF) | Flags.FIXED_ONE, 0, true); // TF would single-step
        assertEquals(Flags.FIXED_ONE, after);
    }

    @Test
    void cplWithinIoplChangesIfButNotIopl() {
        int after = popf(1, 1, Flags.FIXED_ONE, Flags.IF | Flags.CF | Flags.IOPL, true);
        assertEquals(Flags.FIXED_ONE | Flags.IF | Flags.CF | 1 << 12, after);
    }

    @Test
    void cplAboveIoplSilentlyKeepsIfAndIopl() {
        int after = popf(3, 0, Flags.FIXED_ONE | Flags.IF, Flags.CF | Flags.ZF | Flags.IOPL | Flags.DF, true);
        assertEquals(Flags.FIXED_ONE | Flags.IF | Flags.CF | Flags.ZF | Flags.DF, after, "IF kept set, IOPL kept 0");
        int cleared = popf(1, 0, Flags.FIXED_ONE | Flags.IF, 0, true);
        assertEquals(Flags.FIXED_ONE | Flags.IF, cleared, "CPL 1 > IOPL 0 cannot clear IF");
    }

    @Test
    void cplThreeMatchesHostObservation() {
        // Outside oracle: POPFQ at CPL 3, IOPL 0 on the host (AMD EPYC, Linux) from flags 0x202 with
        // IOPL=3 CF ZF DF NT RF VM VIF VIP set and IF clear in the image gave 0x4643.
        int image = 0x3000 | 0x1 | 0x40 | 0x400 | 0x4000 | 0x10000 | 0x20000 | 0x80000 | 0x100000;
        assertEquals(0x4643, popf(3, 0, 0x202, image, true));
    }

    @Test
    void cplThreeWithIoplThreeChangesIf() {
        int after = popf(3, 3, Flags.FIXED_ONE, Flags.IF, true);
        assertEquals(Flags.FIXED_ONE | Flags.IF | Flags.IOPL, after, "IF set, IOPL stays 3");
    }

    @Test
    void sixteenBitPopfLeavesUpperHalf() {
        int after = popf(0, 0, Flags.FIXED_ONE | Flags.AC | Flags.ID, 0xFFFF0000 | Flags.CF, false);
        assertEquals(Flags.FIXED_ONE | Flags.AC | Flags.ID | Flags.CF, after);
    }

    @Test
    void pushfClearsRfAndPushesFlags() {
        FlowRig m = new FlowRig().code(0x9C, 0x66, 0x9C);
        m.cpu.setEflags(Flags.FIXED_ONE | Flags.RF | Flags.CF | Flags.IF | Flags.AC);
        m.runToEnd(FlowRig.CODE + 3);
        assertEquals(Flags.FIXED_ONE | Flags.CF | Flags.IF | Flags.AC, m.read32(0x7FFC));
        assertEquals(Flags.FIXED_ONE | Flags.CF | Flags.IF, m.mem.read16(0x7FFA));
    }

    /** Virtual-8086 mode at 0000:1000 with a 16-bit stack at 0000:8000. */
    private static FlowRig v86(int iopl, int... code) {
        FlowRig m = new FlowRig().code(code);
        m.cpu.setEflags(Flags.FIXED_ONE | Flags.VM | iopl << 12);
        m.cpu.cpl = 3;
        for (int s = 0; s < 6; s++) m.cpu.setSegment(s, 0, 0, 0xFFFF, 0xF3);
        m.cpu.refreshSegments();
        m.cpu.flushBlocks();
        return m;
    }

    @Test
    void v86WithIoplBelowThreeFaultsOnPushfPopfAndIntN() {
        v86(0, 0x9C).runToFault(Vectors.GP, 0, FlowRig.CODE);
        v86(2, 0x9D).runToFault(Vectors.GP, 0, FlowRig.CODE);
        v86(2, 0xCD, 0x21).runToFault(Vectors.GP, 0, FlowRig.CODE);
    }

    @Test
    void v86WithIoplThreePopfKeepsIoplAndVm() {
        FlowRig m = v86(3, 0x66, POPF32);
        m.write32(0x8000, Flags.IF | Flags.CF);
        m.runToEnd(FlowRig.CODE + 2);
        assertEquals(Flags.FIXED_ONE | Flags.VM | Flags.IOPL | Flags.IF | Flags.CF, m.cpu.getEflags());
        assertEquals(0x8004, m.cpu.r[Reg.ESP]);
    }
}
