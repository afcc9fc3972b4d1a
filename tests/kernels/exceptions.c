/* Every exception a P6 raises in protected mode (SDM Vol. 3A 6.15): vector, error code,
   and whether the saved EIP points at the instruction (fault) or after it (trap). */
#include "rt.h"

#define NP_INDEX (GDT_FREE)
#define SEL_NP (NP_INDEX << 3)           /* a not-present data segment */
#define RO_INDEX (GDT_FREE + 1)
#define SEL_RO (RO_INDEX << 3)           /* a read-only data segment */
#define XO_INDEX (GDT_FREE + 2)
#define SEL_XO (XO_INDEX << 3)           /* an execute-only code segment */

__attribute__((used)) static volatile u32 zero, v;

static void de_div(void) { __asm__ volatile("xor %%edx, %%edx; mov $1, %%eax;" LABEL(de_at) "divl zero" : : : "eax", "edx"); }
static void de_idiv(void)
{
    __asm__ volatile("mov $0x80000000, %%eax; cltd; mov $-1, %%ecx;" LABEL(de2_at) "idiv %%ecx" : : : "eax", "ecx", "edx");
}
static void db_tf(void)
{
    __asm__ volatile("pushf; orl $0x100, (%%esp); popf; nop;" LABEL(tf_after) "nop" : : : "cc");
}
static void db_tf_movss(void)
{   /* MOV SS holds off the single-step trap until after the next instruction (SDM 6.8.3). */
    __asm__ volatile("mov %%ss, %%ax; pushf; orl $0x100, (%%esp); popf; mov %%ax, %%ss; nop;" LABEL(tf_ss_after) "nop"
                     : : : "eax", "cc");
}
static void bp_int3(void) { __asm__ volatile("int3;" LABEL(bp_after) "nop"); }
static void bp_int_3(void) { __asm__ volatile("int $3;" LABEL(bp2_after) "nop"); }
static void of_into(void) { __asm__ volatile("mov $0x7FFFFFFF, %%eax; add $1, %%eax; into;" LABEL(of_after) "nop" : : : "eax", "cc"); }
static void of_none(void) { __asm__ volatile("xor %%eax, %%eax; into" : : : "eax", "cc"); }
__attribute__((used)) static int bounds[2] = { 10, 20 };
static void br_bound(void) { __asm__ volatile("mov $21, %%eax;" LABEL(br_at) "bound %%eax, bounds" : : : "eax"); }
static void br_inside(void) { __asm__ volatile("mov $20, %%eax; bound %%eax, bounds" : : : "eax"); }
static void ud_ud2(void) { __asm__ volatile(LABEL(ud_at) "ud2"); }
static void ud_lock(void) { __asm__ volatile(LABEL(ud2_at) "lock; nop"); }
static void ud_lock_reg(void) { __asm__ volatile(LABEL(ud3_at) "lock; add %%eax, %%eax" : : : "eax", "cc"); }
static void nm_ts(void) { __asm__ volatile(LABEL(nm_at) "fninit"); }
static void np_load(void) { __asm__ volatile("mov %0, %%fs;" LABEL(np_at) "" : : "r"(SEL_NP)); }
static void np_gate(void) { __asm__ volatile("int $0x90"); }
static void ss_load(void) { __asm__ volatile("mov %%ss, %%ax; mov %0, %%ss; mov %%ax, %%ss" : : "r"(SEL_NP | 0) : "eax"); }
static void gp_null_ss(void) { __asm__ volatile("mov %%ss, %%ax; mov %0, %%ss; mov %%ax, %%ss" : : "r"(0) : "eax"); }
static void gp_beyond(void) { __asm__ volatile("mov %0, %%fs" : : "r"(0xFFF8)); }
static void gp_code_ds(void) { __asm__ volatile("mov %0, %%fs" : : "r"(SEL_XO)); }
static void gp_ro_ss(void) { __asm__ volatile("mov %%ss, %%ax; mov %0, %%ss; mov %%ax, %%ss" : : "r"(SEL_RO) : "eax"); }
static void pf_read(void) { __asm__ volatile(LABEL(pf_at) "mov 0x5000, %%eax" : : : "eax"); }
static void pf_write(void) { __asm__ volatile("movl $1, 0x5004" : : : "memory"); }
static void pf_user(void) { v = *(volatile u32 *)0x6008; }
static void pf_user_write(void) { *(volatile u32 *)0x7000 = 1; }
__attribute__((used)) static u16 fpu_cw = 0x037B;               /* all masked except ZM (bit 2) */
static void mf_fdiv(void)
{
    __asm__ volatile("fninit; fldcw fpu_cw; fld1; fldz; fdivrp; " LABEL(mf_at) "fwait; nop" : : : "memory");
}

