package org.jvisor.machine.cpu.fpu;

/** x87 register stack and control/status/tag words (SDM Vol. 1 chapter 8). */
public final class FpuState {
    public int control = 0x037F, status, tag = 0xFFFF;

    /** FNINIT state (SDM Vol. 1 8.1.1). */
    public void reset() {
        control = 0x037F;
        status = 0;
        tag = 0xFFFF;
    }
}
