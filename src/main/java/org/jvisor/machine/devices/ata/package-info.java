/**
 * The PC's ATA (IDE) disk controller: two legacy channels (primary 0x1F0-0x1F7 / 0x3F6 on
 * IRQ14, secondary 0x170-0x177 / 0x376 on IRQ15), each with up to two drives, PIO transfers
 * with interrupts, backed by raw image files. Register and command behaviour follows
 * ATA/ATAPI-6 (T13 1410D); section numbers in comments refer to that standard.
 *
 * <p>{@link org.jvisor.machine.devices.ata.AtaChannel} is the bus-facing part (two port
 * devices and an IRQ line), {@link org.jvisor.machine.devices.ata.AtaDrive} executes
 * commands, {@link org.jvisor.machine.devices.ata.DiskImage} is the file.
 */
package org.jvisor.machine.devices.ata;
