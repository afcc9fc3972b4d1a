/* Checks where qemu-system-i386 (TCG) departs from the SDM, so they cannot be part of the
   qemu agreement test. This kernel runs only in the model; under qemu some of these fail by
   design. Each check names the SDM section that decides it. */
#include "rt.h"
#include "hw.h"

enum { I_SMALL = GDT_FREE, I_DOWN, I_RO, I_XO, I_SMALLSS, I_CONF, I_GATE_CONF, I_NPDATA3 };
#define SEL(i) ((i) << 3)

volatile u32 g_cs;
static volatile u32 v;
static u32 pt_test[1024] __attribute__((aligned(4096)));
static u8 frames[2][4096] __attribute__((aligned(4096)));

/* --- instructions qemu does not fault on ------------------------------------------------ */
static void int1(void) { __asm__ volatile(".byte 0xF1;" LABEL(int1_after) "nop"); }
static void wrmsr_unknown(void) { __asm__ volatile("xor %%eax, %%eax; xor %%edx, %%edx; mov $0xFFFFFFFF, %%ecx; wrmsr" : : : "eax", "ecx", "edx"); }
static void cr4_reserved(void) { __asm__ volatile("mov %%cr4, %%eax; or $0x80000000, %%eax; mov %%eax, %%cr4" : : : "eax"); }
static void misaligned(void) { __asm__ volatile("pushf; orl $0x40000, (%%esp); popf; mov %%esp, %%eax; mov 1(%%eax), %%eax" : : : "eax", "cc"); }

static void dr_gd(void) { __asm__ volatile("mov %%dr7, %%eax; or $0x2000, %%eax; mov %%eax, %%dr7;" LABEL(gd_at) "mov %%dr0, %%eax" : : : "eax"); }

static void test_instructions(void)
{
    CHECK_EQ(rt_try(dr_gd), 1, "#DB on MOV DR with DR7.GD (SDM 17.2.4)");
    CHECK_EQ(last_fault.eip, ADDR(gd_at), "general detect is a fault");
    u32 dr6, dr7;
    __asm__ volatile("mov %%dr6, %0; mov %%dr7, %1" : "=r"(dr6), "=r"(dr7));
    CHECK(dr6 & 0x2000, "DR6.BD after general detect (SDM 17.2.3)");
    CHECK_EQ(dr7 & 0x2000, 0, "general detect clears DR7.GD (SDM 17.2.4)");
    CHECK_EQ(rt_try(int1), 1, "INT1 raises #DB (SDM Vol. 2 INT n/INTO/INT3/INT1)");
    CHECK_EQ(last_fault.eip, ADDR(int1_after), "INT1 is a trap");
    CHECK_EQ(rt_try(wrmsr_unknown), 13, "WRMSR to an unimplemented MSR: #GP(0) (SDM Vol. 2 WRMSR)");
    write_cr0(read_cr0() | 0x40000);
    CHECK_EQ(rt_run_at(3, misaligned), 17, "misaligned access with AM and AC at CPL 3: #AC (SDM 6.15, vector 17)");
    CHECK_EQ(last_fault.err, 0, "#AC error code 0");
    CHECK_EQ(rt_try(misaligned), -1, "no #AC at CPL 0");
    write_cr0(read_cr0() & ~0x40000);
}

/* --- data-segment limit and type checks on access (SDM 5.3, 5.4; qemu skips them) -------- */
static volatile u32 sel_in, off_in;
static void read_fs(void) { __asm__ volatile("mov %0, %%fs; mov %%fs:(%1), %%eax" : : "r"(sel_in), "r"(off_in) : "eax"); }
static void write_fs(void) { __asm__ volatile("mov %0, %%fs; movl $1, %%fs:(%1)" : : "r"(sel_in), "r"(off_in) : "memory"); }
static void read_byte_fs(void) { __asm__ volatile("mov %0, %%fs; movb %%fs:(%1), %%al" : : "r"(sel_in), "r"(off_in) : "eax"); }
static void write_cs(void) { __asm__ volatile("movl %%cs:(%0), %%eax; movl %%eax, %%cs:(%0)" : : "r"(&v) : "eax", "memory"); }
static void null_ds(void) { __asm__ volatile("mov %0, %%fs; mov %%fs:0, %%eax" : : "r"(0) : "eax"); }
static void small_ss(void)
{   /* At CPL 3, so the #SS handler runs on the ring 0 stack from the TSS. */
    __asm__ volatile("mov %%ss, %%dx; mov %%esp, %%ecx; mov %0, %%ss; mov $0x204, %%esp; push %%eax;"
                     "mov %%dx, %%ss; mov %%ecx, %%esp" : : "r"(SEL(I_SMALLSS) | 3) : "ecx", "edx", "memory");
}

