package org.jvisor.machine;

import org.jvisor.machine.cpu.Cpu;

/**
 * The PC's time: {@link #NANOS_PER_INSTRUCTION} per retired instruction (a 333 MHz P6 at one
 * instruction per clock), plus the time the processor spent halted. While the guest computes,
 * its time runs at the model's speed; while it idles in HLT the machine jumps (or sleeps) to
 * the next device event and adds that gap. The time-stamp counter counts one tick per
 * instruction and also advances across idle gaps, so PIT, RTC, APIC timer and TSC agree.
 */
public final class MachineClock implements Clock {
    public static final int NANOS_PER_INSTRUCTION = 3;
    private final Cpu cpu;
    private long idle;
    /** Idle nanoseconds not yet turned into whole TSC ticks. */
    private long idleRemainder;

    public MachineClock(Cpu cpu) {
        this.cpu = cpu;
    }

    @Override
    public long nanos() {
        return cpu.instructions * NANOS_PER_INSTRUCTION + idle;
    }

    /** Moves time forward to {@code target} while the processor is halted; the TSC follows. */
    public void skipTo(long target) {
        long gap = target - nanos();
        if (gap <= 0) return;
        idle += gap;
        // system.Tsc: TSC = instructions + offset; an idle gap adds its length in clock ticks.
        idleRemainder += gap;
        cpu.tsc += idleRemainder / NANOS_PER_INSTRUCTION;
        idleRemainder %= NANOS_PER_INSTRUCTION;
    }
}
