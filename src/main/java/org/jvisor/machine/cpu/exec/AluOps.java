package org.jvisor.machine.cpu.exec;

import static org.jvisor.machine.cpu.Flags.AF;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.LazyFlags;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * The eight two-operand ALU instructions ADD OR ADC SBB AND SUB XOR CMP (SDM Vol. 2 ADD,
 * ADC, ..., CMP; opcode map Table A-2 rows 00-3D and groups 80-83) and TEST. The
 * operation number is the opcode's bits 3-5, or ModRM.reg for the immediate groups.
 * Flags are recorded lazily; AND/OR/XOR/TEST leave AF undefined (this model clears it).
 */
public final class AluOps {
    static final int ADD = 0, OR = 1, ADC = 2, SBB = 3, AND = 4, SUB = 5, XOR = 6, CMP = 7;
    private static final String[] NAMES = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
    /** The lazy-flags kind per operation number. */
    private static final int[] KIND = {LazyFlags.ADD, LazyFlags.LOGIC, LazyFlags.ADC, LazyFlags.SBB,
        LazyFlags.LOGIC, LazyFlags.SUB, LazyFlags.LOGIC, LazyFlags.SUB};

    private AluOps() { }

    public static void register(OpcodeTable t) {
        for (int op = 0; op < 8; op++) {
            int base = op << 3;
            String n = NAMES[op];
            int lock = op == CMP ? 0 : Entry.LOCKABLE;
            int undef = isLogic(op) ? AF : 0;
            t.def(base, n, "Eb,Gb").exec(AluOps::eg8).attrs(lock).undefined(undef).add();
            t.def(base + 1, n, "Ev,Gv").exec(AluOps::eg16, AluOps::eg32).attrs(lock).undefined(undef).add();
            t.def(base + 2, n, "Gb,Eb").exec(AluOps::ge8).undefined(undef).add();
            t.def(base + 3, n, "Gv,Ev").exec(AluOps::ge16, AluOps::ge32).undefined(undef).add();
            t.def(base + 4, n, "AL,Ib").exec(AluOps::ai8).undefined(undef).add();
            t.def(base + 5, n, "eAX,Iz").exec(AluOps::ai16, AluOps::ai32).undefined(undef).add();
            t.def(0x80, op, n, "Eb,Ib").exec(AluOps::ei8).attrs(lock).undefined(undef).add();
            t.def(0x81, op, n, "Ev,Iz").exec(AluOps::ei16, AluOps::ei32).attrs(lock).undefined(undef).add();
            // 82 is an alias of 80 that 64-bit mode removed (SDM Table A-2 note).
            t.def(0x82, op, n, "Eb,Ib").exec(AluOps::ei8).attrs(lock | Entry.NOT_IN_LONG_MODE).undefined(undef).add();
            t.def(0x83, op, n, "Ev,Ibs").exec(AluOps::ei16, AluOps::ei32).attrs(lock).undefined(undef).add();
        }
        t.def(0x84, "test", "Eb,Gb").exec(AluOps::testEG8).undefined(AF).add();
        t.def(0x85, "test", "Ev,Gv").exec(AluOps::testEG16, AluOps::testEG32).undefined(AF).add();
        t.def(0xA8, "test", "AL,Ib").exec(AluOps::testAI8).undefined(AF).add();
        t.def(0xA9, "test", "eAX,Iz").exec(AluOps::testAI16, AluOps::testAI32).undefined(AF).add();
        UnaryOps.register(t);
    }

    private static boolean isLogic(int op) {
        return op == OR || op == AND || op == XOR;
    }

    // --- the operation ----------------------------------------------------------------------

    /** The result of operation {@code op} (CMP computes a difference it does not store). */
    static int calc(Cpu cpu, int op, int a, int b) {
        return switch (op) {
            case ADD -> a + b;
            case OR -> a | b;
            case ADC -> a + b + LazyFlags.carry(cpu);
            case SBB -> a - b - LazyFlags.carry(cpu);
            case AND -> a & b;
            case XOR -> a ^ b;
            default -> a - b; // SUB, CMP
        };
    }