static int seg_access(void (*fn)(void), u32 sel, u32 off)
{
    sel_in = sel;
    off_in = off;
    return rt_try(fn);
}

static void test_limits(void)
{
    CHECK_EQ(seg_access(read_fs, SEL(I_SMALL), 0x120), -1, "dword read ending at the limit (SDM 5.3)");
    CHECK_EQ(seg_access(read_fs, SEL(I_SMALL), 0x121), 13, "dword read crossing the limit: #GP(0) (SDM 5.3)");
    CHECK_EQ(last_fault.err, 0, "limit #GP error code 0");
    CHECK_EQ(seg_access(read_byte_fs, SEL(I_SMALL), 0x124), 13, "byte read past the limit: #GP(0)");
    CHECK_EQ(seg_access(read_fs, SEL(I_DOWN), 0x1000), -1, "expand-down: offset above the limit is valid (SDM 5.3)");
    CHECK_EQ(seg_access(read_fs, SEL(I_DOWN), 0xFFF), 13, "expand-down: offset at the limit: #GP(0)");
    CHECK_EQ(seg_access(read_fs, SEL(I_DOWN), 0xFFFFFFFC), -1, "expand-down with B=1: top dword valid");
    CHECK_EQ(seg_access(write_fs, SEL(I_RO), 0x100000), 13, "write to a read-only data segment: #GP(0) (SDM 5.4)");
    CHECK_EQ(seg_access(read_fs, SEL(I_RO), 0x100000), -1, "read of a read-only data segment");
    CHECK_EQ(rt_try(write_cs), 13, "write through CS: #GP(0) (SDM 5.4)");
    CHECK_EQ(rt_try(null_ds), 13, "access through a null selector: #GP(0) (SDM 5.4.1)");
    CHECK_EQ(last_fault.err, 0, "null selector #GP error code 0");
    CHECK_EQ(rt_run_at(3, small_ss), 12, "push below the limit of an expand-up SS: #SS(0) (SDM 6.15 vector 12)");
    CHECK_EQ(last_fault.err, 0, "#SS error code 0");
}

/* --- a call gate into conforming code keeps CPL (SDM Vol. 2 CALL, SAME-PRIVILEGE) --------- */
__asm__(".globl conf_target\nconf_target: mov %cs, %eax; mov %eax, g_cs; lret\n");
extern char conf_target[];
static void call_conf(void) { __asm__ volatile("lcall %0, $0" : : "i"(SEL(I_GATE_CONF) | 3) : "eax", "memory"); }

/* --- an outward RETF to a not-present SS is #SS, not #NP (SDM Vol. 2 RET) ----------------- */
static u8 user_stack[256] __attribute__((aligned(16)));
static void retf_np_ss(void)
{
    __asm__ volatile("push %1; push %0; push %2; push $1f; lret; 1:"
                     : : "r"((u32)user_stack + sizeof user_stack), "i"(SEL(I_NPDATA3) | 3), "i"(SEL_CODE3) : "memory");
}

