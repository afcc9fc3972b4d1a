package org.jvisor.machine.cpu.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.CpuFault;
import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.InterruptController;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Exception and interrupt delivery: frames, gates, EXT, double and triple fault (SDM Vol. 3A ch. 6). */
class InterruptDeliveryTest {
    private static final int HANDLERS = 0x20000;
    private Rig rig;
    private Cpu cpu;

    @BeforeEach
    void setUp() {
        rig = new Rig();
        cpu = rig.cpu;
        for (int v = 0; v < 256; v++) rig.code(HANDLERS + v * 16, 0xF4); // each handler: hlt
    }

    private void gate(int vector, int type, int dpl) {
        rig.idtGate(vector, Rig.CODE0, HANDLERS + vector * 16, type, dpl);
    }

    private void assertInHandler(int vector) {
        assertInstanceOf(Exit.Halted.class, rig.run());
        assertEquals(HANDLERS + vector * 16 + 1, cpu.eip);
        assertEquals(0, cpu.cpl);
        assertEquals(Rig.CODE0, cpu.segSel[Seg.CS]);
    }

    private static InterruptController once(int vector) {
        return new InterruptController() {
            boolean pending = true;
            @Override public boolean hasInterrupt() { return pending; }
            @Override public int acknowledge() { pending = false; return vector; }
        };
    }

    @Test
    void faultAtSameLevelPushesEflagsWithRfCsEip() {
        gate(Vectors.UD, 0xE, 0);
        rig.flags(Flags.IF);
        rig.code(Rig.CODE, 0x0F, 0xFF);
        assertInHandler(Vectors.UD);
        assertEquals(Rig.STACK0 - 12, cpu.r[Reg.ESP]);
        assertEquals(Rig.CODE, rig.stack(0));
        assertEquals(Rig.CODE0, rig.stack(4));
        assertEquals(Flags.IF | Flags.RF | 2, rig.stack(8), "faults push RF=1 (SDM 17.3.1.1)");
        assertEquals(0, cpu.getEflags() & (Flags.IF | Flags.RF), "interrupt gate clears IF");
    }

    @Test
    void ring3FaultSwitchesToTssStackWithErrorCode() {
        gate(Vectors.GP, 0xF, 0); // trap gate keeps IF
        rig.setRing(3);
        rig.flags(Flags.IF);
        rig.code(Rig.CODE, 0xF4); // hlt at CPL 3: #GP(0)
        assertInHandler(Vectors.GP);
        assertEquals(Rig.DATA0, cpu.segSel[Seg.SS]);
        assertEquals(Rig.STACK0 - 24, cpu.r[Reg.ESP]);
        assertEquals(0, rig.stack(0));
        assertEquals(Rig.CODE, rig.stack(4));
        assertEquals(Rig.CODE3, rig.stack(8));
        assertEquals(Flags.IF | Flags.RF | 2, rig.stack(12));
        assertEquals(Rig.STACK3, rig.stack(16));
        assertEquals(Rig.DATA3, rig.stack(20));
        assertEquals(Flags.IF, cpu.getEflags() & Flags.IF);
        assertEquals(Rig.DATA3, cpu.segSel[Seg.DS], "inner transitions keep data segments");
    }

    @Test
    void vectorBeyondIdtLimitIsGpWithIdtAndExtBits() {
        gate(Vectors.GP, 0xE, 0);
        cpu.idtLimit = 0x20 * 8 - 1;
        rig.flags(Flags.IF);
        cpu.pic = once(0x20);
        rig.code(Rig.CODE, 0x90, 0xF4);
        assertInHandler(Vectors.GP);
        assertEquals(0x20 * 8 + 2 + 1, rig.stack(0));
        assertEquals(Rig.CODE, rig.stack(4), "the interrupted instruction");
    }

    @Test
    void notPresentGateIsNpWithExt() {
        rig.gateAt(Rig.IDT + Vectors.UD * 8, Rig.CODE0, HANDLERS, 0xE, 0, false, 0);
        gate(Vectors.NP, 0xE, 0);
        rig.code(Rig.CODE, 0x0F, 0xFF);
        assertInHandler(Vectors.NP);
        assertEquals(Vectors.UD * 8 + 2 + 1, rig.stack(0));
        assertEquals(Rig.CODE, rig.stack(4));
    }

    @Test
    void contributoryDuringContributoryIsDoubleFault() {
        rig.gateAt(Rig.IDT + Vectors.GP * 8, Rig.CODE0, HANDLERS, 0xE, 0, false, 0);
        gate(Vectors.DF, 0xE, 0);
        rig.setRing(3);
        rig.code(Rig.CODE, 0xF4);
        assertInHandler(Vectors.DF);
        assertEquals(0, rig.stack(0));
        assertEquals(Rig.CODE, rig.stack(4));
        assertEquals(Rig.CODE3, rig.stack(8));
        assertEquals(Rig.DATA3, rig.stack(20));
    }

