package org.jvisor.machine.cpu.exec;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * SETcc (SDM Vol. 2 SETcc: ModRM.reg is ignored) and CMOVcc (SDM Vol. 2 CMOVcc: the source
 * is read whatever the condition, so a memory source can fault even when nothing moves).
 */
final class ConditionalOps {
    private static final String[] CC = {"o", "no", "b", "ae", "e", "ne", "be", "a",
        "s", "ns", "p", "np", "l", "ge", "le", "g"};

    private ConditionalOps() { }

    static void register(OpcodeTable t) {
        for (int cc = 0; cc < 16; cc++) {
            t.def(0x190 + cc, "set" + CC[cc], "Eb").exec(ConditionalOps::setcc).add();
            t.def(0x140 + cc, "cmov" + CC[cc], "Gv,Ev").exec(ConditionalOps::cmov16, ConditionalOps::cmov32).add();
        }
    }

    static void setcc(Cpu cpu, Insn i) {
        cpu.writeE8(i, cpu.condition(i.opcode & 0xF) ? 1 : 0);
    }

    static void cmov16(Cpu cpu, Insn i) {
        int v = cpu.readE16(i);
        if (cpu.condition(i.opcode & 0xF)) cpu.setReg16(i.reg, v);
    }

    static void cmov32(Cpu cpu, Insn i) {
        int v = cpu.readE32(i);
        if (cpu.condition(i.opcode & 0xF)) cpu.r[i.reg] = v;
    }
}