/* --- a global page survives a CR3 reload (SDM 4.10.4.1); qemu flushes it -------------------- */
static void test_global(void)
{
    paging_build_identity();
    page_dir[256] = (u32)pt_test | PTE_P | PTE_RW;
    *(u32 *)frames[0] = 0x1111;
    *(u32 *)frames[1] = 0x2222;
    pt_test[0] = (u32)frames[0] | PTE_P | PTE_RW | PTE_G;
    pt_test[1] = (u32)frames[0] | PTE_P | PTE_RW;
    write_cr4(read_cr4() | 0x80);                    /* CR4.PGE */
    paging_enable();
    CHECK_EQ(*(volatile u32 *)0x40000000, 0x1111, "global page mapped");
    CHECK_EQ(*(volatile u32 *)0x40001000, 0x1111, "non-global page mapped");
    pt_test[0] = (u32)frames[1] | PTE_P | PTE_RW | PTE_G;
    pt_test[1] = (u32)frames[1] | PTE_P | PTE_RW;
    write_cr3(read_cr3());
    CHECK_EQ(*(volatile u32 *)0x40000000, 0x1111, "a global TLB entry survives a CR3 reload");
    CHECK_EQ(*(volatile u32 *)0x40001000, 0x2222, "a non-global TLB entry does not");
    invlpg(0x40000000);
    CHECK_EQ(*(volatile u32 *)0x40000000, 0x2222, "INVLPG removes a global entry");
    paging_disable();
    write_cr4(read_cr4() & ~0x80);
}

/* --- device rules qemu 7.2 does not follow ------------------------------------------------ */
static void test_devices(void)
{
    /* 8254 read-back (datasheet "Read-Back Command"): once the count is in the counting element,
       mode 2 shows OUT high and NULL COUNT clear: status 1011 0100. */
    pit_program(0, 2, 0x1000);
    for (int i = 0; i < 200; i++) (void)inb(PORT_B); /* let a few PIT clocks pass */
    CHECK_EQ(pit_status(0), 0xB4, "PIT mode 2 read-back status: OUT high, count loaded (8254 datasheet)");
    pit_program(0, 0, 0); /* quiet again */
    /* Local APIC SVR (SDM 10.9): bits 0-3 of the spurious vector are hardwired to 1 on P6. */
    u32 svr = lapic_read(0xF0);
    lapic_write(0xF0, 0x130);
    CHECK_EQ(lapic_read(0xF0) & 0x3FF, 0x13F, "APIC SVR bits 0-3 read as 1 on P6 (SDM 10.9)");
    /* Software disable (SDM 10.4.7.2): every LVT mask bit is set and cannot be cleared. */
    lapic_write(0xF0, 0x0FF);
    CHECK(lapic_read(0x320) & 0x10000, "software-disabled APIC: LVT timer masked (SDM 10.4.7.2)");
    lapic_write(0x320, 0x40);
    CHECK(lapic_read(0x320) & 0x10000, "software-disabled APIC: the LVT mask cannot be cleared");
    lapic_write(0xF0, svr);
}

void kmain(void)
{
    set_gdt(I_SMALL, seg_desc(0, 0x123, 0x92, 0x4));
    set_gdt(I_DOWN, seg_desc(0, 0xFFF, 0x96, 0x4));
    set_gdt(I_RO, seg_desc(0, 0xFFFFF, 0x90, 0xC));
    set_gdt(I_XO, seg_desc(0, 0xFFFFF, 0x98, 0xC));
    set_gdt(I_SMALLSS, seg_desc(0x80000, 0x1FF, 0xF2, 0x4));
    set_gdt(I_CONF, seg_desc(0, 0xFFFFF, 0x9E, 0xC));
    set_gdt(I_GATE_CONF, gate_desc(SEL(I_CONF), (u32)conf_target, 0xEC, 0));
    set_gdt(I_NPDATA3, seg_desc(0, 0xFFFFF, 0x72, 0xC));
    test_instructions();
    test_limits();
    g_cs = 0;
    CHECK_EQ(rt_run_at(3, call_conf), -1, "call gate into conforming code");
    CHECK_EQ(g_cs, SEL(I_CONF) | 3, "conforming code reached through a gate keeps CPL 3");
    CHECK_EQ(rt_try(retf_np_ss), 12, "outward RETF to a not-present SS: #SS (SDM Vol. 2 RET)");
    CHECK_EQ(last_fault.err, SEL(I_NPDATA3), "#SS error code is the SS selector");
    test_global();
    test_devices();
    /* Last: qemu 7.2 hangs on this write instead of raising #GP. */
    CHECK_EQ(rt_try(cr4_reserved), 13, "setting a reserved CR4 bit: #GP(0) (SDM Vol. 2 MOV CR)");
}
