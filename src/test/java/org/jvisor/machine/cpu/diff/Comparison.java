package org.jvisor.machine.cpu.diff;

import java.util.ArrayList;
import java.util.List;
import org.jvisor.machine.cpu.Exit;
import org.jvisor.machine.cpu.Flags;
import org.jvisor.machine.cpu.Vectors;
import org.jvisor.machine.cpu.decode.Entry;

/**
 * Compares what the oracle did with what the model did for one case, and describes any
 * difference. Faults compare by class (the signal Linux turns each exception into), since
 * a signal does not carry the vector; registers, flags (minus the row's undefined flags),
 * memory, segment selectors (qemu-i386 only) and the x87 state compare exactly.
 */
final class Comparison {
    /** EFLAGS bits a user program can set and see. */
    static final int COMPARED_FLAGS = Flags.ARITH | Flags.DF | Flags.TF | Flags.IF | Flags.IOPL | Flags.NT
            | Flags.AC | Flags.ID;

    private Comparison() { }

    /** Null when the two agree, else a report of every difference. */
    static String compare(DiffCase c, Protocol.Result host, ModelMachine.Outcome model) {
        List<String> diffs = new ArrayList<>();
        if (model.setupProblem() != null) {
            diffs.add("model setup: " + model.setupProblem());
            return report(c, host, model, diffs);
        }
        int hostStart = Protocol.CODE_END - (c.oracle == Oracle.HOST ? c.hostBytes.length : c.bytes.length);
        // A fault reports the instruction's address; a trap (INTO) the address after it.
        boolean hostFault = host.signal() != 0 && host.signal() != Protocol.SIGTRAP
                && (host.eip() == hostStart || host.eip() == Protocol.CODE_END);
        if (model.exit() instanceof Exit.Exception ex) {
            if (!hostFault) {
                diffs.add("model raised " + Vectors.name(ex.vector()) + (ex.software() ? " (software)" : "")
                        + ", oracle " + (host.signal() == 0 ? "completed" : "got signal " + host.signal() + " at " + hex(host.eip())));
            } else if (!matchesSignal(ex.vector(), host.signal())) {
                diffs.add("model raised " + Vectors.name(ex.vector()) + ", oracle got signal " + signalName(host.signal()));
            }
        } else if (!(model.exit() instanceof Exit.BudgetExhausted)) {
            diffs.add("model stopped with " + model.exit());
        } else if (hostFault) {
            diffs.add("model completed, oracle got signal " + signalName(host.signal()) + " (fault address " + hex(host.faultAddress()) + ")");
        } else {
            int expectedEip = host.signal() == 0 ? Protocol.CODE_END : host.eip();
            if (model.eip() != expectedEip) diffs.add("eip: expected " + hex(expectedEip) + ", model " + hex(model.eip()));
        }
        if (diffs.isEmpty()) compareState(c, host, model, hostFault, diffs);
        return diffs.isEmpty() ? null : report(c, host, model, diffs);
    }

    private static void compareState(DiffCase c, Protocol.Result host, ModelMachine.Outcome model, boolean fault,
                                     List<String> diffs) {
        for (int k = 0; k < 8; k++) {
            if (host.regs()[k] != model.regs()[k]) {
                diffs.add(Registers.NAMES[k] + ": expected " + hex(host.regs()[k]) + ", model " + hex(model.regs()[k]));
            }
        }
        int mask = COMPARED_FLAGS & ~c.undefinedFlags;
        if (((host.eflags() ^ model.eflags()) & mask) != 0) {
            diffs.add(String.format("eflags: expected %08x, model %08x (differing %s; undefined for this case: %s)",
                    host.eflags() & mask, model.eflags() & mask, flagNames((host.eflags() ^ model.eflags()) & mask),
                    flagNames(c.undefinedFlags)));
        }
        byte[] initial = Protocol.initialBuffer(c);
        byte[] expected = host.finalBuffer(initial);
        ignoreInstructionPointers(c, initial, expected, model.buffer());
        ignoreSegmentPushPadding(c, host, initial, expected, model.buffer());
        for (int k = 0, shown = 0; k < expected.length; k++) {
            if (expected[k] != model.buffer()[k] && shown++ < 8) {
                diffs.add(String.format("memory %08x: initial %02x, expected %02x, model %02x", c.oracle.bufferBase + k,
                        initial[k] & 0xFF, expected[k] & 0xFF, model.buffer()[k] & 0xFF));
            }
        }
        if (c.oracle == Oracle.QEMU && host.signal() == 0) {
            for (int s = 0; s < 6; s++) {
                if ((host.sregs()[s] & 0xFFFF) != model.sregs()[s]) {
                    diffs.add("segment register " + org.jvisor.machine.cpu.Seg.name(s) + ": expected "
                            + hex(host.sregs()[s]) + ", model " + hex(model.sregs()[s]));
                }
            }
        }
        if (c.fpuImage != null && !fault) X87Compare.compare(c, host.fpuImage(), model.fpuImage(), diffs);
    }