    static void flags(Cpu cpu, int op, int width, int a, int b, int res) {
        cpu.setLazy(KIND[op] << 2 | width, a, b, res);
    }

    // --- E,G: register or memory destination --------------------------------------------------

    static void eg8(Cpu cpu, Insn i) {
        ei8(cpu, i, i.opcode >>> 3, cpu.reg8(i.reg));
    }

    static void eg16(Cpu cpu, Insn i) {
        ei16(cpu, i, i.opcode >>> 3, cpu.r[i.reg] & 0xFFFF);
    }

    static void eg32(Cpu cpu, Insn i) {
        ei32(cpu, i, i.opcode >>> 3, cpu.r[i.reg]);
    }

    static void ei8(Cpu cpu, Insn i) {
        ei8(cpu, i, i.reg, i.imm & 0xFF);
    }

    static void ei16(Cpu cpu, Insn i) {
        ei16(cpu, i, i.reg, i.imm & 0xFFFF);
    }

    static void ei32(Cpu cpu, Insn i) {
        ei32(cpu, i, i.reg, i.imm);
    }

    private static void ei8(Cpu cpu, Insn i, int op, int b) {
        if (i.mod == 3) {
            int a = cpu.reg8(i.rm);
            int res = calc(cpu, op, a, b);
            if (op != CMP) cpu.setReg8(i.rm, res);
            flags(cpu, op, LazyFlags.W8, a, b, res);
        } else if (op == CMP) {
            int a = cpu.read8(i.seg, cpu.ea(i));
            flags(cpu, op, LazyFlags.W8, a, b, a - b);
        } else {
            int lin = Rmw.linear(cpu, i, 1);
            int a = Rmw.read8(cpu, lin);
            int res = calc(cpu, op, a, b);
            Rmw.write8(cpu, lin, res);
            flags(cpu, op, LazyFlags.W8, a, b, res);
        }
    }

    private static void ei16(Cpu cpu, Insn i, int op, int b) {
        if (i.mod == 3) {
            int a = cpu.r[i.rm] & 0xFFFF;
            int res = calc(cpu, op, a, b);
            if (op != CMP) cpu.r[i.rm] = (cpu.r[i.rm] & 0xFFFF0000) | (res & 0xFFFF);
            flags(cpu, op, LazyFlags.W16, a, b, res);
        } else if (op == CMP) {
            int a = cpu.read16(i.seg, cpu.ea(i));
            flags(cpu, op, LazyFlags.W16, a, b, a - b);
        } else {
            int lin = Rmw.linear(cpu, i, 2);
            int a = Rmw.read16(cpu, lin);
            int res = calc(cpu, op, a, b);
            Rmw.write16(cpu, lin, res);
            flags(cpu, op, LazyFlags.W16, a, b, res);
        }
    }

    private static void ei32(Cpu cpu, Insn i, int op, int b) {
        if (i.mod == 3) {
            int a = cpu.r[i.rm];
            int res = calc(cpu, op, a, b);
            if (op != CMP) cpu.r[i.rm] = res;
            flags(cpu, op, LazyFlags.W32, a, b, res);
        } else if (op == CMP) {
            int a = cpu.read32(i.seg, cpu.ea(i));
            flags(cpu, op, LazyFlags.W32, a, b, a - b);
        } else {
            int lin = Rmw.linear(cpu, i, 4);
            int a = Rmw.read32(cpu, lin);
            int res = calc(cpu, op, a, b);
            Rmw.write32(cpu, lin, res);
            flags(cpu, op, LazyFlags.W32, a, b, res);
        }
    }

    // --- G,E and accumulator forms: register destination ------------------------------------