static void ts_iret(void) { __asm__ volatile("pushf; orl $0x4000, (%%esp); popf;" LABEL(ts_at) "iret" : : : "cc"); }

static void dr4_de(void) { __asm__ volatile(LABEL(dr4_at) "mov %%dr4, %%eax" : : : "eax"); }
static void dr_user(void) { __asm__ volatile("mov %%dr7, %%eax" : : : "eax"); }

static void check_fault(int got, int vector, u32 eip, const char *name)
{
    CHECK_EQ(got, vector, name);
    CHECK_EQ(last_fault.eip, eip, name);
}

static void test_traps_and_faults(void)
{
    check_fault(rt_try(de_div), 0, ADDR(de_at), "#DE DIV by zero, EIP at the DIV");
    check_fault(rt_try(de_idiv), 0, ADDR(de2_at), "#DE IDIV overflow");
    check_fault(rt_try(db_tf), 1, ADDR(tf_after), "#DB single-step after one instruction");
    u32 dr6;
    __asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
    CHECK(dr6 & 0x4000, "DR6.BS after a single-step trap");
    CHECK_EQ(last_fault.eflags & 0x100, 0x100, "the saved EFLAGS still has TF");
    check_fault(rt_try(db_tf_movss), 1, ADDR(tf_ss_after), "#DB single-step held off across MOV SS");
    check_fault(rt_try(bp_int3), 3, ADDR(bp_after), "#BP INT3 is a trap");
    check_fault(rt_try(bp_int_3), 3, ADDR(bp2_after), "INT 3 (CD 03) is a trap");
    check_fault(rt_try(of_into), 4, ADDR(of_after), "#OF INTO with OF=1 is a trap");
    CHECK_EQ(rt_try(of_none), -1, "INTO with OF=0 does nothing");
    check_fault(rt_try(br_bound), 5, ADDR(br_at), "#BR BOUND is a fault");
    CHECK_EQ(rt_try(br_inside), -1, "BOUND at the upper bound passes");
    check_fault(rt_try(ud_ud2), 6, ADDR(ud_at), "#UD UD2");
    check_fault(rt_try(ud_lock), 6, ADDR(ud2_at), "#UD LOCK NOP");
    check_fault(rt_try(ud_lock_reg), 6, ADDR(ud3_at), "#UD LOCK with a register destination");
}

/* Debug-register access checks (SDM 17.2.2 DR4/DR5, Vol. 2 MOV DR); general detect is in
   modelonly because qemu does not report it as the SDM says. */
static void test_debug_registers(void)
{
    write_cr4(read_cr4() | 8);                 /* CR4.DE: DR4/DR5 are reserved */
    check_fault(rt_try(dr4_de), 6, ADDR(dr4_at), "MOV from DR4 with CR4.DE: #UD");
    write_cr4(read_cr4() & ~8);
    CHECK_EQ(rt_try(dr4_de), -1, "MOV from DR4 without CR4.DE aliases DR6");
    CHECK_EQ(rt_run_at(3, dr_user), 13, "MOV from DR7 at CPL 3: #GP");
    CHECK_EQ(last_fault.err, 0, "#GP(0) for MOV DR");
}

static void test_fpu(void)
{
    write_cr0(read_cr0() | 8);                    /* CR0.TS */
    check_fault(rt_try(nm_ts), 7, ADDR(nm_at), "#NM with CR0.TS");
    __asm__ volatile("clts");
    write_cr0((read_cr0() | 4) & ~2);             /* CR0.EM */
    CHECK_EQ(rt_try(nm_ts), 7, "#NM with CR0.EM");
    write_cr0((read_cr0() & ~4) | 0x22);          /* MP, NE: native x87 error reporting */
    check_fault(rt_try(mf_fdiv), 16, ADDR(mf_at), "#MF at the next waiting FPU instruction");
    u16 sw;
    __asm__ volatile("fnstsw %0; fninit" : "=m"(sw));
    CHECK_EQ(sw & 0x84, 0x84, "FSW ZE and ES after the divide by zero");
}

