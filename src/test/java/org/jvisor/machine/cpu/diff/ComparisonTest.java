package org.jvisor.machine.cpu.diff;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Isa;
import org.jvisor.machine.cpu.decode.Entry;
import org.junit.jupiter.api.Test;

/**
 * The comparison must be able to fail: an oracle result that differs from the model in a
 * register, a defined flag, memory or the exception class is reported; a difference only
 * in a flag the row leaves undefined is not.
 */
class ComparisonTest {
    private static final int[] REGS = {5, 0, 0, 7, Oracle.HOST.bufferBase + 0x1000, 0, 0, 0};

    private static Entry row(int opcode) {
        return Isa.table().entries().stream().filter(e -> e.opcode == opcode && e.reg < 0).findFirst().orElseThrow();
    }

    /** add eax, ebx (01 D8) run in the model; returns the case and its outcome. */
    private static DiffCase addCase() {
        byte[] code = {0x01, (byte) 0xD8};
        return new DiffCase(1, row(0x01), Oracle.HOST, code, code, REGS.clone(), 0x202, 7, 0, null, null);
    }

    private static Protocol.Result asOracle(ModelMachine.Outcome o, int[] regs, int eflags, int[] diffs) {
        return new Protocol.Result(0, Protocol.CODE_END, 0, regs, eflags, new int[6], new byte[Protocol.FPU_IMAGE], diffs);
    }

    @Test
    void agreementIsSilentAndEachKindOfDifferenceIsReported() {
        ModelMachine m = new ModelMachine();
        DiffCase c = addCase();
        ModelMachine.Outcome o = m.run(c);
        // The SDM result of 5 + 7, worked out by hand: 12, no flags but PF (0x0C has two bits set).
        assertTrue(o.regs()[0] == 12 && (o.eflags() & Flags.ARITH) == Flags.PF, "model result for add");
        assertNull(Comparison.compare(c, asOracle(o, o.regs().clone(), o.eflags(), new int[0]), m.run(c)));

        int[] wrongReg = o.regs().clone();
        wrongReg[0] ^= 1;
        assertNotNull(Comparison.compare(c, asOracle(o, wrongReg, o.eflags(), new int[0]), m.run(c)));
        assertNotNull(Comparison.compare(c, asOracle(o, o.regs().clone(), o.eflags() ^ Flags.CF, new int[0]), m.run(c)));
        assertNotNull(Comparison.compare(c, asOracle(o, o.regs().clone(), o.eflags(), new int[] {0x10 << 8 | 0x5A}), m.run(c)));
        Protocol.Result fault = new Protocol.Result(Protocol.SIGFPE, Protocol.CODE_END - 2, 0, o.regs().clone(), o.eflags(),
                new int[6], new byte[Protocol.FPU_IMAGE], new int[0]);
        assertNotNull(Comparison.compare(c, fault, m.run(c)));
    }

    @Test
    void undefinedFlagsAreMasked() {
        // MUL (F7 /4) leaves SF ZF AF PF undefined (SDM Vol. 2 MUL).
        Entry mul = Isa.table().entries().stream().filter(e -> e.opcode == 0xF7 && e.reg == 4).findFirst().orElseThrow();
        byte[] code = {(byte) 0xF7, (byte) 0xE3};
        DiffCase c = new DiffCase(2, mul, Oracle.HOST, code, code, REGS.clone(), 0x202, 7, 0, null, null);
        ModelMachine m = new ModelMachine();
        ModelMachine.Outcome o = m.run(c);
        assertTrue((mul.undefinedFlags & Flags.ZF) != 0, "MUL leaves ZF undefined");
        assertNull(Comparison.compare(c, asOracle(o, o.regs().clone(), o.eflags() ^ Flags.ZF, new int[0]), m.run(c)));
        assertNotNull(Comparison.compare(c, asOracle(o, o.regs().clone(), o.eflags() ^ Flags.CF, new int[0]), m.run(c)));
    }
}
