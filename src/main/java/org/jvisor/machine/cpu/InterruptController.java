package org.jvisor.machine.cpu;

/** The processor's INTR line and interrupt-acknowledge cycle (8259A or local APIC). */
public interface InterruptController {
    /** True while a maskable interrupt is requested. */
    boolean hasInterrupt();

    /** The INTA cycle: returns the vector of the highest-priority request and marks it in service. */
    int acknowledge();

    InterruptController NONE = new InterruptController() {
        @Override public boolean hasInterrupt() { return false; }
        @Override public int acknowledge() { return 0xFF; }
    };
}
