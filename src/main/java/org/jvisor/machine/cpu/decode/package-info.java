/**
 * Instruction decoding: the opcode table (the single source of truth for decoder,
 * interpreter, block analysis and test generation) and the decoder that turns guest
 * bytes into {@link org.jvisor.machine.cpu.decode.Insn} records.
 */
package org.jvisor.machine.cpu.decode;
