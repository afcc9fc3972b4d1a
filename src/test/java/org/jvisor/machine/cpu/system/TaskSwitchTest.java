package org.jvisor.machine.cpu.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hardware task switches through TSS descriptors and task gates (SDM Vol. 3A 7.3). */
class TaskSwitchTest {
    private static final int TARGET = 0x20000, T2 = Rig.TSS2, T2_STACK = 0x7000;
    private Rig rig;
    private Cpu cpu;

    @BeforeEach
    void setUp() {
        rig = new Rig();
        cpu = rig.cpu;
        rig.code(TARGET, 0xF4);
        rig.mem.write32(T2 + 0x20, TARGET);
        rig.mem.write32(T2 + 0x24, Flags.CF | 2);
        for (int k = 0; k < 8; k++) rig.mem.write32(T2 + 0x28 + 4 * k, 0x100 + k);
        rig.mem.write32(T2 + 0x38, T2_STACK);
        int[] sels = {Rig.DATA0, Rig.CODE0, Rig.DATA0, Rig.DATA0, 0, 0};
        for (int s = 0; s < 6; s++) rig.mem.write32(T2 + 0x48 + 4 * s, sels[s]);
        for (int k = 0; k < 8; k++) cpu.r[k] = 0xA0 + k;
        cpu.r[Reg.ESP] = Rig.STACK0;
        rig.flags(Flags.IF);
    }

    private int typeByte(int sel) {
        return rig.mem.read8(Rig.GDT + sel + 5);
    }

    private static int[] far(int opcode, int sel) {
        return new int[] {opcode, 0, 0, 0, 0, sel & 0xFF, sel >> 8};
    }

    @Test
    void jumpToTssSavesOldStateAndLoadsNew() {
        rig.code(Rig.CODE, far(0xEA, Rig.TSS2_SEL));
        assertInstanceOf(Exit.Halted.class, rig.run());
        assertEquals(TARGET + 1, cpu.eip);
        for (int k = 0; k < 8; k++) assertEquals(k == Reg.ESP ? T2_STACK : 0x100 + k, cpu.r[k]);
        assertEquals(Flags.CF | 2, cpu.getEflags());
        assertEquals(Rig.TSS2_SEL, cpu.segSel[Seg.TR]);
        assertEquals(0x8B, typeByte(Rig.TSS2_SEL), "new TSS busy");
        assertEquals(0x89, typeByte(Rig.TSS_SEL), "JMP clears the old busy bit");
        assertEquals(Cpu.CR0_TS, cpu.cr0 & Cpu.CR0_TS);
        assertEquals(Rig.CODE + 7, rig.mem.read32(Rig.TSS + 0x20));
        assertEquals(Flags.IF | 2, rig.mem.read32(Rig.TSS + 0x24));
        assertEquals(0xA0, rig.mem.read32(Rig.TSS + 0x28));
        assertEquals(Rig.STACK0, rig.mem.read32(Rig.TSS + 0x38));
        assertEquals(Rig.CODE0, rig.mem.read32(Rig.TSS + 0x4C));
        assertEquals(0, rig.mem.read16(T2), "no back link for JMP");
    }

    @Test
    void callNestsAndIretReturns() {
        rig.code(TARGET, 0xCF); // the new task returns at once
        rig.code(Rig.CODE, far(0x9A, Rig.TSS2_SEL));
        rig.code(Rig.CODE + 7, 0xF4);
        cpu.run(1);
        assertEquals(TARGET, cpu.eip);
        assertEquals(Flags.NT | Flags.CF | 2, cpu.getEflags());
        assertEquals(Rig.TSS_SEL, rig.mem.read16(T2));
        assertEquals(0x8B, typeByte(Rig.TSS_SEL), "CALL keeps the old task busy");
        assertEquals(0x8B, typeByte(Rig.TSS2_SEL));
        assertInstanceOf(Exit.Halted.class, rig.run());
        assertEquals(Rig.CODE + 8, cpu.eip);
        assertEquals(Rig.TSS_SEL, cpu.segSel[Seg.TR]);
        assertEquals(0xA3, cpu.r[Reg.EBX]);
        assertEquals(Flags.IF | 2, cpu.getEflags());
        assertEquals(0x89, typeByte(Rig.TSS2_SEL), "IRET clears the busy bit of the task it leaves");
        assertEquals(Flags.CF | 2, rig.mem.read32(T2 + 0x24), "saved EFLAGS with NT cleared");
    }

    @Test
    void exceptionThroughTaskGatePushesErrorCodeOnNewStack() {
        rig.gateAt(Rig.IDT + Vectors.GP * 8, Rig.TSS2_SEL, 0, 0x5, 0, true, 0);
        rig.setRing(3);
        rig.code(Rig.CODE, 0xF4);
        assertInstanceOf(Exit.Halted.class, rig.run());
        assertEquals(TARGET + 1, cpu.eip);
        assertEquals(T2_STACK - 4, cpu.r[Reg.ESP]);
        assertEquals(0, rig.mem.read32(T2_STACK - 4));
        assertEquals(Rig.TSS_SEL, rig.mem.read16(T2));
        assertEquals(Rig.CODE, rig.mem.read32(Rig.TSS + 0x20), "the faulting instruction is saved");
        assertEquals(Rig.CODE3, rig.mem.read32(Rig.TSS + 0x4C));
        assertEquals(0, cpu.cpl);
        assertEquals(Flags.NT, cpu.getEflags() & Flags.NT);
    }

