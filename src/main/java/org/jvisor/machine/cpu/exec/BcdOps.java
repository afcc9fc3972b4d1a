package org.jvisor.machine.cpu.exec;

import static org.jvisor.machine.cpu.Flags.AF;
import static org.jvisor.machine.cpu.Flags.CF;
import static org.jvisor.machine.cpu.Flags.OF;
import static org.jvisor.machine.cpu.Flags.PF;
import static org.jvisor.machine.cpu.Flags.SF;
import static org.jvisor.machine.cpu.Flags.ZF;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Vectors;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * Decimal adjusts (SDM Vol. 2 DAA, DAS, AAA, AAS, AAM, AAD); none exists in 64-bit mode.
 * Undefined flags are computed as: OF cleared; for AAA/AAS SF ZF PF from AL; for AAM/AAD
 * AF and CF cleared. AAA/AAS adjust AX as a whole (AX + 106H, AX - 6 then AH - 1) as the
 * SDM gives it for processors after the 8086. AAM and AAD take any base (the immediate).
 */
public final class BcdOps {
    private BcdOps() { }

    public static void register(OpcodeTable t) {
        int x = Entry.NOT_IN_LONG_MODE;
        t.def(0x27, "daa", "").exec(BcdOps::daa).attrs(x).undefined(OF).add();
        t.def(0x2F, "das", "").exec(BcdOps::das).attrs(x).undefined(OF).add();
        t.def(0x37, "aaa", "").exec(BcdOps::aaa).attrs(x).undefined(OF | SF | ZF | PF).add();
        t.def(0x3F, "aas", "").exec(BcdOps::aas).attrs(x).undefined(OF | SF | ZF | PF).add();
        t.def(0xD4, "aam", "Ib").exec(BcdOps::aam).attrs(x).undefined(OF | AF | CF).add();
        t.def(0xD5, "aad", "Ib").exec(BcdOps::aad).attrs(x).undefined(OF | AF | CF).add();
    }

    static void daa(Cpu cpu, Insn i) {
        int f = cpu.getEflags();
        int al = cpu.r[0] & 0xFF, oldAl = al;
        boolean oldCf = (f & CF) != 0;
        int nf = 0;
        if ((al & 0xF) > 9 || (f & AF) != 0) {
            al += 6;
            nf = AF;
        }
        if (oldAl > 0x99 || oldCf) {
            al += 0x60;
            nf |= CF;
        }
        al &= 0xFF;
        cpu.setReg8(0, al);
        ArithFlags.setAll(cpu, nf | ArithFlags.szp(al, 0x80));
    }

    /** The CF of the first step (old CF or a borrow) survives when the second step does not apply. */
    static void das(Cpu cpu, Insn i) {
        int f = cpu.getEflags();
        int al = cpu.r[0] & 0xFF, oldAl = al;
        boolean oldCf = (f & CF) != 0;
        int nf = 0;
        if ((al & 0xF) > 9 || (f & AF) != 0) {
            if (oldCf || al < 6) nf |= CF;
            al -= 6;
            nf |= AF;
        }
        if (oldAl > 0x99 || oldCf) {
            al -= 0x60;
            nf |= CF;
        }
        al &= 0xFF;
        cpu.setReg8(0, al);
        ArithFlags.setAll(cpu, nf | ArithFlags.szp(al, 0x80));
    }

    static void aaa(Cpu cpu, Insn i) {
        int f = cpu.getEflags();
        int ax = cpu.r[0] & 0xFFFF, nf = 0;
        if ((ax & 0xF) > 9 || (f & AF) != 0) {
            ax += 0x106;
            nf = AF | CF;
        }
        ax &= 0xFF0F;
        cpu.setReg16(0, ax);
        ArithFlags.setAll(cpu, nf | ArithFlags.szp(ax & 0xFF, 0x80));
    }

    static void aas(Cpu cpu, Insn i) {
        int f = cpu.getEflags();
        int ax = cpu.r[0] & 0xFFFF, nf = 0;
        if ((ax & 0xF) > 9 || (f & AF) != 0) {
            ax = (ax - 6) - 0x100;
            nf = AF | CF;
        }
        ax &= 0xFF0F;
        cpu.setReg16(0, ax);
        ArithFlags.setAll(cpu, nf | ArithFlags.szp(ax & 0xFF, 0x80));
    }

    /** AAM: AH = AL / base, AL = AL mod base; base 0 raises #DE. */
    static void aam(Cpu cpu, Insn i) {
        int base = i.imm & 0xFF;
        if (base == 0) throw cpu.fault(Vectors.DE);
        int al = cpu.r[0] & 0xFF;
        int q = al / base, rem = al % base;
        cpu.setReg16(0, q << 8 | rem);
        ArithFlags.setAll(cpu, ArithFlags.szp(rem, 0x80));
    }

    /** AAD: AL = AL + AH * base (8 bits), AH = 0. */
    static void aad(Cpu cpu, Insn i) {
        int ax = cpu.r[0];
        int al = ((ax & 0xFF) + ((ax >>> 8) & 0xFF) * (i.imm & 0xFF)) & 0xFF;
        cpu.setReg16(0, al);
        ArithFlags.setAll(cpu, ArithFlags.szp(al, 0x80));
    }
}
