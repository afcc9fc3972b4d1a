package org.jvisor.machine.cpu.fpu;

import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Exec;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * The x87 rows of the opcode table: escape opcodes D8-DF (SDM Vol. 2 Appendix A.4, Tables
 * ) and WAIT/FWAIT (9B). Memory forms are rows per (opcode, reg); register forms
 * per (opcode, reg, rm). Encodings listed nowhere here decode to #UD, FISTTP (SSE3) included,
 * which a P6 does not have. The undocumented aliases a P6 executes (FSTP1, FCOM2, FCOMP3,
 * FXCH4, FCOMP5, FFREEP, FXCH7, FSTP8, FSTP9) are rows too.
 */
public final class FpuOps {
    private static final int F = Entry.FPU;

    private FpuOps() { }

    public static void register(OpcodeTable t) {
        t.def(0x9B, "fwait", "").exec(FpuControl::fwait).attrs(F).add();
        arithmetic(t);
        loadStore(t);
        control(t);
        d9Registers(t);
    }

    private static void mem(OpcodeTable t, int op, int reg, String name, String operand, Exec e) {
        t.def(op, reg, name, operand).exec(e).attrs(F | Entry.MEM_ONLY).add();
    }

    private static void regs(OpcodeTable t, int op, int reg, String name, String operands, Exec e) {
        for (int rm = 0; rm < 8; rm++) t.def(op, reg, name, operands).rm(rm).exec(e).attrs(F).add();
    }

    private static void one(OpcodeTable t, int op, int reg, int rm, String name, Exec e) {
        t.def(op, reg, name, "").rm(rm).exec(e).attrs(F).add();
    }

    private static final String[] ARITH = {"fadd", "fmul", "fcom", "fcomp", "fsub", "fsubr", "fdiv", "fdivr"};
    private static final String[] DC_REG = {"fadd", "fmul", "fcom2", "fcomp3", "fsubr", "fsub", "fdivr", "fdiv"};
    private static final String[] DE_REG = {"faddp", "fmulp", "fcomp5", "", "fsubrp", "fsubp", "fdivrp", "fdivp"};

    private static void arithmetic(OpcodeTable t) {
        for (int reg = 0; reg < 8; reg++) {
            boolean cmp = reg == 2 || reg == 3;
            String n = ARITH[reg];
            mem(t, 0xD8, reg, n, "Md", cmp ? FpuCompare::fcomMem : FpuArithOps::m32fp);
            mem(t, 0xDC, reg, n, "Mq", cmp ? FpuCompare::fcomMem : FpuArithOps::m64fp);
            mem(t, 0xDA, reg, "fi" + n.substring(1), "Md", cmp ? FpuCompare::fcomMem : FpuArithOps::m32int);
            mem(t, 0xDE, reg, "fi" + n.substring(1), "Mw", cmp ? FpuCompare::fcomMem : FpuArithOps::m16int);
            regs(t, 0xD8, reg, n, "ST,ST(i)", cmp ? FpuCompare::fcomReg : FpuArithOps::st0Sti);
            regs(t, 0xDC, reg, DC_REG[reg], "ST(i),ST", cmp ? FpuCompare::fcomReg : FpuArithOps::stiSt0);
            if (reg == 3) {
                one(t, 0xDE, 3, 1, "fcompp", FpuCompare::fcompp);
            } else {
                regs(t, 0xDE, reg, DE_REG[reg], "ST(i),ST", reg == 2 ? FpuCompare::fcomReg : FpuArithOps::stiSt0Pop);
            }
        }
    }

