package org.jvisor.machine.cpu.diff;

import java.util.ArrayList;
import java.util.List;
import org.jvisor.machine.cpu.decode.Entry;

/**
 * Reads a row's operand notation (SDM Vol. 2 A.2) the way the decoder does, to know what
 * bytes an encoding of the row needs: a ModRM byte, and which immediates follow.
 */
final class Operands {
    enum Imm { NONE, B, BS, W, Z, D, JB, JZ, MOFFS, FAR, ENTER }

    private Operands() { }

    static List<String> split(String operands) {
        List<String> out = new ArrayList<>();
        if (operands == null || operands.isBlank()) return out;
        for (String s : operands.split(",")) out.add(s.trim());
        return out;
    }

    static boolean needsModrm(Entry e) {
        if (e.reg >= 0) return true;
        for (String op : split(e.operands)) {
            if (op.isEmpty()) continue;
            char c = op.charAt(0);
            if ((op.length() >= 2 && Character.isLowerCase(op.charAt(1)) || op.equals("M"))
                    && "EGMRSCDTQ".indexOf(c) >= 0) {
                return true;
            }
        }
        return false;
    }

    static Imm immediate(Entry e) {
        List<String> ops = split(e.operands);
        if (ops.contains("Iw") && ops.contains("Ib")) return Imm.ENTER;
        for (String op : ops) {
            switch (op) {
                case "Ib": return Imm.B;
                case "Ibs": return Imm.BS;
                case "Iw": return Imm.W;
                case "Iz", "Iv": return Imm.Z;
                case "Id": return Imm.D;
                case "Jb": return Imm.JB;
                case "Jz": return Imm.JZ;
                case "Ob", "Ov": return Imm.MOFFS;
                case "Ap": return Imm.FAR;
                default: break;
            }
        }
        return Imm.NONE;
    }

    /** True when the operand size prefix changes the row's meaning. */
    static boolean sizeSensitive(Entry e) {
        if (e.exec16 != e.exec32) return true;
        for (String op : split(e.operands)) {
            if (op.endsWith("v") || op.endsWith("z") || op.startsWith("e")) return true;
        }
        return false;
    }
}
