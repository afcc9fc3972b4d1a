/* Segmentation (SDM Vol. 3A chapter 3 and 5.5-5.8): which selectors each segment register
   accepts, with which exception and error code; bases, granularity, expand-down limits as
   LSL reports them, the LDT, and CS limit checks on far transfers. Data-access limit checks
   live in the modelonly kernel because qemu does not perform them. */
#include "rt.h"

enum {
    I_NP = GDT_FREE, I_RO, I_XO, I_RX, I_CONF, I_DATA_BASE, I_SMALL, I_DOWN, I_GRAN, I_LDT, I_NPCODE,
    I_SMALLCODE, I_DATA3_ONLY, I_BUSY_TSS, I_STACK16,
};
#define SEL(i) ((i) << 3)
#define LDT_SEL(i) ((i) << 3 | 4)

static u64 ldt[4];
static volatile u32 sel_in, val;
static u8 base_area[64] __attribute__((aligned(16)));

static void load_ds(void) { __asm__ volatile("mov %0, %%fs; mov %%fs, %%eax; mov %%eax, val" : : "r"(sel_in) : "eax", "memory"); }
static void load_ss(void)
{
    __asm__ volatile("mov %%ss, %%dx; mov %0, %%ss; mov %%dx, %%ss" : : "r"(sel_in) : "edx");
}
static void load_cs(void) { __asm__ volatile("mov %0, %%eax; .byte 0x8E, 0xC8" : : "r"(sel_in) : "eax"); }
static void read_base(void) { __asm__ volatile("mov %0, %%fs; mov %%fs:4, %%eax; mov %%eax, val" : : "r"(sel_in) : "eax", "memory"); }
static struct { u32 off; u16 sel; } __attribute__((packed)) far_ptr;
static void far_jmp(void) { __asm__ volatile("ljmp *%0" : : "m"(far_ptr)); }
static void lldt(void) { __asm__ volatile("lldt %w0" : : "r"(sel_in)); }
static void ltr(void) { __asm__ volatile("ltr %w0" : : "r"(sel_in)); }

static int try_load(void (*fn)(void), u32 sel, int cpl)
{
    sel_in = sel;
    return rt_run_at(cpl, fn);
}

static void expect(int got, int vector, u32 err, const char *name)
{
    CHECK_EQ(got, vector, name);
    if (vector >= 0 && got == vector) CHECK_EQ(last_fault.err, err, name);
}

static void test_data_loads(void)
{
    expect(try_load(load_ds, 0, 0), -1, 0, "null selector into FS is allowed");
    expect(try_load(load_ds, 3, 3), -1, 0, "null selector with RPL 3 into FS at CPL 3");
    expect(try_load(load_ds, SEL(I_NP), 0), 11, SEL(I_NP), "not-present data into FS: #NP(sel)");
    expect(try_load(load_ds, SEL_TSS, 0), 13, SEL_TSS, "TSS descriptor into FS: #GP(sel)");
    expect(try_load(load_ds, SEL(I_XO), 0), 13, SEL(I_XO), "execute-only code into FS: #GP(sel)");
    expect(try_load(load_ds, SEL(I_RX), 0), -1, 0, "readable code into FS is allowed");
    expect(try_load(load_ds, SEL(I_RO), 0), -1, 0, "read-only data into FS is allowed");
    expect(try_load(load_ds, SEL_DATA0 | 3, 0), 13, SEL_DATA0, "RPL 3 on DPL 0 data at CPL 0: #GP(sel)");
    expect(try_load(load_ds, SEL_DATA0 | 3, 3), 13, SEL_DATA0, "DPL 0 data at CPL 3: #GP(sel)");
    expect(try_load(load_ds, SEL_DATA1, 3), 13, SEL_DATA1 & ~3, "DPL 1 data at CPL 3: #GP(sel)");
    expect(try_load(load_ds, SEL_DATA3, 1), -1, 0, "DPL 3 data at CPL 1 is allowed");
    expect(try_load(load_ds, SEL(I_CONF) | 3, 3), -1, 0, "conforming readable DPL 0 code at CPL 3 is allowed");
    expect(try_load(load_ds, 0xFFF8, 0), 13, 0xFFF8, "selector beyond the GDT limit: #GP(sel)");
    expect(try_load(load_ds, 0x8000, 0), 13, 0x8000, "selector far beyond the GDT limit: #GP(sel)");
    u64 before = gdt[I_GRAN];
    gdt[I_GRAN] &= ~(1ULL << 40);
    try_load(load_ds, SEL(I_GRAN), 0);
    CHECK(gdt[I_GRAN] & (1ULL << 40), "loading a segment sets its accessed bit");
    gdt[I_GRAN] = before;
    try_load(load_ds, SEL_DATA1, 1);
    CHECK_EQ(val, SEL_DATA1, "MOV from FS shows the loaded selector");
}

