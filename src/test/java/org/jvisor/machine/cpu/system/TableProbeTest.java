package org.jvisor.machine.cpu.system;

import static org.jvisor.machine.cpu.system.ControlRig.ABSENT3;
import static org.jvisor.machine.cpu.system.ControlRig.CALL_GATE3;
import static org.jvisor.machine.cpu.system.ControlRig.CODE0;
import static org.jvisor.machine.cpu.system.ControlRig.CODE3;
import static org.jvisor.machine.cpu.system.ControlRig.CONFORMING0;
import static org.jvisor.machine.cpu.system.ControlRig.DATA0;
import static org.jvisor.machine.cpu.system.ControlRig.DATA1;
import static org.jvisor.machine.cpu.system.ControlRig.DATA3;
import static org.jvisor.machine.cpu.system.ControlRig.EXEC_ONLY3;
import static org.jvisor.machine.cpu.system.ControlRig.INT_GATE3;
import static org.jvisor.machine.cpu.system.ControlRig.LDT_SEL;
import static org.jvisor.machine.cpu.system.ControlRig.READ_ONLY3;
import static org.jvisor.machine.cpu.system.ControlRig.SMALL0;
import static org.jvisor.machine.cpu.system.ControlRig.TSS_SEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;
import org.junit.jupiter.api.Test;

/**
 * LAR, LSL, VERR, VERW and ARPL: they never trap for a bad selector, they answer in ZF and
 * see the real CPL (SDM Vol. 2; Vol. 3A 5.10). Expected values are the descriptors' high
 * dwords masked as the SDM describes.
 */
class TableProbeTest {
    private static final int[] LAR = {0x0F, 0x02, 0xC3}, LSL = {0x0F, 0x03, 0xC3};
    private static final int[] VERR = {0x0F, 0x00, 0xE3}, VERW = {0x0F, 0x00, 0xEB};
    private static final int UNTOUCHED = 0xCAFEBABE;
    private final ControlRig rig = new ControlRig();
    private final Cpu cpu = rig.cpu;

    /** Runs one probe on selector sel with ZF preset to the opposite of the expected answer. */
    private boolean probe(int[] code, int sel, boolean expected) {
        cpu.r[Reg.EBX] = sel;
        cpu.r[Reg.EAX] = UNTOUCHED;
        cpu.setArithFlags(expected ? 0 : Flags.ZF);
        rig.runClean(code);
        boolean zf = cpu.flag(Flags.ZF);
        assertEquals(expected, zf, String.format("ZF for selector %04x at CPL %d", sel, cpu.cpl));
        return zf;
    }

    private int lar(int sel, int cpl) {
        rig.cpl(cpl);
        probe(LAR, sel, true);
        return cpu.r[Reg.EAX];
    }

    private void larFails(int sel, int cpl) {
        rig.cpl(cpl);
        probe(LAR, sel, false);
        assertEquals(UNTOUCHED, cpu.r[Reg.EAX], "destination unchanged");
    }

    @Test
    void larReturnsMaskedAccessRights() {
        assertEquals(0x00C0FA00, lar(CODE3 | 3, 3), "high dword & 00F0FF00");
        assertEquals(0x00C09A00, lar(CODE0, 0));
        assertEquals(0x00C09E00, lar(CONFORMING0 | 3, 3), "conforming code: no privilege check");
        assertEquals(0x0000EC00, lar(CALL_GATE3 | 3, 3), "call gates are valid for LAR");
        assertEquals(0x00008900, lar(TSS_SEL, 0));
        assertEquals(0x00008200, lar(LDT_SEL, 0));
        assertEquals(0x00C07200, lar(ABSENT3 | 3, 3), "the present bit is not checked");
    }

    @Test
    void larSeesTheRealCpl() {
        larFails(DATA0, 3);
        larFails(DATA0, 1);
        larFails(DATA0 | 3, 0); // RPL 3 > DPL 0
        assertEquals(0x00C0B200, lar(DATA1 | 1, 1));
        larFails(DATA1 | 1, 3);
        larFails(TSS_SEL, 3);
    }

    @Test
    void larRejectsNullOutOfRangeAndBadTypes() {
        larFails(0, 0);
        larFails(3, 3);
        larFails(0x80, 0); // beyond GDT limit 0x7F
        larFails(INT_GATE3 | 3, 3);
        larFails(4, 0); // LDT reference with LDTR null
    }

