package org.jvisor.machine.cpu.system;

import static org.jvisor.machine.cpu.system.ControlRig.bytes;
import static org.jvisor.machine.cpu.system.ControlRig.concat;
import static org.jvisor.machine.cpu.system.ControlRig.movImm;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** MOV CRn/DRn, CLTS, LMSW, SMSW: SDM Vol. 2 and Vol. 3A 2.5, 17.2. */
class ControlRegisterTest {
    private static final int[] MOV_EAX_CR0 = {0x0F, 0x20, 0xC0}, MOV_CR0_EAX = {0x0F, 0x22, 0xC0};
    private static final int[] MOV_CR4_EAX = {0x0F, 0x22, 0xE0}, MOV_EAX_CR4 = {0x0F, 0x20, 0xE0};
    private final ControlRig rig = new ControlRig();
    private final Cpu cpu = rig.cpu;

    @Test
    void readsCr0AtCpl0() {
        cpu.cr0 = Cpu.CR0_PE | Cpu.CR0_ET | Cpu.CR0_NE;
        rig.runClean(MOV_EAX_CR0);
        assertEquals(0x31, cpu.r[Reg.EAX]);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void movCrIsGpOutsideRing0(int cpl) {
        rig.cpl(cpl);
        rig.runFaults(Vectors.GP, 0, MOV_EAX_CR0);
        rig.runFaults(Vectors.GP, 0, MOV_CR0_EAX);
        rig.runFaults(Vectors.GP, 0, 0x0F, 0x22, 0xD8); // mov cr3,eax
    }

    @Test
    void nonexistentControlRegistersAreUd() {
        rig.runFaults(Vectors.UD, 0, 0x0F, 0x20, 0xC8); // mov eax,cr1
        rig.runFaults(Vectors.UD, 0, 0x0F, 0x22, 0xE8); // mov cr5,eax
        rig.runFaults(Vectors.UD, 0, 0x0F, 0x20, 0xF8); // mov eax,cr7
    }

    @Test
    void modFieldIsIgnored() {
        // 0F 20 04: mod=0 rm=4 would take a SIB byte as memory; for MOV CR it is "mov esp,cr0"
        // and the instruction is 3 bytes (SDM Vol. 2 MOV CR: "the mod field is ignored").
        cpu.cr0 |= Cpu.CR0_NE;
        rig.runClean(0x0F, 0x20, 0x04, 0x90);
        assertEquals(cpu.cr0, cpu.r[Reg.ESP]);
    }

    @Test
    void cr0InvalidCombinationsAreGp() {
        cpu.r[Reg.EAX] = Cpu.CR0_PG; // PG without PE
        rig.runFaults(Vectors.GP, 0, MOV_CR0_EAX);
        cpu.r[Reg.EAX] = Cpu.CR0_PE | Cpu.CR0_NW; // NW without CD
        rig.runFaults(Vectors.GP, 0, MOV_CR0_EAX);
        assertEquals(Cpu.CR0_PE | Cpu.CR0_ET, cpu.cr0, "CR0 unchanged by the faulting writes");
    }

    @Test
    void cr0ReservedBitsIgnoredAndEtHardwired() {
        // Bits 6-15, 17, 19-28 are reserved; in 32-bit mode the SDM specifies no #GP for them.
        cpu.r[Reg.EAX] = Cpu.CR0_PE | 0x1FF8FFC0 | Cpu.CR0_CD;
        rig.runClean(concat(MOV_CR0_EAX, MOV_EAX_CR0));
        assertEquals(Cpu.CR0_PE | Cpu.CR0_ET | Cpu.CR0_CD, cpu.r[Reg.EAX]);
    }

    @Test
    void cr4UnreportedBitsAreGp() {
        for (int bit : new int[] {Cpu.CR4_VME, Cpu.CR4_PVI, Cpu.CR4_PAE, Cpu.CR4_MCE, 1 << 9, 1 << 10, 1 << 13}) {
            cpu.r[Reg.EAX] = bit;
            rig.runFaults(Vectors.GP, 0, MOV_CR4_EAX);
            assertEquals(0, cpu.cr4);
        }
        int ok = Cpu.CR4_TSD | Cpu.CR4_DE | Cpu.CR4_PSE | Cpu.CR4_PGE | Cpu.CR4_PCE;
        cpu.r[Reg.EAX] = ok;
        rig.runClean(concat(MOV_CR4_EAX, movImm(Reg.EAX, 0), MOV_EAX_CR4));
        assertEquals(ok, cpu.r[Reg.EAX]);
    }

    @Test
    void cr2AndCr3RoundTrip() {
        cpu.r[Reg.EAX] = 0xDEADB000;
        cpu.r[Reg.EBX] = 0x00123018;
        // mov cr2,eax ; mov cr3,ebx ; mov ecx,cr2 ; mov edx,cr3
        rig.runClean(0x0F, 0x22, 0xD0, 0x0F, 0x22, 0xDB, 0x0F, 0x20, 0xD1, 0x0F, 0x20, 0xDA);
        assertEquals(0xDEADB000, cpu.r[Reg.ECX]);
        assertEquals(0x00123018, cpu.r[Reg.EDX]);
    }

    @Test
    void cltsClearsTsAtRing0Only() {
        cpu.cr0 |= Cpu.CR0_TS;
        rig.cpl(3).runFaults(Vectors.GP, 0, 0x0F, 0x06);
        assertEquals(Cpu.CR0_TS, cpu.cr0 & Cpu.CR0_TS);
        rig.cpl(0).runClean(0x0F, 0x06);
        assertEquals(0, cpu.cr0 & Cpu.CR0_TS);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3})
    void smswRevealsCr0AtEveryCpl(int cpl) {
        cpu.cr0 = Cpu.CR0_PE | Cpu.CR0_MP | Cpu.CR0_ET | Cpu.CR0_NE | Cpu.CR0_WP;
        rig.cpl(cpl);
        cpu.r[Reg.EAX] = 0xFFFFFFFF;
        cpu.r[Reg.ECX] = 0xFFFFFFFF;
        cpu.r[Reg.EBX] = ControlRig.DATA;
        rig.mem.write32(ControlRig.DATA, 0xAAAAAAAA);
        // smsw eax ; smsw cx (66) ; smsw [ebx]
        rig.runClean(0x0F, 0x01, 0xE0, 0x66, 0x0F, 0x01, 0xE1, 0x0F, 0x01, 0x23);
        assertEquals(cpu.cr0, cpu.r[Reg.EAX], "32-bit register: all of CR0 (P6)");
        assertEquals(0xFFFF0033, cpu.r[Reg.ECX], "16-bit register: low word only");
        assertEquals(0xAAAA0033, rig.mem.read32(ControlRig.DATA), "memory: 16 bits");
    }