static void test_ss_loads(void)
{
    expect(try_load(load_ss, 0, 0), 13, 0, "null SS: #GP(0)");
    expect(try_load(load_ss, SEL_DATA0 | 1, 0), 13, SEL_DATA0, "SS with RPL != CPL: #GP(sel)");
    expect(try_load(load_ss, SEL_DATA3 & ~3, 0), 13, SEL_DATA3 & ~3, "SS with DPL != CPL: #GP(sel)");
    expect(try_load(load_ss, SEL(I_RO), 0), 13, SEL(I_RO), "read-only SS: #GP(sel)");
    expect(try_load(load_ss, SEL(I_RX), 0), 13, SEL(I_RX), "code segment into SS: #GP(sel)");
    expect(try_load(load_ss, SEL(I_NP), 0), 12, SEL(I_NP), "not-present SS: #SS(sel)");
    expect(try_load(load_ss, SEL_DATA3, 3), -1, 0, "SS of the own ring is allowed");
    expect(try_load(load_ss, SEL(I_DOWN), 0), -1, 0, "expand-down writable data into SS is allowed");
    expect(try_load(load_cs, SEL_CODE0, 0), 6, 0, "MOV to CS: #UD");
}

static void test_ldt(void)
{
    sel_in = 0;
    CHECK_EQ(rt_try(lldt), -1, "LLDT with a null selector");
    expect(try_load(load_ds, LDT_SEL(1), 0), 13, LDT_SEL(1), "TI=1 with a null LDTR: #GP(sel)");
    expect(try_load(lldt, SEL_DATA0, 0), 13, SEL_DATA0, "LLDT with a data descriptor: #GP(sel)");
    expect(try_load(lldt, SEL(I_LDT), 0), -1, 0, "LLDT with an LDT descriptor");
    expect(try_load(load_ds, LDT_SEL(1), 0), -1, 0, "data segment from the LDT");
    expect(try_load(load_ds, LDT_SEL(2), 0), 11, LDT_SEL(2), "not-present LDT entry: #NP(sel)");
    expect(try_load(load_ds, LDT_SEL(4), 0), 13, LDT_SEL(4), "selector beyond the LDT limit: #GP(sel)");
    expect(try_load(load_ds, LDT_SEL(1) | 3, 3), -1, 0, "DPL 3 LDT data at CPL 3");
    expect(try_load(ltr, SEL_TSS, 0), 13, SEL_TSS, "LTR with a busy TSS: #GP(sel)");
    expect(try_load(ltr, SEL_DATA0, 0), 13, SEL_DATA0, "LTR with a data descriptor: #GP(sel)");
}

static void test_bases_and_limits(void)
{
    base_area[4] = 0x5A; base_area[5] = 0xA5; base_area[6] = 0x11; base_area[7] = 0x22;
    sel_in = SEL(I_DATA_BASE);
    CHECK_EQ(rt_try(read_base), -1, "read through a based segment");
    CHECK_EQ(val, 0x2211A55A, "the segment base is added to the offset");
    u32 limit, ok;
    __asm__ volatile("lsl %2, %0; setz %b1" : "=r"(limit), "=q"(ok) : "r"(SEL(I_SMALL)));
    CHECK_EQ(limit, 0x123, "LSL byte-granular limit");
    __asm__ volatile("lsl %2, %0; setz %b1" : "=r"(limit), "=q"(ok) : "r"(SEL(I_GRAN)));
    CHECK_EQ(limit, 0x1FFF, "LSL page-granular limit is scaled and filled with ones");
    __asm__ volatile("lsl %2, %0; setz %b1" : "=r"(limit), "=q"(ok) : "r"(SEL(I_DOWN)));
    CHECK_EQ(limit, 0xFFF, "LSL expand-down reports the raw limit");
    CHECK_EQ(ok & 1, 1, "LSL expand-down ZF");
    u32 ar;
    __asm__ volatile("lar %1, %0" : "=r"(ar) : "r"(SEL(I_DOWN)));
    CHECK_EQ(ar & 0x00F0FF00, 0x00409700, "LAR expand-down writable, B=1");
}

