/**
 * The APIC interrupt system of a uniprocessor P6 PC: the processor's local APIC (SDM Vol. 3A
 * chapter 10, xAPIC without x2APIC, on the 3-wire APIC bus) with its timer, and the Intel
 * 82093AA I/O APIC that routes device interrupt pins to it. The 8259A pair stays reachable
 * through the local APIC's LINT0 in ExtINT mode (virtual wire, MP specification 3.6.2.2).
 */
package org.jvisor.machine.devices.apic;
