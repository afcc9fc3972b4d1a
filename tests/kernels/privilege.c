/* Privilege transitions (SDM Vol. 3A 5.8 calls through call gates, 6.12 interrupt and trap
   gates; Vol. 2 CALL, RET, INT n, IRET): which stack each ring runs on, what the processor
   pushes, which segment registers an outward return nulls, and the checks on gate DPLs. */
#include "rt.h"

enum { I_GATE0 = GDT_FREE, I_GATE0_PRIV, I_GATE_PARAMS, I_GATE1, I_GATE_CONF, I_CONF, I_GATE_NPT, I_NPCODE,
       I_GATE0_NULLDS };
#define SEL(i) ((i) << 3)
#define VEC_INT 0x83
#define VEC_TRAP 0x84
#define VEC_RING1 0x85
#define VEC_INT0 0x86

volatile u32 g_w[6], g_esp, g_cs, g_ss, g_flags, ds_after, es_after, fs_after, esp_a, esp_b;
static volatile u32 h_cs, h_flags, h_eflags_now, h_eip_slot, h_esp, h_ss, h_handler_cs;
static u8 user_stack[1024] __attribute__((aligned(16)));

/* Gate targets: gt_record saves the far-call frame (above its own near return address). */
__asm__(
    "gt_record:\n"
    "  lea 4(%esp), %eax; mov %eax, g_esp\n"
    "  mov 4(%esp), %eax; mov %eax, g_w\n"
    "  mov 8(%esp), %eax; mov %eax, g_w+4\n"
    "  mov 12(%esp), %eax; mov %eax, g_w+8\n"
    "  mov 16(%esp), %eax; mov %eax, g_w+12\n"
    "  mov 20(%esp), %eax; mov %eax, g_w+16\n"
    "  mov 24(%esp), %eax; mov %eax, g_w+20\n"
    "  mov %cs, %eax; mov %eax, g_cs\n"
    "  mov %ss, %eax; mov %eax, g_ss\n"
    "  pushf; pop %eax; mov %eax, g_flags\n"
    "  ret\n"
    ".globl gt_plain\ngt_plain: call gt_record; lret\n"
    ".globl gt_params\ngt_params: call gt_record; lret $8\n"
    ".globl gt_nullds\ngt_nullds: call gt_record; mov $0x10, %ax; mov %ax, %ds; mov %ax, %es; lret\n"
    ".globl ih_record\nih_record: call gt_record; iret\n");
extern char gt_plain[], gt_params[], gt_nullds[], ih_record[];

static void call_gate0(void) { __asm__ volatile("lcall %0, $0" : : "i"(SEL(I_GATE0) | 3) : "eax", "memory"); }
static void call_gate0_priv(void) { __asm__ volatile("lcall %0, $0" : : "i"(SEL(I_GATE0_PRIV) | 3) : "eax", "memory"); }
static void jmp_gate0(void) { __asm__ volatile("ljmp %0, $0" : : "i"(SEL(I_GATE0) | 3)); }
static void call_gate1(void) { __asm__ volatile("lcall %0, $0" : : "i"(SEL(I_GATE1) | 3) : "eax", "memory"); }
static void call_gate_conf(void) { __asm__ volatile("lcall %0, $0" : : "i"(SEL(I_GATE_CONF) | 3) : "eax", "memory"); }
static void call_gate_npt(void) { __asm__ volatile("lcall %0, $0" : : "i"(SEL(I_GATE_NPT) | 3) : "eax", "memory"); }
static void call_gate_params(void)
{
    __asm__ volatile("mov %%esp, esp_a; push $0x1111; push $0x2222; lcall %0, $0; mov %%esp, esp_b"
                     : : "i"(SEL(I_GATE_PARAMS) | 3) : "eax", "memory");
}
static void call_gate_nullds(void)
{   /* The target loads DS and ES with DPL 0 data; the outward RETF must null them. */
    __asm__ volatile("mov %1, %%fs; lcall %0, $0; mov %%ds, %%eax; mov %%eax, %%ss:ds_after;"
                     "mov %%es, %%eax; mov %%eax, %%ss:es_after; mov %%fs, %%eax; mov %%eax, %%ss:fs_after;"
                     "mov %1, %%eax; mov %%eax, %%ds; mov %%eax, %%es"
                     : : "i"(SEL(I_GATE0_NULLDS) | 3), "r"(SEL_DATA3) : "eax", "memory");
}

