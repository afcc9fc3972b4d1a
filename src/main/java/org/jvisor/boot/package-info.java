/**
 * Boot loaders: put a guest kernel into guest-physical memory and hand over the processor
 * in the state its boot protocol promises (Multiboot 1 now; the Linux boot protocol later).
 * Bad images are reported with {@link org.jvisor.boot.BootException}, one line each.
 */
package org.jvisor.boot;
