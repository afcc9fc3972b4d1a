package org.jvisor.machine.cpu.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Page faults during delivery (SDM 6.15 Table 6-5): #PF while delivering #PF is a double
 * fault; a #DF handler reached through a task gate gets a good stack, the classic way to
 * survive a kernel stack overflow. A #PF while delivering #DF shuts down.
 */
class InterruptDoubleFaultTest {
    private static final int PD = 0x40000, PT = 0x41000, TARGET = 0x20000, T2_STACK = 0x7000;
    private Rig rig;
    private Cpu cpu;

    @BeforeEach
    void setUp() {
        rig = new Rig();
        cpu = rig.cpu;
        rig.mem.write32(PD, PT | 3);
        for (int page = 0; page < 256; page++) rig.mem.write32(PT + 4 * page, page << 12 | 3);
        rig.mem.write32(PT + 4 * 8, 0); // the ring-0 stack page (0x8000-0x8FFF) is not present
        cpu.cr3 = PD;
        cpu.cr0 |= Cpu.CR0_PG;
        cpu.paging.flushAll();
        rig.code(TARGET, 0xF4);
        rig.code(Rig.CODE, 0xA1, 0, 0, 0x40, 0); // mov eax, [0x400000]: not mapped
        rig.idtGate(Vectors.PF, Rig.CODE0, TARGET, 0xE, 0);
    }

    @Test
    void pageFaultPushingPageFaultFrameIsDoubleFaultToTaskGate() {
        rig.gateAt(Rig.IDT + Vectors.DF * 8, Rig.TSS2_SEL, 0, 0x5, 0, true, 0);
        int t2 = Rig.TSS2;
        rig.mem.write32(t2 + 0x1C, PD);
        rig.mem.write32(t2 + 0x20, TARGET);
        rig.mem.write32(t2 + 0x24, 2);
        rig.mem.write32(t2 + 0x38, T2_STACK);
        int[] sels = {Rig.DATA0, Rig.CODE0, Rig.DATA0, Rig.DATA0, 0, 0};
        for (int s = 0; s < 6; s++) rig.mem.write32(t2 + 0x48 + 4 * s, sels[s]);
        assertInstanceOf(Exit.Halted.class, rig.run());
        assertEquals(TARGET + 1, cpu.eip);
        assertEquals(Rig.TSS2_SEL, cpu.segSel[Seg.TR]);
        assertEquals(T2_STACK - 4, cpu.r[Reg.ESP]);
        assertEquals(0, rig.mem.read32(T2_STACK - 4), "#DF error code");
        assertEquals(Rig.STACK0 - 4, cpu.cr2, "CR2 names the failed push of the #PF frame");
        assertEquals(Rig.CODE, rig.mem.read32(Rig.TSS + 0x20), "the old task resumes at the faulting MOV");
        assertEquals(Rig.STACK0, rig.mem.read32(Rig.TSS + 0x38), "nothing of the failed frame is visible");
    }

    @Test
    void pageFaultWhileDeliveringDoubleFaultIsTripleFault() {
        rig.idtGate(Vectors.DF, Rig.CODE0, TARGET, 0xE, 0);
        assertEquals(new Exit.Shutdown("triple fault"), rig.run());
    }

    @Test
    void contributoryAfterPageFaultIsDoubleFault() {
        rig.mem.write32(PT + 4 * 8, 0x8000 | 3);
        rig.segment(0x48, 0, 0xFFFFF, 0x1A, 0xC); // #PF handler's code segment not present
        rig.idtGate(Vectors.PF, 0x48, TARGET, 0xE, 0);
        rig.idtGate(Vectors.DF, Rig.CODE0, TARGET, 0xE, 0);
        assertInstanceOf(Exit.Halted.class, rig.run());
        assertEquals(Rig.STACK0 - 16, cpu.r[Reg.ESP]);
        assertEquals(0, rig.stack(0));
        assertEquals(Rig.CODE, rig.stack(4));
        assertEquals(0x400000, cpu.cr2);
    }
}
