package org.jvisor.machine.cpu.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.CpuFault;
import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MOV Sreg / LxS checks and error codes (SDM Vol. 2 MOV, LDS; Vol. 3A 5.6). */
class SegmentLoadTest {
    private Rig rig;
    private Cpu cpu;

    @BeforeEach
    void setUp() {
        rig = new Rig();
        cpu = rig.cpu;
        cpu.interceptExceptions = true;
    }

    /** mov eax, sel ; mov <seg>, ax ; hlt */
    private Exit load(int seg, int sel) {
        rig.code(Rig.CODE, 0xB8, sel & 0xFF, sel >> 8 & 0xFF, 0, 0, 0x8E, 0xC0 | seg << 3, 0xF4);
        return rig.run();
    }

    private void assertFaultAtMov(Exit e, int vector, int err) {
        assertEquals(Rig.fault(vector, err), e);
        assertEquals(Rig.CODE + 5, cpu.eip);
    }

    @Test
    void loadsDataSegmentAndSetsAccessedBit() {
        rig.segment(0x48, 0x12345, 0xFFF, 0x92, 0x4);
        assertInstanceOf(Exit.Halted.class, load(Seg.DS, 0x48));
        assertEquals(0x48, cpu.segSel[Seg.DS]);
        assertEquals(0x12345, cpu.segBase[Seg.DS]);
        assertEquals(0xFFF, cpu.segLimit[Seg.DS]);
        assertEquals(0x93, rig.mem.read8(Rig.GDT + 0x48 + 5), "accessed bit written back");
    }

    @Test
    void nullSelectorIsAllowedInDsButUnusable() {
        assertInstanceOf(Exit.Halted.class, load(Seg.DS, 3));
        assertEquals(3, cpu.segSel[Seg.DS]);
        CpuFault f = assertThrows(CpuFault.class, () -> cpu.read32(Seg.DS, 0));
        assertEquals(Vectors.GP, f.vector);
        assertEquals(0, f.errorCode);
    }

    @Test
    void selectorBeyondGdtLimitIsGpSelector() {
        assertFaultAtMov(load(Seg.DS, 0x103), Vectors.GP, 0x100);
    }

    @Test
    void ldtSelectorWithNullLdtrIsGp() {
        assertFaultAtMov(load(Seg.ES, 0x0C), Vectors.GP, 0x0C);
    }

    @Test
    void systemDescriptorIsGp() {
        assertFaultAtMov(load(Seg.DS, Rig.TSS_SEL), Vectors.GP, Rig.TSS_SEL);
    }

    @Test
    void executeOnlyCodeIsGpButReadableCodeLoads() {
        rig.segment(0x48, 0, 0xFFFFF, 0x98, 0xC); // execute-only
        assertFaultAtMov(load(Seg.DS, 0x48), Vectors.GP, 0x48);
        cpu.eip = Rig.CODE;
        assertInstanceOf(Exit.Halted.class, load(Seg.DS, Rig.CODE0));
        assertEquals(Rig.CODE0, cpu.segSel[Seg.DS]);
    }

    @Test
    void rplAboveDplIsGp() {
        assertFaultAtMov(load(Seg.DS, Rig.DATA0 | 3), Vectors.GP, Rig.DATA0);
    }

    @Test
    void cplAboveDplIsGpUnlessConformingCode() {
        rig.segment(0x48, 0, 0xFFFFF, 0x9E, 0xC); // conforming readable, DPL 0
        rig.code(0x20000, 0xF4);
        rig.setRing(3);
        assertFaultAtMov(load(Seg.DS, Rig.DATA0 | 3), Vectors.GP, Rig.DATA0);
        cpu.eip = Rig.CODE;
        assertEquals(Rig.fault(Vectors.GP, 0), load(Seg.DS, 0x48 | 3)); // the HLT after it, at ring 3
        assertEquals(Rig.CODE + 7, cpu.eip);
        assertEquals(0x4B, cpu.segSel[Seg.DS]);
    }

