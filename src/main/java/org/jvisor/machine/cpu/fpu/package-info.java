/** The x87 floating-point unit: state, formats, arithmetic and its instructions. */
package org.jvisor.machine.cpu.fpu;
