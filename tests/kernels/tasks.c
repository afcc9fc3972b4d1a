/* Hardware task switching (SDM Vol. 3A chapter 7): JMP and CALL to a TSS, task gates in the
   GDT and IDT (software interrupt and fault), IRET with NT=1, busy bits, the back link,
   saved and loaded register state, CR0.TS, and the checks on busy and bad TSSs. */
#include "rt.h"

enum { I_TSS_B = GDT_FREE, I_TSS_D, I_GATE_B, I_TSS_SMALL, I_TSS_USER };
#define SEL(i) ((i) << 3)
#define VEC_TASK 0x87

struct tss tss_b, tss_d;
static u8 stack_b[2048] __attribute__((aligned(16))), stack_d[2048] __attribute__((aligned(16)));
volatile u32 b_mode, b_eax, b_tr, b_flags, b_main_busy, b_self_busy, b_link, b_runs, b_cr0;
volatile u32 d_err, d_link, d_tr, d_runs, main_esi, main_edi;

/* Task B: records what it sees, then leaves by JMP back (b_mode 0) or IRET (b_mode 1). */
__asm__(
    "task_b_entry:\n"
    "  mov %eax, b_eax\n"
    "  call task_b_body\n"
    "  cmpl $0, b_mode\n"
    "  je 1f\n"
    "  iret\n"
    ".globl b_after_iret\nb_after_iret:\n"
    "  jmp task_b_entry\n"
    "1: ljmp $0x38, $0\n"
    "  jmp task_b_entry\n"
    /* Task D handles #GP through a task gate: pops the error code, moves the faulting task
       past the faulting instruction, and returns with IRET. */
    "task_d_entry:\n"
    "  popl d_err\n"
    "  call task_d_body\n"
    "  iret\n"
    "  jmp task_d_entry\n");
extern char task_b_entry[], task_d_entry[];

static int busy(int index) { return (gdt[index] >> 41) & 1; }

void task_b_body(void)
{
    b_runs++;
    __asm__ volatile("str %0" : "=r"(b_tr));
    b_flags = read_eflags();
    b_cr0 = read_cr0();
    b_main_busy = busy(SEL_TSS >> 3);
    b_self_busy = busy(I_TSS_B);
    b_link = tss_b.link;
}

void task_d_body(void)
{
    d_runs++;
    d_link = tss_d.link;
    __asm__ volatile("str %0" : "=r"(d_tr));
    main_tss.eip = ADDR(after_gp);
}

static void prep(struct tss *t, void *entry, u8 *stack, u32 size)
{
    for (u32 *p = (u32 *)t; p < (u32 *)(t + 1); p++) *p = 0;
    t->eip = (u32)entry;
    t->esp = (u32)stack + size;
    t->eflags = 2;
    t->cs = SEL_CODE0;
    t->ss = t->ds = t->es = t->fs = t->gs = SEL_DATA0;
    t->cr3 = read_cr3();
    t->eax = 0x600DCAFE;
    t->iomap = sizeof *t << 16;
}

static void switch_by(int how)
{   /* 0: JMP to the TSS, 1: CALL to the TSS, 2: CALL through the task gate, 3: INT to the IDT task gate */
    u32 esi, edi;
    switch (how) {
    case 0: __asm__ volatile("ljmp %2, $0" : "=S"(esi), "=D"(edi) : "i"(SEL(I_TSS_B)), "0"(0x5E5E), "1"(0xD1D1) : "eax", "ebx", "ecx", "edx", "memory"); break;
    case 1: __asm__ volatile("lcall %2, $0" : "=S"(esi), "=D"(edi) : "i"(SEL(I_TSS_B)), "0"(0x5E5E), "1"(0xD1D1) : "eax", "ebx", "ecx", "edx", "memory"); break;
    case 2: __asm__ volatile("lcall %2, $0" : "=S"(esi), "=D"(edi) : "i"(SEL(I_GATE_B)), "0"(0x5E5E), "1"(0xD1D1) : "eax", "ebx", "ecx", "edx", "memory"); break;
    default: __asm__ volatile("int $0x87" : "=S"(esi), "=D"(edi) : "0"(0x5E5E), "1"(0xD1D1) : "eax", "ebx", "ecx", "edx", "memory");
    }
    main_esi = esi;
    main_edi = edi;
}

static void test_jmp(void)
{
    b_mode = 0;
    b_runs = 0;
    switch_by(0);
    CHECK_EQ(b_runs, 1, "JMP to a TSS runs the task");
    CHECK_EQ(b_eax, 0x600DCAFE, "new task's EAX comes from its TSS");
    CHECK_EQ(b_tr, SEL(I_TSS_B), "TR names the new task");
    CHECK_EQ(b_main_busy, 0, "JMP clears the old task's busy bit");
    CHECK_EQ(b_self_busy, 1, "the new task is busy");
    CHECK_EQ(b_flags & 0x4000, 0, "JMP leaves NT clear");
    CHECK_EQ(b_link, 0, "JMP does not write the back link");
    CHECK_EQ(b_cr0 & 8, 8, "a task switch sets CR0.TS");
    CHECK_EQ(main_esi, 0x5E5E, "ESI restored when the old task resumes");
    CHECK_EQ(main_edi, 0xD1D1, "EDI restored when the old task resumes");
    CHECK_EQ(main_tss.esi, 0x5E5E, "outgoing state saved in the old TSS");
    CHECK_EQ(busy(I_TSS_B), 0, "jumping back clears the task's busy bit");
    CHECK_EQ(busy(SEL_TSS >> 3), 1, "the resumed task is busy again");
    u32 tr;
    __asm__ volatile("str %0" : "=r"(tr));
    CHECK_EQ(tr, SEL_TSS, "TR is back on the first task");
    __asm__ volatile("clts");
}

