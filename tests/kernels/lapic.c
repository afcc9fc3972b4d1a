/* The local APIC of a P6 (SDM Vol. 3A chapter 10: 10.4 base MSR, version and ID, 10.5.1 LVT,
   10.5.4 timer, 10.8 TPR/PPR, IRR/ISR and EOI, 10.9 spurious-interrupt vector register).
   The timer's bus frequency differs between machines, so only behaviour is compared: the
   interrupt comes, at the LVT vector, once or repeatedly, counts go down, masks hold. The
   8259As stay masked throughout. Not checked, as qemu departs from the SDM: P6's hardwired
   ones in SVR bits 0-3 and the LVT masks set by a software disable (10.4.7.2). */
#include "rt.h"
#include "hw.h"

#define APIC_ID 0x20
#define APIC_VERSION 0x30
#define APIC_TPR 0x80
#define APIC_PPR 0xA0
#define APIC_EOI 0xB0
#define APIC_SVR 0xF0
#define APIC_ISR 0x100
#define APIC_IRR 0x200
#define APIC_LVT_TIMER 0x320
#define APIC_INITIAL 0x380
#define APIC_CURRENT 0x390
#define APIC_DIVIDE 0x3E0
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define VEC_TIMER 0x40
#define DIV_1 0xB
#define DIV_16 0x3
#define DIV_128 0xA

static volatile int n_timer, wrong_vector;
static volatile u32 isr_in_handler;

/* The ISR/IRR/TMR word and bit of a vector (10.8.4: eight 32-bit registers 10H apart). */
static u32 vector_bit(u32 base, int v) { return lapic_read(base + (v >> 5) * 0x10) >> (v & 31) & 1; }

static void on_timer(struct frame *f)
{
    if (f->vector != VEC_TIMER) wrong_vector++;
    isr_in_handler = vector_bit(APIC_ISR, VEC_TIMER);
    n_timer++;
    lapic_write(APIC_EOI, 0);
}