static void test_segment_faults(void)
{
    main_tss.link = 0x38 | 4;                       /* a back link with TI=1 */
    check_fault(rt_try(ts_iret), 10, ADDR(ts_at), "#TS IRET with NT to a back link in the LDT");
    CHECK_EQ(last_fault.err, 0x3C, "#TS error code is the back-link selector");
    main_tss.link = 0;
    CHECK_EQ(rt_try(np_load), 11, "#NP loading a not-present data segment");
    CHECK_EQ(last_fault.err, SEL_NP, "#NP error code is the selector");
    set_idt(0x90, SEL_CODE0, isr_stub(0x90), 0xE, 0);
    set_idt_raw(0x90, get_idt(0x90) & ~(1ULL << 47));
    CHECK_EQ(rt_try(np_gate), 11, "#NP through a not-present IDT gate");
    CHECK_EQ(last_fault.err, 0x90 * 8 + 2, "#NP error code names the IDT entry");
    CHECK_EQ(rt_try(ss_load), 12, "#SS loading a not-present stack segment");
    CHECK_EQ(last_fault.err, SEL_NP, "#SS error code is the selector");
    CHECK_EQ(rt_try(gp_null_ss), 13, "#GP loading a null SS");
    CHECK_EQ(last_fault.err, 0, "#GP(0) for a null SS");
    CHECK_EQ(rt_try(gp_beyond), 13, "#GP loading a selector beyond the GDT limit");
    CHECK_EQ(last_fault.err, 0xFFF8, "#GP error code is that selector");
    CHECK_EQ(rt_try(gp_code_ds), 13, "#GP loading execute-only code into FS");
    CHECK_EQ(last_fault.err, SEL_XO, "#GP error code for execute-only code");
    CHECK_EQ(rt_try(gp_ro_ss), 13, "#GP loading a read-only segment into SS");
    CHECK_EQ(last_fault.err, SEL_RO, "#GP error code for a read-only SS");
}

/* Double fault: #GP delivered through a not-present gate raises #NP; two contributory
   exceptions make #DF with error code 0 (SDM Vol. 3A 6.15, Table 6-5). */
static void test_double_fault(void)
{
    u64 saved = get_idt(13);
    set_idt_raw(13, saved & ~(1ULL << 47));
    CHECK_EQ(rt_try(gp_null_ss), 8, "#GP through a not-present gate: #DF");
    CHECK_EQ(last_fault.err, 0, "#DF error code 0");
    set_idt_raw(13, saved);
    u64 saved_pf = get_idt(14);
    set_idt_raw(14, saved_pf & ~(1ULL << 47));
    paging_build_identity();
    pt0[5] = 0;
    paging_enable();
    CHECK_EQ(rt_try(pf_read), 8, "#PF then #NP on delivery: #DF");
    paging_disable();
    set_idt_raw(14, saved_pf);
    u64 saved_bp = get_idt(3);
    set_idt_raw(3, saved_bp & ~(1ULL << 47));
    CHECK_EQ(rt_try(bp_int3), 11, "INT3 through a not-present gate: #NP, a benign first event");
    CHECK_EQ(last_fault.err, 3 * 8 + 2, "#NP error code names IDT entry 3");
    set_idt_raw(3, saved_bp);
    CHECK_EQ(rt_try(de_div), 0, "after the double fault the processor still works");
}

static void test_page_faults(void)
{
    paging_build_identity();
    pt0[5] = 0;
    pt0[6] = 6 << 12 | PTE_P | PTE_RW;             /* supervisor only */
    pt0[7] = 7 << 12 | PTE_P | PTE_US;             /* read-only */
    paging_enable();
    check_fault(rt_try(pf_read), 14, ADDR(pf_at), "#PF read of a not-present page");
    CHECK_EQ(last_fault.err, 0, "#PF error code: supervisor read, not present");
    CHECK_EQ(last_fault.cr2, 0x5000, "CR2 holds the faulting address");
    CHECK_EQ(rt_try(pf_write), 14, "#PF write");
    CHECK_EQ(last_fault.err, 2, "#PF error code: supervisor write, not present");
    CHECK_EQ(last_fault.cr2, 0x5004, "CR2 for the write");
    CHECK_EQ(rt_run_at(3, pf_user), 14, "#PF user read of a supervisor page");
    CHECK_EQ(last_fault.err, 5, "#PF error code: user read, protection");
    CHECK_EQ(last_fault.cr2, 0x6008, "CR2 for the user read");
    CHECK_EQ(rt_run_at(3, pf_user_write), 14, "#PF user write to a read-only page");
    CHECK_EQ(last_fault.err, 7, "#PF error code: user write, protection");
    CHECK_EQ(rt_try(pf_user_write), -1, "supervisor write to a read-only page with WP=0");
    paging_disable();
}

void kmain(void)
{
    set_gdt(NP_INDEX, seg_desc(0, 0xFFFFF, ACC_DATA & ~0x80, 0xC));
    set_gdt(RO_INDEX, seg_desc(0, 0xFFFFF, 0x90, 0xC));
    set_gdt(XO_INDEX, seg_desc(0, 0xFFFFF, 0x98, 0xC));
    test_traps_and_faults();
    test_fpu();
    test_debug_registers();
    test_segment_faults();
    test_page_faults();
    test_double_fault();
}