    /**
     * FNSTENV/FNSAVE write the last instruction and operand pointers, which differ between
     * processors (and 64-bit mode): those 16 bytes of the stored image are not compared.
     */
    private static void ignoreInstructionPointers(DiffCase c, byte[] initial, byte[] expected, byte[] model) {
        Entry e = c.entry;
        boolean storesEnv = (e.opcode == 0xD9 || e.opcode == 0xDD) && e.reg == 6;
        if (!storesEnv) return;
        for (int k = 0; k < expected.length; k++) {
            if (expected[k] != initial[k] || model[k] != initial[k]) {
                int from = c.operandSize16() ? k + 6 : k + 12, to = c.operandSize16() ? k + 14 : k + 28;
                for (int j = from; j < Math.min(to, expected.length); j++) expected[j] = model[j];
                return;
            }
        }
    }

    /**
     * PUSH of a segment register with 32-bit operand size: the SDM allows either a
     * zero-extended doubleword or a 16-bit write that leaves the upper half of the slot
     * (Vol. 2 PUSH); qemu does the first, the model may do the second.
     */
    private static void ignoreSegmentPushPadding(DiffCase c, Protocol.Result host, byte[] initial, byte[] expected,
                                                 byte[] model) {
        int op = c.entry.opcode;
        boolean pushSeg = op == 0x06 || op == 0x0E || op == 0x16 || op == 0x1E || op == 0x1A0 || op == 0x1A8;
        if (!pushSeg || c.operandSize16() || host.signal() != 0) return;
        int slot = host.regs()[org.jvisor.machine.cpu.Reg.ESP] - c.oracle.bufferBase;
        for (int k = slot + 2; k < slot + 4; k++) {
            if (k >= 0 && k < expected.length) expected[k] = model[k];
        }
    }

    static boolean matchesSignal(int vector, int signal) {
        return switch (signal) {
            case Protocol.SIGFPE -> vector == Vectors.DE || vector == Vectors.MF;
            case Protocol.SIGILL -> vector == Vectors.UD;
            case Protocol.SIGSEGV -> vector == Vectors.GP || vector == Vectors.PF || vector == Vectors.SS
                    || vector == Vectors.NP || vector == Vectors.TS || vector == Vectors.BR || vector == Vectors.OF;
            case Protocol.SIGBUS -> vector == Vectors.SS || vector == Vectors.GP || vector == Vectors.AC;
            default -> false;
        };
    }

    static String signalName(int s) {
        return switch (s) {
            case Protocol.SIGFPE -> "SIGFPE (#DE/#MF)";
            case Protocol.SIGILL -> "SIGILL (#UD)";
            case Protocol.SIGSEGV -> "SIGSEGV (#GP/#PF/#SS/#NP/#BR/#OF)";
            case Protocol.SIGBUS -> "SIGBUS (#SS/#AC)";
            case Protocol.SIGTRAP -> "SIGTRAP";
            case Protocol.SIGALRM -> "SIGALRM (the instruction did not return within a second)";
            default -> "signal " + s;
        };
    }

    static String flagNames(int f) {
        String[] names = {"CF", "", "PF", "", "AF", "", "ZF", "SF", "TF", "IF", "DF", "OF", "IOPL", "IOPL", "NT", "",
            "RF", "VM", "AC", "VIF", "VIP", "ID"};
        StringBuilder s = new StringBuilder();
        for (int b = 0; b < names.length; b++) {
            if ((f & 1 << b) != 0 && !names[b].isEmpty() && (s.indexOf(names[b]) < 0)) s.append(s.isEmpty() ? "" : " ").append(names[b]);
        }
        return s.isEmpty() ? "none" : s.toString();
    }

    static String hex(int v) {
        return String.format("%08x", v);
    }

    private static String report(DiffCase c, Protocol.Result host, ModelMachine.Outcome model, List<String> diffs) {
        StringBuilder s = new StringBuilder(c.describe());
        s.append(String.format("  oracle: signal=%d eip=%08x eflags=%08x %s%n", host.signal(), host.eip(), host.eflags(),
                Registers.format(host.regs())));
        s.append(String.format("  model:  exit=%s eip=%08x eflags=%08x %s%n", model.exit(), model.eip(), model.eflags(),
                Registers.format(model.regs())));
        for (String d : diffs) s.append("  MISMATCH ").append(d).append('\n');
        return s.toString();
    }
}
