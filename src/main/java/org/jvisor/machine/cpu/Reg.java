package org.jvisor.machine.cpu;

/** General register numbers in ModRM encoding. 8-bit registers 0-3 are AL..BL, 4-7 AH..BH. */
public final class Reg {
    public static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;

    private Reg() { }
}
