package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Vectors;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * Control and debug registers: MOV to and from CRn and DRn, CLTS, LMSW, SMSW, INVLPG
 * (SDM Vol. 2 MOV—Move to/from Control/Debug Registers; Vol. 3A 2.5, 4.10, 17.2).
 *
 * <p>The MOV CR/DR forms always move 32 bits and ignore the ModRM mod field (the decoder
 * treats every ModRM as a register form for 0F 20-23).
 */
public final class ControlOps {
    private ControlOps() { }

    /** CR0 bits that exist on a P6; the others are reserved, ignored on write and read as 0. */
    static final int CR0_DEFINED = Cpu.CR0_PE | Cpu.CR0_MP | Cpu.CR0_EM | Cpu.CR0_TS | Cpu.CR0_ET | Cpu.CR0_NE
            | Cpu.CR0_WP | Cpu.CR0_AM | Cpu.CR0_NW | Cpu.CR0_CD | Cpu.CR0_PG;
    /** CR4 bits for the features CPUID reports (TSD, DE, PSE, PGE, PCE); any other bit is #GP(0). */
    static final int CR4_SUPPORTED = Cpu.CR4_TSD | Cpu.CR4_DE | Cpu.CR4_PSE | Cpu.CR4_PGE | Cpu.CR4_PCE;
    private static final int DR6_FIXED = 0xFFFF0FF0, DR6_WRITABLE = 0xE00F;
    private static final int DR7_FIXED = 0x400, DR7_WRITABLE = 0xFFFF23FF, DR7_GD = 1 << 13, DR6_BD = 1 << 13;

    public static void register(OpcodeTable t) {
        int sys = Entry.PRIVILEGED;
        t.def(0x120, "mov", "Rd,Cd").exec(ControlOps::movFromCr).attrs(sys).add();
        t.def(0x121, "mov", "Rd,Dd").exec(ControlOps::movFromDr).attrs(sys).add();
        t.def(0x122, "mov", "Cd,Rd").exec(ControlOps::movToCr).attrs(sys | Entry.ENDS_BLOCK).add();
        t.def(0x123, "mov", "Dd,Rd").exec(ControlOps::movToDr).attrs(sys | Entry.ENDS_BLOCK).add();
        t.def(0x106, "clts", "").exec(ControlOps::clts).attrs(sys).add();
        t.def(0x101, 4, "smsw", "Ew").exec(ControlOps::smsw16, ControlOps::smsw32).attrs(Entry.SENSITIVE).add();
        t.def(0x101, 6, "lmsw", "Ew").exec(ControlOps::lmsw).attrs(sys | Entry.ENDS_BLOCK).add();
        t.def(0x101, 7, "invlpg", "M").exec(ControlOps::invlpg).attrs(sys | Entry.MEM_ONLY | Entry.ENDS_BLOCK).add();
    }

    // --- control registers ------------------------------------------------------------------

    /** CR1 and CR5-CR7 do not exist: #UD, which as a decode fault comes before the CPL check (SDM 6.9). */
    private static void checkCrExists(Cpu cpu, int n) {
        if (n == 1 || n > 4) throw cpu.fault(Vectors.UD);
    }

    static void movFromCr(Cpu cpu, Insn i) {
        checkCrExists(cpu, i.reg);
        SystemOps.requireCpl0(cpu);
        cpu.r[i.rm] = switch (i.reg) {
            case 0 -> cpu.cr0;
            case 2 -> cpu.cr2;
            case 3 -> cpu.cr3;
            default -> cpu.cr4;
        };
    }

    static void movToCr(Cpu cpu, Insn i) {
        checkCrExists(cpu, i.reg);
        SystemOps.requireCpl0(cpu);
        int v = cpu.r[i.rm];
        switch (i.reg) {
            case 0 -> writeCr0(cpu, v);
            case 2 -> cpu.cr2 = v;
            case 3 -> writeCr3(cpu, v);
            default -> writeCr4(cpu, v);
        }
        cpu.endBlock = true;
    }

    /**
     * SDM Vol. 3A 2.5 and Vol. 2 MOV CR: #GP(0) for PG without PE and for NW without CD;
     * reserved bits are ignored (the SDM raises #GP for them only in CR4 and in bits 63:32);
     * ET is hard-wired to 1 on a P6. A PG, WP or PE change flushes the TLB.
     */
    public static void writeCr0(Cpu cpu, int v) {
        if ((v & Cpu.CR0_PG) != 0 && (v & Cpu.CR0_PE) == 0) throw cpu.fault(Vectors.GP, 0);
        if ((v & Cpu.CR0_NW) != 0 && (v & Cpu.CR0_CD) == 0) throw cpu.fault(Vectors.GP, 0);
        int old = cpu.cr0;
        cpu.cr0 = (v & CR0_DEFINED) | Cpu.CR0_ET;
        int changed = old ^ cpu.cr0;
        if ((changed & (Cpu.CR0_PG | Cpu.CR0_WP | Cpu.CR0_PE)) != 0) cpu.paging.flushAll();
        if ((changed & Cpu.CR0_PE) != 0) cpu.refreshSegments();
        cpu.endBlock = true;
    }

