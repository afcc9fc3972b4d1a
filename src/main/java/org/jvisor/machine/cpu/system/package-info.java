/**
 * System instructions and mechanisms: segment loading and descriptor checks, gates and
 * far transfers, interrupt and exception delivery, task switching, control registers,
 * MSRs, CPUID and the privileged instructions (SDM Vol. 3A chapters 2-7).
 */
package org.jvisor.machine.cpu.system;
