package org.jvisor.machine.cpu.exec;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * Port I/O: IN and OUT (SDM Vol. 2 IN, OUT). INS/OUTS are string instructions
 * ({@link StringIo}). The rows carry IO but not PRIVILEGED: the check is IOPL plus the TSS
 * bitmap ({@link IoPermission}), so at CPL 3 with the bitmap's permission they do not trap.
 */
public final class IoOps {
    /**
     * A port access can change what the devices signal (unmasking a PIC line, acknowledging a
     * timer): the block ends after it so a newly pending interrupt is taken at the next
     * instruction boundary, as on hardware, not at the end of a longer block.
     */
    static final int PORT_IO = Entry.IO | Entry.ENDS_BLOCK;

    private IoOps() { }

    public static void register(OpcodeTable t) {
        t.def(0xE4, "in", "AL,Ib").exec(IoOps::inAlImm).attrs(PORT_IO).add();
        t.def(0xE5, "in", "eAX,Ib").exec(IoOps::inAxImm, IoOps::inEaxImm).attrs(PORT_IO).add();
        t.def(0xE6, "out", "Ib,AL").exec(IoOps::outImmAl).attrs(PORT_IO).add();
        t.def(0xE7, "out", "Ib,eAX").exec(IoOps::outImmAx, IoOps::outImmEax).attrs(PORT_IO).add();
        t.def(0xEC, "in", "AL,DX").exec(IoOps::inAlDx).attrs(PORT_IO).add();
        t.def(0xED, "in", "eAX,DX").exec(IoOps::inAxDx, IoOps::inEaxDx).attrs(PORT_IO).add();
        t.def(0xEE, "out", "DX,AL").exec(IoOps::outDxAl).attrs(PORT_IO).add();
        t.def(0xEF, "out", "DX,eAX").exec(IoOps::outDxAx, IoOps::outDxEax).attrs(PORT_IO).add();
        StringIo.register(t);
    }

    private static int dx(Cpu cpu) {
        return cpu.r[Reg.EDX] & 0xFFFF;
    }

    static void inAlImm(Cpu cpu, Insn i) {
        in(cpu, i.imm & 0xFF, 1);
    }

    static void inAxImm(Cpu cpu, Insn i) {
        in(cpu, i.imm & 0xFF, 2);
    }

    static void inEaxImm(Cpu cpu, Insn i) {
        in(cpu, i.imm & 0xFF, 4);
    }

    static void inAlDx(Cpu cpu, Insn i) {
        in(cpu, dx(cpu), 1);
    }

    static void inAxDx(Cpu cpu, Insn i) {
        in(cpu, dx(cpu), 2);
    }

    static void inEaxDx(Cpu cpu, Insn i) {
        in(cpu, dx(cpu), 4);
    }

    static void outImmAl(Cpu cpu, Insn i) {
        out(cpu, i.imm & 0xFF, 1);
    }

    static void outImmAx(Cpu cpu, Insn i) {
        out(cpu, i.imm & 0xFF, 2);
    }

    static void outImmEax(Cpu cpu, Insn i) {
        out(cpu, i.imm & 0xFF, 4);
    }

    static void outDxAl(Cpu cpu, Insn i) {
        out(cpu, dx(cpu), 1);
    }

    static void outDxAx(Cpu cpu, Insn i) {
        out(cpu, dx(cpu), 2);
    }

    static void outDxEax(Cpu cpu, Insn i) {
        out(cpu, dx(cpu), 4);
    }

    /** IN: the permission check comes first; AL/AX/EAX receive the value (upper bits kept). */
    private static void in(Cpu cpu, int port, int size) {
        IoPermission.check(cpu, port, size);
        int v = cpu.ports.read(port, size);
        switch (size) {
            case 1 -> cpu.setReg8(Reg.EAX, v);
            case 2 -> cpu.setReg16(Reg.EAX, v);
            default -> cpu.r[Reg.EAX] = v;
        }
    }

    private static void out(Cpu cpu, int port, int size) {
        IoPermission.check(cpu, port, size);
        int v = cpu.r[Reg.EAX];
        cpu.ports.write(port, size, size == 4 ? v : v & ((1 << (8 * size)) - 1));
    }
}