static void test_call_gates(void)
{
    CHECK_EQ(rt_run_at(3, call_gate0), -1, "CALL through a DPL 3 call gate to ring 0");
    CHECK_EQ(g_cs, SEL_CODE0, "gate target runs with CS of ring 0");
    CHECK_EQ(g_ss, SEL_DATA0, "stack switched to SS0 from the TSS");
    CHECK_EQ(g_esp, main_tss.esp0 - 16, "ESP0 from the TSS minus the pushed SS, ESP, CS, EIP");
    CHECK_EQ(g_w[1], SEL_CODE3, "pushed CS is the caller's");
    CHECK_EQ(g_w[3], SEL_DATA3, "pushed SS is the caller's");
    CHECK_EQ(rt_run_at(1, call_gate0), -1, "the same gate from CPL 1");
    CHECK_EQ(g_w[1], SEL_CODE1, "pushed CS from CPL 1");
    CHECK_EQ(g_w[3], SEL_DATA1, "pushed SS from CPL 1");
    CHECK_EQ(rt_run_at(3, call_gate_params), -1, "call gate copying two parameters");
    CHECK_EQ(g_w[2], 0x2222, "first parameter copied to the inner stack");
    CHECK_EQ(g_w[3], 0x1111, "second parameter copied to the inner stack");
    CHECK_EQ(g_w[4], esp_a - 8, "outer ESP pushed after the parameters");
    CHECK_EQ(g_w[5], SEL_DATA3, "outer SS pushed last");
    CHECK_EQ(esp_b, esp_a, "RETF 8 released the parameters on the outer stack");
    CHECK_EQ(rt_run_at(3, call_gate1), -1, "call gate from CPL 3 to ring 1");
    CHECK_EQ(g_cs, SEL_CODE1, "ring 1 target CS");
    CHECK_EQ(g_ss, SEL_DATA1, "stack switched to SS1");
    CHECK_EQ(g_esp, main_tss.esp1 - 16, "ESP1 from the TSS");
    CHECK_EQ(rt_run_at(3, call_gate_conf), -1, "call gate to conforming ring 0 code");
    /* That CS.RPL stays 3 (SDM Vol. 2 CALL, SAME-PRIVILEGE) is checked in modelonly: qemu sets CPL 0. */
    CHECK_EQ(g_ss, SEL_DATA3, "no stack switch into conforming code");
    CHECK_EQ(rt_run_at(3, call_gate0_priv), 13, "call gate with DPL 0 from CPL 3: #GP");
    CHECK_EQ(last_fault.err, SEL(I_GATE0_PRIV), "#GP error code is the gate selector");
    CHECK_EQ(rt_run_at(3, jmp_gate0), 13, "JMP through a call gate to inner-ring code: #GP");
    CHECK_EQ(last_fault.err, SEL_CODE0, "#GP error code is the target code selector");
    CHECK_EQ(rt_run_at(3, call_gate_npt), 11, "call gate to not-present code: #NP");
    CHECK_EQ(last_fault.err, SEL(I_NPCODE), "#NP error code is the target code selector");
    ds_after = es_after = fs_after = 0xFFFF;
    CHECK_EQ(rt_run_at(3, call_gate_nullds), -1, "RETF from ring 0 to ring 3");
    CHECK_EQ(ds_after, 0, "outward RETF nulls DS holding DPL 0 data");
    CHECK_EQ(es_after, 0, "outward RETF nulls ES holding DPL 0 data");
    CHECK_EQ(fs_after, SEL_DATA3, "outward RETF keeps FS holding DPL 3 data");
}

/* --- interrupt and trap gates ------------------------------------------------------------ */
static void record_handler(struct frame *f)
{
    h_cs = f->cs;
    h_flags = f->eflags;
    h_eflags_now = read_eflags();
    h_eip_slot = (u32)&f->eip;
    h_esp = f->esp;
    h_ss = f->ss;
    __asm__ volatile("mov %%cs, %0" : "=r"(h_handler_cs));
}
static void int_gate(void) { __asm__ volatile("int $0x83"); }
static void trap_gate(void) { __asm__ volatile("int $0x84"); }
static void ring1_gate(void) { __asm__ volatile("int $0x85"); }
static void int_same_ring(void) { __asm__ volatile("mov %%esp, esp_a; int $0x83" : : : "memory"); }
static void int_dpl0(void) { __asm__ volatile("int $0x86"); }