    @Test
    void faultWhileDeliveringDoubleFaultShutsDown() {
        rig.gateAt(Rig.IDT + Vectors.GP * 8, Rig.CODE0, HANDLERS, 0xE, 0, false, 0);
        rig.gateAt(Rig.IDT + Vectors.DF * 8, Rig.CODE0, HANDLERS, 0xE, 0, false, 0);
        rig.setRing(3);
        rig.code(Rig.CODE, 0xF4);
        assertEquals(new Exit.Shutdown("triple fault"), rig.run());
    }

    @Test
    void benignThenContributoryIsNotDoubleFault() {
        // #UD's handler segment is not present: #NP(handler CS + EXT), not #DF.
        rig.segment(0x48, 0, 0xFFFFF, 0x1A, 0xC);
        rig.idtGate(Vectors.UD, 0x48, 0, 0xE, 0);
        gate(Vectors.NP, 0xE, 0);
        gate(Vectors.DF, 0xE, 0);
        rig.code(Rig.CODE, 0x0F, 0xFF);
        assertInHandler(Vectors.NP);
        assertEquals(0x48 | 1, rig.stack(0));
    }

    @Test
    void softwareInterruptChecksGateDplAndLeavesStateOnFault() {
        gate(0x80, 0xE, 0);
        rig.setRing(3);
        cpu.eip = Rig.CODE;
        cpu.nextEip = Rig.CODE + 2;
        CpuFault f = assertThrows(CpuFault.class, () -> Interrupts.deliver(cpu, 0x80, 0, false, Cpu.EVENT_SOFTWARE));
        assertEquals(Vectors.GP, f.vector);
        assertEquals(0x80 * 8 + 2, f.errorCode);
        assertEquals(3, cpu.cpl);
        assertEquals(Rig.STACK3, cpu.r[Reg.ESP]);
        assertEquals(Rig.CODE3, cpu.segSel[Seg.CS]);
    }

    @Test
    void softwareInterruptReturnsPastTheInstruction() {
        gate(0x80, 0xE, 3);
        rig.setRing(3);
        cpu.eip = Rig.CODE;
        cpu.nextEip = Rig.CODE + 2;
        Interrupts.deliver(cpu, 0x80, 0, false, Cpu.EVENT_SOFTWARE);
        assertEquals(HANDLERS + 0x800, cpu.eip);
        assertEquals(HANDLERS + 0x800, cpu.nextEip);
        assertEquals(Rig.CODE + 2, rig.stack(0));
        assertEquals(Rig.STACK0 - 20, cpu.r[Reg.ESP]);
    }

    @Test
    void badTssStackFaultsBeforeAnythingIsCommitted() {
        gate(0x80, 0xE, 3);
        rig.mem.write32(Rig.TSS + 8, 0); // SS0 null
        rig.setRing(3);
        rig.flags(Flags.IF);
        cpu.eip = Rig.CODE;
        cpu.nextEip = Rig.CODE + 2;
        CpuFault f = assertThrows(CpuFault.class, () -> Interrupts.deliver(cpu, 0x80, 0, false, Cpu.EVENT_SOFTWARE));
        assertEquals(Vectors.TS, f.vector);
        assertEquals(0, f.errorCode);
        assertEquals(Rig.STACK3, cpu.r[Reg.ESP]);
        assertEquals(Rig.DATA3, cpu.segSel[Seg.SS]);
        assertEquals(3, cpu.cpl);
        assertEquals(Flags.IF | 2, cpu.getEflags());
    }

    @Test
    void sixteenBitInterruptGatePushesWords() {
        rig.idtGate(0x41, Rig.CODE0, 0x1F000, 0x6, 0); // a 16-bit gate keeps only offset 0xF000
        rig.code(0xF000, 0xF4);
        rig.flags(Flags.IF | Flags.CF);
        cpu.pic = once(0x41);
        rig.code(Rig.CODE, 0x90, 0xF4);
        assertInstanceOf(Exit.Halted.class, rig.run());
        assertEquals(0xF001, cpu.eip);
        assertEquals(Rig.STACK0 - 6, cpu.r[Reg.ESP]);
        assertEquals(Rig.CODE & 0xFFFF, rig.mem.read16(Rig.STACK0 - 6));
        assertEquals(Rig.CODE0, rig.mem.read16(Rig.STACK0 - 4));
        assertEquals(Flags.IF | Flags.CF | 2, rig.mem.read16(Rig.STACK0 - 2));
    }

    @Test
    void realModeUsesIvtAndPushesFlagsCsIp() {
        cpu.cr0 &= ~Cpu.CR0_PE;
        cpu.idtBase = 0;
        cpu.idtLimit = 0x3FF;
        cpu.refreshSegments();
        cpu.setSegment(Seg.CS, 0x1000, 0x10000, 0xFFFF, 0x9B);
        cpu.setSegment(Seg.SS, 0x0800, 0x8000, 0xFFFF, 0x93);
        cpu.r[Reg.ESP] = 0x1000;
        rig.mem.write16(0x10 * 4, 0x0100);
        rig.mem.write16(0x10 * 4 + 2, 0x2000);
        rig.code(0x20100, 0xF4);
        rig.flags(Flags.IF | Flags.TF | Flags.ZF);
        cpu.eip = 0x0034;
        cpu.nextEip = 0x0036;
        Interrupts.deliver(cpu, 0x10, 0, false, Cpu.EVENT_SOFTWARE);
        assertEquals(0x0100, cpu.eip);
        assertEquals(0x20000, cpu.segBase[Seg.CS]);
        assertEquals(0x0FFA, cpu.r[Reg.ESP]);
        assertEquals(0x0036, rig.mem.read16(0x8FFA));
        assertEquals(0x1000, rig.mem.read16(0x8FFC));
        assertEquals(Flags.IF | Flags.TF | Flags.ZF | 2, rig.mem.read16(0x8FFE));
        assertEquals(0, cpu.getEflags() & (Flags.IF | Flags.TF));
    }

