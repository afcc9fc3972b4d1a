/* The 8259A pair (Intel 8259A datasheet 231468: ICW1-4, OCW1-3, priority, EOI, AEOI, poll,
   special mask mode) and the PIIX edge/level control registers at 0x4D0/0x4D1 (82371AB
   datasheet 4.1.10). The interrupt sources are the 8254's counter 0 in mode 0 (one edge on
   IRQ0) and the MC146818's periodic interrupt (IRQ8, reaching the master through IR2). */
#include "rt.h"
#include "hw.h"

#define MAX_LOG 8
static volatile int n_irq;
static volatile u8 vec_log[MAX_LOG], master_isr_log[MAX_LOG], slave_isr_log[MAX_LOG];
static volatile int handler_eoi;    /* 1: the handlers send non-specific EOIs, 2: specific EOIs */

static void record(struct frame *f)
{
    if (n_irq < MAX_LOG) {
        vec_log[n_irq] = f->vector;
        master_isr_log[n_irq] = pic_isr(PIC1);
        slave_isr_log[n_irq] = pic_isr(PIC2);
    }
    n_irq++;
}

static void on_irq0(struct frame *f)
{
    record(f);
    if (handler_eoi) outb(PIC1, PIC_EOI);
}

/* IRQ8: one periodic interrupt is enough, so PIE goes off and reading C drops the line. */
static void on_irq8(struct frame *f)
{
    record(f);
    cmos_write(RTC_B, cmos_read(RTC_B) & ~0x40);
    cmos_read(RTC_C);
    if (handler_eoi == 1) { outb(PIC2, PIC_EOI); outb(PIC1, PIC_EOI); }
    if (handler_eoi == 2) { outb(PIC2, PIC_SEOI(0)); outb(PIC1, PIC_SEOI(2)); }
}

static void reset_log(void) { n_irq = 0; for (int i = 0; i < MAX_LOG; i++) vec_log[i] = 0; }

/* Waits with IF=0 until the master's IRR has every bit of want; returns whether it did. */
static int wait_irr(u8 want)
{
    for (int i = 0; i < 2000000; i++)
        if ((pic_irr(PIC1) & want) == want) return 1;
    return 0;
}

static void one_shot_irq0(void) { pit_program(0, 0, 100); }      /* OUT0 rises once, ~84 us */
static void rtc_periodic_on(void) { cmos_read(RTC_C); cmos_write(RTC_B, cmos_read(RTC_B) | 0x40); }

static void test_init_and_imr(void)
{
    pic_init(VEC_MASTER, VEC_SLAVE, 0);
    /* pic_init masks after ICW4; redo ICW1-4 alone to see ICW1 clear the IMR. */
    outb(PIC1, 0x11); outb(PIC1 + 1, VEC_MASTER); outb(PIC1 + 1, 0x04); outb(PIC1 + 1, 0x01);
    CHECK_EQ(inb(PIC1 + 1), 0x00, "ICW1 clears the master IMR");
    outb(PIC1 + 1, 0xFF);
    outb(PIC2 + 1, 0xA5);
    CHECK_EQ(inb(PIC2 + 1), 0xA5, "OCW1 slave IMR reads back");
    outb(PIC1 + 1, 0x3C);
    CHECK_EQ(inb(PIC1 + 1), 0x3C, "OCW1 master IMR reads back");
    pic_mask(0xFF, 0xFF);
    CHECK_EQ(pic_isr(PIC1), 0, "master ISR empty after init");
    CHECK_EQ(pic_isr(PIC2), 0, "slave ISR empty after init");
}

/* IRQ0 latched in IRR while masked, delivered at the ICW2 vector once unmasked, then held in
   ISR until an EOI for its level (specific EOI for another level leaves it). */
