/**
 * Devices of the simulated PC. Each is a small state class behind the port or MMIO bus,
 * seeing only offsets into its own range, short enough to check against its datasheet.
 */
package org.jvisor.machine.devices;
