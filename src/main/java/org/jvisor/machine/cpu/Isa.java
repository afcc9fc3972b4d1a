package org.jvisor.machine.cpu;

import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.OpcodeTable;
import org.jvisor.machine.cpu.exec.AluOps;
import org.jvisor.machine.cpu.exec.BcdOps;
import org.jvisor.machine.cpu.exec.BitOps;
import org.jvisor.machine.cpu.exec.BranchOps;
import org.jvisor.machine.cpu.exec.IoOps;
import org.jvisor.machine.cpu.exec.MoveOps;
import org.jvisor.machine.cpu.exec.ShiftOps;
import org.jvisor.machine.cpu.exec.StackOps;
import org.jvisor.machine.cpu.exec.StringOps;
import org.jvisor.machine.cpu.fpu.FpuOps;
import org.jvisor.machine.cpu.system.ControlOps;
import org.jvisor.machine.cpu.system.FarOps;
import org.jvisor.machine.cpu.system.SegmentOps;
import org.jvisor.machine.cpu.system.SystemOps;
import org.jvisor.machine.cpu.system.TableOps;

/**
 * The instruction set: assembles the opcode table from every family. Built once; the table
 * is immutable afterwards and shared by all processors.
 */
public final class Isa {
    private static final Entry UNDEFINED;
    private static final OpcodeTable TABLE;

    static {
        OpcodeTable t = new OpcodeTable();
        AluOps.register(t);
        ShiftOps.register(t);
        BitOps.register(t);
        BcdOps.register(t);
        MoveOps.register(t);
        StackOps.register(t);
        BranchOps.register(t);
        StringOps.register(t);
        IoOps.register(t);
        SystemOps.register(t);
        ControlOps.register(t);
        TableOps.register(t);
        SegmentOps.register(t);
        FarOps.register(t);
        FpuOps.register(t);
        // The row every undefined encoding decodes to. Opcode 0x1FF (0F FF) is UD0-like on P6.
        UNDEFINED = new OpcodeTable().def(0x1FF, "(bad)", "").exec(Isa::undefinedOpcode).attrs(Entry.ENDS_BLOCK).add();
        TABLE = t;
    }

    private Isa() { }

    public static OpcodeTable table() {
        return TABLE;
    }

    public static Entry undefined() {
        return UNDEFINED;
    }

    /** SDM Vol. 2 UD: an undefined encoding raises #UD. */
    public static void undefinedOpcode(Cpu cpu, org.jvisor.machine.cpu.decode.Insn i) {
        throw cpu.fault(Vectors.UD);
    }
}
