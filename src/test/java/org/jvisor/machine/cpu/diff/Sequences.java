package org.jvisor.machine.cpu.diff;

import static org.jvisor.machine.cpu.Flags.AF;
import static org.jvisor.machine.cpu.Flags.ARITH;
import static org.jvisor.machine.cpu.Flags.CF;
import static org.jvisor.machine.cpu.Flags.OF;
import static org.jvisor.machine.cpu.Flags.PF;
import static org.jvisor.machine.cpu.Flags.SF;
import static org.jvisor.machine.cpu.Flags.ZF;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jvisor.machine.cpu.Isa;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Insn;

/**
 * Two-instruction cases for the lazy arithmetic flags: a flag-producing register-form
 * instruction (ALU, INC/DEC/NEG, shifts and rotates, multiplies, bit tests, SAHF, CLC/STC/CMC)
 * immediately followed by a flag consumer (SETcc, CMOVcc, Jcc, ADC/SBB, rotates through
 * carry, LAHF, INC/DEC, CMC). One-instruction cases start from eager flags, so they never
 * see a consumer read the lazy record its producer left; these do. Flags a consumer reads
 * must be defined by the producer (else the pair is redrawn); the producer's undefined
 * flags that the consumer does not overwrite are masked along with the consumer's own.
 * Host CPU only: every form here runs unchanged in 64-bit mode.
 */
final class Sequences {
    /** The two instructions together stay short of the 16 bytes branch targets keep clear. */
    private static final int MAX_BYTES = 16;
    private final Generator gen;
    final List<Entry> producers = new ArrayList<>(), consumers = new ArrayList<>();

    Sequences(Generator gen) {
        this.gen = gen;
        for (Entry e : Isa.table().entries()) {
            if (RowPolicy.exclusion(e) != null || RowPolicy.qemuOnly(e)) continue;
            if (isProducer(e)) producers.add(e);
            if (isConsumer(e)) consumers.add(e);
        }
    }

    static boolean isProducer(Entry e) {
        int op = e.opcode, reg = e.reg;
        if (op < 0x40 && (op & 7) <= 5) return true; // ADD OR ADC SBB AND SUB XOR CMP
        if (op == 0x80 || op == 0x81 || op == 0x83 || op == 0x84 || op == 0x85 || op == 0xA8 || op == 0xA9) return true;
        if ((op == 0xF6 || op == 0xF7) && reg >= 0 && reg != 2 && reg < 6) return true; // TEST NEG MUL IMUL
        if ((op == 0xFE || op == 0xFF) && (reg == 0 || reg == 1)) return true;
        if (op == 0xC0 || op == 0xC1 || (op >= 0xD0 && op <= 0xD3)) return true;
        if (op == 0x1A3 || op == 0x1AB || op == 0x1B3 || op == 0x1BB || op == 0x1BA || op == 0x1BC || op == 0x1BD) return true;
        if (op == 0x1A4 || op == 0x1A5 || op == 0x1AC || op == 0x1AD || op == 0x1AF || op == 0x69 || op == 0x6B) return true;
        return op == 0x9E || op == 0xF5 || op == 0xF8 || op == 0xF9;
    }

    static boolean isConsumer(Entry e) {
        return reads(e) != 0 || ((e.opcode == 0xFE || e.opcode == 0xFF) && (e.reg == 0 || e.reg == 1));
    }

    /** The flags the instruction reads (SDM Vol. 1 Appendix B for the condition codes). */
    static int reads(Entry e) {
        int op = e.opcode, reg = e.reg;
        if (op >= 0x70 && op <= 0x7F || op >= 0x180 && op <= 0x19F || op >= 0x140 && op <= 0x14F) {
            return conditionFlags(op & 0xF);
        }
        boolean adcSbb = op >= 0x10 && op <= 0x1D && (op & 7) <= 5 || (op == 0x80 || op == 0x81 || op == 0x83) && (reg == 2 || reg == 3);
        boolean rotateCarry = (op == 0xC0 || op == 0xC1 || op >= 0xD0 && op <= 0xD3) && (reg == 2 || reg == 3);
        if (adcSbb || rotateCarry || op == 0xF5) return CF;
        return op == 0x9F ? SF | ZF | AF | PF | CF : 0;
    }

    static int conditionFlags(int cc) {
        return switch (cc >>> 1) {
            case 0 -> OF;
            case 1 -> CF;
            case 2 -> ZF;
            case 3 -> CF | ZF;
            case 4 -> SF;
            case 5 -> PF;
            case 6 -> SF | OF;
            default -> ZF | SF | OF;
        };
    }

    /** The arithmetic flags a consumer always writes (so the producer's value of them does not survive). */
    static int writes(Entry e) {
        int op = e.opcode, reg = e.reg;
        if (op == 0xFE || op == 0xFF) return ARITH & ~CF; // INC/DEC keep CF
        if (op == 0xF5) return CF;
        if ((op == 0xD0 || op == 0xD1) && (reg == 2 || reg == 3)) return CF | OF;
        boolean adcSbb = op >= 0x10 && op <= 0x1D || op == 0x80 || op == 0x81 || op == 0x83;
        return adcSbb ? ARITH : 0; // a rotate by CL or imm may have a zero count: writes nothing for sure
    }

    /** Sequence case n, or null when no fitting pair was drawn. */
    DiffCase draw(int n, Random rnd) {
        for (int attempt = 0; attempt < 40; attempt++) {
            Entry p = producers.get(rnd.nextInt(producers.size())), c = consumers.get(rnd.nextInt(consumers.size()));
            if ((p.undefinedFlags & reads(c)) != 0) continue;
            DiffCase first = registerForm(p, n, rnd), second = first == null ? null : registerForm(c, n, rnd);
            if (second == null) continue;
            byte[] bytes = concat(first.bytes, second.bytes), hostBytes = concat(first.hostBytes, second.hostBytes);
            if (hostBytes.length > MAX_BYTES || bytes.length > MAX_BYTES) continue;
            int undefined = c.undefinedFlags | (p.undefinedFlags & ~writes(c));
            return new DiffCase(n, c, Oracle.HOST, bytes, hostBytes, nearEqual(first.regs, p, rnd), first.eflags,
                    first.seed, 0, null, null, p, undefined);
        }
        return null;
    }

    /** A host case of the row in a register form (no memory operand), or null. */
    private DiffCase registerForm(Entry e, int n, Random rnd) {
        for (int attempt = 0; attempt < 8; attempt++) {
            DiffCase c = gen.generate(e, n, rnd);
            if (c == null || c.oracle != Oracle.HOST || c.patch != null) continue;
            Insn insn = gen.decode(c.bytes);
            if (insn != null && !insn.isMemory()) return c;
        }
        return null;
    }

    /** Often makes the registers close to one another, so compares see equal and off-by-one operands. */
    private static int[] nearEqual(int[] regs, Entry producer, Random rnd) {
        int[] r = regs.clone();
        if (rnd.nextInt(3) != 0) return r;
        int v = Values.interesting(rnd);
        for (int k = 0; k < 8; k++) {
            boolean shiftCount = k == Reg.ECX && (producer.opcode == 0x1A5 || producer.opcode == 0x1AD); // kept in range
            if (k != Reg.ESP && !shiftCount && rnd.nextBoolean()) r[k] = v + rnd.nextInt(3) - 1;
        }
        return r;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
