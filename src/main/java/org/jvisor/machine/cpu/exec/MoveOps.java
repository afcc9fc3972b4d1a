package org.jvisor.machine.cpu.exec;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * Data movement without flags (SDM Vol. 2 MOV, LEA, MOVZX, MOVSX, CBW/CWDE, CWD/CDQ, XLAT,
 * NOP). Also registers the exchange and flag families.
 */
public final class MoveOps {
    private MoveOps() { }

    public static void register(OpcodeTable t) {
        t.def(0x88, "mov", "Eb,Gb").exec(MoveOps::movEG8).add();
        t.def(0x89, "mov", "Ev,Gv").exec(MoveOps::movEG16, MoveOps::movEG32).add();
        t.def(0x8A, "mov", "Gb,Eb").exec(MoveOps::movGE8).add();
        t.def(0x8B, "mov", "Gv,Ev").exec(MoveOps::movGE16, MoveOps::movGE32).add();
        t.def(0x8D, "lea", "Gv,M").exec(MoveOps::lea16, MoveOps::lea32).attrs(Entry.MEM_ONLY).add();
        t.def(0xA0, "mov", "AL,Ob").exec(MoveOps::movAlMoffs).add();
        t.def(0xA1, "mov", "eAX,Ov").exec(MoveOps::movAxMoffs16, MoveOps::movAxMoffs32).add();
        t.def(0xA2, "mov", "Ob,AL").exec(MoveOps::movMoffsAl).add();
        t.def(0xA3, "mov", "Ov,eAX").exec(MoveOps::movMoffsAx16, MoveOps::movMoffsAx32).add();
        for (int n = 0; n < 8; n++) {
            t.def(0xB0 + n, "mov", "Zb,Ib").exec(MoveOps::movRegImm8).add();
            t.def(0xB8 + n, "mov", "Zv,Iz").exec(MoveOps::movRegImm16, MoveOps::movRegImm32).add();
        }
        t.def(0xC6, 0, "mov", "Eb,Ib").exec(MoveOps::movEI8).add();
        t.def(0xC7, 0, "mov", "Ev,Iz").exec(MoveOps::movEI16, MoveOps::movEI32).add();
        t.def(0x1B6, "movzx", "Gv,Eb").exec(MoveOps::movzxB16, MoveOps::movzxB32).add();
        t.def(0x1B7, "movzx", "Gv,Ew").exec(MoveOps::movGE16, MoveOps::movzxW32).add();
        t.def(0x1BE, "movsx", "Gv,Eb").exec(MoveOps::movsxB16, MoveOps::movsxB32).add();
        t.def(0x1BF, "movsx", "Gv,Ew").exec(MoveOps::movGE16, MoveOps::movsxW32).add();
        t.def(0x98, "cbw", "").exec(MoveOps::cbw, MoveOps::cwde).add();
        t.def(0x99, "cwd", "").exec(MoveOps::cwd, MoveOps::cdq).add();
        t.def(0xD7, "xlat", "").exec(MoveOps::xlat).add();
        // F3 90 is PAUSE: on a P6 (which predates it) and in this model, the same as NOP.
        t.def(0x90, "nop", "").exec(MoveOps::nop).add();
        // 0F 1F /0 is the multi-byte NOP, valid on family 6 (SDM Vol. 2 NOP); 0F 19-1F with any
        // ModRM are the reserved hint NOPs a P6 also executes. No memory is accessed.
        for (int op = 0x119; op <= 0x11F; op++) {
            t.def(op, "nop", "Ev").exec(MoveOps::nop).add();
        }
        ExchangeOps.register(t);
        FlagOps.register(t);
    }

    // --- MOV E/G ------------------------------------------------------------------------------

    static void movEG8(Cpu cpu, Insn i) {
        cpu.writeE8(i, cpu.reg8(i.reg));
    }

    static void movEG16(Cpu cpu, Insn i) {
        if (i.mod == 3) cpu.r[i.rm] = (cpu.r[i.rm] & 0xFFFF0000) | (cpu.r[i.reg] & 0xFFFF);
        else cpu.write16(i.seg, cpu.ea(i), cpu.r[i.reg]);
    }

    static void movEG32(Cpu cpu, Insn i) {
        if (i.mod == 3) cpu.r[i.rm] = cpu.r[i.reg];
        else cpu.write32(i.seg, cpu.ea(i), cpu.r[i.reg]);
    }

    static void movGE8(Cpu cpu, Insn i) {
        cpu.setReg8(i.reg, cpu.readE8(i));
    }

