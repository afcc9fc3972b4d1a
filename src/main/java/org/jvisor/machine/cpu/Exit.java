package org.jvisor.machine.cpu;

/**
 * Why {@link Cpu#run(long)} returned: the one seam between the processor and whoever
 * runs it (the machine in native mode, the hypervisor otherwise). Modelled on kvm's exits.
 */
public sealed interface Exit {
    /** An exception or software interrupt the owner asked to intercept; EIP is at the instruction. */
    record Exception(int vector, int errorCode, boolean hasErrorCode, boolean software) implements Exit { }

    /** HLT executed; EIP is past it. The owner waits for an interrupt or stops the VM. */
    record Halted() implements Exit { }

    /** Triple fault (or a shutdown cycle): the processor cannot continue. */
    record Shutdown(String reason) implements Exit { }

    /** Interrupts became deliverable (IF=1, no shadow) and the owner asked to hear about it. */
    record InterruptWindow() implements Exit { }

    /** The instruction budget given to run() was used up. */
    record BudgetExhausted() implements Exit { }

    /** The owner (a device, another thread) called {@link Cpu#requestStop()}. */
    record StopRequested() implements Exit { }

    Halted HALTED = new Halted();
    InterruptWindow INTERRUPT_WINDOW = new InterruptWindow();
    BudgetExhausted BUDGET_EXHAUSTED = new BudgetExhausted();
    StopRequested STOP_REQUESTED = new StopRequested();
}