static void stop_timer(void)
{
    lapic_write(APIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
    lapic_write(APIC_INITIAL, 0);
}

static void test_identity(void)
{
    u32 a, b, c, d;
    cpuid(1, &a, &b, &c, &d);
    CHECK_EQ(d >> 9 & 1, 1, "CPUID.1:EDX.APIC");
    u64 base = rdmsr(0x1B);
    CHECK_EQ((u32)base & 0xFFFFF900, 0xFEE00900, "IA32_APIC_BASE: FEE00000, enabled, BSP");
    CHECK_EQ((u32)(base >> 32), 0, "IA32_APIC_BASE high half");
    u32 ver = lapic_read(APIC_VERSION);
    CHECK_EQ(ver & 0xF0, 0x10, "version register: integrated APIC (1xH)");
    CHECK(((ver >> 16) & 0xFF) >= 3, "version register: at least four LVT entries");
    CHECK_EQ(lapic_read(APIC_ID) >> 24, 0, "APIC ID of the only processor");
}

static void test_svr_and_tpr(void)
{
    lapic_write(APIC_SVR, 0x1FF);
    CHECK_EQ(lapic_read(APIC_SVR) & 0x1FF, 0x1FF, "SVR: software enable and spurious vector FFH");
    lapic_write(APIC_SVR, 0x13F);
    CHECK_EQ(lapic_read(APIC_SVR) & 0x1FF, 0x13F, "SVR: spurious vector 3FH");
    lapic_write(APIC_SVR, 0x1FF);
    lapic_write(APIC_TPR, 0x20);
    CHECK_EQ(lapic_read(APIC_TPR) & 0xFF, 0x20, "TPR reads back");
    lapic_write(APIC_TPR, 0xFF);
    CHECK_EQ(lapic_read(APIC_TPR) & 0xFF, 0xFF, "TPR holds all eight bits");
    lapic_write(APIC_TPR, 0);
    CHECK_EQ(lapic_read(APIC_PPR) & 0xF0, 0, "PPR 0 with TPR 0 and nothing in service");
}

/* One-shot: one interrupt at the LVT vector, ISR set in the handler and cleared by EOI, the
   current count stops at 0. */
static void test_one_shot(void)
{
    n_timer = 0;
    wrong_vector = 0;
    lapic_write(APIC_DIVIDE, DIV_16);
    CHECK_EQ(lapic_read(APIC_DIVIDE) & 0xB, DIV_16, "divide configuration reads back");
    lapic_write(APIC_LVT_TIMER, VEC_TIMER);
    CHECK_EQ(lapic_read(APIC_LVT_TIMER) & 0x300FF, VEC_TIMER, "LVT timer: one-shot, unmasked, vector 40H");
    lapic_write(APIC_INITIAL, 100000);
    CHECK_EQ(lapic_read(APIC_INITIAL), 100000, "initial count reads back");
    u32 cur = lapic_read(APIC_CURRENT);
    CHECK(cur > 0 && cur <= 100000, "current count starts from the initial count");
    while (n_timer == 0) sti_hlt();
    cli();
    CHECK_EQ(wrong_vector, 0, "timer interrupt at the LVT vector");
    CHECK_EQ(isr_in_handler, 1, "ISR bit set while the handler runs");
    CHECK_EQ(vector_bit(APIC_ISR, VEC_TIMER), 0, "EOI clears the ISR bit");
    CHECK_EQ(lapic_read(APIC_CURRENT), 0, "one-shot: current count stays 0");
    CHECK_EQ(pit2_wait(2400, 50000000) >= 0, 1, "counter 2 stopwatch (2 ms)");
    spin_open(1000);
    CHECK_EQ(n_timer, 1, "one-shot: a single interrupt");
}

/* Periodic: interrupts keep coming and the count reloads. */
static void test_periodic(void)
{
    n_timer = 0;
    wrong_vector = 0;
    lapic_write(APIC_LVT_TIMER, LVT_PERIODIC | VEC_TIMER);
    lapic_write(APIC_INITIAL, 20000);
    while (n_timer < 5) sti_hlt();
    cli();
    CHECK_EQ(wrong_vector, 0, "periodic interrupts at the LVT vector");
    u32 cur = lapic_read(APIC_CURRENT);
    CHECK(cur > 0 && cur <= 20000, "periodic: the count reloads from the initial count");
    stop_timer();
    CHECK_EQ(lapic_read(APIC_CURRENT), 0, "initial count 0 stops the timer");
}

/* Watches the current count of a periodic timer until it has reloaded `n` times. */
static int reloads(int n)
{
    u32 prev = lapic_read(APIC_CURRENT);
    int seen = 0;
    for (int i = 0; i < 5000000 && seen < n; i++) {
        u32 cur = lapic_read(APIC_CURRENT);
        if (cur > prev) seen++;
        prev = cur;
    }
    return seen;
}

/* A masked LVT entry: the timer counts and reloads but no interrupt, nothing in IRR. */
static void test_masked(void)
{
    n_timer = 0;
    lapic_write(APIC_DIVIDE, DIV_1);
    lapic_write(APIC_LVT_TIMER, LVT_MASKED | LVT_PERIODIC | VEC_TIMER);
    lapic_write(APIC_INITIAL, 20000);
    sti();
    int seen = reloads(3);
    cli();
    CHECK_EQ(seen, 3, "masked periodic timer still reloads");
    CHECK_EQ(n_timer, 0, "masked LVT timer gives no interrupt");
    CHECK_EQ(vector_bit(APIC_IRR, VEC_TIMER), 0, "masked LVT timer sets no IRR bit");
    stop_timer();
}

/* TPR above the vector's priority class holds the interrupt in IRR until TPR drops. */
static void test_tpr_blocks(void)
{
    n_timer = 0;
    lapic_write(APIC_TPR, 0x50);
    lapic_write(APIC_DIVIDE, DIV_1);
    lapic_write(APIC_LVT_TIMER, VEC_TIMER);
    lapic_write(APIC_INITIAL, 10000);
    sti();
    int pending = 0;
    for (int i = 0; i < 5000000 && !pending; i++) pending = vector_bit(APIC_IRR, VEC_TIMER);
    for (volatile int i = 0; i < 1000; i++) { }
    cli();
    CHECK_EQ(pending, 1, "the held interrupt waits in IRR");
    CHECK_EQ(n_timer, 0, "TPR class 5 holds back vector 40H");
    CHECK_EQ(lapic_read(APIC_PPR) & 0xF0, 0x50, "PPR follows TPR");
    lapic_write(APIC_TPR, 0);
    sti();
    for (int i = 0; i < 5000000 && n_timer == 0; i++) { }
    cli();
    CHECK_EQ(n_timer, 1, "lowering TPR delivers the held interrupt");
    CHECK_EQ(vector_bit(APIC_IRR, VEC_TIMER), 0, "IRR bit clear after delivery");
    stop_timer();
}

/* Current count over the same 1 ms (PIT counter 2) with divide by 1 and by 128. */
static u32 drop_over_1ms(u32 divide)
{
    lapic_write(APIC_DIVIDE, divide);
    lapic_write(APIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
    lapic_write(APIC_INITIAL, 0xFFFFFFFF);
    u32 a = lapic_read(APIC_CURRENT);
    pit2_wait(1193, 50000000);
    u32 b = lapic_read(APIC_CURRENT);
    stop_timer();
    return a > b ? a - b : 0;
}

static void test_divide(void)
{
    u32 fast = drop_over_1ms(DIV_1), slow = drop_over_1ms(DIV_128);
    CHECK(fast > 0, "current count decreases with divide by 1");
    CHECK(slow > 0, "current count decreases with divide by 128");
    CHECK(fast > 2 * slow, "divide by 128 counts much slower than divide by 1");
}

void kmain(void)
{
    set_handler(VEC_TIMER, on_timer);
    test_identity();
    test_svr_and_tpr();
    test_one_shot();
    test_periodic();
    test_masked();
    test_tpr_blocks();
    test_divide();
}
