/* The I/O APIC (Intel 82093AA datasheet 290566: IOREGSEL/IOWIN, ID, version, redirection
   table) routing ISA interrupts to the local APIC (SDM Vol. 3A 10.8.5 EOI and level-triggered
   interrupts, 10.8.4 TMR) with both 8259As masked. On PC chipsets and in the MP table ISA IRQ0
   (the 8254) arrives on pin 2 and IRQ8 (the MC146818) on pin 8. */
#include "rt.h"
#include "hw.h"

#define IOAPIC_ID 0x00
#define IOAPIC_VER 0x01
#define REDIR(pin) (0x10 + 2 * (pin))
#define E_POLARITY_LOW (1u << 13)
#define E_REMOTE_IRR (1u << 14)
#define E_LEVEL (1u << 15)
#define E_MASKED (1u << 16)
#define E_DELIVERY_PENDING (1u << 12)
#define PIN_PIT 2
#define PIN_RTC 8
#define VEC_PIT 0x50
#define VEC_RTC 0x58
#define APIC_EOI 0xB0
#define APIC_SVR 0xF0
#define APIC_TMR 0x180

static volatile int n_pit, n_rtc, wrong_vector, rtc_eoi = 1;
static volatile u32 rirr_in_handler, rirr_after_eoi, tmr_in_handler;

static u32 vector_bit(u32 base, int v) { return lapic_read(base + (v >> 5) * 0x10) >> (v & 31) & 1; }
static void route(int pin, u32 low) { ioapic_write(REDIR(pin) + 1, 0); ioapic_write(REDIR(pin), low); }

static void on_pit(struct frame *f)
{
    if (f->vector != VEC_PIT) wrong_vector++;
    rirr_in_handler = ioapic_read(REDIR(PIN_PIT)) & E_REMOTE_IRR;
    n_pit++;
    lapic_write(APIC_EOI, 0);
}

/* Reading C drops IRQ8; for a level entry remote IRR stays set until the local APIC's EOI. */
static void on_rtc(struct frame *f)
{
    if (f->vector != VEC_RTC) wrong_vector++;
    rirr_in_handler = ioapic_read(REDIR(PIN_RTC)) & E_REMOTE_IRR;
    tmr_in_handler = vector_bit(APIC_TMR, VEC_RTC);
    n_rtc++;
    cmos_read(RTC_C);
    if (rtc_eoi) {
        lapic_write(APIC_EOI, 0);
        rirr_after_eoi = ioapic_read(REDIR(PIN_RTC)) & E_REMOTE_IRR;
    }
}

/* HLT until the RTC has interrupted `n` times (its periodic interrupt is the only source). */
static void wait_rtc(int n)
{
    for (int k = 0; k < 100 && n_rtc < n; k++) sti_hlt();
    cli();
}

static void test_registers(void)
{
    u32 ver = ioapic_read(IOAPIC_VER);
    CHECK_EQ(ver >> 16 & 0xFF, 0x17, "version register: maximum redirection entry 17H (24 pins)");
    CHECK((ver & 0xFF) == 0x11 || (ver & 0xFF) == 0x20, "version register: an I/O APIC version (11H or 20H)");
    CHECK_EQ(ioapic_read(IOAPIC_ID) & 0x00FFFFFF, 0, "ID register: bits 0-23 reserved, zero");
    int masked = 1;
    for (int pin = 0; pin < 24; pin++) masked &= ioapic_read(REDIR(pin)) >> 16 & 1;
    CHECK(masked, "every redirection entry masked after reset");
    ioapic_write(REDIR(PIN_RTC), E_MASKED | E_LEVEL | E_POLARITY_LOW | 0x48);
    CHECK_EQ(ioapic_read(REDIR(PIN_RTC)) & 0x1AFFF, E_MASKED | E_LEVEL | E_POLARITY_LOW | 0x48,
             "redirection entry: level, active low, vector read back");
    ioapic_write(REDIR(PIN_RTC), E_MASKED | 0x48);
    CHECK_EQ(ioapic_read(REDIR(PIN_RTC)) & 0x1AFFF, E_MASKED | 0x48, "redirection entry: edge, active high");
    ioapic_write(REDIR(PIN_RTC), E_MASKED | E_REMOTE_IRR | E_DELIVERY_PENDING | 0x48);
    CHECK_EQ(ioapic_read(REDIR(PIN_RTC)) & (E_REMOTE_IRR | E_DELIVERY_PENDING), 0,
             "remote IRR and delivery status are read-only");
    ioapic_write(REDIR(PIN_RTC) + 1, 0x0F000000);
    CHECK_EQ(ioapic_read(REDIR(PIN_RTC) + 1), 0x0F000000, "destination field reads back");
    route(PIN_RTC, E_MASKED);
}

