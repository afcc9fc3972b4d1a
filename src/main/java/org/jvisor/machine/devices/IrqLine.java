package org.jvisor.machine.devices;

/** A device's interrupt request output, wired to an interrupt controller input. */
@FunctionalInterface
public interface IrqLine {
    /** Drives the line: true while the device requests an interrupt (level). */
    void set(boolean asserted);

    IrqLine NONE = asserted -> { };
}
