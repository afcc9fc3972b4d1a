package org.jvisor.machine.cpu.exec;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/** Near control transfers (SDM Vol. 2 JMP, Jcc, CALL, RET, LOOP). */
public final class BranchOps {
    private BranchOps() { }

    public static void register(OpcodeTable t) {
        t.def(0xEB, "jmp", "Jb").exec(BranchOps::jmpRel).attrs(Entry.BRANCH | Entry.ENDS_BLOCK).add();
    }

    static void jmpRel(Cpu cpu, Insn i) {
        cpu.nextEip = cpu.code32() ? cpu.nextEip + i.imm : (cpu.nextEip + i.imm) & 0xFFFF;
    }
}
