package org.jvisor.machine.cpu;

/** Exception vector numbers (SDM Vol. 3A 6.3.1, Table 6-1). */
public final class Vectors {
    public static final int DE = 0, DB = 1, NMI = 2, BP = 3, OF = 4, BR = 5, UD = 6, NM = 7;
    public static final int DF = 8, TS = 10, NP = 11, SS = 12, GP = 13, PF = 14, MF = 16, AC = 17, MC = 18;

    private Vectors() { }

    /** True for the exceptions that push an error code (SDM 6.13). */
    public static boolean hasErrorCode(int vector) {
        return vector == DF || (vector >= TS && vector <= PF) || vector == AC;
    }

    /** Contributory exceptions for the double-fault rules (SDM 6.15, Table 6-4). */
    public static boolean isContributory(int vector) {
        return vector == DE || (vector >= TS && vector <= GP);
    }

    public static String name(int vector) {
        return switch (vector) {
            case DE -> "#DE"; case DB -> "#DB"; case NMI -> "NMI"; case BP -> "#BP"; case OF -> "#OF";
            case BR -> "#BR"; case UD -> "#UD"; case NM -> "#NM"; case DF -> "#DF"; case TS -> "#TS";
            case NP -> "#NP"; case SS -> "#SS"; case GP -> "#GP"; case PF -> "#PF"; case MF -> "#MF";
            case AC -> "#AC"; case MC -> "#MC";
            default -> "vector " + vector;
        };
    }
}
