package org.jvisor.machine.cpu.exec;

import static org.jvisor.machine.cpu.Flags.AF;
import static org.jvisor.machine.cpu.Flags.CF;
import static org.jvisor.machine.cpu.Flags.PF;
import static org.jvisor.machine.cpu.Flags.SF;
import static org.jvisor.machine.cpu.Flags.ZF;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.LazyFlags;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * Flag instructions that need no privilege: CMC CLC STC CLD STD (SDM Vol. 2), SAHF/LAHF
 * (SF ZF AF PF CF to and from AH bits 7 6 4 2 0; LAHF also sets bit 1) and the undocumented
 * SALC (D6: AL = CF ? FFH : 00H, no flags), which a P6 executes.
 */
final class FlagOps {
    private static final int AH_FLAGS = SF | ZF | AF | PF | CF;

    private FlagOps() { }

    static void register(OpcodeTable t) {
        t.def(0xF5, "cmc", "").exec(FlagOps::cmc).add();
        t.def(0xF8, "clc", "").exec(FlagOps::clc).add();
        t.def(0xF9, "stc", "").exec(FlagOps::stc).add();
        t.def(0xFC, "cld", "").exec(FlagOps::cld).add();
        t.def(0xFD, "std", "").exec(FlagOps::std).add();
        t.def(0x9E, "sahf", "").exec(FlagOps::sahf).add();
        t.def(0x9F, "lahf", "").exec(FlagOps::lahf).add();
        t.def(0xD6, "salc", "").exec(FlagOps::salc).attrs(Entry.NOT_IN_LONG_MODE).add();
    }

    static void cmc(Cpu cpu, Insn i) {
        ArithFlags.set(cpu, CF, LazyFlags.carry(cpu) ^ CF);
    }

    static void clc(Cpu cpu, Insn i) {
        ArithFlags.set(cpu, CF, 0);
    }

    static void stc(Cpu cpu, Insn i) {
        ArithFlags.set(cpu, CF, CF);
    }

    static void cld(Cpu cpu, Insn i) {
        cpu.eflags &= ~Flags.DF;
    }

    static void std(Cpu cpu, Insn i) {
        cpu.eflags |= Flags.DF;
    }

    static void sahf(Cpu cpu, Insn i) {
        ArithFlags.set(cpu, AH_FLAGS, cpu.r[0] >>> 8);
    }

    static void lahf(Cpu cpu, Insn i) {
        cpu.setReg8(4, (cpu.getEflags() & AH_FLAGS) | Flags.FIXED_ONE);
    }

    static void salc(Cpu cpu, Insn i) {
        cpu.setReg8(0, LazyFlags.carry(cpu) != 0 ? 0xFF : 0);
    }
}
