package org.jvisor.machine.cpu.diff;

import java.util.List;
import org.jvisor.machine.cpu.decode.Entry;

/**
 * Which opcode-table rows the differential tests cover and which oracle runs them. Every
 * row is covered unless it is privileged, does port I/O, is sensitive (its result depends
 * on system state the harness cannot share), or is in the short list of system-level forms
 * below, each with its reason. Rows whose 64-bit meaning differs go to qemu-i386 only.
 */
final class RowPolicy {
    private RowPolicy() { }

    /**
     * Sensitive rows whose CPL-3 result is the same in qemu-i386's Linux process and in the
     * model (same selectors, IOPL 0): PUSHF, POPF, PUSH CS, PUSH SS, MOV r/m,Sreg, INTO.
     */
    private static final List<Integer> USER_VISIBLE = List.of(0x9C, 0x9D, 0x0E, 0x16, 0x8C, 0xCE);

    /** Opcodes that are not 32-bit user-level computation, with the reason they are left out. */
    static String exclusion(Entry e) {
        if (e.has(Entry.PRIVILEGED)) return "privileged";
        if (e.has(Entry.IO)) return "port I/O";
        if (e.has(Entry.SENSITIVE) && !USER_VISIBLE.contains(e.opcode)) return "sensitive: reveals system state";
        int op = e.opcode;
        return switch (op) {
            case 0xCC, 0xCD, 0xF1 -> "software interrupt: system-level (kernel tests)";
            case 0xCF, 0x9A, 0xEA, 0xCA, 0xCB -> "far transfer / IRET: system-level (kernel tests)";
            case 0x1A2 -> "CPUID: the model reports a P6, the host is another processor";
            case 0x131, 0x133 -> "RDTSC/RDPMC: time and counters differ by nature";
            case 0x134, 0x135 -> "SYSENTER/SYSEXIT: system-level";
            case 0x100, 0x101, 0x102, 0x103, 0x106 -> "system table instruction";
            case 0x1AE -> "FXSAVE/FXRSTOR: not P6";
            default -> e.opcode == 0xFF && (e.reg == 3 || e.reg == 5) ? "far transfer: system-level (kernel tests)" : null;
        };
    }

    /** Opcodes (one-byte, or 0x100|second) whose meaning in 64-bit mode differs from 32-bit mode. */
    private static final List<Integer> LONG_MODE_DIFFERENT = List.of(
            0x06, 0x07, 0x0E, 0x16, 0x17, 0x1E, 0x1F, 0x27, 0x2F, 0x37, 0x3F,
            0x60, 0x61, 0x62, 0x63, 0x82, 0x8C, 0x8E, 0x9C, 0x9D, 0xC4, 0xC5, 0xCE, 0xD4, 0xD5, 0xD6,
            0x68, 0x6A, 0x8F, 0xC2, 0xC3, 0xC8, 0xC9, 0xE8,
            0x1A0, 0x1A1, 0x1A8, 0x1A9, 0x1B2, 0x1B4, 0x1B5);

    /** True when only qemu-i386 can run the row: invalid or different in long mode, or a 32-bit stack form. */
    static boolean qemuOnly(Entry e) {
        int op = e.opcode;
        if (e.has(Entry.NOT_IN_LONG_MODE) || LONG_MODE_DIFFERENT.contains(op)) return true;
        if (op >= 0x40 && op <= 0x5F) return true; // one-byte INC/DEC are REX prefixes; PUSH/POP r are 64-bit
        return op == 0xFF && (e.reg == 2 || e.reg == 4 || e.reg == 6); // near call/jmp indirect, push r/m
    }

    /** Forms qemu-i386 does not decode although P6 runs them (the TEST aliases F6/1, F7/1): host only. */
    static boolean qemuLacks(Entry e) {
        return (e.opcode == 0xF6 || e.opcode == 0xF7) && e.reg == 1;
    }

    static boolean isBranch(Entry e) {
        int op = e.opcode;
        return e.has(Entry.BRANCH) || (op >= 0x70 && op <= 0x7F) || (op >= 0x180 && op <= 0x18F)
                || (op >= 0xE0 && op <= 0xE3) || op == 0xE8 || op == 0xE9 || op == 0xEB;
    }

    static boolean isString(Entry e) {
        int op = e.opcode;
        return (op >= 0xA4 && op <= 0xA7) || (op >= 0xAA && op <= 0xAF);
    }

    /** Rows whose address comes from registers without a ModRM: strings, XLAT, moffs, LOOP/JCXZ. */
    static boolean implicitAddress(Entry e) {
        int op = e.opcode;
        return isString(e) || op == 0xD7 || (op >= 0xA0 && op <= 0xA3) || (op >= 0xE0 && op <= 0xE3);
    }
}
