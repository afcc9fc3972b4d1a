package org.jvisor.machine.devices;

/**
 * The chipset's A20 gate: A20 is enabled while either of its two sources enables it, the
 * 8042's output port bit 1 or bit 1 of port 0x92 (the two signals are ORed, as in the PIIX3's
 * A20GATE/A20M# logic). The memory system sees only changes of the combined state.
 */
public final class A20Gate {
    private final A20Line memory;
    private boolean fromKeyboardController, fromPortA, enabled;

    /** @param memory told the combined state on every change (starts disabled) */
    public A20Gate(A20Line memory) {
        this.memory = memory;
    }

    /** The input the 8042 ({@link I8042}) drives. */
    public A20Line keyboardControllerInput() {
        return on -> {
            fromKeyboardController = on;
            update();
        };
    }

    /** The input port 0x92 ({@link SystemControlPortA}) drives. */
    public A20Line portAInput() {
        return on -> {
            fromPortA = on;
            update();
        };
    }

    public boolean enabled() {
        return enabled;
    }

    private void update() {
        boolean now = fromKeyboardController || fromPortA;
        if (now != enabled) {
            enabled = now;
            memory.set(now);
        }
    }
}
