/**
 * The IA-32 processor model: architectural state, memory access through segmentation and
 * paging, the decoded-block cache and the run loop.
 *
 * <p>The processor is honest at every privilege level: it never looks at who runs it.
 * It reports to its owner only through {@link org.jvisor.machine.cpu.Exit exits}; when
 * {@link org.jvisor.machine.cpu.Cpu#interceptExceptions} is off (native mode) it delivers
 * exceptions through the guest's own IDT. Instruction semantics live in
 * {@code exec}, {@code system} and {@code fpu}; decoding in {@code decode}.
 */
package org.jvisor.machine.cpu;
