package org.jvisor.machine.devices.apic;

/**
 * Where interrupt messages go: what the I/O APIC (and the local APIC's own ICR) send over the
 * APIC bus, reduced to the fields a uniprocessor needs. The receiving local APIC decides from
 * the destination whether the message is for it (SDM Vol. 3A 10.6.2).
 */
public interface ApicBus {
    /** Delivery modes (82093AA redirection entry bits 8-10, SDM Vol. 3A 10.6.1 ICR bits 8-10). */
    int FIXED = 0, LOWEST_PRIORITY = 1, SMI = 2, NMI = 4, INIT = 5, STARTUP = 6, EXTINT = 7;

    /**
     * Offers one interrupt message. {@code logical} selects the logical destination mode, in
     * which {@code destination} is an 8-bit logical address; otherwise it is an APIC ID. Returns
     * whether a processor accepted it (false: no destination matched, or it was refused).
     */
    boolean deliver(int vector, int deliveryMode, boolean logical, int destination, boolean level);
}
