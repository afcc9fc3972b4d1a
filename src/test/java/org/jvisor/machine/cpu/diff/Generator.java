package org.jvisor.machine.cpu.diff;

import java.util.Random;
import org.jvisor.machine.cpu.Isa;
import org.jvisor.machine.cpu.Reg;
import org.jvisor.machine.cpu.decode.Decoder;
import org.jvisor.machine.cpu.decode.Entry;
import org.jvisor.machine.cpu.decode.Insn;
import org.jvisor.machine.cpu.decode.OpcodeTable;

/**
 * Produces random cases for one opcode-table row: an encoding that decodes to that row
 * (prefixes, ModRM/SIB, displacement, immediates), registers biased toward edge values,
 * random flags, and memory operands placed in the oracle's data buffer. Instructions that
 * take an address, a count or a target from registers or memory get values that keep
 * them inside the buffer or the code region, so a fault means the same on both sides.
 */
final class Generator {
    /** Bytes after the instruction hold the harness's jump back: branch targets avoid them. */
    private static final int STUB_BYTES = 14;
    private final OpcodeTable table = Isa.table();
    private final Decoder decoder = new Decoder(table, Isa.undefined());
    private final boolean qemuAvailable;

    Generator(boolean qemuAvailable) {
        this.qemuAvailable = qemuAvailable;
    }

    /** Which oracles can run a row at all. */
    boolean hostCapable(Entry e) {
        return !RowPolicy.qemuOnly(e);
    }

    /** A case for the row, or null if this attempt drew an encoding that does not fit (retry). */
    DiffCase generate(Entry e, int number, Random rnd) {
        boolean qemuOnly = RowPolicy.qemuOnly(e);
        if (qemuOnly && !qemuAvailable) return null;
        Draft d = new Draft(e, rnd);
        d.op16 = Operands.sizeSensitive(e) && rnd.nextInt(3) == 0 && !(e.opcode >= 0x1C8 && e.opcode <= 0x1CF);
        boolean addressed = Operands.needsModrm(e) || RowPolicy.implicitAddress(e);
        // x87 rows stay on the host: qemu-i386 does not model stack faults on empty registers.
        d.addr16 = qemuAvailable && addressed && rnd.nextInt(qemuOnly ? 3 : 8) == 0 && !RowPolicy.qemuLacks(e)
                && !e.has(Entry.FPU);
        if (!d.encode()) return null;
        boolean toQemu = qemuOnly || d.addr16 || (d.op16 && RowPolicy.isBranch(e));
        if (toQemu && !qemuAvailable) return null;
        d.oracle = toQemu ? Oracle.QEMU : Oracle.HOST;
        d.buf = d.oracle.bufferBase;
        Insn insn = decode(d.enc.model());
        if (insn == null || insn.entry != e) return null;
        d.regs();
        if (insn.isMemory() && !d.placeMemory(insn)) return null;
        if (!new Fixups(d, insn).apply()) return null;
        byte[] bytes = d.enc.model();
        boolean hostAddr32 = insn.isMemory() || RowPolicy.implicitAddress(e);
        return new DiffCase(number, e, d.oracle, bytes, d.enc.host(hostAddr32), d.r, Values.eflags(rnd) | d.extraFlags,
                rnd.nextInt(), d.patchOffset, d.patch, e.has(Entry.FPU) ? FpuValues.image(rnd, e.mnemonic) : null);
    }

    Insn decode(byte[] bytes) {
        Insn insn = new Insn();
        try {
            decoder.decode(k -> {
                if (k >= bytes.length) throw Decoder.UNAVAILABLE;
                return bytes[k] & 0xFF;
            }, true, insn);
        } catch (RuntimeException ex) {
            return null;
        }
        return insn.length == bytes.length ? insn : null;
    }

    /** The state of one case while it is being drawn. */
    final class Draft {
        final Entry e;
        final Random rnd;
        final Encoding enc = new Encoding();
        Oracle oracle;
        int buf;
        boolean op16, addr16;
        final int[] r = new int[8];
        int extraFlags;
        /** The memory operand's address, once placed. */
        int target;
        int patchOffset;
        byte[] patch;

        Draft(Entry e, Random rnd) {
            this.e = e;
            this.rnd = rnd;
        }

        boolean encode() {
            java.util.List<Integer> pre = new java.util.ArrayList<>();
            if (op16) pre.add(0x66);
            if (addr16) pre.add(0x67);
            enc.opcode = e.opcode;
            if (Operands.needsModrm(e) && !chooseModrm()) return false;
            boolean mem = enc.modrm >= 0 && (enc.modrm >>> 6) != 3;
            if (addr16 && !mem && !RowPolicy.implicitAddress(e)) {
                addr16 = false; // an address-size prefix on a register form: keep it on the host
                enc.prefixes.reset();
                pre.remove(Integer.valueOf(0x67));
            }
            if ((mem || RowPolicy.implicitAddress(e) && e.opcode < 0xE0) && rnd.nextInt(6) == 0) {
                pre.add(new int[] {0x26, 0x36, 0x3E}[rnd.nextInt(3)]);
            }
            if (mem && e.has(Entry.LOCKABLE) && rnd.nextInt(4) == 0) pre.add(0xF0);
            if (RowPolicy.isString(e) && rnd.nextBoolean()) {
                boolean conditional = e.opcode == 0xA6 || e.opcode == 0xA7 || e.opcode == 0xAE || e.opcode == 0xAF;
                pre.add(conditional && rnd.nextBoolean() ? 0xF2 : 0xF3);
            }
            java.util.Collections.shuffle(pre, rnd);
            for (int p : pre) enc.prefixes.write(p);
            immediates();
            return true;
        }