    @Test
    void lar16BitKeepsHighHalf() {
        cpu.r[Reg.EBX] = CODE0;
        cpu.r[Reg.EAX] = UNTOUCHED;
        rig.runClean(0x66, 0x0F, 0x02, 0xC3);
        assertEquals(0xCAFE9A00, cpu.r[Reg.EAX]);
    }

    @Test
    void lslReturnsByteGranularLimit() {
        rig.cpl(3);
        probe(LSL, CODE3 | 3, true);
        assertEquals(0xFFFFFFFF, cpu.r[Reg.EAX], "limit FFFFF with G=1 scales to 4 GiB - 1");
        rig.cpl(0);
        probe(LSL, SMALL0, true);
        assertEquals(0x1234, cpu.r[Reg.EAX]);
        probe(LSL, TSS_SEL, true);
        assertEquals(0x67, cpu.r[Reg.EAX]);
        probe(LSL, CALL_GATE3, false);
        assertEquals(UNTOUCHED, cpu.r[Reg.EAX], "gates have no limit for LSL");
        rig.cpl(3);
        probe(LSL, SMALL0 | 3, false);
        cpu.r[Reg.EBX] = CODE3 | 3;
        rig.runClean(0x66, 0x0F, 0x03, 0xC3);
        assertEquals(0xCAFEFFFF, cpu.r[Reg.EAX], "16-bit: low half of the limit");
    }

    @Test
    void verrAnswersPerReadabilityAndPrivilege() {
        rig.cpl(3);
        probe(VERR, CODE3 | 3, true);
        probe(VERR, EXEC_ONLY3 | 3, false);
        probe(VERR, READ_ONLY3 | 3, true);
        probe(VERR, CONFORMING0 | 3, true);
        probe(VERR, DATA0 | 3, false);
        probe(VERR, TSS_SEL, false);
        probe(VERR, 0, false);
        rig.cpl(1);
        probe(VERR, DATA1 | 1, true);
        probe(VERR, DATA1 | 3, false); // RPL 3 > DPL 1
        probe(VERR, DATA3 | 1, true);
        probe(VERR, DATA0 | 1, false);
        rig.cpl(0);
        probe(VERR, DATA0, true);
        probe(VERR, DATA0 | 3, false);
    }

    @Test
    void verwAcceptsOnlyVisibleWritableData() {
        rig.cpl(3);
        probe(VERW, DATA3 | 3, true);
        probe(VERW, READ_ONLY3 | 3, false);
        probe(VERW, CODE3 | 3, false);
        probe(VERW, DATA1 | 3, false);
        probe(VERW, ABSENT3 | 3, true);
        rig.cpl(1);
        probe(VERW, DATA1 | 1, true);
        probe(VERW, DATA3 | 1, true);
        probe(VERW, DATA0 | 1, false);
        rig.cpl(0);
        probe(VERW, DATA0, true);
        probe(VERW, CONFORMING0, false);
    }

    @Test
    void arplRaisesRpl() {
        cpu.r[Reg.EBX] = 0xFFFF0010;
        cpu.r[Reg.EAX] = 0x0003;
        rig.runClean(0x63, 0xC3); // arpl bx,ax
        assertEquals(0xFFFF0013, cpu.r[Reg.EBX]);
        assertTrue(cpu.flag(Flags.ZF));
        cpu.r[Reg.EAX] = 0x0001;
        rig.runClean(0x63, 0xC3);
        assertEquals(0xFFFF0013, cpu.r[Reg.EBX]);
        assertFalse(cpu.flag(Flags.ZF));
        rig.cpl(3);
        cpu.r[Reg.ECX] = ControlRig.DATA;
        rig.mem.write16(ControlRig.DATA, 0x0020);
        rig.runClean(0x63, 0x19); // arpl [ecx],bx (RPL 3)
        assertEquals(0x0023, rig.mem.read16(ControlRig.DATA));
        assertTrue(cpu.flag(Flags.ZF));
    }

    @Test
    void probesAreUdOutsideProtectedMode() {
        rig.realMode();
        rig.runFaults(Vectors.UD, 0, LAR);
        rig.runFaults(Vectors.UD, 0, LSL);
        rig.runFaults(Vectors.UD, 0, VERR);
        rig.runFaults(Vectors.UD, 0, VERW);
        rig.runFaults(Vectors.UD, 0, 0x63, 0xC3);
    }
}
