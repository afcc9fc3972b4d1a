/**
 * Integer instruction semantics, one class per family (ALU, shifts, bits, BCD, moves,
 * stack, branches, strings, I/O). Each class registers its rows in the opcode table and
 * implements them as static methods shared by the interpreter and compiled code.
 */
package org.jvisor.machine.cpu.exec;