static void test_interrupt_gates(void)
{
    rt_ring_eflags = 0x202;
    CHECK_EQ(rt_run_at(3, int_gate), -1, "INT n through a DPL 3 interrupt gate");
    CHECK_EQ(h_handler_cs, SEL_CODE0, "handler runs in ring 0");
    CHECK_EQ(h_eflags_now & 0x200, 0, "interrupt gate clears IF");
    CHECK_EQ(h_flags & 0x200, 0x200, "pushed EFLAGS keeps the caller's IF");
    CHECK_EQ(h_cs, SEL_CODE3, "pushed CS");
    CHECK_EQ(h_ss, SEL_DATA3, "pushed SS");
    CHECK_EQ(h_eip_slot, main_tss.esp0 - 20, "frame of five dwords on the ring 0 stack");
    CHECK_EQ(rt_run_at(3, trap_gate), -1, "INT n through a DPL 3 trap gate");
    CHECK_EQ(h_eflags_now & 0x200, 0x200, "trap gate keeps IF");
    CHECK_EQ(rt_run_at(1, int_gate), -1, "interrupt gate from CPL 1");
    CHECK_EQ(h_ss, SEL_DATA1, "pushed SS from CPL 1");
    CHECK_EQ(h_cs, SEL_CODE1, "pushed CS from CPL 1");
    CHECK_EQ(rt_try(int_same_ring), -1, "interrupt gate from ring 0 to ring 0");
    CHECK_EQ(h_eip_slot + 12, esp_a, "same-ring frame of three dwords on the current stack");
    CHECK_EQ(rt_run_at(3, ring1_gate), -1, "interrupt gate into ring 1 code");
    CHECK_EQ(g_cs, SEL_CODE1, "ring 1 handler CS");
    CHECK_EQ(g_ss, SEL_DATA1, "ring 1 handler on the SS1 stack");
    CHECK_EQ(g_esp, main_tss.esp1 - 20, "ESP1 minus the five-dword frame");
    CHECK_EQ(g_w[2] & 0x200, 0x200, "pushed EFLAGS IF");
    CHECK_EQ(g_flags & 0x200, 0, "IF cleared in the ring 1 handler");
    rt_ring_eflags = 2;
    CHECK_EQ(rt_try(ring1_gate), 13, "interrupt from ring 0 to ring 1 code: #GP");
    CHECK_EQ(last_fault.err, SEL_CODE1 & ~3, "#GP error code is the handler's code selector");
    CHECK_EQ(rt_run_at(3, int_dpl0), 13, "INT n through a DPL 0 gate from CPL 3: #GP");
    CHECK_EQ(last_fault.err, VEC_INT0 * 8 + 2, "#GP error code names the IDT entry");
}

/* --- IRET and RETF to an outer ring ------------------------------------------------------ */
static void iret_outward(void)
{   /* From the current ring to ring 3 with DS and ES still holding inner-ring data. */
    __asm__ volatile("push %1; push %0; pushf; push %2; push $1f; iret;"
                     "1: mov %%esp, %%ss:esp_b; mov %%ds, %%eax; mov %%eax, %%ss:ds_after;"
                     "mov %%cs, %%eax; mov %%eax, %%ss:g_cs; mov %%ss, %%eax; mov %%eax, %%ss:g_ss; int $0x80"
                     : : "r"((u32)user_stack + sizeof user_stack), "i"(SEL_DATA3), "i"(SEL_CODE3) : "eax", "memory");
}
static void retf_outward(void)
{
    __asm__ volatile("push %1; push %0; push %2; push $1f; lret;"
                     "1: mov %%esp, %%ss:esp_b; mov %%ds, %%eax; mov %%eax, %%ss:ds_after;"
                     "mov %%cs, %%eax; mov %%eax, %%ss:g_cs; int $0x80"
                     : : "r"((u32)user_stack + sizeof user_stack - 64), "i"(SEL_DATA3), "i"(SEL_CODE3) : "eax", "memory");
}
static void iret_bad_ss(void)
{   /* Outward IRET whose SS has RPL 0 while the return CS has RPL 3: #GP(SS) (SDM Vol. 2 IRET). */
    __asm__ volatile("push %1; push %0; pushf; push %2; push $1f; iret; 1:"
                     : : "r"((u32)user_stack + sizeof user_stack), "i"(SEL_DATA0), "i"(SEL_CODE3) : "memory");
}
static void iret_inward(void)
{
    __asm__ volatile("pushf; push %0; push $1f; iret; 1:" : : "i"(SEL_CODE1));
}

