package org.jvisor.machine.cpu.decode;

import org.jvisor.machine.cpu.Seg;

/**
 * Turns instruction bytes into an {@link Insn} (SDM Vol. 2 chapter 2: prefixes, opcode,
 * ModRM, SIB, displacement, immediate). Knows nothing about semantics: the table row says
 * which operands follow. Undefined opcodes decode to the table's #UD row.
 */
public final class Decoder {
    /** Thrown by a {@link ByteSource} that has no more bytes for this block. */
    public static final RuntimeException UNAVAILABLE = new RuntimeException("bytes unavailable", null, false, false) { };

    /** Thrown when an instruction would exceed 15 bytes: the caller raises #GP(0) (SDM 2.3.11). */
    public static final RuntimeException TOO_LONG = new RuntimeException("instruction longer than 15 bytes", null, false, false) { };

    private static final int MAX_LENGTH = 15;
    // 16-bit addressing (SDM Table 2-1): base and index register per ModRM.rm.
    private static final int[] BASE16 = {3, 3, 5, 5, -1, -1, 5, 3};
    private static final int[] INDEX16 = {6, 7, 6, 7, 6, 7, -1, -1};

    private final OpcodeTable table;
    private final Entry undefined;

    public Decoder(OpcodeTable table, Entry undefinedOpcode) {
        this.table = table;
        this.undefined = undefinedOpcode;
    }

    public OpcodeTable table() {
        return table;
    }

    /** Decodes one instruction; {@code code32} is the CS default size (D bit). */
    public void decode(ByteSource src, boolean code32, Insn out) {
        int pos = 0;
        boolean opOverride = false, addrOverride = false;
        out.rep = 0;
        out.lock = false;
        out.segOverride = -1;
        int b;
        while (true) {
            b = fetch(src, pos++);
            switch (b) {
                case 0x66 -> opOverride = true;
                case 0x67 -> addrOverride = true;
                case 0x26 -> out.segOverride = Seg.ES;
                case 0x2E -> out.segOverride = Seg.CS;
                case 0x36 -> out.segOverride = Seg.SS;
                case 0x3E -> out.segOverride = Seg.DS;
                case 0x64 -> out.segOverride = Seg.FS;
                case 0x65 -> out.segOverride = Seg.GS;
                case 0xF0 -> out.lock = true;
                case 0xF2 -> out.rep = 2;
                case 0xF3 -> out.rep = 1;
                default -> { }
            }
            if (!isPrefix(b)) break;
        }
        int opcode = b;
        if (b == 0x0F) opcode = 0x100 | fetch(src, pos++);
        out.opcode = opcode;
        out.op32 = code32 ^ opOverride;
        out.addr32 = code32 ^ addrOverride;
        out.seg = out.segOverride >= 0 ? out.segOverride : Seg.DS;
        out.base = -1;
        out.index = -1;
        out.scale = 0;
        out.disp = 0;
        out.imm = 0;
        out.imm2 = 0;
        Entry e;
        if (table.usesModrm(opcode)) {
            int m = fetch(src, pos++);
            out.hasModrm = true;
            out.modrm = m;
            out.mod = m >>> 6;
            out.reg = (m >>> 3) & 7;
            out.rm = m & 7;
            // MOV to/from CRn/DRn (0F 20-23) ignore mod: always a register form (SDM Vol. 2 MOV CR).
            if ((opcode & ~3) == 0x120) out.mod = 3;
            if (out.mod != 3) pos = out.addr32 ? memory32(src, pos, out) : memory16(src, pos, out);
            e = table.lookup(opcode, m);
        } else {
            out.hasModrm = false;
            out.mod = 3;
            out.reg = 0;
            out.rm = 0;
            e = table.lookup(opcode, 0);
        }
        if (e == null) e = undefined;
        // SDM Vol. 2 LOCK: #UD unless the instruction allows it and its destination is memory.
        if (out.lock && !(e.has(Entry.LOCKABLE) && out.isMemory())) e = undefined;
        pos = immediates(src, pos, e.immKind, out);
        out.entry = e;
        out.exec = out.op32 ? e.exec32 : e.exec16;
        out.length = pos;
    }

    private static boolean isPrefix(int b) {
        return switch (b) {
            case 0x66, 0x67, 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0xF0, 0xF2, 0xF3 -> true;
            default -> false;
        };
    }

