package org.jvisor.machine.cpu.decode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The opcode table: every instruction form the processor knows, keyed by opcode and ModRM.
 * Families register their rows with {@link #def}; the decoder, the interpreter, the binary
 * translator's analysis and the differential-test generator all read the same rows.
 *
 * <p>Storage: per opcode either one row (no ModRM) or 256 rows indexed by the ModRM byte,
 * so a lookup is two array loads. Overlapping definitions are an error.
 */
public final class OpcodeTable {
    static final int IMM_NONE = 0, IMM_B = 1, IMM_BS = 2, IMM_W = 3, IMM_Z = 4, IMM_D = 5,
            IMM_JB = 6, IMM_JZ = 7, IMM_MOFFS = 8, IMM_FAR = 9, IMM_ENTER = 10;

    private final Entry[][] rows = new Entry[0x200][];
    private final boolean[] usesModrm = new boolean[0x200];
    private final List<Entry> entries = new ArrayList<>();

    /** Starts a row for a plain or two-byte (0x100 | byte) opcode. */
    public Row def(int opcode, String mnemonic, String operands) {
        return new Row(opcode, -1, mnemonic, operands);
    }

    /** Starts a row for a group opcode whose ModRM.reg field selects the instruction. */
    public Row def(int opcode, int reg, String mnemonic, String operands) {
        return new Row(opcode, reg, mnemonic, operands);
    }

    /** Every row, in definition order. */
    public List<Entry> entries() {
        return Collections.unmodifiableList(entries);
    }

    public boolean usesModrm(int opcode) {
        return usesModrm[opcode];
    }

    /** The row for an opcode and (if the opcode uses one) ModRM byte; null if undefined. */
    public Entry lookup(int opcode, int modrm) {
        Entry[] r = rows[opcode];
        if (r == null) return null;
        return r.length == 1 ? r[0] : r[modrm];
    }

    /** Builder for one row. */
    public final class Row {
        private final int opcode, reg;
        private final String mnemonic, operands;
        private int rm = -1;
        private Exec exec16, exec32;
        private int attributes, undefinedFlags;

        private Row(int opcode, int reg, String mnemonic, String operands) {
            if (opcode < 0 || opcode >= 0x200) throw new IllegalArgumentException("opcode " + opcode);
            this.opcode = opcode;
            this.reg = reg;
            this.mnemonic = mnemonic;
            this.operands = operands;
        }

        /** The same semantics at every operand size (byte forms, and forms that ignore it). */
        public Row exec(Exec e) {
            return exec(e, e);
        }

        public Row exec(Exec e16, Exec e32) {
            exec16 = e16;
            exec32 = e32;
            return this;
        }

        public Row attrs(int a) {
            attributes |= a;
            return this;
        }

        public Row undefined(int flags) {
            undefinedFlags = flags;
            return this;
        }

        /** For x87 register forms: only this ModRM.rm with mod == 3 (implies REG_ONLY). */
        public Row rm(int r) {
            rm = r;
            attributes |= Entry.REG_ONLY;
            return this;
        }

        public Entry add() {
            if (exec16 == null) throw new IllegalStateException("no semantics for " + mnemonic);
            boolean modrm = reg >= 0 || needsModrm(operands);
            Entry e = new Entry(opcode, reg, rm, mnemonic, operands, exec16, exec32, attributes,
                    undefinedFlags, modrm, immKind(operands));
            place(e);
            entries.add(e);
            return e;
        }
    }

    private void place(Entry e) {
        if (!e.needsModrm) {
            if (rows[e.opcode] != null) throw conflict(e, rows[e.opcode][0]);
            rows[e.opcode] = new Entry[] {e};
            return;
        }
        Entry[] r = rows[e.opcode];
        if (r == null) {
            r = rows[e.opcode] = new Entry[256];
            usesModrm[e.opcode] = true;
        } else if (r.length == 1) {
            throw conflict(e, r[0]);
        }
        for (int m = 0; m < 256; m++) {
            int mod = m >>> 6, regField = (m >>> 3) & 7, rmField = m & 7;
            if (e.reg >= 0 && regField != e.reg) continue;
            if (e.has(Entry.MEM_ONLY) && mod == 3) continue;
            if (e.has(Entry.REG_ONLY) && mod != 3) continue;
            if (e.rm >= 0 && rmField != e.rm) continue;
            if (r[m] != null) throw conflict(e, r[m]);
            r[m] = e;
        }
    }

    private static IllegalStateException conflict(Entry a, Entry b) {
        return new IllegalStateException("opcode table conflict: " + a + " overlaps " + b);
    }

    static boolean needsModrm(String operands) {
        for (String op : split(operands)) {
            if (op.isEmpty()) continue;
            char c = op.charAt(0);
            if (op.length() >= 2 && Character.isLowerCase(op.charAt(1)) || op.equals("M")) {
                if ("EGMRSCDTQ".indexOf(c) >= 0) return true;
            }
        }
        return false;
    }

    static int immKind(String operands) {
        List<String> ops = split(operands);
        if (ops.contains("Iw") && ops.contains("Ib")) return IMM_ENTER;
        for (String op : ops) {
            switch (op) {
                case "Ib": return IMM_B;
                case "Ibs": return IMM_BS;
                case "Iw": return IMM_W;
                case "Iz", "Iv": return IMM_Z;
                case "Id": return IMM_D;
                case "Jb": return IMM_JB;
                case "Jz": return IMM_JZ;
                case "Ob", "Ov": return IMM_MOFFS;
                case "Ap": return IMM_FAR;
                default: break;
            }
        }
        return IMM_NONE;
    }

    private static List<String> split(String operands) {
        List<String> out = new ArrayList<>();
        if (operands == null || operands.isBlank()) return out;
        for (String s : operands.split(",")) out.add(s.trim());
        return out;
    }
}
