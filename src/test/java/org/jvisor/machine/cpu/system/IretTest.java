package org.jvisor.machine.cpu.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** IRET in every mode and the EFLAGS it may change (SDM Vol. 2 IRET). */
class IretTest {
    private static final int TARGET = 0x20000;
    private Rig rig;
    private Cpu cpu;

    @BeforeEach
    void setUp() {
        rig = new Rig();
        cpu = rig.cpu;
        cpu.interceptExceptions = true;
        rig.code(TARGET, 0xF4);
        rig.code(Rig.CODE, 0xCF);
    }

    private void frame(int... dwords) {
        cpu.r[Reg.ESP] -= 4 * dwords.length;
        for (int k = 0; k < dwords.length; k++) rig.mem.write32(cpu.r[Reg.ESP] + 4 * k, dwords[k]);
    }

    @Test
    void sameLevelAtRing0LoadsAllFlags() {
        frame(TARGET, Rig.CODE0, Flags.IOPL | Flags.IF | Flags.CF | Flags.AC | 2);
        assertInstanceOf(Exit.Halted.class, rig.run());
        assertEquals(TARGET + 1, cpu.eip);
        assertEquals(Rig.STACK0, cpu.r[Reg.ESP]);
        assertEquals(Flags.IOPL | Flags.IF | Flags.CF | Flags.AC | 2, cpu.getEflags());
    }

    @Test
    void ring3WithIopl0CannotChangeIfOrIopl() {
        rig.setRing(3);
        frame(TARGET, Rig.CODE3, Flags.IOPL | Flags.IF | Flags.CF | 2);
        assertEquals(Rig.fault(Vectors.GP, 0), rig.run()); // HLT at ring 3
        assertEquals(TARGET, cpu.eip);
        assertEquals(Flags.CF | 2, cpu.getEflags());
    }

    @Test
    void ring3WithIopl3ChangesIfButNotIopl() {
        rig.setRing(3);
        rig.flags(Flags.IOPL);
        frame(TARGET, Rig.CODE3, Flags.IF | 2);
        assertEquals(Rig.fault(Vectors.GP, 0), rig.run());
        assertEquals(Flags.IOPL | Flags.IF | 2, cpu.getEflags());
    }

    @Test
    void toOuterLevelPopsStackAndNullsDataSegments() {
        cpu.setSegment(Seg.FS, Rig.DATA3, 0, 0xFFFFFFFF, 0xC0F3);
        frame(TARGET, Rig.CODE3, Flags.IF | 2, Rig.STACK3 - 16, Rig.DATA3);
        assertEquals(Rig.fault(Vectors.GP, 0), rig.run());
        assertEquals(3, cpu.cpl);
        assertEquals(Rig.STACK3 - 16, cpu.r[Reg.ESP]);
        assertEquals(Rig.DATA3, cpu.segSel[Seg.SS]);
        assertEquals(0, cpu.segSel[Seg.DS]);
        assertEquals(0, cpu.segSel[Seg.ES]);
        assertEquals(0, cpu.segSel[Seg.GS]);
        assertEquals(Rig.DATA3, cpu.segSel[Seg.FS]);
        assertEquals(Flags.IF | 2, cpu.getEflags());
    }

    @Test
    void returnToMorePrivilegedCodeIsGp() {
        rig.setRing(3);
        frame(TARGET, Rig.CODE0, 2);
        assertEquals(Rig.fault(Vectors.GP, Rig.CODE0), rig.run());
        assertEquals(Rig.STACK3 - 12, cpu.r[Reg.ESP]);
    }

    @Test
    void outerReturnWithBadStackSegmentIsGp() {
        frame(TARGET, Rig.CODE3, 2, Rig.STACK3, Rig.DATA0);
        assertEquals(Rig.fault(Vectors.GP, Rig.DATA0), rig.run());
        assertEquals(0, cpu.cpl);
    }

    @Test
    void toVirtual8086Mode() {
        rig.code(0x20100, 0xF4);
        frame(0x100, 0x2000, Flags.VM | Flags.IF | 2, 0xFFE, 0x3000, 0x4000, 0x5000, 0x6000, 0x7000);
        assertEquals(Rig.fault(Vectors.GP, 0), rig.run()); // HLT in V86 mode
        assertTrue(cpu.isV86());
        assertEquals(3, cpu.cpl);
        assertEquals(0x100, cpu.eip);
        assertEquals(0xFFE, cpu.r[Reg.ESP]);
        int[] sels = {0x4000, 0x2000, 0x3000, 0x5000, 0x6000, 0x7000};
        for (int s = 0; s < 6; s++) {
            assertEquals(sels[s], cpu.segSel[s]);
            assertEquals(sels[s] << 4, cpu.segBase[s]);
            assertEquals(0xFFFF, cpu.segLimit[s]);
        }
    }

