package org.jvisor.machine.cpu;

/**
 * Thrown inside the model when an instruction raises an exception; caught by the run loop,
 * which delivers it. Carries no stack trace: it is control flow, not an error. One instance
 * per processor is reused ({@link Cpu#fault}).
 */
public final class CpuFault extends RuntimeException {
    public int vector;
    public int errorCode;
    public boolean hasErrorCode;

    CpuFault() {
        super(null, null, false, false);
    }

    @Override
    public String getMessage() {
        return Vectors.name(vector) + (hasErrorCode ? String.format("(%#x)", errorCode) : "");
    }
}