    @Test
    void busyTssIsNotAJumpTarget() {
        cpu.interceptExceptions = true;
        rig.code(Rig.CODE, far(0xEA, Rig.TSS_SEL));
        assertEquals(Rig.fault(Vectors.GP, Rig.TSS_SEL), rig.run());
    }

    @Test
    void shortTssIsTs() {
        cpu.interceptExceptions = true;
        rig.segment(Rig.TSS2_SEL, Rig.TSS2, 0x60, 0x89, 0);
        rig.code(Rig.CODE, far(0xEA, Rig.TSS2_SEL));
        assertEquals(Rig.fault(Vectors.TS, Rig.TSS2_SEL), rig.run());
        assertEquals(Rig.TSS_SEL, cpu.segSel[Seg.TR]);
        assertEquals(0xA0, cpu.r[Reg.EAX]);
    }

    @Test
    void badSegmentInNewTaskFaultsInNewTask() {
        cpu.interceptExceptions = true;
        rig.mem.write32(T2 + 0x50, Rig.DATA3); // SS with RPL 3 under a ring-0 CS
        rig.code(Rig.CODE, far(0xEA, Rig.TSS2_SEL));
        assertEquals(Rig.fault(Vectors.TS, Rig.DATA3 & ~3), rig.run());
        assertEquals(TARGET, cpu.eip, "reported in the new task's context");
        assertEquals(Rig.TSS2_SEL, cpu.segSel[Seg.TR]);
        assertEquals(0x100, cpu.r[Reg.EAX]);
    }

    @Test
    void debugTrapBitRaisesDbBeforeTheNewTasksFirstInstruction() {
        rig.mem.write16(T2 + 0x64, 1);
        rig.idtGate(Vectors.DB, Rig.CODE0, 0x21000, 0xE, 0);
        rig.code(0x21000, 0xF4);
        rig.code(Rig.CODE, far(0xEA, Rig.TSS2_SEL));
        assertInstanceOf(Exit.Halted.class, rig.run());
        assertEquals(0x21001, cpu.eip);
        assertEquals(T2_STACK - 12, cpu.r[Reg.ESP]);
        assertEquals(TARGET, rig.mem.read32(T2_STACK - 12), "trap: returns to the new task's first instruction");
        assertEquals(Rig.CODE0, rig.mem.read32(T2_STACK - 8));
        assertEquals(Flags.CF | 2, rig.mem.read32(T2_STACK - 4), "a trap pushes RF clear");
        assertEquals(0x8000, cpu.dr[6] & 0x8000, "DR6.BT");
    }

    @Test
    void sixteenBitTssSwitch() {
        int t16 = 0x3C00;
        rig.segment(0x50, t16, 0x2B, 0x81, 0); // available 16-bit TSS
        rig.mem.write16(t16 + 0x0E, 0xF000);     // IP
        rig.mem.write16(t16 + 0x10, Flags.ZF | 2);
        for (int k = 0; k < 8; k++) rig.mem.write16(t16 + 0x12 + 2 * k, 0x200 + k);
        int[] sels = {Rig.DATA0, Rig.CODE0, Rig.DATA0, Rig.DATA0};
        for (int s = 0; s < 4; s++) rig.mem.write16(t16 + 0x22 + 2 * s, sels[s]);
        rig.code(0xF000, 0xF4);
        rig.code(Rig.CODE, far(0xEA, 0x50));
        assertInstanceOf(Exit.Halted.class, rig.run());
        assertEquals(0xF001, cpu.eip);
        assertEquals(0x200, cpu.r[Reg.EAX] & 0xFFFF);
        assertEquals(Flags.ZF | 2, cpu.getEflags());
        assertEquals(0x83, typeByte(0x50));
        assertEquals(0, cpu.segSel[Seg.FS]);
    }

    @Test
    void taskGateInGdtForJumpAndChecks() {
        rig.gdtGate(0x58, Rig.TSS2_SEL, 0, 0x5, 0, 0);
        rig.code(Rig.CODE, far(0xEA, 0x58));
        assertInstanceOf(Exit.Halted.class, rig.run());
        assertEquals(Rig.TSS2_SEL, cpu.segSel[Seg.TR]);
        assertEquals(TARGET + 1, cpu.eip);
    }

    @Test
    void taskGateDplAndBusyTargetChecks() {
        cpu.interceptExceptions = true;
        rig.gdtGate(0x58, Rig.TSS2_SEL, 0, 0x5, 0, 0);
        rig.setRing(3);
        rig.code(Rig.CODE, far(0xEA, 0x58 | 3));
        assertEquals(Rig.fault(Vectors.GP, 0x58), rig.run(), "gate DPL 0 < CPL 3");
        rig.setRing(0);
        rig.gdtGate(0x58, Rig.TSS_SEL, 0, 0x5, 0, 0);
        rig.code(Rig.CODE, far(0xEA, 0x58));
        assertEquals(Rig.fault(Vectors.GP, Rig.TSS_SEL), rig.run(), "the current task is busy");
    }

    @Test
    void iretWithNtNeedsABusyTaskInTheBackLink() {
        cpu.interceptExceptions = true;
        rig.mem.write16(Rig.TSS, Rig.TSS2_SEL); // back link to an available TSS
        rig.flags(Flags.NT);
        rig.code(Rig.CODE, 0xCF);
        assertEquals(Rig.fault(Vectors.TS, Rig.TSS2_SEL), rig.run());
        assertEquals(Rig.TSS_SEL, cpu.segSel[Seg.TR]);
    }
}
