package org.jvisor.machine.cpu.exec;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/** Data movement: MOV and friends (SDM Vol. 2 MOV). */
public final class MoveOps {
    private MoveOps() { }

    public static void register(OpcodeTable t) {
        for (int n = 0; n < 8; n++) {
            t.def(0xB8 + n, "mov", "Zv,Iz").exec(MoveOps::movRegImm16, MoveOps::movRegImm32).add();
        }
        t.def(0x90, "nop", "").exec(MoveOps::nop).add();
    }

    static void movRegImm16(Cpu cpu, Insn i) {
        cpu.setReg16(i.opcode & 7, i.imm);
    }

    static void movRegImm32(Cpu cpu, Insn i) {
        cpu.r[i.opcode & 7] = i.imm;
    }

    static void nop(Cpu cpu, Insn i) {
    }
}