/* The 8254 on pin 2, edge: periodic interrupts at the entry's vector; masking stops them. */
static void test_pit_route(void)
{
    pit_program(0, 2, 1193);        /* 1 ms */
    route(PIN_PIT, VEC_PIT);
    while (n_pit < 5) sti_hlt();
    cli();
    CHECK_EQ(wrong_vector, 0, "IRQ0 arrives through pin 2 at the entry's vector");
    CHECK_EQ(rirr_in_handler, 0, "edge entry: remote IRR stays clear");
    route(PIN_PIT, E_MASKED | VEC_PIT);
    int before = n_pit;
    sti();
    pit2_wait(6000, 50000000);      /* 5 ms */
    cli();
    CHECK_EQ(n_pit, before, "masked entry: no interrupt from pin 2");
    pit_program(0, 0, 0xFFFF);
}

/* The RTC on pin 8, edge. */
static void test_rtc_route(void)
{
    n_rtc = 0;
    cmos_read(RTC_C);
    route(PIN_RTC, VEC_RTC);
    cmos_write(RTC_B, cmos_read(RTC_B) | 0x40);      /* PIE, rate 6 (1024 Hz) */
    wait_rtc(3);
    CHECK(n_rtc >= 3, "IRQ8 arrives through pin 8 (edge)");
    CHECK_EQ(tmr_in_handler, 0, "edge: TMR bit clear");
}

/* The RTC on pin 8, level: TMR set, remote IRR set until EOI; without the EOI the next
   request waits, and the EOI lets it through. */
static void test_rtc_level(void)
{
    n_rtc = 0;
    route(PIN_RTC, E_LEVEL | VEC_RTC);
    wait_rtc(3);
    CHECK(n_rtc >= 3, "IRQ8 arrives through pin 8 (level)");
    CHECK_EQ(tmr_in_handler, 1, "level: TMR bit set");
    CHECK_EQ(rirr_in_handler, E_REMOTE_IRR, "level: remote IRR set while in service");
    CHECK_EQ(rirr_after_eoi, 0, "level: EOI clears remote IRR");

    rtc_eoi = 0;
    n_rtc = 0;
    wait_rtc(1);
    sti();
    pit2_wait(6000, 50000000);      /* 5 ms: about five more periodic requests */
    cli();
    CHECK_EQ(n_rtc, 1, "level: no further interrupt before the EOI");
    CHECK_EQ(ioapic_read(REDIR(PIN_RTC)) & E_REMOTE_IRR, E_REMOTE_IRR, "level: remote IRR held without EOI");
    rtc_eoi = 1;
    lapic_write(APIC_EOI, 0);
    wait_rtc(2);
    CHECK(n_rtc >= 2, "level: the EOI lets the pending request through");
    cmos_write(RTC_B, cmos_read(RTC_B) & ~0x40);
    cmos_read(RTC_C);
    route(PIN_RTC, E_MASKED | VEC_RTC);
    CHECK_EQ(ioapic_read(REDIR(PIN_RTC)) & E_REMOTE_IRR, 0, "remote IRR clear at the end");
}

void kmain(void)
{
    lapic_write(APIC_SVR, 0x1FF);   /* the local APIC must be software-enabled to accept */
    set_handler(VEC_PIT, on_pit);
    set_handler(VEC_RTC, on_rtc);
    test_registers();
    test_pit_route();
    test_rtc_route();
    test_rtc_level();
}