    static void ge8(Cpu cpu, Insn i) {
        int op = (i.opcode >>> 3) & 7;
        int a = cpu.reg8(i.reg), b = cpu.readE8(i);
        int res = calc(cpu, op, a, b);
        if (op != CMP) cpu.setReg8(i.reg, res);
        flags(cpu, op, LazyFlags.W8, a, b, res);
    }

    static void ge16(Cpu cpu, Insn i) {
        int op = (i.opcode >>> 3) & 7;
        int a = cpu.r[i.reg] & 0xFFFF, b = cpu.readE16(i);
        int res = calc(cpu, op, a, b);
        if (op != CMP) cpu.r[i.reg] = (cpu.r[i.reg] & 0xFFFF0000) | (res & 0xFFFF);
        flags(cpu, op, LazyFlags.W16, a, b, res);
    }

    static void ge32(Cpu cpu, Insn i) {
        int op = (i.opcode >>> 3) & 7;
        int a = cpu.r[i.reg], b = cpu.readE32(i);
        int res = calc(cpu, op, a, b);
        if (op != CMP) cpu.r[i.reg] = res;
        flags(cpu, op, LazyFlags.W32, a, b, res);
    }

    static void ai8(Cpu cpu, Insn i) {
        int op = (i.opcode >>> 3) & 7;
        int a = cpu.r[0] & 0xFF, b = i.imm & 0xFF;
        int res = calc(cpu, op, a, b);
        if (op != CMP) cpu.r[0] = (cpu.r[0] & 0xFFFFFF00) | (res & 0xFF);
        flags(cpu, op, LazyFlags.W8, a, b, res);
    }

    static void ai16(Cpu cpu, Insn i) {
        int op = (i.opcode >>> 3) & 7;
        int a = cpu.r[0] & 0xFFFF, b = i.imm & 0xFFFF;
        int res = calc(cpu, op, a, b);
        if (op != CMP) cpu.r[0] = (cpu.r[0] & 0xFFFF0000) | (res & 0xFFFF);
        flags(cpu, op, LazyFlags.W16, a, b, res);
    }

    static void ai32(Cpu cpu, Insn i) {
        int op = (i.opcode >>> 3) & 7;
        int a = cpu.r[0], b = i.imm;
        int res = calc(cpu, op, a, b);
        if (op != CMP) cpu.r[0] = res;
        flags(cpu, op, LazyFlags.W32, a, b, res);
    }

    // --- TEST (SDM Vol. 2 TEST): AND without storing ------------------------------------------

    static void testEG8(Cpu cpu, Insn i) {
        int res = cpu.readE8(i) & cpu.reg8(i.reg);
        cpu.setLazy(LazyFlags.LOGIC << 2 | LazyFlags.W8, res, res, res);
    }

    static void testEG16(Cpu cpu, Insn i) {
        int res = cpu.readE16(i) & cpu.r[i.reg];
        cpu.setLazy(LazyFlags.LOGIC << 2 | LazyFlags.W16, res, res, res);
    }

    static void testEG32(Cpu cpu, Insn i) {
        int res = cpu.readE32(i) & cpu.r[i.reg];
        cpu.setLazy(LazyFlags.LOGIC << 2 | LazyFlags.W32, res, res, res);
    }

    static void testAI8(Cpu cpu, Insn i) {
        int res = cpu.r[0] & i.imm & 0xFF;
        cpu.setLazy(LazyFlags.LOGIC << 2 | LazyFlags.W8, res, res, res);
    }

    static void testAI16(Cpu cpu, Insn i) {
        int res = cpu.r[0] & i.imm & 0xFFFF;
        cpu.setLazy(LazyFlags.LOGIC << 2 | LazyFlags.W16, res, res, res);
    }

    static void testAI32(Cpu cpu, Insn i) {
        int res = cpu.r[0] & i.imm;
        cpu.setLazy(LazyFlags.LOGIC << 2 | LazyFlags.W32, res, res, res);
    }
}
