package org.jvisor.cli;

/** How a guest runs: bare, trap-and-emulate only, or fully virtualized with binary translation. */
public enum Mode {
    NATIVE, TRAP, BT;

    static Mode parse(String s) {
        return switch (s) {
            case "native" -> NATIVE;
            case "trap" -> TRAP;
            case "bt" -> BT;
            default -> throw new UsageError("unknown mode '" + s + "' (expected native, trap or bt)");
        };
    }
}
