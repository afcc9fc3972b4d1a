package org.jvisor.machine.cpu.compile;

import org.jvisor.machine.cpu.Cpu;

/**
 * A block turned into bytecode. {@link #run} behaves exactly like the interpreter's loop over
 * the block: per instruction it sets {@code nextEip}, runs the semantics, commits EIP, counts
 * the instruction and stops early when {@code endBlock} is set.
 */
public interface CompiledBlock {
    void run(Cpu cpu);
}
