package org.jvisor.machine.cpu.diff;

/**
 * Where a case's expected outcome comes from. The host CPU runs every form that behaves in
 * 64-bit mode as in 32-bit mode; qemu-i386 runs the 32-bit twin of the harness for the rest
 * (forms invalid in long mode, 16-bit addressing, 32-bit stack operations).
 */
public enum Oracle {
    HOST(0x00200000),
    QEMU(0x00008000);

    /** Address of the data buffer in this oracle's harness (and in the model for its cases). */
    public final int bufferBase;

    Oracle(int bufferBase) {
        this.bufferBase = bufferBase;
    }
}