/* A 16-bit stack segment (B=0): PUSH and POP use SP and keep ESP's upper half (SDM 6.2.3). */
static volatile u32 esp_after, pushed;
static void push_on_16bit_stack(void)
{
    __asm__ volatile("mov %%ss, %%dx; mov %%esp, %%ecx; mov %2, %%ss; mov $0xABCD0010, %%esp;"
                     "pushl $0x600D; mov %%esp, %0; popl %%eax; mov %%eax, %1; mov %%dx, %%ss; mov %%ecx, %%esp"
                     : "=m"(esp_after), "=m"(pushed) : "r"(SEL(I_STACK16)) : "eax", "ecx", "edx", "memory");
}

static void test_stack16(void)
{
    *(volatile u32 *)0x20000C = 0;
    CHECK_EQ(rt_try(push_on_16bit_stack), -1, "PUSH on a 16-bit stack segment");
    CHECK_EQ(esp_after, 0xABCD000C, "16-bit stack: SP moves, ESP bits 16-31 stay");
    CHECK_EQ(*(volatile u32 *)0x20000C, 0x600D, "16-bit stack: the push lands at SS.base + SP");
    CHECK_EQ(pushed, 0x600D, "POP from the 16-bit stack");
}

static void test_far_transfers(void)
{
    far_ptr.sel = SEL(I_SMALLCODE);
    far_ptr.off = 0x2000;
    expect(rt_try(far_jmp), 13, 0, "far JMP beyond the CS limit: #GP(0)");
    far_ptr.sel = SEL_DATA0;
    expect(rt_try(far_jmp), 13, SEL_DATA0, "far JMP to a data segment: #GP(sel)");
    far_ptr.sel = SEL(I_NPCODE);
    expect(rt_try(far_jmp), 11, SEL(I_NPCODE), "far JMP to not-present code: #NP(sel)");
    far_ptr.sel = 0;
    expect(rt_try(far_jmp), 13, 0, "far JMP to a null selector: #GP(0)");
}

void kmain(void)
{
    set_gdt(I_NP, seg_desc(0, 0xFFFFF, ACC_DATA & ~0x80, 0xC));
    set_gdt(I_RO, seg_desc(0, 0xFFFFF, 0x90, 0xC));
    set_gdt(I_XO, seg_desc(0, 0xFFFFF, 0x98, 0xC));
    set_gdt(I_RX, seg_desc(0, 0xFFFFF, 0x9A, 0xC));
    set_gdt(I_CONF, seg_desc(0, 0xFFFFF, 0x9E, 0xC));
    set_gdt(I_DATA_BASE, seg_desc((u32)base_area, 63, 0x92, 0x4));
    set_gdt(I_SMALL, seg_desc(0, 0x123, 0x92, 0x4));
    set_gdt(I_DOWN, seg_desc(0, 0xFFF, 0x96, 0x4));
    set_gdt(I_GRAN, seg_desc(0, 0x1, 0x92, 0xC));
    set_gdt(I_NPCODE, seg_desc(0, 0xFFFFF, 0x1A, 0xC));
    set_gdt(I_SMALLCODE, seg_desc(0, 0xFFF, 0x9A, 0x4));
    set_gdt(I_STACK16, seg_desc(0x200000, 0xFFFF, 0x92, 0));
    ldt[1] = seg_desc(0, 0xFFFFF, 0xF2, 0xC);
    ldt[2] = seg_desc(0, 0xFFFFF, 0x72, 0xC);
    set_gdt(I_LDT, seg_desc((u32)ldt, sizeof ldt - 1, 0x82, 0));
    test_data_loads();
    test_ss_loads();
    test_ldt();
    test_bases_and_limits();
    test_far_transfers();
    test_stack16();
}