        private boolean chooseModrm() {
            for (int tries = 0; tries < 64; tries++) {
                int mod = e.has(Entry.MEM_ONLY) ? rnd.nextInt(3) : e.has(Entry.REG_ONLY) ? 3
                        : rnd.nextBoolean() ? 3 : rnd.nextInt(3);
                int reg = e.reg >= 0 ? e.reg : rnd.nextInt(8);
                int rm = e.rm >= 0 ? e.rm : rnd.nextInt(8);
                int m = mod << 6 | reg << 3 | rm;
                if (table.lookup(e.opcode, m) != e) continue;
                enc.modrm = m;
                if (mod != 3) addressBytes(mod, rm);
                return true;
            }
            return false;
        }

        /** SIB and displacement for a memory operand; absolute forms get the buffer address later. */
        private void addressBytes(int mod, int rm) {
            if (addr16) {
                if (mod == 0 && rm == 6) enc.dispSize = 2;
                else if (mod == 1) enc.dispSize = 1;
                else if (mod == 2) enc.dispSize = 2;
                enc.disp = rnd.nextInt(0x800) - 0x400;
                return;
            }
            if (rm == 4) {
                int base = rnd.nextInt(8);
                enc.sib = rnd.nextInt(4) << 6 | rnd.nextInt(8) << 3 | base;
                if (mod == 0 && base == 5) enc.dispSize = 4;
            } else if (mod == 0 && rm == 5) {
                enc.dispSize = 4;
            }
            if (mod == 1) enc.dispSize = 1;
            if (mod == 2) enc.dispSize = 4;
            enc.disp = rnd.nextInt(4) == 0 ? rnd.nextInt() : rnd.nextInt(0x800) - 0x400;
        }

        private void immediates() {
            switch (Operands.immediate(e)) {
                case NONE -> { }
                case B, BS -> imm(Values.interesting(rnd), 1);
                case W -> imm(Values.interesting(rnd), 2);
                case Z -> imm(Values.interesting(rnd), op16 ? 2 : 4);
                case D -> imm(Values.interesting(rnd), 4);
                case JB -> imm(op16 ? -17 - rnd.nextInt(112) : relative(0x80), 1);
                case JZ -> imm(op16 ? (rnd.nextBoolean() ? 0x2000 + rnd.nextInt(0x6000) : -0x20 - rnd.nextInt(0x7FE0))
                        : relative(0x7000), op16 ? 2 : 4);
                case MOFFS -> imm(0, addr16 ? 2 : 4); // the address is placed with the registers
                case ENTER -> {
                    imm(rnd.nextInt(4) == 0 ? rnd.nextInt(0x10000) : rnd.nextInt(64), 2);
                    enc.imm2Size = 1;
                    enc.imm2 = rnd.nextInt(3) == 0 ? rnd.nextInt(256) : rnd.nextInt(4);
                }
                case FAR -> {
                    imm(rnd.nextInt(), op16 ? 2 : 4);
                    enc.imm2Size = 2;
                    enc.imm2 = rnd.nextInt(0x10000);
                }
            }
        }

        private void imm(int v, int size) {
            enc.imm = v;
            enc.immSize = size;
        }

        /** A branch displacement that lands in the INT3-filled code region, never on the jump back. */
        int relative(int range) {
            while (true) {
                int rel = rnd.nextInt(2 * range) - range;
                if (rel < -16 || rel == 0 || rel > STUB_BYTES) return rel; // not into itself, not onto the jump back
            }
        }

        void regs() {
            for (int k = 0; k < 8; k++) r[k] = Values.interesting(rnd);
            r[Reg.ESP] = buf + 0x1000 + (rnd.nextInt(0x400) & ~3);
        }

        /** Chooses where in the buffer the operand lives and sets base/index (or the displacement) to reach it. */
        boolean placeMemory(Insn insn) {
            target = buf + 0x200 + rnd.nextInt(Protocol.BUFFER_SIZE - 0x600);
            if (!insn.addr32) return place16(insn);
            int s = insn.scale, disp = insn.disp;
            int base = insn.base, index = insn.index;
            if (base < 0 && index < 0 || enc.dispSize == 4 && base < 0) {
                int idx = index >= 0 ? rnd.nextInt(0x40) : 0;
                if (index >= 0) r[index] = idx;
                enc.disp = target - (idx << s);
                return true;
            }
            if (base == Reg.ESP) {
                if (index >= 0) r[index] = (target - disp - r[Reg.ESP]) >> s;
                else target = r[Reg.ESP] + disp;
                return index >= 0 || Math.abs(disp) < 0x800;
            }
            if (index == base) {
                r[base] = (target - disp) / (1 + (1 << s));
                return true;
            }
            int idx = index >= 0 ? rnd.nextInt(0x100) - 0x80 : 0;
            if (index >= 0) r[index] = idx;
            r[base] = target - disp - (idx << s);
            return true;
        }

        private boolean place16(Insn insn) {
            int disp = insn.disp, base = insn.base, index = insn.index;
            if (base < 0 && index < 0) {
                enc.disp = target;
                return true;
            }
            int idx = base >= 0 && index >= 0 ? rnd.nextInt(0x100) : 0;
            if (base >= 0 && index >= 0) r[index] = r[index] & 0xFFFF0000 | idx;
            int reg = base >= 0 ? base : index;
            r[reg] = r[reg] & 0xFFFF0000 | ((target - disp - idx) & 0xFFFF);
            return true;
        }

        void patch(int address, byte[] bytes) {
            patchOffset = address - buf;
            patch = java.util.Arrays.copyOf(bytes, Protocol.PATCH_SIZE);
        }
    }
}
