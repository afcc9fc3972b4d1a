package org.jvisor.machine.devices;

/** The gate of address line 20 as one device drives it: true lets A20 through, false forces it to 0. */
@FunctionalInterface
public interface A20Line {
    void set(boolean enabled);

    A20Line NONE = enabled -> { };
}
