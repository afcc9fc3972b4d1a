package org.jvisor.machine.cpu.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.CpuFault;
import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Vectors;
import org.jvisor.machine.cpu.decode.Insn;
import org.junit.jupiter.api.Test;

/** CLI/STI (SDM Vol. 2 Table 3-7 without VME), HLT, INVD/WBINVD, UD2, RSM, SYSCALL. */
class ControlMiscTest {
    private final ControlRig rig = new ControlRig();
    private final Cpu cpu = rig.cpu;

    private void iopl(int level, int extra) {
        cpu.setEflags(Flags.FIXED_ONE | level << 12 | extra);
    }

    @Test
    void cliAndStiAtRing0() {
        iopl(0, Flags.IF);
        rig.runClean(0xFA);
        assertFalse(cpu.flag(Flags.IF));
        rig.runClean(0xFB);
        assertTrue(cpu.flag(Flags.IF));
    }

    @Test
    void cliAndStiOutsideRing0DependOnIopl() {
        rig.cpl(3);
        iopl(0, Flags.IF);
        rig.runFaults(Vectors.GP, 0, 0xFA);
        assertTrue(cpu.flag(Flags.IF), "IF unchanged by the faulting CLI");
        iopl(3, Flags.IF);
        rig.runClean(0xFA);
        assertFalse(cpu.flag(Flags.IF));
        rig.cpl(1);
        iopl(0, 0);
        rig.runFaults(Vectors.GP, 0, 0xFB);
        iopl(1, 0);
        rig.runClean(0xFB);
        assertTrue(cpu.flag(Flags.IF));
    }

    @Test
    void virtual8086ModeNeedsIopl3() {
        cpu.cpl = 3;
        iopl(2, Flags.VM | Flags.IF);
        CpuFault f = assertThrows(CpuFault.class, () -> SystemOps.cli(cpu, new Insn()));
        assertEquals(Vectors.GP, f.vector);
        iopl(3, Flags.VM | Flags.IF);
        SystemOps.cli(cpu, new Insn());
        assertFalse(cpu.flag(Flags.IF));
    }

    @Test
    void realModeIgnoresIopl() {
        cpu.cr0 &= ~Cpu.CR0_PE;
        cpu.cpl = 0;
        iopl(0, Flags.IF);
        SystemOps.cli(cpu, new Insn());
        assertFalse(cpu.flag(Flags.IF));
    }

    @Test
    void stiShadowsOnlyWhenItSetsIf() {
        iopl(0, 0);
        SystemOps.sti(cpu, new Insn());
        assertTrue(cpu.interruptShadow, "IF 0 -> 1: interrupts held off one instruction");
        cpu.interruptShadow = false;
        SystemOps.sti(cpu, new Insn());
        assertFalse(cpu.interruptShadow, "IF already 1: no shadow");
    }

    @Test
    void hltStopsAtRing0AndFaultsElsewhere() {
        assertInstanceOf(Exit.Halted.class, rig.run(0xF4));
        rig.cpl(1).runFaults(Vectors.GP, 0, 0xF4);
    }

    @Test
    void cacheInstructionsArePrivileged() {
        rig.runClean(0x0F, 0x08, 0x0F, 0x09);
        rig.cpl(3).runFaults(Vectors.GP, 0, 0x0F, 0x08);
        rig.runFaults(Vectors.GP, 0, 0x0F, 0x09);
    }

    @Test
    void undefinedOnThisProcessor() {
        rig.runFaults(Vectors.UD, 0, 0x0F, 0x0B); // UD2
        rig.runFaults(Vectors.UD, 0, 0x0F, 0xAA); // RSM outside SMM
        rig.runFaults(Vectors.UD, 0, 0x0F, 0x05); // SYSCALL: not on a P6
        rig.runFaults(Vectors.UD, 0, 0x0F, 0x07); // SYSRET
        rig.runFaults(Vectors.UD, 0, 0x0F, 0x01, 0x28); // 0F 01 /5
        rig.runFaults(Vectors.UD, 0, 0x0F, 0x00, 0x30); // 0F 00 /6
    }
}