    @Test
    void fromV86PushesDataSegmentsAndNullsThem() {
        gate(0x30, 0xE, 0);
        cpu.setEflags(Flags.VM | Flags.IF | Flags.IOPL | 2);
        cpu.cpl = 3;
        int[] sels = {0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666};
        for (int s = 0; s < 6; s++) Segments.loadReal(cpu, s, sels[s]);
        cpu.r[Reg.ESP] = 0xFFF0;
        cpu.eip = 0x1234;
        Interrupts.deliver(cpu, 0x30, 0, false, Cpu.EVENT_EXTERNAL);
        assertEquals(HANDLERS + 0x300, cpu.eip);
        assertEquals(0, cpu.cpl);
        assertEquals(Rig.STACK0 - 36, cpu.r[Reg.ESP]);
        int[] expected = {0x1234, 0x2222, Flags.VM | Flags.IF | Flags.IOPL | 2, 0xFFF0, 0x3333, 0x1111, 0x4444, 0x5555, 0x6666};
        for (int k = 0; k < 9; k++) assertEquals(expected[k], rig.stack(4 * k), "slot " + k);
        for (int s : new int[] {Seg.ES, Seg.DS, Seg.FS, Seg.GS}) assertEquals(0, cpu.segSel[s]);
        assertEquals(0, cpu.getEflags() & (Flags.VM | Flags.IF));
    }

    @Test
    void fromV86ToNonZeroDplHandlerIsGp() {
        rig.idtGate(0x30, Rig.CODE1 & ~3, HANDLERS, 0xE, 3);
        cpu.setEflags(Flags.VM | Flags.IOPL | 2);
        cpu.cpl = 3;
        for (int s = 0; s < 6; s++) Segments.loadReal(cpu, s, 0x100);
        CpuFault f = assertThrows(CpuFault.class, () -> Interrupts.deliver(cpu, 0x30, 0, false, Cpu.EVENT_SOFTWARE));
        assertEquals(Vectors.GP, f.vector);
        assertEquals(Rig.CODE1 & ~3, f.errorCode);
    }

    @Test
    void v86Int3IsNotIoplSensitive() {
        // Vol. 2 INT n/INTO/INT3: only INT n raises #GP(0) in V86 mode with IOPL < 3 (exec.InterruptOps
        // checks that); INT3 and INTO go through their DPL-3 gates to the ring-0 handler.
        gate(3, 0xE, 3);
        cpu.setEflags(Flags.VM | 2);
        cpu.cpl = 3;
        for (int s = 0; s < 6; s++) Segments.loadReal(cpu, s, 0x100);
        cpu.r[Reg.ESP] = 0xFFF0;
        cpu.eip = 0x1234;
        cpu.nextEip = 0x1235;
        Interrupts.deliver(cpu, 3, 0, false, Cpu.EVENT_SOFTWARE);
        assertEquals(HANDLERS + 3 * 16, cpu.eip);
        assertEquals(0, cpu.cpl);
        assertEquals(0x1235, rig.stack(0), "INT3 is a trap: the return address is past it");
    }

    @Test
    void expandDownInnerStackWithoutRoomIsSsWithSelectorAndExt() {
        rig.segment(0x50, 0, 0x8FF0, 0x96, 0x4); // expand-down, big: valid offsets 0x8FF1..0xFFFFFFFF
        rig.mem.write32(Rig.TSS + 8, 0x50);
        gate(0x40, 0xE, 0);
        rig.setRing(3);
        cpu.interceptExceptions = true; // the nested fault leaves as an exit, EXT bit included
        cpu.pic = once(0x40);
        rig.flags(Flags.IF);
        rig.code(Rig.CODE, 0x90);
        // ESP0 = 0x9000: the 20-byte frame would reach 0x8FEC, below the expand-down limit.
        assertEquals(Rig.fault(Vectors.SS, 0x50 | 1), rig.run());
        assertEquals(Rig.CODE, cpu.eip);
        assertEquals(3, cpu.cpl);
        assertEquals(Rig.STACK3, cpu.r[Reg.ESP]);
        // With room for the frame the same stack works.
        rig.segment(0x50, 0, 0x8FE0, 0x96, 0x4);
        cpu.interceptExceptions = false;
        cpu.pic = once(0x40);
        assertInHandler(0x40);
        assertEquals(Rig.STACK0 - 20, cpu.r[Reg.ESP]);
    }
}
