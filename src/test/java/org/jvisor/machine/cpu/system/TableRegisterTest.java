package org.jvisor.machine.cpu.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SGDT/SIDT/LGDT/LIDT and SLDT/STR/LLDT/LTR (SDM Vol. 2; Vol. 3A 2.4, 7.2.4). */
class TableRegisterTest {
    private static final int DATA = ControlRig.DATA;
    private final ControlRig rig = new ControlRig();
    private final Cpu cpu = rig.cpu;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3})
    void sgdtAndSidtRevealTheRealRegistersAtEveryCpl(int cpl) {
        cpu.idtBase = 0xC0DE1000;
        cpu.idtLimit = 0x7FF;
        rig.cpl(cpl);
        cpu.r[Reg.EBX] = DATA;
        rig.runClean(0x0F, 0x01, 0x03, 0x0F, 0x01, 0x4B, 0x08); // sgdt [ebx] ; sidt [ebx+8]
        assertEquals(ControlRig.GDT_LIMIT, rig.mem.read16(DATA));
        assertEquals(ControlRig.GDT, rig.mem.read32(DATA + 2));
        assertEquals(0x7FF, rig.mem.read16(DATA + 8));
        assertEquals(0xC0DE1000, rig.mem.read32(DATA + 10));
    }

    @Test
    void sgdtWith16BitOperandSizeStoresAll32BaseBits() {
        // Current SDM SGDT pseudo-code: operand size 16 or 32 stores the full 32-bit base.
        cpu.gdtBase = 0xFEDCBA98;
        cpu.r[Reg.EBX] = DATA;
        rig.runClean(0x66, 0x0F, 0x01, 0x03);
        assertEquals(0xFEDCBA98, rig.mem.read32(DATA + 2));
    }

    @Test
    void sgdtRegisterFormIsUd() {
        rig.runFaults(Vectors.UD, 0, 0x0F, 0x01, 0xC0);
    }

    @Test
    void sgdtChecksTheWholeOperandBeforeWriting() {
        // DS limit 0x1234: a store at 0x1230 fits the limit word but not the base dword.
        cpu.setSegment(Seg.DS, ControlRig.SMALL0, 0, 0x1234, 0x4093);
        rig.mem.write32(0x1230, 0x55555555);
        cpu.r[Reg.EBX] = 0x1230;
        rig.runFaults(Vectors.GP, 0, 0x0F, 0x01, 0x03);
        assertEquals(0x55555555, rig.mem.read32(0x1230), "nothing written");
    }

    @Test
    void lgdtAndLidtLoadLimitAndBase() {
        rig.mem.write16(DATA, 0x0123);
        rig.mem.write32(DATA + 2, 0x89ABCDEF);
        cpu.r[Reg.EBX] = DATA;
        rig.runClean(0x0F, 0x01, 0x13, 0x0F, 0x01, 0x1B); // lgdt [ebx] ; lidt [ebx]
        assertEquals(0x0123, cpu.gdtLimit);
        assertEquals(0x89ABCDEF, cpu.gdtBase);
        assertEquals(0x0123, cpu.idtLimit);
        assertEquals(0x89ABCDEF, cpu.idtBase);
    }

    @Test
    void lgdtWith16BitOperandSizeKeeps24BaseBits() {
        rig.mem.write16(DATA, 0x00FF);
        rig.mem.write32(DATA + 2, 0x89ABCDEF);
        cpu.r[Reg.EBX] = DATA;
        rig.runClean(0x66, 0x0F, 0x01, 0x13, 0x66, 0x0F, 0x01, 0x1B);
        assertEquals(0x00ABCDEF, cpu.gdtBase);
        assertEquals(0x00ABCDEF, cpu.idtBase);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void lgdtAndLidtAreGpOutsideRing0(int cpl) {
        rig.cpl(cpl);
        cpu.r[Reg.EBX] = DATA;
        rig.runFaults(Vectors.GP, 0, 0x0F, 0x01, 0x13);
        rig.runFaults(Vectors.GP, 0, 0x0F, 0x01, 0x1B);
        assertEquals(ControlRig.GDT, cpu.gdtBase);
    }

    @Test
    void lgdtWorksInRealMode() {
        cpu.reset();
        cpu.interceptExceptions = true;
        cpu.setSegment(Seg.CS, 0x1000, 0x10000, 0xFFFF, 0x9B);
        rig.mem.write16(0x500, 0x0017);
        rig.mem.write32(0x502, 0x00012345);
        cpu.r[Reg.EBX] = 0x500;
        // 16-bit code: 66 prefix for 32-bit operand size, 67 for [ebx]
        int[] code = {0x66, 0x67, 0x0F, 0x01, 0x13, 0x0F, 0x0B};
        for (int k = 0; k < code.length; k++) rig.mem.write8(0x10000 + k, code[k]);
        cpu.eip = 0;
        assertEquals(new org.jvisor.machine.cpu.Exit.Exception(Vectors.UD, 0, false, false), cpu.run(100));
        assertEquals(0x17, cpu.gdtLimit);
        assertEquals(0x12345, cpu.gdtBase);
    }

    @Test
    void lldtLoadsTheLdtAndSldtRevealsIt() {
        cpu.r[Reg.EAX] = ControlRig.LDT_SEL;
        cpu.r[Reg.ECX] = 0xFFFFFFFF;
        // lldt ax ; sldt ecx
        rig.runClean(0x0F, 0x00, 0xD0, 0x0F, 0x00, 0xC1);
        assertEquals(ControlRig.LDT_SEL, cpu.segSel[Seg.LDTR]);
        assertEquals(ControlRig.LDT, cpu.segBase[Seg.LDTR]);
        assertEquals(0x1F, cpu.segLimit[Seg.LDTR]);
        assertEquals(ControlRig.LDT_SEL, cpu.r[Reg.ECX], "32-bit register: zero-extended on P6");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void sldtAndStrDoNotTrapOutsideRing0(int cpl) {
        cpu.setSegment(Seg.LDTR, ControlRig.LDT_SEL, ControlRig.LDT, 0x1F, 0x82);
        cpu.setSegment(Seg.TR, ControlRig.TSS_SEL, ControlRig.TSS, 0x67, 0x8B);
        rig.cpl(cpl);
        cpu.r[Reg.EAX] = 0xFFFFFFFF;
        cpu.r[Reg.EDX] = 0xFFFFFFFF;
        cpu.r[Reg.EBX] = DATA;
        rig.mem.write32(DATA, 0xAAAAAAAA);
        // 66 sldt ax ; str edx ; str [ebx] (memory: always 16 bits)
        rig.runClean(0x66, 0x0F, 0x00, 0xC0, 0x0F, 0x00, 0xCA, 0x0F, 0x00, 0x0B);
        assertEquals(0xFFFF0000 | ControlRig.LDT_SEL, cpu.r[Reg.EAX], "16-bit register: low word only");
        assertEquals(ControlRig.TSS_SEL, cpu.r[Reg.EDX]);
        assertEquals(0xAAAA0000 | ControlRig.TSS_SEL, rig.mem.read32(DATA));
    }

    @Test
    void lldtRejectsWrongDescriptors() {
        cpu.r[Reg.EAX] = ControlRig.TSS_SEL;
        rig.runFaults(Vectors.GP, ControlRig.TSS_SEL, 0x0F, 0x00, 0xD0);
        cpu.r[Reg.EAX] = ControlRig.LDT_SEL | 4; // TI=1
        rig.runFaults(Vectors.GP, ControlRig.LDT_SEL | 4, 0x0F, 0x00, 0xD0);
        cpu.r[Reg.EAX] = 0x80 | 3; // beyond the GDT limit; RPL dropped from the error code
        rig.runFaults(Vectors.GP, 0x80, 0x0F, 0x00, 0xD0);
        rig.mem.write8(ControlRig.GDT + ControlRig.LDT_SEL + 5, 0x02); // clear P
        cpu.r[Reg.EAX] = ControlRig.LDT_SEL;
        rig.runFaults(Vectors.NP, ControlRig.LDT_SEL, 0x0F, 0x00, 0xD0);
        rig.cpl(3).runFaults(Vectors.GP, 0, 0x0F, 0x00, 0xD0);
    }

    @Test
    void lldtWithNullSelectorInvalidatesLdtr() {
        cpu.setSegment(Seg.LDTR, ControlRig.LDT_SEL, ControlRig.LDT, 0x1F, 0x82);
        cpu.r[Reg.EAX] = 0;
        rig.runClean(0x0F, 0x00, 0xD0);
        assertEquals(0, cpu.segSel[Seg.LDTR]);
        assertEquals(-1, Descriptors.address(cpu, 4), "LDT references now fail");
    }

    @Test
    void ltrLoadsTrAndMarksTheTssBusy() {
        cpu.r[Reg.EAX] = ControlRig.TSS_SEL;
        rig.runClean(0x0F, 0x00, 0xD8); // ltr ax
        assertEquals(ControlRig.TSS_SEL, cpu.segSel[Seg.TR]);
        assertEquals(ControlRig.TSS, cpu.segBase[Seg.TR]);
        assertEquals(0x67, cpu.segLimit[Seg.TR]);
        assertEquals(0x8B, cpu.segAr[Seg.TR] & 0xFF, "cached as busy 32-bit TSS");
        assertEquals(0x8B, rig.mem.read8(ControlRig.GDT + ControlRig.TSS_SEL + 5), "busy bit written to the GDT");
        // A second LTR of the now-busy TSS is #GP(selector).
        rig.runFaults(Vectors.GP, ControlRig.TSS_SEL, 0x0F, 0x00, 0xD8);
    }

    @Test
    void ltrFaults() {
        cpu.r[Reg.EAX] = 0;
        rig.runFaults(Vectors.GP, 0, 0x0F, 0x00, 0xD8);
        cpu.r[Reg.EAX] = ControlRig.DATA0;
        rig.runFaults(Vectors.GP, ControlRig.DATA0, 0x0F, 0x00, 0xD8);
        rig.mem.write8(ControlRig.GDT + ControlRig.TSS_SEL + 5, 0x09);
        cpu.r[Reg.EAX] = ControlRig.TSS_SEL;
        rig.runFaults(Vectors.NP, ControlRig.TSS_SEL, 0x0F, 0x00, 0xD8);
        rig.cpl(1).runFaults(Vectors.GP, 0, 0x0F, 0x00, 0xD8);
    }

    @Test
    void sldtIsUdInRealMode() {
        rig.realMode();
        rig.runFaults(Vectors.UD, 0, 0x0F, 0x00, 0xC0);
    }
}
