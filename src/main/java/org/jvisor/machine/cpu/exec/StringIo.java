package org.jvisor.machine.cpu.exec;

import static org.jvisor.machine.cpu.exec.StringRegs.advance;
import static org.jvisor.machine.cpu.exec.StringRegs.count;
import static org.jvisor.machine.cpu.exec.StringRegs.index;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.Seg;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * String port I/O: INS and OUTS (SDM Vol. 2 INS, OUTS), port DX, with REP. The I/O
 * permission check ({@link IoPermission}) runs once per execution before any iteration,
 * even with a zero count. IOPL-sensitive, not privileged: the rows carry IO only.
 *
 * <p>INS checks that the destination can be written before it reads the port, so a #PF or
 * #GP on the buffer does not consume device data and the instruction restarts cleanly.
 * This is the order Bochs implements and the one restartable drivers rely on; the SDM's
 * operation section does not fix it.
 */
final class StringIo {
    private StringIo() { }

    static void register(OpcodeTable t) {
        t.def(0x6C, "insb", "Yb,DX").exec(StringIo::insb).attrs(IoOps.PORT_IO).add();
        t.def(0x6D, "ins", "Yv,DX").exec(StringIo::ins16, StringIo::ins32).attrs(IoOps.PORT_IO).add();
        t.def(0x6E, "outsb", "DX,Xb").exec(StringIo::outsb).attrs(IoOps.PORT_IO).add();
        t.def(0x6F, "outs", "DX,Xv").exec(StringIo::outs16, StringIo::outs32).attrs(IoOps.PORT_IO).add();
    }

    static void insb(Cpu cpu, Insn i) {
        transfer(cpu, i, 1, true);
    }

    static void ins16(Cpu cpu, Insn i) {
        transfer(cpu, i, 2, true);
    }

    static void ins32(Cpu cpu, Insn i) {
        transfer(cpu, i, 4, true);
    }

    static void outsb(Cpu cpu, Insn i) {
        transfer(cpu, i, 1, false);
    }

    static void outs16(Cpu cpu, Insn i) {
        transfer(cpu, i, 2, false);
    }

    static void outs32(Cpu cpu, Insn i) {
        transfer(cpu, i, 4, false);
    }

    private static void transfer(Cpu cpu, Insn i, int size, boolean in) {
        int port = cpu.r[Reg.EDX] & 0xFFFF;
        IoPermission.check(cpu, port, size);
        int d = StringRegs.delta(cpu, size);
        if (i.rep == 0) {
            one(cpu, i, port, size, d, in);
            return;
        }
        int left = StringRegs.budget(cpu);
        while (true) {
            int n = count(cpu, i.addr32);
            if (n == 0) return;
            if (left-- == 0) {
                StringRegs.resumeLater(cpu);
                return;
            }
            one(cpu, i, port, size, d, in);
            StringRegs.setCount(cpu, i.addr32, n - 1);
        }
    }

    private static void one(Cpu cpu, Insn i, int port, int size, int d, boolean in) {
        if (in) {
            int off = index(cpu, i.addr32, Reg.EDI);
            StringRegs.checkDestination(cpu, off, size);
            int v = cpu.ports.read(port, size);
            StringRegs.write(cpu, Seg.ES, off, v, size);
            advance(cpu, i.addr32, Reg.EDI, d);
        } else {
            int v = StringRegs.read(cpu, i.seg, index(cpu, i.addr32, Reg.ESI), size);
            cpu.ports.write(port, size, v);
            advance(cpu, i.addr32, Reg.ESI, d);
        }
    }
}
