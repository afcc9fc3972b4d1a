package org.jvisor.machine.cpu;

/** Segment register numbers, in the ModRM sreg encoding, then LDTR and TR. */
public final class Seg {
    public static final int ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5, LDTR = 6, TR = 7;

    private Seg() { }

    public static String name(int s) {
        return switch (s) {
            case ES -> "es"; case CS -> "cs"; case SS -> "ss"; case DS -> "ds"; case FS -> "fs"; case GS -> "gs";
            case LDTR -> "ldtr"; case TR -> "tr"; default -> "seg" + s;
        };
    }
}