    @Test
    void notPresentIsNp() {
        rig.segment(0x48, 0, 0xFFFFF, 0x12, 0xC);
        assertFaultAtMov(load(Seg.FS, 0x48), Vectors.NP, 0x48);
        assertEquals(Rig.DATA0, cpu.segSel[Seg.FS], "nothing loaded");
        assertEquals(0x12, rig.mem.read8(Rig.GDT + 0x48 + 5), "accessed bit not set on a failed load");
    }

    @Test
    void stackSegmentRules() {
        assertFaultAtMov(load(Seg.SS, 0), Vectors.GP, 0);
        cpu.eip = Rig.CODE;
        assertFaultAtMov(load(Seg.SS, Rig.DATA3), Vectors.GP, Rig.DATA3 & ~3); // RPL, DPL != CPL
        cpu.eip = Rig.CODE;
        assertFaultAtMov(load(Seg.SS, Rig.DATA3 & ~3), Vectors.GP, Rig.DATA3 & ~3); // DPL 3 != CPL 0
        rig.segment(0x48, 0, 0xFFFFF, 0x90, 0xC); // read-only data
        cpu.eip = Rig.CODE;
        assertFaultAtMov(load(Seg.SS, 0x48), Vectors.GP, 0x48);
        rig.segment(0x50, 0, 0xFFFFF, 0x12, 0xC); // writable, not present
        cpu.eip = Rig.CODE;
        assertFaultAtMov(load(Seg.SS, 0x50), Vectors.SS, 0x50);
    }

    @Test
    void movSsHoldsInterruptsForOneInstruction() {
        rig.code(Rig.CODE, 0xB8, Rig.DATA0, 0, 0, 0, 0x8E, 0xD0);
        cpu.run(2);
        assertEquals(Rig.CODE + 7, cpu.eip);
        assertTrue(cpu.interruptShadow);
    }

    @Test
    void movToCsIsUd() {
        assertEquals(new Exit.Exception(Vectors.UD, 0, false, false), load(Seg.CS, Rig.CODE0));
        cpu.eip = Rig.CODE;
        assertEquals(new Exit.Exception(Vectors.UD, 0, false, false), load(6, Rig.DATA0));
    }

    @Test
    void movFromCsRevealsRplAndZeroExtends() {
        rig.setRing(3);
        cpu.r[Reg.EBX] = 0xDEADBEEF;
        cpu.r[Reg.ECX] = 0xDEADBEEF;
        // mov ebx, cs ; mov cx, ss ; hlt (HLT at ring 3 is #GP(0))
        rig.code(Rig.CODE, 0x8C, 0xCB, 0x66, 0x8C, 0xD1, 0xF4);
        assertEquals(Rig.fault(Vectors.GP, 0), rig.run());
        assertEquals(Rig.CODE3, cpu.r[Reg.EBX]);
        assertEquals(0xDEAD0000 | Rig.DATA3, cpu.r[Reg.ECX]);
    }

    @Test
    void ldsLoadsOffsetThenSegmentAndFaultLeavesRegister() {
        rig.segment(0x48, 0x4000, 0xFFFF, 0x92, 0x4);
        rig.mem.write32(0x5000, 0x11223344);
        rig.mem.write16(0x5004, 0x48);
        cpu.r[Reg.EAX] = 0x5000;
        rig.code(Rig.CODE, 0xC5, 0x18, 0xF4); // lds ebx,[eax]
        assertInstanceOf(Exit.Halted.class, rig.run());
        assertEquals(0x11223344, cpu.r[Reg.EBX]);
        assertEquals(0x4000, cpu.segBase[Seg.DS]);
        // lss with a bad selector: #GP(sel), EBX untouched
        rig.mem.write16(0x5004, Rig.DATA3);
        rig.mem.write32(0x5000, 0x55);
        rig.setRing(0);
        cpu.halted = false;
        cpu.eip = Rig.CODE;
        rig.code(Rig.CODE, 0x0F, 0xB2, 0x18, 0xF4); // lss ebx,[eax]
        assertEquals(Rig.fault(Vectors.GP, Rig.DATA3 & ~3), rig.run());
        assertEquals(0x11223344, cpu.r[Reg.EBX]);
        assertFalse(cpu.interruptShadow);
    }

