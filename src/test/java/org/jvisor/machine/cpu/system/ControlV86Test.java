package org.jvisor.machine.cpu.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.CpuFault;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.Vectors;
import org.jvisor.machine.cpu.decode.Decoder;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.Isa;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Virtual-8086 mode (CPL 3, EFLAGS.VM): the privileged instructions are #GP(0), the
 * protected-mode-only ones #UD, and the sensitive stores still reveal the real registers
 * (SDM Vol. 3A 20.2.7 and the "Virtual-8086 Mode Exceptions" of each Vol. 2 page).
 * Instructions are decoded from bytes and executed directly.
 */
class ControlV86Test {
    private final ControlRig rig = new ControlRig();
    private final Cpu cpu = rig.cpu;
    private final Decoder decoder = new Decoder(Isa.table(), Isa.undefined());

    @BeforeEach
    void enterV86() {
        cpu.cpl = 3;
        cpu.setEflags(Flags.FIXED_ONE | Flags.VM);
        for (int s = 0; s < 6; s++) cpu.setSegment(s, 0x2000, 0x20000, 0xFFFF, 0xF3);
    }

    private Insn decode(int... bytes) {
        Insn i = new Insn();
        decoder.decode(k -> bytes[k], false, i);
        return i;
    }

    private int faultOf(int... bytes) {
        Insn i = decode(bytes);
        return assertThrows(CpuFault.class, () -> i.exec.run(cpu, i)).vector;
    }

    @Test
    void privilegedInstructionsAreGp() {
        assertEquals(Vectors.GP, faultOf(0x0F, 0x20, 0xC0)); // mov eax,cr0
        assertEquals(Vectors.GP, faultOf(0x0F, 0x22, 0xD8)); // mov cr3,eax
        assertEquals(Vectors.GP, faultOf(0x0F, 0x06)); // clts
        assertEquals(Vectors.GP, faultOf(0x0F, 0x01, 0x17)); // lgdt [bx]
        assertEquals(Vectors.GP, faultOf(0x0F, 0x01, 0xF0)); // lmsw ax
        assertEquals(Vectors.GP, faultOf(0x0F, 0x32)); // rdmsr
        assertEquals(Vectors.GP, faultOf(0x0F, 0x09)); // wbinvd
        assertEquals(Vectors.GP, faultOf(0xF4)); // hlt
        assertEquals(Vectors.GP, faultOf(0xFA), "CLI with IOPL 0");
        assertEquals(Vectors.GP, faultOf(0x0F, 0x35), "SYSEXIT");
    }

    @Test
    void protectedModeOnlyInstructionsAreUd() {
        assertEquals(Vectors.UD, faultOf(0x0F, 0x00, 0xC0)); // sldt ax
        assertEquals(Vectors.UD, faultOf(0x0F, 0x00, 0xC8)); // str ax
        assertEquals(Vectors.UD, faultOf(0x0F, 0x00, 0xD0)); // lldt ax
        assertEquals(Vectors.UD, faultOf(0x0F, 0x02, 0xC3)); // lar ax,bx
        assertEquals(Vectors.UD, faultOf(0x0F, 0x00, 0xE3)); // verr bx
        assertEquals(Vectors.UD, faultOf(0x63, 0xC3)); // arpl
    }

    @Test
    void sensitiveStoresStillRevealTheRealRegisters() {
        cpu.r[Reg.EAX] = 0;
        Insn smsw = decode(0x0F, 0x01, 0xE0);
        smsw.exec.run(cpu, smsw);
        assertEquals(cpu.cr0 & 0xFFFF, cpu.r[Reg.EAX]);
        cpu.r[Reg.EBX] = 0x100;
        Insn sgdt = decode(0x0F, 0x01, 0x07); // sgdt [bx]
        sgdt.exec.run(cpu, sgdt);
        assertEquals(ControlRig.GDT, rig.mem.read32(cpu.segBase[Seg.DS] + 0x102));
        Insn cpuid = decode(0x0F, 0xA2);
        cpu.r[Reg.EAX] = 0;
        cpuid.exec.run(cpu, cpuid);
        assertEquals(Cpuid.MAX_LEAF, cpu.r[Reg.EAX]);
    }

    @Test
    void sysenterLeavesVirtual8086Mode() {
        cpu.sysenterCs = ControlRig.CODE0;
        cpu.sysenterEip = 0x1234;
        Insn i = decode(0x0F, 0x34);
        i.exec.run(cpu, i);
        assertEquals(0, cpu.getEflags() & Flags.VM);
        assertEquals(0, cpu.cpl);
        assertEquals(0x1234, cpu.nextEip);
    }
}
