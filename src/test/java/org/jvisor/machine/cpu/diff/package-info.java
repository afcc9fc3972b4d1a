/**
 * Differential tests of the processor model against real processors: a generator walks the
 * opcode table and produces randomized single-instruction cases, a native harness
 * (tests/harness) runs them on the host CPU in 64-bit mode or under qemu-i386 for the forms
 * long mode lacks, and the model runs the same cases; registers, flags (minus each row's
 * undefined flags), memory, x87 state and exceptions must agree.
 */
package org.jvisor.machine.cpu.diff;