static void test_nested(int how, const char *name)
{
    b_mode = 1;
    b_runs = 0;
    switch_by(how);
    check(b_runs == 1, name);
    CHECK_EQ(b_link, SEL_TSS, "nested switch writes the back link");
    CHECK_EQ(b_flags & 0x4000, 0x4000, "nested switch sets NT in the new task");
    CHECK_EQ(b_main_busy, 1, "the calling task stays busy");
    CHECK_EQ(b_self_busy, 1, "the called task is busy");
    CHECK_EQ(busy(I_TSS_B), 0, "IRET with NT clears the returning task's busy bit");
    CHECK_EQ(read_eflags() & 0x4000, 0, "the resumed task has NT clear");
    CHECK_EQ(main_esi, 0x5E5E, "registers restored after IRET to the caller");
    CHECK_EQ(tss_b.eip, ADDR(b_after_iret), "IRET saved the returning task's EIP after the IRET");
    __asm__ volatile("clts");
}

static void gp_in_task(void) { __asm__ volatile("mov %0, %%fs;" LABEL(after_gp) "" : : "r"(0xFFF8)); }

static void test_fault_task_gate(void)
{
    u64 saved = get_idt(13);
    set_idt_raw(13, gate_desc(SEL(I_TSS_D), 0, 0x85, 0));
    prep(&tss_d, task_d_entry, stack_d, sizeof stack_d);
    d_runs = 0;
    gp_in_task();
    set_idt_raw(13, saved);
    CHECK_EQ(d_runs, 1, "#GP through a task gate runs the handler task");
    CHECK_EQ(d_err, 0xFFF8, "the error code is pushed on the handler task's stack");
    CHECK_EQ(d_link, SEL_TSS, "the handler task links back to the faulting task");
    CHECK_EQ(d_tr, SEL(I_TSS_D), "TR names the handler task");
    __asm__ volatile("clts");
}

static void jmp_self(void) { __asm__ volatile("ljmp %0, $0" : : "i"(SEL_TSS)); }
static void jmp_small(void) { __asm__ volatile("ljmp %0, $0" : : "i"(SEL(I_TSS_SMALL))); }
static void jmp_user(void) { __asm__ volatile("ljmp %0, $0" : : "i"(SEL(I_TSS_B) | 3)); }
static void iret_nt(void) { __asm__ volatile("pushf; orl $0x4000, (%%esp); popf; iret" : : : "cc"); }

static void test_errors(void)
{
    CHECK_EQ(rt_try(jmp_self), 13, "JMP to the busy current TSS: #GP");
    CHECK_EQ(last_fault.err, SEL_TSS, "#GP error code is the TSS selector");
    CHECK_EQ(rt_try(jmp_small), 10, "TSS limit below 0x67: #TS");
    CHECK_EQ(last_fault.err, SEL(I_TSS_SMALL), "#TS error code is the TSS selector");
    CHECK_EQ(rt_run_at(3, jmp_user), 13, "JMP to a DPL 0 TSS from CPL 3: #GP");
    CHECK_EQ(last_fault.err, SEL(I_TSS_B), "#GP error code for the TSS DPL check");
    main_tss.link = SEL(I_TSS_B);                  /* not busy: IRET cannot return to it */
    CHECK_EQ(rt_try(iret_nt), 10, "IRET with NT to a non-busy TSS: #TS");
    CHECK_EQ(last_fault.err, SEL(I_TSS_B), "#TS error code is the back link");
    main_tss.link = 4;                             /* TI=1 */
    CHECK_EQ(rt_try(iret_nt), 10, "IRET with NT to a back link in the LDT: #TS");
    CHECK_EQ(last_fault.err, 4, "#TS error code for the LDT back link");
    main_tss.link = 0;
}

void kmain(void)
{
    prep(&tss_b, task_b_entry, stack_b, sizeof stack_b);
    set_gdt(I_TSS_B, seg_desc((u32)&tss_b, sizeof tss_b - 1, 0x89, 0));
    set_gdt(I_TSS_D, seg_desc((u32)&tss_d, sizeof tss_d - 1, 0x89, 0));
    set_gdt(I_GATE_B, gate_desc(SEL(I_TSS_B), 0, 0x85, 0));
    set_gdt(I_TSS_SMALL, seg_desc((u32)&tss_d, 0x60, 0x89, 0));
    set_idt_raw(VEC_TASK, gate_desc(SEL(I_TSS_B), 0, 0x85, 0));
    test_jmp();
    test_nested(1, "CALL to a TSS runs the task");
    test_nested(2, "CALL through a task gate in the GDT runs the task");
    test_nested(3, "INT n through a task gate in the IDT runs the task");
    test_fault_task_gate();
    test_errors();
}