static void test_mask_and_eoi(void)
{
    reset_log();
    handler_eoi = 0;
    one_shot_irq0();
    CHECK(wait_irr(0x01), "IRQ0 reaches IRR while masked");
    spin_open(20000);
    CHECK_EQ(n_irq, 0, "masked IRQ0 is not delivered");
    pic_mask(0xFE, 0xFF);
    spin_open(20000);
    CHECK_EQ(n_irq, 1, "unmasked IRQ0 delivered once");
    CHECK_EQ(vec_log[0], VEC_MASTER, "IRQ0 at the ICW2 vector");
    CHECK_EQ(master_isr_log[0], 0x01, "ISR bit 0 set in the IRQ0 handler");
    CHECK_EQ(pic_irr(PIC1) & 1, 0, "IRR bit 0 cleared by the acknowledge");
    CHECK_EQ(pic_isr(PIC1), 0x01, "ISR bit 0 stays without EOI");
    outb(PIC1, PIC_SEOI(3));
    CHECK_EQ(pic_isr(PIC1), 0x01, "specific EOI for level 3 leaves ISR bit 0");
    outb(PIC1, PIC_SEOI(0));
    CHECK_EQ(pic_isr(PIC1), 0x00, "specific EOI for level 0 clears ISR bit 0");
    pic_mask(0xFF, 0xFF);
}

/* IRQ0 and IRQ8 pending together: IR0 wins over IR2; while IR0 is in service IR2 waits; a
   non-specific EOI releases it; the slave's request comes through the cascade on IR2. */
static void test_priority_and_cascade(void)
{
    reset_log();
    handler_eoi = 0;
    pic_mask(0xFA, 0xFE);           /* IR0 and IR2 on the master, IR0 (IRQ8) on the slave */
    one_shot_irq0();
    rtc_periodic_on();
    CHECK(wait_irr(0x05), "IRQ0 and the cascade IR2 pending together");
    CHECK_EQ(pic_irr(PIC2) & 1, 1, "slave IRR bit 0 for IRQ8");
    spin_open(20000);
    CHECK_EQ(n_irq, 1, "only the highest-priority request while it is in service");
    CHECK_EQ(vec_log[0], VEC_MASTER, "IR0 before IR2");
    CHECK_EQ(pic_irr(PIC1) & 4, 4, "IR2 still requesting while IR0 is in service");
    handler_eoi = 1;
    outb(PIC1, PIC_EOI);
    spin_open(20000);
    CHECK_EQ(n_irq, 2, "non-specific EOI releases the lower-priority request");
    CHECK_EQ(vec_log[1], VEC_SLAVE, "IRQ8 at the slave's ICW2 vector");
    CHECK_EQ(master_isr_log[1], 0x04, "master ISR shows the cascade IR2 during IRQ8");
    CHECK_EQ(slave_isr_log[1], 0x01, "slave ISR shows IR0 during IRQ8");
    CHECK_EQ(pic_isr(PIC1), 0, "master ISR empty after the EOIs");
    CHECK_EQ(pic_isr(PIC2), 0, "slave ISR empty after the EOIs");
    pic_mask(0xFF, 0xFF);
}

/* OCW2 set-priority: IR1 lowest makes IR2 highest, so IRQ8 comes before IRQ0. */
static void test_rotation(void)
{
    reset_log();
    handler_eoi = 1;
    outb(PIC1, 0xC1);
    pic_mask(0xFA, 0xFE);           /* the slave raises IR2 only for requests its IMR lets by */
    one_shot_irq0();
    rtc_periodic_on();
    CHECK(wait_irr(0x05), "IRQ0 and IR2 pending for the rotation test");
    spin_open(20000);
    CHECK_EQ(n_irq, 2, "both requests delivered with rotated priority");
    CHECK_EQ(vec_log[0], VEC_SLAVE, "IR2 first when IR1 is the lowest priority");
    CHECK_EQ(vec_log[1], VEC_MASTER, "IR0 second when IR1 is the lowest priority");
    outb(PIC1, 0xC7);               /* back to IR0 highest */
    pic_mask(0xFF, 0xFF);
    CHECK_EQ(pic_isr(PIC1), 0, "master ISR empty after rotated EOIs");
}