    private static int fetch(ByteSource src, int pos) {
        if (pos >= MAX_LENGTH) throw TOO_LONG;
        return src.byteAt(pos);
    }

    private static int fetch16(ByteSource src, int pos) {
        return fetch(src, pos) | fetch(src, pos + 1) << 8;
    }

    private static int fetch32(ByteSource src, int pos) {
        return fetch16(src, pos) | fetch16(src, pos + 2) << 16;
    }

    /** 32-bit ModRM/SIB addressing (SDM Tables 2-2 and 2-3). */
    private static int memory32(ByteSource src, int pos, Insn out) {
        int defaultSeg = Seg.DS;
        if (out.rm == 4) {
            int sib = fetch(src, pos++);
            int base = sib & 7, index = (sib >>> 3) & 7;
            out.scale = sib >>> 6;
            out.index = index == 4 ? -1 : index;
            if (base == 5 && out.mod == 0) {
                out.base = -1;
                out.disp = fetch32(src, pos);
                pos += 4;
            } else {
                out.base = base;
                if (base == 4 || base == 5) defaultSeg = Seg.SS;
            }
        } else if (out.rm == 5 && out.mod == 0) {
            out.disp = fetch32(src, pos);
            return finish(out, pos + 4, defaultSeg);
        } else {
            out.base = out.rm;
            if (out.rm == 5) defaultSeg = Seg.SS;
        }
        if (out.mod == 1) {
            out.disp = (byte) fetch(src, pos++);
        } else if (out.mod == 2) {
            out.disp = fetch32(src, pos);
            pos += 4;
        }
        return finish(out, pos, defaultSeg);
    }

    /** 16-bit ModRM addressing (SDM Table 2-1). */
    private static int memory16(ByteSource src, int pos, Insn out) {
        if (out.mod == 0 && out.rm == 6) {
            out.disp = fetch16(src, pos);
            return finish(out, pos + 2, Seg.DS);
        }
        out.base = BASE16[out.rm];
        out.index = INDEX16[out.rm];
        if (out.mod == 1) {
            out.disp = (byte) fetch(src, pos++);
        } else if (out.mod == 2) {
            out.disp = (short) fetch16(src, pos);
            pos += 2;
        }
        return finish(out, pos, out.base == 5 ? Seg.SS : Seg.DS);
    }

    private static int finish(Insn out, int pos, int defaultSeg) {
        out.seg = out.segOverride >= 0 ? out.segOverride : defaultSeg;
        return pos;
    }

    private static int immediates(ByteSource src, int pos, int kind, Insn out) {
        switch (kind) {
            case OpcodeTable.IMM_NONE -> { }
            case OpcodeTable.IMM_B -> out.imm = fetch(src, pos++);
            case OpcodeTable.IMM_BS, OpcodeTable.IMM_JB -> out.imm = (byte) fetch(src, pos++);
            case OpcodeTable.IMM_W -> {
                out.imm = fetch16(src, pos);
                pos += 2;
            }
            case OpcodeTable.IMM_D -> {
                out.imm = fetch32(src, pos);
                pos += 4;
            }
            case OpcodeTable.IMM_Z, OpcodeTable.IMM_JZ -> {
                if (out.op32) {
                    out.imm = fetch32(src, pos);
                    pos += 4;
                } else {
                    out.imm = kind == OpcodeTable.IMM_JZ ? (short) fetch16(src, pos) : fetch16(src, pos);
                    pos += 2;
                }
            }
            case OpcodeTable.IMM_MOFFS -> {
                if (out.addr32) {
                    out.disp = fetch32(src, pos);
                    pos += 4;
                } else {
                    out.disp = fetch16(src, pos);
                    pos += 2;
                }
            }
            case OpcodeTable.IMM_FAR -> {
                if (out.op32) {
                    out.imm = fetch32(src, pos);
                    pos += 4;
                } else {
                    out.imm = fetch16(src, pos);
                    pos += 2;
                }
                out.imm2 = fetch16(src, pos);
                pos += 2;
            }
            case OpcodeTable.IMM_ENTER -> {
                out.imm = fetch16(src, pos);
                out.imm2 = fetch(src, pos + 2);
                pos += 3;
            }
            default -> throw new IllegalStateException("immediate kind " + kind);
        }
        return pos;
    }
}
