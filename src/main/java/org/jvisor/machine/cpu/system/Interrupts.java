package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.Cpu;

/** Interrupt and exception delivery through the IVT (real mode) or IDT (SDM Vol. 3A 6.12). */
public final class Interrupts {
    private Interrupts() { }

    /**
     * Delivers an event. {@code kind} is one of Cpu.EVENT_*: faults return to cpu.eip,
     * traps and software interrupts to cpu.nextEip, external interrupts to cpu.eip.
     * On return both cpu.eip and cpu.nextEip hold the handler's entry point, so it works
     * from the run loop and from inside an instruction alike.
     */
    public static void deliver(Cpu cpu, int vector, int errorCode, boolean hasErrorCode, int kind) {
        throw cpu.shutdown("interrupt delivery not implemented (vector " + vector + ")");
    }
}