    private static void loadStore(OpcodeTable t) {
        mem(t, 0xD9, 0, "fld", "Md", FpuLoadStore::fldM32);
        mem(t, 0xD9, 2, "fst", "Md", FpuLoadStore::fstM32);
        mem(t, 0xD9, 3, "fstp", "Md", FpuLoadStore::fstpM32);
        mem(t, 0xDD, 0, "fld", "Mq", FpuLoadStore::fldM64);
        mem(t, 0xDD, 2, "fst", "Mq", FpuLoadStore::fstM64);
        mem(t, 0xDD, 3, "fstp", "Mq", FpuLoadStore::fstpM64);
        mem(t, 0xDB, 5, "fld", "Mt", FpuLoadStore::fldM80);
        mem(t, 0xDB, 7, "fstp", "Mt", FpuLoadStore::fstpM80);
        mem(t, 0xDB, 0, "fild", "Md", FpuLoadStore::fildM32);
        mem(t, 0xDB, 2, "fist", "Md", FpuLoadStore::fistM32);
        mem(t, 0xDB, 3, "fistp", "Md", FpuLoadStore::fistpM32);
        mem(t, 0xDF, 0, "fild", "Mw", FpuLoadStore::fildM16);
        mem(t, 0xDF, 2, "fist", "Mw", FpuLoadStore::fistM16);
        mem(t, 0xDF, 3, "fistp", "Mw", FpuLoadStore::fistpM16);
        mem(t, 0xDF, 5, "fild", "Mq", FpuLoadStore::fildM64);
        mem(t, 0xDF, 7, "fistp", "Mq", FpuLoadStore::fistpM64);
        mem(t, 0xDF, 4, "fbld", "Mt", FpuLoadStore::fbld);
        mem(t, 0xDF, 6, "fbstp", "Mt", FpuLoadStore::fbstp);
        regs(t, 0xD9, 0, "fld", "ST(i)", FpuLoadStore::fldReg);
        regs(t, 0xD9, 1, "fxch", "ST(i)", FpuControl::fxch);
        regs(t, 0xD9, 3, "fstp1", "ST(i)", FpuLoadStore::fstpReg);
        regs(t, 0xDD, 0, "ffree", "ST(i)", FpuControl::ffree);
        regs(t, 0xDD, 1, "fxch4", "ST(i)", FpuControl::fxch);
        regs(t, 0xDD, 2, "fst", "ST(i)", FpuLoadStore::fstReg);
        regs(t, 0xDD, 3, "fstp", "ST(i)", FpuLoadStore::fstpReg);
        regs(t, 0xDD, 4, "fucom", "ST(i)", FpuCompare::fucomReg);
        regs(t, 0xDD, 5, "fucomp", "ST(i)", FpuCompare::fucomReg);
        regs(t, 0xDF, 0, "ffreep", "ST(i)", FpuControl::ffreep);
        regs(t, 0xDF, 1, "fxch7", "ST(i)", FpuControl::fxch);
        regs(t, 0xDF, 2, "fstp8", "ST(i)", FpuLoadStore::fstpReg);
        regs(t, 0xDF, 3, "fstp9", "ST(i)", FpuLoadStore::fstpReg);
        String[] cmov = {"fcmovb", "fcmove", "fcmovbe", "fcmovu"};
        for (int reg = 0; reg < 4; reg++) {
            regs(t, 0xDA, reg, cmov[reg], "ST,ST(i)", FpuLoadStore::fcmov);
            regs(t, 0xDB, reg, "fcmovn" + cmov[reg].substring(5), "ST,ST(i)", FpuLoadStore::fcmov);
        }
        regs(t, 0xDB, 5, "fucomi", "ST,ST(i)", FpuCompare::fcomi);
        regs(t, 0xDB, 6, "fcomi", "ST,ST(i)", FpuCompare::fcomi);
        regs(t, 0xDF, 5, "fucomip", "ST,ST(i)", FpuCompare::fcomi);
        regs(t, 0xDF, 6, "fcomip", "ST,ST(i)", FpuCompare::fcomi);
        one(t, 0xDA, 5, 1, "fucompp", FpuCompare::fucompp);
    }

    private static void control(OpcodeTable t) {
        mem(t, 0xD9, 4, "fldenv", "M", FpuEnvironment::fldenv);
        mem(t, 0xD9, 5, "fldcw", "Mw", FpuControl::fldcw);
        mem(t, 0xD9, 6, "fnstenv", "M", FpuEnvironment::fnstenv);
        mem(t, 0xD9, 7, "fnstcw", "Mw", FpuControl::fnstcw);
        mem(t, 0xDD, 4, "frstor", "M", FpuEnvironment::frstor);
        mem(t, 0xDD, 6, "fnsave", "M", FpuEnvironment::fnsave);
        mem(t, 0xDD, 7, "fnstsw", "Mw", FpuControl::fnstswMem);
        one(t, 0xDF, 4, 0, "fnstsw", FpuControl::fnstswAx);
        one(t, 0xDB, 4, 0, "fneni", FpuControl::legacyNop);
        one(t, 0xDB, 4, 1, "fndisi", FpuControl::legacyNop);
        one(t, 0xDB, 4, 2, "fnclex", FpuControl::fnclex);
        one(t, 0xDB, 4, 3, "fninit", FpuControl::fninit);
        one(t, 0xDB, 4, 4, "fnsetpm", FpuControl::legacyNop);
    }

    private static void d9Registers(OpcodeTable t) {
        one(t, 0xD9, 2, 0, "fnop", FpuControl::fnop);
        one(t, 0xD9, 4, 0, "fchs", FpuArithOps::fchs);
        one(t, 0xD9, 4, 1, "fabs", FpuArithOps::fabs);
        one(t, 0xD9, 4, 4, "ftst", FpuCompare::ftst);
        one(t, 0xD9, 4, 5, "fxam", FpuCompare::fxam);
        String[] consts = {"fld1", "fldl2t", "fldl2e", "fldpi", "fldlg2", "fldln2", "fldz"};
        for (int rm = 0; rm < 7; rm++) one(t, 0xD9, 5, rm, consts[rm], FpuLoadStore::fldConst);
        String[] d9f0 = {"f2xm1", "fyl2x", "fptan", "fpatan", "fxtract", "fprem1", "fdecstp", "fincstp"};
        Exec[] e6 = {FpuTranscendental::f2xm1, FpuTranscendental::fyl2x, FpuTranscendental::fptan,
            FpuTranscendental::fpatan, FpuRemainder::fxtract, FpuRemainder::fprem1, FpuControl::fdecstp,
            FpuControl::fincstp};
        String[] d9f8 = {"fprem", "fyl2xp1", "fsqrt", "fsincos", "frndint", "fscale", "fsin", "fcos"};
        Exec[] e7 = {FpuRemainder::fprem, FpuTranscendental::fyl2xp1, FpuArithOps::fsqrt,
            FpuTranscendental::fsincos, FpuArithOps::frndint, FpuRemainder::fscale, FpuTranscendental::fsin,
            FpuTranscendental::fcos};
        for (int rm = 0; rm < 8; rm++) {
            one(t, 0xD9, 6, rm, d9f0[rm], e6[rm]);
            one(t, 0xD9, 7, rm, d9f8[rm], e7[rm]);
        }
    }
}