    /** A CR3 load drops every non-global translation (SDM Vol. 3A 4.10.4.1). */
    public static void writeCr3(Cpu cpu, int v) {
        cpu.cr3 = v;
        cpu.paging.flushNonGlobal();
    }

    /** SDM Vol. 2 MOV CR: #GP(0) for a reserved (here: unreported) bit; a PSE or PGE change flushes all. */
    public static void writeCr4(Cpu cpu, int v) {
        if ((v & ~CR4_SUPPORTED) != 0) throw cpu.fault(Vectors.GP, 0);
        int changed = cpu.cr4 ^ v;
        cpu.cr4 = v;
        if ((changed & (Cpu.CR4_PSE | Cpu.CR4_PGE)) != 0) cpu.paging.flushAll();
    }

    /** CLTS: clears CR0.TS (SDM Vol. 2 CLTS). */
    static void clts(Cpu cpu, Insn i) {
        SystemOps.requireCpl0(cpu);
        cpu.cr0 &= ~Cpu.CR0_TS;
    }

    /**
     * SMSW (SDM Vol. 2 SMSW): a memory destination takes 16 bits; a 32-bit register gets all
     * of CR0 (P6 behaviour; the SDM calls the high half undefined). Not privileged.
     */
    static void smsw16(Cpu cpu, Insn i) {
        cpu.writeE16(i, cpu.cr0);
    }

    static void smsw32(Cpu cpu, Insn i) {
        if (i.mod == 3) cpu.r[i.rm] = cpu.cr0;
        else cpu.write16(i.seg, cpu.ea(i), cpu.cr0);
    }

    /** LMSW (SDM Vol. 2 LMSW): loads PE, MP, EM and TS; PE can be set but never cleared. */
    static void lmsw(Cpu cpu, Insn i) {
        SystemOps.requireCpl0(cpu);
        int src = cpu.readE16(i) & 0xF;
        int old = cpu.cr0;
        cpu.cr0 = (old & ~0xE) | src | (old & Cpu.CR0_PE);
        if (((old ^ cpu.cr0) & Cpu.CR0_PE) != 0) {
            cpu.paging.flushAll();
            cpu.refreshSegments();
        }
        cpu.endBlock = true;
    }

    /** INVLPG (SDM Vol. 2 INVLPG): the linear address of the operand, no limit check. */
    static void invlpg(Cpu cpu, Insn i) {
        SystemOps.requireCpl0(cpu);
        cpu.paging.invalidatePage(cpu.segBase[i.seg] + cpu.ea(i));
        cpu.endBlock = true;
    }

    // --- debug registers ----------------------------------------------------------------------

    /**
     * SDM Vol. 2 MOV DR and Vol. 3A 17.2: DR4/DR5 alias DR6/DR7 unless CR4.DE (then #UD);
     * with DR7.GD set, any access is a #DB fault that sets DR6.BD and clears GD. Checked in
     * that order before the privilege check, as Bochs does.
     */
    private static int checkDr(Cpu cpu, int n) {
        if ((n == 4 || n == 5) && (cpu.cr4 & Cpu.CR4_DE) != 0) throw cpu.fault(Vectors.UD);
        if ((cpu.dr[7] & DR7_GD) != 0) {
            cpu.dr[6] |= DR6_BD;
            cpu.dr[7] &= ~DR7_GD;
            throw cpu.fault(Vectors.DB);
        }
        SystemOps.requireCpl0(cpu);
        return n == 4 ? 6 : n == 5 ? 7 : n;
    }

    static void movFromDr(Cpu cpu, Insn i) {
        cpu.r[i.rm] = cpu.dr[checkDr(cpu, i.reg)];
    }

    /** Breakpoint matching on DR0-DR3/DR7 is not modelled; the registers hold their values. */
    static void movToDr(Cpu cpu, Insn i) {
        int n = checkDr(cpu, i.reg);
        int v = cpu.r[i.rm];
        cpu.dr[n] = switch (n) {
            case 6 -> (v & DR6_WRITABLE) | DR6_FIXED;
            case 7 -> (v & DR7_WRITABLE) | DR7_FIXED;
            default -> v;
        };
    }
}
