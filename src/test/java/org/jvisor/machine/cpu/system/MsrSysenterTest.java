package org.jvisor.machine.cpu.system;

import static org.jvisor.machine.cpu.system.ControlRig.CODE;
import static org.jvisor.machine.cpu.system.ControlRig.concat;
import static org.jvisor.machine.cpu.system.ControlRig.movImm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;
import org.junit.jupiter.api.Test;

/**
 * SYSENTER/SYSEXIT driven by the IA32_SYSENTER_* MSRs (SDM Vol. 2 SYSENTER, SYSEXIT): with
 * SYSENTER_CS = 08h the kernel gets CS 08h / SS 10h and the user CS 1Bh / SS 23h.
 */
class MsrSysenterTest {
    private static final int KERNEL = CODE + 0x100, USER_RETURN = CODE + 0x200;
    private final ControlRig rig = new ControlRig();
    private final Cpu cpu = rig.cpu;

    private void place(int at, int... code) {
        for (int k = 0; k < code.length; k++) rig.mem.write8(at + k, code[k]);
    }

    private void setMsrs(int cs) {
        cpu.sysenterCs = cs;
        cpu.sysenterEsp = 0x7000;
        cpu.sysenterEip = KERNEL;
    }

    @Test
    void sysenterEntersRing0Flat() {
        setMsrs(ControlRig.CODE0 | 3); // the RPL bits are ignored
        place(KERNEL, 0x0F, 0x0B);
        rig.cpl(3);
        cpu.setEflags(Flags.FIXED_ONE | Flags.IF | Flags.RF);
        Exit e = rig.run(0x0F, 0x34);
        assertEquals(new Exit.Exception(Vectors.UD, 0, false, false), e);
        assertEquals(KERNEL, cpu.eip);
        assertEquals(0, cpu.cpl);
        assertEquals(0x08, cpu.segSel[Seg.CS]);
        assertEquals(0x10, cpu.segSel[Seg.SS]);
        assertEquals(0xC09B, cpu.segAr[Seg.CS]);
        assertEquals(0xC093, cpu.segAr[Seg.SS]);
        assertEquals(0xFFFFFFFF, cpu.segLimit[Seg.CS]);
        assertEquals(0x7000, cpu.r[Reg.ESP]);
        assertFalse(cpu.flag(Flags.IF), "IF cleared");
        assertFalse(cpu.flag(Flags.RF), "RF cleared");
    }

    @Test
    void roundTripThroughSysexit() {
        setMsrs(ControlRig.CODE0);
        place(KERNEL, concat(movImm(Reg.EDX, USER_RETURN), movImm(Reg.ECX, 0x8000), new int[] {0x0F, 0x35}));
        place(USER_RETURN, 0x0F, 0x0B);
        rig.cpl(3);
        Exit e = rig.run(0x0F, 0x34);
        assertEquals(new Exit.Exception(Vectors.UD, 0, false, false), e);
        assertEquals(USER_RETURN, cpu.eip);
        assertEquals(3, cpu.cpl);
        assertEquals(0x1B, cpu.segSel[Seg.CS]);
        assertEquals(0x23, cpu.segSel[Seg.SS]);
        assertEquals(0xC0FB, cpu.segAr[Seg.CS]);
        assertEquals(0xC0F3, cpu.segAr[Seg.SS]);
        assertEquals(0x8000, cpu.r[Reg.ESP]);
    }

    @Test
    void nullSysenterCsIsGp() {
        setMsrs(3); // bits 15:2 zero
        rig.cpl(3).runFaults(Vectors.GP, 0, 0x0F, 0x34);
        rig.cpl(0).runFaults(Vectors.GP, 0, 0x0F, 0x35);
    }

    @Test
    void sysexitOnlyAtRing0() {
        setMsrs(ControlRig.CODE0);
        rig.cpl(3).runFaults(Vectors.GP, 0, 0x0F, 0x35);
        rig.cpl(1).runFaults(Vectors.GP, 0, 0x0F, 0x35);
    }

    @Test
    void sysenterIsGpInRealMode() {
        setMsrs(ControlRig.CODE0);
        rig.realMode();
        rig.runFaults(Vectors.GP, 0, 0x0F, 0x34);
    }
}