    @Test
    void insideV86ModeNeedsIopl3() {
        cpu.setEflags(Flags.VM | 2);
        cpu.cpl = 3;
        for (int s = 0; s < 6; s++) Segments.loadReal(cpu, s, 0x1000);
        cpu.eip = 0;
        cpu.r[Reg.ESP] = 0x100;
        assertEquals(Rig.fault(Vectors.GP, 0), rig.run());
        assertEquals(0, cpu.eip);
        // With IOPL 3 a 16-bit IRET pops IP, CS, FLAGS and keeps IOPL.
        cpu.setEflags(Flags.VM | Flags.IOPL | 2);
        rig.mem.write16(0x10100, 0x0010);
        rig.mem.write16(0x10102, 0x2000);
        rig.mem.write16(0x10104, Flags.CF | Flags.IF | 2);
        rig.code(0x20010, 0xF4);
        assertEquals(Rig.fault(Vectors.GP, 0), rig.run());
        assertEquals(0x10, cpu.eip);
        assertEquals(0x20000, cpu.segBase[Seg.CS]);
        assertEquals(Flags.VM | Flags.IOPL | Flags.CF | Flags.IF | 2, cpu.getEflags());
    }

    @Test
    void sixteenBitIretPopsWords() {
        rig.code(0xF000, 0xF4);
        rig.code(Rig.CODE, 0x66, 0xCF);
        cpu.r[Reg.ESP] = Rig.STACK0 - 6;
        rig.mem.write16(Rig.STACK0 - 6, 0xF000);
        rig.mem.write16(Rig.STACK0 - 4, Rig.CODE0);
        rig.mem.write16(Rig.STACK0 - 2, Flags.ZF | 2);
        rig.flags(Flags.AC);
        assertInstanceOf(Exit.Halted.class, rig.run());
        assertEquals(0xF001, cpu.eip);
        assertEquals(Flags.AC | Flags.ZF | 2, cpu.getEflags(), "a 16-bit image leaves AC alone");
    }

    @Test
    void realModeIret() {
        cpu.cr0 &= ~Cpu.CR0_PE;
        cpu.refreshSegments();
        cpu.setSegment(Seg.CS, 0x1000, 0x10000, 0xFFFF, 0x9B);
        cpu.setSegment(Seg.SS, 0, 0, 0xFFFF, 0x93);
        cpu.eip = 0;
        cpu.r[Reg.ESP] = 0x7000;
        rig.mem.write16(0x7000, 0x0010);
        rig.mem.write16(0x7002, 0x2000);
        rig.mem.write16(0x7004, Flags.IOPL | Flags.SF | 2);
        rig.code(0x20010, 0xF4);
        assertInstanceOf(Exit.Halted.class, rig.run());
        assertEquals(0x11, cpu.eip);
        assertEquals(0x7006, cpu.r[Reg.ESP]);
        assertEquals(Flags.IOPL | Flags.SF | 2, cpu.getEflags());
    }

    @Test
    void interruptFromRing3AndIretBack() {
        rig.idtGate(0x80, Rig.CODE0, 0x21000, 0xE, 3);
        rig.code(0x21000, 0xCF);
        rig.setRing(3);
        rig.flags(Flags.IF | Flags.CF);
        cpu.eip = Rig.CODE;
        cpu.nextEip = Rig.CODE + 2;
        rig.code(Rig.CODE + 2, 0xF4);
        Interrupts.deliver(cpu, 0x80, 0, false, Cpu.EVENT_SOFTWARE);
        assertEquals(0, cpu.getEflags() & Flags.IF);
        assertEquals(Rig.fault(Vectors.GP, 0), rig.run());
        assertEquals(Rig.CODE + 2, cpu.eip);
        assertEquals(3, cpu.cpl);
        assertEquals(Rig.STACK3, cpu.r[Reg.ESP]);
        assertEquals(Rig.DATA3, cpu.segSel[Seg.SS]);
        assertEquals(Flags.IF | Flags.CF | 2, cpu.getEflags());
    }

    @Test
    void resumeFlagLastsOneInstruction() {
        rig.code(TARGET, 0x90, 0xF4);
        frame(TARGET, Rig.CODE0, Flags.RF | 2);
        cpu.run(1);
        assertEquals(TARGET, cpu.eip);
        assertEquals(Flags.RF, cpu.getEflags() & Flags.RF, "IRET restores RF");
        assertInstanceOf(Exit.Halted.class, rig.run());
        assertEquals(0, cpu.getEflags() & Flags.RF, "cleared once an instruction completes");
    }

    @Test
    void v86InterruptRoundTripRestoresEverySegment() {
        rig.idtGate(0x30, Rig.CODE0, 0x21000, 0xE, 0);
        rig.code(0x21000, 0xCF);
        cpu.setEflags(Flags.VM | Flags.IF | Flags.IOPL | 2);
        cpu.cpl = 3;
        int[] sels = {0x1111, 0x2000, 0x3333, 0x4444, 0x5555, 0x6666};
        for (int s = 0; s < 6; s++) Segments.loadReal(cpu, s, sels[s]);
        cpu.r[Reg.ESP] = 0xFFF0;
        cpu.eip = 0x0040;
        rig.code(0x20040, 0xF4);
        Interrupts.deliver(cpu, 0x30, 0, false, Cpu.EVENT_EXTERNAL);
        assertEquals(0, cpu.cpl);
        assertEquals(Rig.fault(Vectors.GP, 0), rig.run()); // back in V86 mode: HLT faults
        assertEquals(0x40, cpu.eip);
        assertEquals(3, cpu.cpl);
        assertEquals(0xFFF0, cpu.r[Reg.ESP]);
        for (int s = 0; s < 6; s++) assertEquals(sels[s] << 4, cpu.segBase[s], "segment " + s);
        assertEquals(Flags.VM | Flags.IF | Flags.IOPL | 2, cpu.getEflags());
    }
}