/* Special mask mode: with IR0 in service and masked, the lower IR2 is let through. */
static void test_special_mask(void)
{
    reset_log();
    handler_eoi = 0;
    pic_mask(0xFA, 0xFE);
    one_shot_irq0();
    CHECK(wait_irr(0x01), "IRQ0 pending for the special mask test");
    spin_open(20000);
    CHECK_EQ(n_irq, 1, "IRQ0 in service for the special mask test");
    rtc_periodic_on();
    CHECK(wait_irr(0x04), "IR2 pending behind IR0 in service");
    spin_open(20000);
    CHECK_EQ(n_irq, 1, "IR2 blocked by IR0 in service without special mask");
    handler_eoi = 2;                /* special mask mode needs specific EOIs (datasheet, OCW2) */
    outb(PIC1, 0x68);               /* OCW3: set special mask mode */
    outb(PIC1 + 1, 0xFB);           /* mask IR0, which is in service */
    spin_open(20000);
    CHECK_EQ(n_irq, 2, "special mask mode lets IR2 in under masked IR0");
    CHECK_EQ(vec_log[1], VEC_SLAVE, "the IR2 request is IRQ8");
    CHECK_EQ(master_isr_log[1], 0x05, "ISR holds IR0 and IR2 under special mask mode");
    outb(PIC1, 0x48);               /* OCW3: reset special mask mode */
    CHECK_EQ(pic_isr(PIC1), 0x01, "IR0 still in service after the IR2 EOI");
    outb(PIC1, PIC_SEOI(0));
    CHECK_EQ(pic_isr(PIC1), 0, "specific EOI ends IR0");
    pic_mask(0xFF, 0xFF);
}

/* Poll command (OCW3 P=1): the next read returns 80H | level and acknowledges it. */
static void test_poll(void)
{
    pic_mask(0xFE, 0xFF);
    one_shot_irq0();
    CHECK(wait_irr(0x01), "IRQ0 pending for poll");
    outb(PIC1, PIC_POLL);
    CHECK_EQ(inb(PIC1), 0x80, "poll word: request on level 0");
    CHECK_EQ(pic_isr(PIC1), 0x01, "poll acknowledges: ISR bit 0");
    CHECK_EQ(pic_irr(PIC1) & 1, 0, "poll acknowledges: IRR bit 0 cleared");
    outb(PIC1, PIC_EOI);
    outb(PIC1, PIC_POLL);
    CHECK_EQ(inb(PIC1) & 0x80, 0, "poll word without a request has bit 7 clear");
    pic_mask(0xFF, 0xFF);
}

/* Automatic EOI (ICW4 bit 1): ISR is not set by the acknowledge. */
static void test_auto_eoi(void)
{
    reset_log();
    handler_eoi = 0;
    pic_init(VEC_MASTER, VEC_SLAVE, 1);
    pic_mask(0xFE, 0xFF);
    one_shot_irq0();
    CHECK(wait_irr(0x01), "IRQ0 pending for AEOI");
    spin_open(20000);
    CHECK_EQ(n_irq, 1, "IRQ0 delivered in AEOI mode");
    CHECK_EQ(master_isr_log[0], 0, "AEOI: ISR bit clear in the handler");
    pic_init(VEC_MASTER, VEC_SLAVE, 0);
}

/* PIIX ELCR: IRQ 0, 1, 2, 8 and 13 cannot be level-triggered, their bits read 0. */
static void test_elcr(void)
{
    u8 old1 = inb(0x4D0), old2 = inb(0x4D1);
    outb(0x4D0, 0xFF);
    CHECK_EQ(inb(0x4D0), 0xF8, "ELCR1 bits 0-2 read 0");
    outb(0x4D1, 0xFF);
    CHECK_EQ(inb(0x4D1), 0xDE, "ELCR2 bits 0 and 5 read 0");
    outb(0x4D0, 0x28);
    CHECK_EQ(inb(0x4D0), 0x28, "ELCR1 reads back");
    outb(0x4D0, old1);
    outb(0x4D1, old2);
}

void kmain(void)
{
    set_handler(VEC_MASTER, on_irq0);
    set_handler(VEC_SLAVE, on_irq8);
    test_init_and_imr();
    test_mask_and_eoi();
    test_priority_and_cascade();
    test_rotation();
    test_special_mask();
    test_poll();
    test_auto_eoi();
    test_elcr();
    cmos_write(RTC_B, cmos_read(RTC_B) & ~0x40);
    cmos_read(RTC_C);
}
