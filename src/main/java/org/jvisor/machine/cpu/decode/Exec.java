package org.jvisor.machine.cpu.decode;

import org.jvisor.machine.cpu.Cpu;

/**
 * The semantics of one instruction form. Implementations are static methods of the family
 * classes; the interpreter calls them through this interface and compiled blocks can call
 * the same methods, so the two cannot drift apart.
 *
 * <p>Contract: on a fault the method throws (via {@code cpu.fault}) before changing any
 * architectural state the fault must not see changed; EIP is the instruction's address and
 * {@code cpu.nextEip} the next instruction's. Branches assign {@code cpu.nextEip}.
 */
@FunctionalInterface
public interface Exec {
    void run(Cpu cpu, Insn insn);
}