    @Test
    void lmswLoadsLowBitsButCannotClearPe() {
        cpu.cr0 = Cpu.CR0_PE | Cpu.CR0_ET | Cpu.CR0_MP;
        cpu.r[Reg.EAX] = 0xFFF0 | Cpu.CR0_TS | Cpu.CR0_EM; // PE=0, MP=0, EM=1, TS=1
        rig.runClean(0x0F, 0x01, 0xF0); // lmsw ax
        assertEquals(Cpu.CR0_PE | Cpu.CR0_ET | Cpu.CR0_EM | Cpu.CR0_TS, cpu.cr0);
        rig.cpl(1).runFaults(Vectors.GP, 0, 0x0F, 0x01, 0xF0);
    }

    @Test
    void debugRegistersFixedBitsAndAliases() {
        cpu.r[Reg.EAX] = 0;
        // mov dr6,eax ; mov dr7,eax ; mov ebx,dr4 ; mov ecx,dr5 (aliases while CR4.DE=0)
        rig.runClean(0x0F, 0x23, 0xF0, 0x0F, 0x23, 0xF8, 0x0F, 0x21, 0xE3, 0x0F, 0x21, 0xE9);
        assertEquals(0xFFFF0FF0, cpu.r[Reg.EBX], "DR6 reserved bits read 1 (bit 12 reads 0 on P6)");
        assertEquals(0x400, cpu.r[Reg.ECX], "DR7 bit 10 reads 1");
        cpu.cr4 = Cpu.CR4_DE;
        rig.runFaults(Vectors.UD, 0, 0x0F, 0x21, 0xE3);
    }

    @Test
    void debugRegisterAccessAtRing3IsGpAndGdIsDb() {
        rig.cpl(3).runFaults(Vectors.GP, 0, 0x0F, 0x21, 0xC0);
        rig.cpl(0);
        cpu.r[Reg.EAX] = 1 << 13;
        rig.runClean(0x0F, 0x23, 0xF8); // mov dr7,eax: sets GD
        rig.runFaults(Vectors.DB, 0, 0x0F, 0x21, 0xC0); // any DR access now faults
        assertEquals(1 << 13, cpu.dr[6] & (1 << 13), "DR6.BD set");
        assertEquals(0, cpu.dr[7] & (1 << 13), "GD cleared for the handler");
        rig.runClean(0x0F, 0x21, 0xC0);
    }

    @Test
    void realModeMayWriteCr0ToEnterProtectedMode() {
        rig.realMode();
        // mov eax,cr0 ; or al,1 is not needed: mov ebx,imm32 (66 BB) ; mov cr0,ebx
        rig.runClean(0x0F, 0x20, 0xC0, 0x66, 0xBB, 0x11, 0, 0, 0, 0x0F, 0x22, 0xC3);
        assertEquals(Cpu.CR0_ET, cpu.r[Reg.EAX], "real mode: PE clear");
        assertEquals(Cpu.CR0_PE | Cpu.CR0_ET, cpu.cr0);
        assertEquals(true, cpu.isProtectedMode());
    }

    @Test
    void smswAndLmswWorkInRealMode() {
        rig.realMode();
        cpu.r[Reg.EAX] = 0;
        cpu.r[Reg.ECX] = Cpu.CR0_MP;
        rig.runClean(0x0F, 0x01, 0xF1, 0x0F, 0x01, 0xE0); // lmsw cx ; smsw ax
        assertEquals(Cpu.CR0_ET | Cpu.CR0_MP, cpu.r[Reg.EAX]);
    }
}
