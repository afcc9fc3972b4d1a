/* Helpers for the kernels that drive the PC's timers and interrupt controllers (pic, pit,
   rtc, lapic, ioapic): 8259A, 8254, MC146818 and APIC register access, and bounded waits.
   Header-only, so the other kernels are built exactly as before. */
#ifndef HW_H
#define HW_H
#include "rt.h"

/* --- 8259A pair (Intel 8259A datasheet: ICW1-4, OCW1-3) ------------------------------------ */
#define PIC1 0x20
#define PIC2 0xA0
#define PIC_EOI 0x20            /* OCW2 non-specific EOI */
#define PIC_SEOI(l) (0x60 | (l)) /* OCW2 specific EOI for level l */
#define PIC_READ_IRR 0x0A       /* OCW3 */
#define PIC_READ_ISR 0x0B
#define PIC_POLL 0x0C
#define VEC_MASTER 0x20         /* vector bases after pic_init */
#define VEC_SLAVE 0x28

/* ICW1 (edge, cascade, ICW4 needed), ICW2 vector base, ICW3 cascade on IR2, ICW4 8086 mode
   with auto-EOI when asked. Leaves both IMRs masked. */
static inline void pic_init(u8 master_base, u8 slave_base, int auto_eoi)
{
    outb(PIC1, 0x11); outb(PIC1 + 1, master_base); outb(PIC1 + 1, 0x04); outb(PIC1 + 1, auto_eoi ? 0x03 : 0x01);
    outb(PIC2, 0x11); outb(PIC2 + 1, slave_base); outb(PIC2 + 1, 0x02); outb(PIC2 + 1, 0x01);
    outb(PIC1 + 1, 0xFF);
    outb(PIC2 + 1, 0xFF);
}
static inline u8 pic_irr(u16 pic) { outb(pic, PIC_READ_IRR); return inb(pic); }
static inline u8 pic_isr(u16 pic) { u8 v; outb(pic, PIC_READ_ISR); v = inb(pic); outb(pic, PIC_READ_IRR); return v; }
static inline void pic_mask(u8 master, u8 slave) { outb(PIC1 + 1, master); outb(PIC2 + 1, slave); }

/* --- 8254 PIT (Intel 82C54 datasheet): 1.193182 MHz input clock ---------------------------- */
#define PIT_CH0 0x40
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_B 0x61             /* bit 0 gate 2, bit 1 speaker data, bit 4 refresh toggle, bit 5 OUT2 */

/* Control word for counter ch: lobyte/hibyte access, binary, the given mode; then the count. */
static inline void pit_program(int ch, int mode, u16 count)
{
    outb(PIT_CMD, ch << 6 | 0x30 | mode << 1);
    outb(PIT_CH0 + ch, count & 0xFF);
    outb(PIT_CH0 + ch, count >> 8);
}
static inline u16 pit_latch(int ch)
{
    outb(PIT_CMD, ch << 6);
    u8 lo = inb(PIT_CH0 + ch);
    return lo | inb(PIT_CH0 + ch) << 8;
}
/* Read-back command (D5=1: no count latch, D4=0: latch status) for one counter. */
static inline u8 pit_status(int ch)
{
    outb(PIT_CMD, 0xE0 | 2 << ch);
    return inb(PIT_CH0 + ch);
}

/* Counter 2 as a stopwatch, as Linux calibrates its TSC: gate on, speaker off, mode 0, wait for
   OUT2. Returns the loop iterations spent, or -1 when OUT2 did not rise within max_spins. */
static inline int pit2_wait(u16 count, int max_spins)
{
    outb(PORT_B, (inb(PORT_B) & ~0x02) | 0x01);
    pit_program(2, 0, count);
    for (int i = 0; i < max_spins; i++)
        if (inb(PORT_B) & 0x20) return i;
    return -1;
}

/* --- MC146818 RTC / CMOS ------------------------------------------------------------------ */
#define RTC_A 0x0A
#define RTC_B 0x0B
#define RTC_C 0x0C
#define RTC_D 0x0D
static inline u8 cmos_read(u8 reg) { outb(0x70, reg); return inb(0x71); }
static inline void cmos_write(u8 reg, u8 v) { outb(0x70, reg); outb(0x71, v); }

/* --- APICs --------------------------------------------------------------------------------- */
#define LAPIC 0xFEE00000u
#define IOAPIC 0xFEC00000u
static inline u32 mmio_read(u32 addr) { return *(volatile u32 *)addr; }
static inline void mmio_write(u32 addr, u32 v) { *(volatile u32 *)addr = v; }
static inline u32 lapic_read(u32 reg) { return mmio_read(LAPIC + reg); }
static inline void lapic_write(u32 reg, u32 v) { mmio_write(LAPIC + reg, v); }
static inline u32 ioapic_read(u32 reg) { mmio_write(IOAPIC, reg); return mmio_read(IOAPIC + 0x10); }
static inline void ioapic_write(u32 reg, u32 v) { mmio_write(IOAPIC, reg); mmio_write(IOAPIC + 0x10, v); }
static inline u64 rdmsr(u32 msr)
{
    u32 lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (u64)hi << 32 | lo;
}
static inline void cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf));
}

/* --- waiting ------------------------------------------------------------------------------- */
static inline void sti(void) { __asm__ volatile("sti" : : : "memory"); }
static inline void cli(void) { __asm__ volatile("cli" : : : "memory"); }
static inline void sti_hlt(void) { __asm__ volatile("sti; hlt" : : : "memory"); }
/* A short busy wait with interrupts enabled, then IF=0 again. */
static inline void spin_open(int n)
{
    sti();
    for (volatile int i = 0; i < n; i++) { }
    cli();
}
#endif
