/**
 * Boot loaders and firmware tables: put a guest kernel into guest-physical memory and hand
 * over the processor in the state its boot protocol promises (Multiboot 1, the Linux x86 boot
 * protocol's 32-bit entry), and describe the PC to it (the e820 memory map, MP tables).
 * Bad images are reported with {@link org.jvisor.boot.BootException}, one line each.
 */
package org.jvisor.boot;