    /** MOV Gw,Ew; also MOVZX/MOVSX with a 16-bit source and 16-bit operand size (a plain move). */
    static void movGE16(Cpu cpu, Insn i) {
        cpu.r[i.reg] = (cpu.r[i.reg] & 0xFFFF0000) | cpu.readE16(i);
    }

    static void movGE32(Cpu cpu, Insn i) {
        cpu.r[i.reg] = i.mod == 3 ? cpu.r[i.rm] : cpu.read32(i.seg, cpu.ea(i));
    }

    static void movEI8(Cpu cpu, Insn i) {
        cpu.writeE8(i, i.imm);
    }

    static void movEI16(Cpu cpu, Insn i) {
        cpu.writeE16(i, i.imm);
    }

    static void movEI32(Cpu cpu, Insn i) {
        cpu.writeE32(i, i.imm);
    }

    static void movRegImm8(Cpu cpu, Insn i) {
        cpu.setReg8(i.opcode & 7, i.imm);
    }

    static void movRegImm16(Cpu cpu, Insn i) {
        cpu.setReg16(i.opcode & 7, i.imm);
    }

    static void movRegImm32(Cpu cpu, Insn i) {
        cpu.r[i.opcode & 7] = i.imm;
    }

    // --- LEA: the offset, truncated to the operand size (SDM Vol. 2 LEA table) ---------------

    static void lea16(Cpu cpu, Insn i) {
        cpu.setReg16(i.reg, cpu.ea(i));
    }

    static void lea32(Cpu cpu, Insn i) {
        cpu.r[i.reg] = cpu.ea(i); // a 16-bit address is zero-extended by ea()
    }

    // --- MOV with a moffs (the offset is in insn.disp, sized by the address size) -------------

    static void movAlMoffs(Cpu cpu, Insn i) {
        cpu.setReg8(0, cpu.read8(i.seg, i.disp));
    }

    static void movAxMoffs16(Cpu cpu, Insn i) {
        cpu.setReg16(0, cpu.read16(i.seg, i.disp));
    }

    static void movAxMoffs32(Cpu cpu, Insn i) {
        cpu.r[0] = cpu.read32(i.seg, i.disp);
    }

    static void movMoffsAl(Cpu cpu, Insn i) {
        cpu.write8(i.seg, i.disp, cpu.r[0]);
    }

    static void movMoffsAx16(Cpu cpu, Insn i) {
        cpu.write16(i.seg, i.disp, cpu.r[0]);
    }

    static void movMoffsAx32(Cpu cpu, Insn i) {
        cpu.write32(i.seg, i.disp, cpu.r[0]);
    }

    // --- MOVZX/MOVSX --------------------------------------------------------------------------

    static void movzxB16(Cpu cpu, Insn i) {
        cpu.setReg16(i.reg, cpu.readE8(i));
    }

    static void movzxB32(Cpu cpu, Insn i) {
        cpu.r[i.reg] = cpu.readE8(i);
    }

    static void movzxW32(Cpu cpu, Insn i) {
        cpu.r[i.reg] = cpu.readE16(i);
    }

    static void movsxB16(Cpu cpu, Insn i) {
        cpu.setReg16(i.reg, (byte) cpu.readE8(i));
    }

    static void movsxB32(Cpu cpu, Insn i) {
        cpu.r[i.reg] = (byte) cpu.readE8(i);
    }

    static void movsxW32(Cpu cpu, Insn i) {
        cpu.r[i.reg] = (short) cpu.readE16(i);
    }

    // --- sign extensions of the accumulator ---------------------------------------------------

    static void cbw(Cpu cpu, Insn i) {
        cpu.setReg16(0, (byte) cpu.r[0]);
    }

    static void cwde(Cpu cpu, Insn i) {
        cpu.r[0] = (short) cpu.r[0];
    }

    static void cwd(Cpu cpu, Insn i) {
        cpu.setReg16(2, (short) cpu.r[0] >> 15);
    }

    static void cdq(Cpu cpu, Insn i) {
        cpu.r[2] = cpu.r[0] >> 31;
    }

    /** XLAT: AL = [seg:eBX + AL] (SDM Vol. 2 XLAT); a 16-bit address wraps at 64 KiB. */
    static void xlat(Cpu cpu, Insn i) {
        int off = cpu.r[3] + (cpu.r[0] & 0xFF);
        if (!i.addr32) off &= 0xFFFF;
        cpu.setReg8(0, cpu.read8(i.seg, off));
    }

    static void nop(Cpu cpu, Insn i) {
    }
}
