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

/** Far JMP, CALL and RETF: code segments, call gates, privilege changes (SDM Vol. 3A 5.8, Vol. 2). */
class FarTransferTest {
    private static final int TARGET = 0x20000, GATE = 0x48;
    private Rig rig;
    private Cpu cpu;

    @BeforeEach
    void setUp() {
        rig = new Rig();
        cpu = rig.cpu;
        cpu.interceptExceptions = true;
        rig.code(TARGET, 0xF4);
    }

    private static int[] far(int opcode, int offset, int sel) {
        return new int[] {opcode, offset & 0xFF, offset >> 8 & 0xFF, offset >> 16 & 0xFF, offset >>> 24, sel & 0xFF, sel >> 8};
    }

    @Test
    void farJumpToCodeSegment() {
        rig.code(Rig.CODE, far(0xEA, TARGET, Rig.CODE0));
        assertInstanceOf(Exit.Halted.class, rig.run());
        assertEquals(TARGET + 1, cpu.eip);
        assertEquals(Rig.CODE0, cpu.segSel[Seg.CS]);
        assertEquals(Rig.STACK0, cpu.r[Reg.ESP]);
    }

    @Test
    void farCallPushesCsAndReturnAddress() {
        rig.code(Rig.CODE, far(0x9A, TARGET, Rig.CODE0));
        assertInstanceOf(Exit.Halted.class, rig.run());
        assertEquals(Rig.STACK0 - 8, cpu.r[Reg.ESP]);
        assertEquals(Rig.CODE + 7, rig.stack(0));
        assertEquals(Rig.CODE0, rig.stack(4));
    }

    @Test
    void sixteenBitFarCallPushesWords() {
        rig.code(0xF000, 0xF4);
        rig.code(Rig.CODE, 0x66, 0x9A, 0x00, 0xF0, Rig.CODE0, 0);
        assertInstanceOf(Exit.Halted.class, rig.run());
        assertEquals(0xF001, cpu.eip);
        assertEquals(Rig.STACK0 - 4, cpu.r[Reg.ESP]);
        assertEquals((Rig.CODE + 6) & 0xFFFF, rig.mem.read16(Rig.STACK0 - 4));
        assertEquals(Rig.CODE0, rig.mem.read16(Rig.STACK0 - 2));
    }

    @Test
    void indirectFarCallReadsPointerFromMemory() {
        rig.mem.write32(0x5000, TARGET);
        rig.mem.write16(0x5004, Rig.CODE0);
        cpu.r[Reg.EAX] = 0x5000;
        rig.code(Rig.CODE, 0xFF, 0x18); // call far [eax]
        assertInstanceOf(Exit.Halted.class, rig.run());
        assertEquals(TARGET + 1, cpu.eip);
        assertEquals(Rig.CODE + 2, rig.stack(0));
    }

    @Test
    void callGateToRing0SwitchesStackAndCopiesParameters() {
        rig.gdtGate(GATE, Rig.CODE0, TARGET, 0xC, 3, 2);
        rig.setRing(3);
        cpu.r[Reg.ESP] = Rig.STACK3 - 8;
        rig.mem.write32(Rig.STACK3 - 8, 0x1111);
        rig.mem.write32(Rig.STACK3 - 4, 0x2222);
        rig.code(Rig.CODE, far(0x9A, 0, GATE | 3));
        assertInstanceOf(Exit.Halted.class, rig.run());
        assertEquals(0, cpu.cpl);
        assertEquals(Rig.CODE0, cpu.segSel[Seg.CS]);
        assertEquals(Rig.DATA0, cpu.segSel[Seg.SS]);
        assertEquals(Rig.STACK0 - 24, cpu.r[Reg.ESP]);
        int[] expected = {Rig.CODE + 7, Rig.CODE3, 0x1111, 0x2222, Rig.STACK3 - 8, Rig.DATA3};
        for (int k = 0; k < expected.length; k++) assertEquals(expected[k], rig.stack(4 * k), "slot " + k);
    }

