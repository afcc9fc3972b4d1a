/**
 * The simulated PC: the processor ({@code cpu}), guest-physical memory and buses
 * ({@code memory}) and devices ({@code devices}), put together by {@link org.jvisor.machine.Pc}.
 */
package org.jvisor.machine;