    @Test
    void realModeLoadKeepsLimitAndSetsBase() {
        cpu.cr0 &= ~Cpu.CR0_PE;
        cpu.refreshSegments();
        cpu.setSegment(Seg.CS, 0x1000, 0x10000, 0xFFFF, 0x9B);
        cpu.eip = 0;
        cpu.setSegment(Seg.DS, 0, 0, 0xFFFFFFFF, 0x93); // "unreal" limit stays
        rig.code(0x10000, 0xB8, 0x34, 0x12, 0x8E, 0xD8, 0xF4); // mov ax,0x1234 ; mov ds,ax
        assertInstanceOf(Exit.Halted.class, rig.run());
        assertEquals(0x12340, cpu.segBase[Seg.DS]);
        assertEquals(0xFFFFFFFF, cpu.segLimit[Seg.DS]);
    }

    @Test
    void realModeMovSsShadowedInstructionDecodesAs16Bit() {
        cpu.cr0 &= ~Cpu.CR0_PE;
        cpu.refreshSegments();
        cpu.setSegment(Seg.CS, 0x1000, 0x10000, 0xFFFF, 0x9B);
        cpu.eip = 0;
        // mov ax,0x2000 ; mov ss,ax ; mov bx,0x1234 ; hlt
        rig.code(0x10000, 0xB8, 0x00, 0x20, 0x8E, 0xD0, 0xBB, 0x34, 0x12, 0xF4);
        assertInstanceOf(Exit.Halted.class, rig.run());
        assertEquals(0x20000, cpu.segBase[Seg.SS]);
        assertEquals(0x1234, cpu.r[Reg.EBX] & 0xFFFF);
        assertEquals(9, cpu.eip);
    }

    @Test
    void ldtSelectorLoadsFromTheLdtAndSetsItsAccessedBit() {
        int ldt = 0x6000;
        rig.segment(0x50, ldt, 0x17, 0x82, 0); // LDT with three entries
        cpu.setSegment(Seg.LDTR, 0x50, ldt, 0x17, 0x82);
        rig.mem.write32(ldt + 8, 0x0000FFFF);
        rig.mem.write32(ldt + 12, 0x00409200 | 0x07); // base 0x070000, limit 0xFFFF, DPL 0 data
        assertInstanceOf(Exit.Halted.class, load(Seg.GS, 0x0C));
        assertEquals(0x0C, cpu.segSel[Seg.GS]);
        assertEquals(0x70000, cpu.segBase[Seg.GS]);
        assertEquals(0x93, rig.mem.read8(ldt + 8 + 5));
        cpu.eip = Rig.CODE;
        cpu.halted = false;
        assertFaultAtMov(load(Seg.GS, 0x1C), Vectors.GP, 0x1C); // index 3 beyond the LDT limit
    }

    @Test
    void v86ModeLoadsUseParagraphsAndShadowSs() {
        cpu.setEflags(org.jvisor.machine.cpu.Flags.VM | 2);
        cpu.cpl = 3;
        for (int s = 0; s < 6; s++) Segments.loadReal(cpu, s, 0x1000);
        cpu.eip = 0;
        rig.code(0x10000, 0xB8, 0x34, 0x12, 0x8E, 0xD0, 0x90); // mov ax,0x1234 ; mov ss,ax ; nop
        cpu.run(2);
        assertEquals(0x12340, cpu.segBase[Seg.SS]);
        assertEquals(0xFFFF, cpu.segLimit[Seg.SS]);
        assertEquals(0xF3, cpu.segAr[Seg.SS]);
        assertTrue(cpu.interruptShadow);
    }
}