    @Test
    void sixteenBitCallGateCopiesWords() {
        rig.gdtGate(GATE, Rig.CODE0, 0xF000, 0x4, 3, 1);
        rig.code(0xF000, 0xF4);
        rig.setRing(3);
        rig.mem.write16(Rig.STACK3, 0xABCD);
        rig.code(Rig.CODE, far(0x9A, 0, GATE | 3));
        assertInstanceOf(Exit.Halted.class, rig.run());
        assertEquals(Rig.STACK0 - 10, cpu.r[Reg.ESP]);
        int[] expected = {(Rig.CODE + 7) & 0xFFFF, Rig.CODE3, 0xABCD, Rig.STACK3 & 0xFFFF, Rig.DATA3};
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], rig.mem.read16(Rig.STACK0 - 10 + 2 * k), "slot " + k);
        }
    }

    @Test
    void retfToOuterLevelRestoresStackAndNullsPrivilegedDataSegments() {
        cpu.setSegment(Seg.ES, Rig.DATA3, 0, 0xFFFFFFFF, 0xC0F3);
        int[] frame = {TARGET, Rig.CODE3, 0x1111, 0x2222, Rig.STACK3 - 8, Rig.DATA3};
        cpu.r[Reg.ESP] = Rig.STACK0 - 24;
        for (int k = 0; k < frame.length; k++) rig.mem.write32(Rig.STACK0 - 24 + 4 * k, frame[k]);
        rig.code(Rig.CODE, 0xCA, 8, 0); // retf 8
        assertEquals(Rig.fault(Vectors.GP, 0), rig.run()); // the HLT at ring 3
        assertEquals(TARGET, cpu.eip);
        assertEquals(3, cpu.cpl);
        assertEquals(Rig.CODE3, cpu.segSel[Seg.CS]);
        assertEquals(Rig.DATA3, cpu.segSel[Seg.SS]);
        assertEquals(Rig.STACK3, cpu.r[Reg.ESP]);
        assertEquals(0, cpu.segSel[Seg.DS], "DPL 0 data is nulled");
        assertEquals(Rig.DATA3, cpu.segSel[Seg.ES], "DPL 3 data stays");
    }

    @Test
    void retfToInnerLevelIsGp() {
        rig.setRing(3);
        rig.mem.write32(Rig.STACK3, TARGET);
        rig.mem.write32(Rig.STACK3 + 4, Rig.CODE0);
        rig.code(Rig.CODE, 0xCB);
        assertEquals(Rig.fault(Vectors.GP, Rig.CODE0), rig.run());
        assertEquals(Rig.STACK3, cpu.r[Reg.ESP]);
    }

    @Test
    void directJumpChecks() {
        rig.segment(0x50, 0, 0xFFFFF, 0x9E, 0xC); // conforming DPL 0
        rig.segment(0x58, 0, 0xFFFFF, 0x1A, 0xC); // not present
        rig.setRing(3);
        rig.code(Rig.CODE, far(0xEA, TARGET, Rig.CODE0));
        assertEquals(Rig.fault(Vectors.GP, Rig.CODE0), rig.run());
        rig.code(Rig.CODE, far(0xEA, TARGET, Rig.DATA3));
        assertEquals(Rig.fault(Vectors.GP, Rig.DATA3 & ~3), rig.run());
        rig.code(Rig.CODE, far(0xEA, TARGET, 0));
        assertEquals(Rig.fault(Vectors.GP, 0), rig.run());
        rig.setRing(0);
        rig.code(Rig.CODE, far(0xEA, TARGET, 0x58));
        assertEquals(Rig.fault(Vectors.NP, 0x58), rig.run());
        rig.setRing(3);
        rig.code(Rig.CODE, far(0xEA, TARGET, 0x50));
        assertEquals(Rig.fault(Vectors.GP, 0), rig.run(), "conforming: CPL stays 3, HLT faults");
        assertEquals(3, cpu.cpl);
        assertEquals(0x53, cpu.segSel[Seg.CS]);
    }

    @Test
    void offsetBeyondLimitIsGp0AndPushesNothing() {
        rig.segment(0x50, 0, 0xFFFF, 0x9A, 0x4);
        rig.code(Rig.CODE, far(0x9A, 0x10000, 0x50));
        assertEquals(Rig.fault(Vectors.GP, 0), rig.run());
        assertEquals(Rig.STACK0, cpu.r[Reg.ESP]);
        assertEquals(Rig.CODE, cpu.eip);
    }

    @Test
    void callGateChecks() {
        rig.gdtGate(GATE, Rig.CODE0, TARGET, 0xC, 0, 0);
        rig.setRing(3);
        rig.code(Rig.CODE, far(0x9A, 0, GATE | 3));
        assertEquals(Rig.fault(Vectors.GP, GATE), rig.run(), "gate DPL < CPL");
        rig.gateAt(Rig.GDT + GATE, Rig.CODE0, TARGET, 0xC, 3, false, 0);
        assertEquals(Rig.fault(Vectors.NP, GATE), rig.run());
        rig.gdtGate(GATE, Rig.DATA0, TARGET, 0xC, 3, 0);
        assertEquals(Rig.fault(Vectors.GP, Rig.DATA0), rig.run(), "target not code");
        rig.gdtGate(GATE, Rig.CODE0, TARGET, 0xC, 3, 0);
        rig.code(Rig.CODE, far(0xEA, 0, GATE | 3));
        assertEquals(Rig.fault(Vectors.GP, Rig.CODE0), rig.run(), "JMP through a gate never raises privilege");
    }

    @Test
    void innerStackFaultsUseTsAndSs() {
        rig.gdtGate(GATE, Rig.CODE0, TARGET, 0xC, 3, 0);
        rig.setRing(3);
        rig.code(Rig.CODE, far(0x9A, 0, GATE | 3));
        rig.mem.write32(Rig.TSS + 8, Rig.DATA3);
        assertEquals(Rig.fault(Vectors.TS, Rig.DATA3 & ~3), rig.run(), "SS0 RPL != 0");
        rig.segment(0x50, 0, 0xFFFFF, 0x12, 0xC);
        rig.mem.write32(Rig.TSS + 8, 0x50);
        assertEquals(Rig.fault(Vectors.SS, 0x50), rig.run(), "SS0 not present");
        rig.segment(0x50, 0, 0x10, 0x92, 0x4);
        rig.mem.write32(Rig.TSS + 4, 0xC);
        assertEquals(Rig.fault(Vectors.SS, 0x50), rig.run(), "16 bytes do not fit below offset 0xC");
        assertEquals(3, cpu.cpl);
        assertEquals(Rig.STACK3, cpu.r[Reg.ESP]);
    }

    @Test
    void realModeFarCallAndReturn() {
        cpu.cr0 &= ~Cpu.CR0_PE;
        cpu.refreshSegments();
        cpu.setSegment(Seg.CS, 0x1000, 0x10000, 0xFFFF, 0x9B);
        cpu.setSegment(Seg.SS, 0, 0, 0xFFFF, 0x93);
        cpu.r[Reg.ESP] = 0x7000;
        cpu.eip = 0;
        rig.code(0x10000, 0x9A, 0x10, 0x00, 0x00, 0x30, 0xF4); // call 3000:0010 ; hlt
        rig.code(0x30010, 0xCB); // retf
        assertInstanceOf(Exit.Halted.class, rig.run());
        assertEquals(6, cpu.eip);
        assertEquals(0x10000, cpu.segBase[Seg.CS]);
        assertEquals(0x7000, cpu.r[Reg.ESP]);
        assertEquals(5, rig.mem.read16(0x6FFC));
        assertEquals(0x1000, rig.mem.read16(0x6FFE));
    }

    @Test
    void callGateAtTheSameLevelPushesWithTheGateSize() {
        rig.gdtGate(GATE, Rig.CODE3, TARGET, 0xC, 3, 3); // parameters are ignored without a stack switch
        rig.setRing(3);
        rig.code(Rig.CODE, 0x66, 0x9A, 0, 0, GATE | 3, 0); // a 16-bit CALL through a 32-bit gate
        assertEquals(Rig.fault(Vectors.GP, 0), rig.run()); // HLT at ring 3
        assertEquals(TARGET, cpu.eip);
        assertEquals(Rig.STACK3 - 8, cpu.r[Reg.ESP]);
        assertEquals(Rig.CODE + 6, rig.stack(0));
        assertEquals(Rig.CODE3, rig.stack(4));
        assertEquals(3, cpu.cpl);
    }
}
