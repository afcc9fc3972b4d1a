package org.jvisor.machine.cpu.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Vectors;
import org.junit.jupiter.api.Test;

/**
 * #NM from CR0.EM/TS/MP (SDM Vol. 3A Table 2-2) and #MF for pending unmasked exceptions at
 * the next waiting instruction (SDM Vol. 1 8.6-8.7).
 */
class X87ExceptionTest {
    private static final Exit NM = new Exit.Exception(Vectors.NM, 0, false, false);
    private static final Exit MF = new Exit.Exception(Vectors.MF, 0, false, false);

    @Test
    void tsFaultsEveryX87InstructionIncludingNonWaiting() {
        for (int[] insn : new int[][] {{0xD9, 0xE8}, {0xDB, 0xE3}, {0xDF, 0xE0}, {0xDB, 0xE2}}) {
            X87Machine m = new X87Machine();
            m.cpu.cr0 |= Cpu.CR0_TS;
            m.op(insn);
            assertEquals(NM, m.run());
            assertEquals(X87Machine.CODE, m.cpu.eip);
        }
    }

    @Test
    void emFaultsX87ButNotWait() {
        X87Machine m = new X87Machine();
        m.cpu.cr0 |= Cpu.CR0_EM;
        m.op(0x9B);
        int fld = m.here();
        m.op(0xD9, 0xE8);
        assertEquals(NM, m.run());
        assertEquals(fld, m.cpu.eip);
    }

    @Test
    void waitFaultsOnlyWithMpAndTs() {
        X87Machine noMp = new X87Machine();
        noMp.cpu.cr0 = (noMp.cpu.cr0 | Cpu.CR0_TS) & ~Cpu.CR0_MP;
        noMp.op(0x9B);
        assertInstanceOf(Exit.Halted.class, noMp.run());
        X87Machine mp = new X87Machine();
        mp.cpu.cr0 |= Cpu.CR0_TS | Cpu.CR0_MP;
        mp.op(0x9B);
        assertEquals(NM, mp.run());
    }

    /** fninit; fldcw (ZE unmasked); fld1; fldz; fdivp -> ZE pending; then the given instruction. */
    private static X87Machine zeroDivideThen(int... next) {
        X87Machine m = new X87Machine();
        m.put16(0, 0x037F & ~FpuState.ZE);
        m.op(0xDB, 0xE3).mem(0xD9, 5, 0).op(0xD9, 0xE8, 0xD9, 0xEE, 0xDE, 0xF9);
        return m.op(next);
    }

    @Test
    void unmaskedExceptionIsReportedAtTheNextWaitingInstruction() {
        X87Machine m = zeroDivideThen();
        int waitAt = m.here();
        m.op(0x9B);
        assertEquals(MF, m.run());
        assertEquals(waitAt, m.cpu.eip);
        FpuState f = m.fpu();
        assertEquals(FpuState.ZE | FpuState.ES | FpuState.B, f.status & (0xFF | FpuState.B));
        // the unmasked zero divide left the destination and the stack alone
        assertEquals(6, f.top());
        assertEquals(0, f.mantOf(0));
        assertEquals(Float80.INT_BIT, f.mantOf(1));
    }

    @Test
    void nonWaitingInstructionsDoNotReportIt() {
        X87Machine m = zeroDivideThen(0xDF, 0xE0, 0xDB, 0xE2, 0x9B); // fnstsw ax; fnclex; fwait
        assertInstanceOf(Exit.Halted.class, m.run());
        assertEquals(FpuState.ZE | FpuState.ES | FpuState.B, m.cpu.r[0] & (0xFF | FpuState.B));
        assertEquals(0, m.fpu().status & 0xFF);
    }

    @Test
    void withNeClearTheErrorIsOnlyRecorded() {
        X87Machine m = zeroDivideThen(0x9B, 0xD9, 0xE8);
        m.cpu.cr0 &= ~Cpu.CR0_NE;
        assertInstanceOf(Exit.Halted.class, m.run());
        assertEquals(FpuState.ES, m.fpu().status & FpuState.ES);
    }

    @Test
    void fldcwUnmaskingAPendingFlagMakesItPending() {
        X87Machine m = new X87Machine();
        m.put16(0, 0x037F & ~FpuState.PE);
        m.op(0xDB, 0xE3, 0xD9, 0xEB, 0xD9, 0xFE).mem(0xD9, 5, 0); // fldpi; fsin (PE, masked); fldcw
        int next = m.here();
        m.op(0xD9, 0xE8);
        assertEquals(MF, m.run());
        assertEquals(next, m.cpu.eip);
    }

    @Test
    void stackFaultWithUnmaskedInvalidKeepsTheStack() {
        X87Machine m = new X87Machine();
        m.put16(0, 0x037F & ~FpuState.IE);
        m.op(0xDB, 0xE3).mem(0xD9, 5, 0).op(0xDE, 0xC1); // faddp with an empty stack
        assertInstanceOf(Exit.Halted.class, m.run());
        FpuState f = m.fpu();
        assertEquals(FpuState.IE | FpuState.SF | FpuState.ES, f.status & 0xFF);
        assertEquals(0, f.top());
        assertEquals(0xFFFF, f.storedTag());
    }

    @Test
    void unmaskedOverflowStoresTheResultScaledDown() {
        // 2^16000 * 2^16000 with OE unmasked: 2^32000 * 2^-24576 = 2^7424 (SDM Vol. 1 4.9.1.4)
        X87Machine m = new X87Machine();
        m.put16(0, 0x037F & ~FpuState.OE);
        m.put64(8, Float80.INT_BIT);
        m.put16(16, 16000 + 16383);
        m.op(0xDB, 0xE3).mem(0xD9, 5, 0).mem(0xDB, 5, 8).op(0xD9, 0xC0, 0xDE, 0xC9); // fld m80; fld st0; fmulp
        assertInstanceOf(Exit.Halted.class, m.run());
        FpuState f = m.fpu();
        assertEquals(7424 + 16383, f.seOf(0));
        assertEquals(Float80.INT_BIT, f.mantOf(0));
        assertEquals(FpuState.OE | FpuState.ES, f.status & 0xFF);
        // masked, the same product is infinity with OE and PE
        X87Machine masked = new X87Machine();
        masked.put64(8, Float80.INT_BIT);
        masked.put16(16, 16000 + 16383);
        masked.op(0xDB, 0xE3).mem(0xDB, 5, 8).op(0xD9, 0xC0, 0xDE, 0xC9);
        assertInstanceOf(Exit.Halted.class, masked.run());
        assertEquals(0x7FFF, masked.fpu().seOf(0));
        assertEquals(FpuState.OE | FpuState.PE, masked.fpu().status & 0xFF);
    }
}