static void test_outward_returns(void)
{
    ds_after = 0xFFFF;
    CHECK_EQ(rt_try(iret_outward), -1, "IRET from ring 0 to ring 3");
    CHECK_EQ(g_cs, SEL_CODE3, "IRET outward loads CS");
    CHECK_EQ(g_ss, SEL_DATA3, "IRET outward loads SS");
    CHECK_EQ(esp_b, (u32)user_stack + sizeof user_stack, "IRET outward loads ESP");
    CHECK_EQ(ds_after, 0, "IRET outward nulls DS holding DPL 0 data");
    ds_after = 0xFFFF;
    CHECK_EQ(rt_run_at(1, iret_outward), -1, "IRET from ring 1 to ring 3");
    CHECK_EQ(ds_after, 0, "IRET outward nulls DS holding DPL 1 data");
    ds_after = 0xFFFF;
    CHECK_EQ(rt_try(retf_outward), -1, "RETF from ring 0 to ring 3");
    CHECK_EQ(g_cs, SEL_CODE3, "RETF outward loads CS");
    CHECK_EQ(esp_b, (u32)user_stack + sizeof user_stack - 64, "RETF outward loads ESP");
    CHECK_EQ(ds_after, 0, "RETF outward nulls DS");
    CHECK_EQ(rt_try(iret_bad_ss), 13, "outward IRET with SS.RPL != CS.RPL: #GP");
    CHECK_EQ(last_fault.err, SEL_DATA0, "#GP error code is the SS selector");
    /* Outward RETF to a not-present SS (#SS, SDM Vol. 2 RET) is in modelonly: qemu raises #NP. */
    CHECK_EQ(rt_run_at(3, iret_inward), 13, "IRET from ring 3 to ring 1: #GP");
    CHECK_EQ(last_fault.err, SEL_CODE1 & ~3, "#GP error code is the return CS");
}

void kmain(void)
{
    set_gdt(I_GATE0, gate_desc(SEL_CODE0, (u32)gt_plain, 0xEC, 0));
    set_gdt(I_GATE0_PRIV, gate_desc(SEL_CODE0, (u32)gt_plain, 0x8C, 0));
    set_gdt(I_GATE_PARAMS, gate_desc(SEL_CODE0, (u32)gt_params, 0xEC, 2));
    set_gdt(I_GATE1, gate_desc(SEL_CODE1, (u32)gt_plain, 0xEC, 0));
    set_gdt(I_CONF, seg_desc(0, 0xFFFFF, 0x9E, 0xC));
    set_gdt(I_GATE_CONF, gate_desc(SEL(I_CONF), (u32)gt_plain, 0xEC, 0));
    set_gdt(I_NPCODE, seg_desc(0, 0xFFFFF, 0x1A, 0xC));
    set_gdt(I_GATE_NPT, gate_desc(SEL(I_NPCODE), (u32)gt_plain, 0xEC, 0));
    set_gdt(I_GATE0_NULLDS, gate_desc(SEL_CODE0, (u32)gt_nullds, 0xEC, 0));
    set_idt(VEC_INT, SEL_CODE0, isr_stub(VEC_INT), 0xE, 3);
    set_idt(VEC_TRAP, SEL_CODE0, isr_stub(VEC_TRAP), 0xF, 3);
    set_idt(VEC_RING1, SEL_CODE1, ih_record, 0xE, 3);
    set_idt(VEC_INT0, SEL_CODE0, isr_stub(VEC_INT0), 0xE, 0);
    set_handler(VEC_INT, record_handler);
    set_handler(VEC_TRAP, record_handler);
    test_call_gates();
    test_interrupt_gates();
    test_outward_returns();
}
