/* The sensitive instructions at CPL 0, 1 and 3: what a P6 really does when a deprivileged
   kernel runs them (SDM Vol. 2 instruction pages; Vol. 3A 5.5-5.8, 2.8). The ones that do not
   fault at CPL 1 but silently behave differently are why a hypervisor must translate them. */
#include "rt.h"

#define VEC_GATE0 0x81      /* interrupt gate with DPL 0 */
#define VEC_GATE3 0x82      /* interrupt gate with DPL 3 whose handler returns */
#define LDT_INDEX (GDT_FREE)
#define SEL_LDT (LDT_INDEX << 3)
#define GATE_INDEX (GDT_FREE + 1)
#define SEL_GATE (GATE_INDEX << 3)          /* a DPL 3 call gate */
#define CONF_INDEX (GDT_FREE + 2)
#define SEL_CONF (CONF_INDEX << 3)          /* conforming readable DPL 0 code */

static const u32 code_sel[4] = { SEL_CODE0, SEL_CODE1, 0, SEL_CODE3 };
static const u32 data_sel[4] = { SEL_DATA0, SEL_DATA1, 0, SEL_DATA3 };
static u64 ldt[2];
static volatile u32 val, val2, zf, flags_in;
static struct { u16 limit; u32 base; } __attribute__((packed)) table;
static u32 real_gdt_base, real_idt_base, real_cr0;
static volatile u32 gate_cs;

/* --- PUSHF / POPF (SDM Vol. 2 POPF: IF changes only if CPL <= IOPL, IOPL only at CPL 0) -- */
static void do_pushf(void) { __asm__ volatile("pushf; pop %0" : "=r"(val)); }
static void do_popf(void)
{
    __asm__ volatile("pushf; push %1; popf; pushf; pop %0; popf" : "=r"(val) : "r"(flags_in) : "cc");
}

static void test_flags(int cpl)
{
    rt_ring_eflags = 0x202;
    rt_run_at(cpl, do_pushf);
    CHECK_EQ(val & 0x3202, 0x202, "PUSHF reveals the real IF and IOPL");
    rt_ring_eflags = 2;
    flags_in = 0x3203;                      /* CF, IF, IOPL 3 */
    CHECK_EQ(rt_run_at(cpl, do_popf), -1, "POPF does not fault");
    u32 want = cpl == 0 ? 0x3203 : 0x0003;  /* CF always; IF and IOPL only at CPL 0 here */
    CHECK_EQ(val & 0x3203, want, "POPF IF/IOPL with IOPL 0");
    rt_ring_eflags = 0x1002;                /* IOPL 1: CPL 1 may change IF, not IOPL */
    flags_in = 0x0203;
    rt_run_at(cpl, do_popf);
    CHECK_EQ(val & 0x3203, cpl == 0 ? 0x0203 : cpl == 1 ? 0x1203 : 0x1003, "POPF IF/IOPL with IOPL 1");
    rt_ring_eflags = 2;
}

/* --- descriptor-table registers: SGDT/SIDT/SLDT/STR/SMSW never fault (SDM Vol. 3A 2.8) --- */
static void do_sgdt(void) { __asm__ volatile("sgdt %0" : "=m"(table)); }
static void do_sidt(void) { __asm__ volatile("sidt %0" : "=m"(table)); }
static void do_sldt(void) { __asm__ volatile("sldt %0" : "=r"(val)); }
static void do_str(void) { __asm__ volatile("str %0" : "=r"(val)); }
static void do_smsw(void) { __asm__ volatile("smsw %0" : "=r"(val)); }
static void do_smsw_mem(void) { u16 m = 0xFFFF; __asm__ volatile("smsw %0" : "=m"(m)); val = m; }

static void test_tables(int cpl)
{
    CHECK_EQ(rt_run_at(cpl, do_sgdt), -1, "SGDT does not fault");
    CHECK_EQ(table.base, real_gdt_base, "SGDT reveals the real GDT base");
    CHECK_EQ(table.limit, sizeof gdt - 1, "SGDT reveals the real GDT limit");
    CHECK_EQ(rt_run_at(cpl, do_sidt), -1, "SIDT does not fault");
    CHECK_EQ(table.base, real_idt_base, "SIDT reveals the real IDT base");
    CHECK_EQ(table.limit, 256 * 8 - 1, "SIDT reveals the real IDT limit");
    val = 0xFFFFFFFF;
    CHECK_EQ(rt_run_at(cpl, do_sldt), -1, "SLDT does not fault");
    CHECK_EQ(val & 0xFFFF, SEL_LDT, "SLDT reveals LDTR");
    CHECK_EQ(rt_run_at(cpl, do_str), -1, "STR does not fault");
    CHECK_EQ(val & 0xFFFF, SEL_TSS, "STR reveals TR");
    CHECK_EQ(rt_run_at(cpl, do_smsw), -1, "SMSW does not fault");
    CHECK_EQ(val & 0xFFFF, real_cr0 & 0xFFFF, "SMSW reg reveals CR0 low word");
    rt_run_at(cpl, do_smsw_mem);
    CHECK_EQ(val, real_cr0 & 0xFFFF, "SMSW m16 writes the CR0 low word");
}

/* --- LAR / LSL / VERR / VERW check the selector against CPL (SDM Vol. 2 LAR, LSL, VERR) -- */
static volatile u32 sel_in;
static void do_lar(void)
{
    __asm__ volatile("mov $0x1234, %0; lar %2, %0; setz %b1" : "=&r"(val), "=&q"(zf) : "r"(sel_in) : "cc");
}
static void do_lsl(void)
{
    __asm__ volatile("mov $0x1234, %0; lsl %2, %0; setz %b1" : "=&r"(val), "=&q"(zf) : "r"(sel_in) : "cc");
}
static void do_verr(void) { __asm__ volatile("verr %w1; setz %b0" : "=q"(zf) : "r"(sel_in) : "cc"); }
static void do_verw(void) { __asm__ volatile("verw %w1; setz %b0" : "=q"(zf) : "r"(sel_in) : "cc"); }

static int probe(int cpl, void (*fn)(void), u32 sel)
{
    sel_in = sel;
    zf = 0xFF;
    if (rt_run_at(cpl, fn) != -1) return -1;
    return zf & 0xFF;
}

static void test_probes(int cpl)
{
    CHECK_EQ(probe(cpl, do_lar, data_sel[cpl]), 1, "LAR own data segment: ZF=1");
    CHECK_EQ(val & 0x00F0FF00, 0x00C0F300 & (0x00F09F00 | cpl << 13), "LAR access rights");
    CHECK_EQ(probe(cpl, do_lar, SEL_DATA0 | cpl), cpl == 0, "LAR DPL 0 data: ZF only at CPL 0");
    if (cpl) CHECK_EQ(val, 0x1234, "LAR failing leaves the destination");
    CHECK_EQ(probe(cpl, do_lar, SEL_TSS), cpl == 0, "LAR TSS descriptor: ZF only at CPL 0");
    if (!cpl) CHECK_EQ(val & 0x00F0FF00, 0x00008B00, "LAR busy TSS access rights");
    CHECK_EQ(probe(cpl, do_lar, 0), 0, "LAR null selector: ZF=0");
    CHECK_EQ(probe(cpl, do_lsl, data_sel[cpl]), 1, "LSL own data segment: ZF=1");
    CHECK_EQ(val, 0xFFFFFFFF, "LSL scaled limit");
    CHECK_EQ(probe(cpl, do_lsl, SEL_TSS), cpl == 0, "LSL TSS: ZF only at CPL 0");
    if (!cpl) CHECK_EQ(val, sizeof tss_block - 1, "LSL TSS limit");
    CHECK_EQ(probe(cpl, do_lsl, SEL_DATA0 | 3), 0, "LSL RPL 3 on DPL 0: ZF=0");
    CHECK_EQ(probe(cpl, do_verr, data_sel[cpl]), 1, "VERR own data");
    CHECK_EQ(probe(cpl, do_verw, data_sel[cpl]), 1, "VERW own data");
    CHECK_EQ(probe(cpl, do_verr, code_sel[cpl]), 1, "VERR own readable code");
    CHECK_EQ(probe(cpl, do_verw, code_sel[cpl]), 0, "VERW code: never writable");
    CHECK_EQ(probe(cpl, do_verr, SEL_DATA0), cpl == 0, "VERR DPL 0 data");
    CHECK_EQ(probe(cpl, do_verw, SEL_DATA0), cpl == 0, "VERW DPL 0 data");
    CHECK_EQ(probe(cpl, do_verr, SEL_DATA3), 1, "VERR DPL 3 data from any CPL");
    CHECK_EQ(probe(cpl, do_verr, 0), 0, "VERR null selector");
    CHECK_EQ(probe(cpl, do_lar, SEL_GATE | 3), 1, "LAR DPL 3 call gate: ZF=1");
    CHECK_EQ(val & 0x00FFFF00, 0x0000EC00, "LAR call gate access rights");
    CHECK_EQ(probe(cpl, do_lsl, SEL_GATE | 3), 0, "LSL call gate: gates have no limit, ZF=0");
    CHECK_EQ(probe(cpl, do_verr, SEL_CONF | cpl), 1, "VERR conforming readable code from any CPL");
    CHECK_EQ(probe(cpl, do_lar, SEL_CONF | cpl), 1, "LAR conforming code from any CPL");
    CHECK_EQ(probe(cpl, do_verr, 0xFFF8), 0, "VERR beyond the GDT limit");
}

/* --- selectors the code can see: PUSH CS/SS, MOV r,CS/SS show the RPL = CPL (SDM 5.5) ----- */
static void do_push_cs(void) { __asm__ volatile("push %%cs; pop %0" : "=r"(val)); }
static void do_push_ss(void) { __asm__ volatile("push %%ss; pop %0" : "=r"(val)); }
static void do_mov_cs(void) { __asm__ volatile("mov $0xFFFFFFFF, %0; mov %%cs, %0" : "=r"(val)); }
static void do_mov_ss(void) { __asm__ volatile("mov $0xFFFFFFFF, %0; mov %%ss, %0" : "=r"(val)); }

static void test_selectors(int cpl)
{
    u32 ss = cpl == 0 ? SEL_DATA0 : data_sel[cpl];
    rt_run_at(cpl, do_push_cs);
    CHECK_EQ(val & 0xFFFF, code_sel[cpl], "PUSH CS shows RPL = CPL");
    rt_run_at(cpl, do_push_ss);
    CHECK_EQ(val & 0xFFFF, ss, "PUSH SS");
    rt_run_at(cpl, do_mov_cs);
    CHECK_EQ(val, code_sel[cpl], "MOV r32,CS zero-extends");
    rt_run_at(cpl, do_mov_ss);
    CHECK_EQ(val, ss, "MOV r32,SS zero-extends");
}

/* --- far transfers, INT n and IRET check privilege (SDM Vol. 2 CALL, JMP, RET, INT, IRET) - */
static struct { u32 off; u16 sel; } __attribute__((packed)) far_ptr;
static void do_far_jmp(void) { __asm__ volatile("ljmp *%0" : : "m"(far_ptr)); }
static void do_far_call(void) { __asm__ volatile("lcall *%0" : : "m"(far_ptr)); }
__attribute__((used)) static void far_target(void) { __asm__ volatile(LABEL(far_landing) "nop"); }
static void do_far_jmp_same(void)
{
    __asm__ volatile("push %%cs; pop %%eax; mov %%eax, far_ptr+4; movl $1f, far_ptr;"
                     "ljmp *far_ptr; mov $0, %0; jmp 2f; 1: mov $7, %0; 2:" : "=r"(val) : : "eax", "memory");
}
static void do_far_call_same(void)
{   /* far CALL to the own code segment pushes CS (RPL = CPL) and EIP; RETF returns. */
    __asm__ volatile("push %%cs; pop %%eax; mov %%eax, far_ptr+4; movl $1f, far_ptr; lcall *far_ptr; jmp 2f;"
                     "1: mov 4(%%esp), %%eax; mov %%eax, val2; lret; 2:" : : : "eax", "memory");
}
static void do_retf_inner(void)
{
    __asm__ volatile("push %0; push $1f; lret; 1:" : : "i"(SEL_CODE0));
}
static void do_retf_outer(void)
{   /* RETF from CPL 1 to CPL 3: pops CS, EIP, then ESP and SS of the outer ring; DS (DPL 1) is
       nulled, so reload it before storing. */
    __asm__ volatile("mov %%esp, %%eax; push %0; push %%eax; push %1; push $1f; lret;"
                     "1: mov $0x33, %%ax; mov %%ax, %%ds; mov %%cs, %%eax; mov %%eax, val; int $0x80"
                     : : "i"(SEL_DATA3), "i"(SEL_CODE3) : "eax", "memory");
}
static void do_int_gate0(void) { __asm__ volatile("int $0x81"); }
static void do_int_gate3(void) { __asm__ volatile("int $0x82"); }
static void gate3_handler(struct frame *f) { gate_cs = f->cs; }
static void do_iret_inner(void)
{   /* IRET frame with CS RPL 0 from an outer ring is #GP(CS) (SDM IRET, RETURN-FROM-PROTECTED-MODE). */
    __asm__ volatile("pushf; push %0; push $1f; iret; 1:" : : "i"(SEL_CODE0));
}
static void do_iret_same(void)
{   /* IRET to the same ring with IF and IOPL set in the popped EFLAGS. */
    __asm__ volatile("pushf; orl $0x3200, (%%esp); push %%cs; push $1f; iret; 1: pushf; pop %0; push $2; popf"
                     : "=r"(val) : : "cc");
}

static void test_transfers(int cpl)
{
    far_ptr.off = ADDR(far_landing);
    far_ptr.sel = SEL_CODE0;
    if (cpl) {
        CHECK_EQ(rt_run_at(cpl, do_far_jmp), 13, "far JMP to DPL 0 code: #GP");
        CHECK_EQ(last_fault.err, SEL_CODE0, "far JMP #GP error code is the selector");
        CHECK_EQ(rt_run_at(cpl, do_far_call), 13, "far CALL to DPL 0 code: #GP");
        CHECK_EQ(last_fault.err, SEL_CODE0, "far CALL #GP error code");
        CHECK_EQ(rt_run_at(cpl, do_retf_inner), 13, "RETF to an inner ring: #GP");
        CHECK_EQ(last_fault.err, SEL_CODE0, "RETF #GP error code");
        CHECK_EQ(rt_run_at(cpl, do_iret_inner), 13, "IRET to an inner ring: #GP");
        CHECK_EQ(last_fault.err, SEL_CODE0, "IRET #GP error code");
        CHECK_EQ(rt_run_at(cpl, do_int_gate0), 13, "INT n through a DPL 0 gate: #GP");
        CHECK_EQ(last_fault.err, VEC_GATE0 * 8 + 2, "INT n #GP error code names the IDT entry");
    } else {
        far_ptr.sel = SEL_CODE1;
        CHECK_EQ(rt_run_at(0, do_far_jmp), 13, "far JMP from CPL 0 to DPL 1 non-conforming code: #GP");
        CHECK_EQ(last_fault.err, SEL_CODE1 & ~3, "far JMP to DPL 1 #GP error code");
    }
    val = 0;
    CHECK_EQ(rt_run_at(cpl, do_far_jmp_same), -1, "far JMP to the own code segment");
    CHECK_EQ(val, 7, "far JMP to the own code segment lands");
    val2 = 0;
    CHECK_EQ(rt_run_at(cpl, do_far_call_same), -1, "far CALL and RETF within the own ring");
    CHECK_EQ(val2, code_sel[cpl], "far CALL pushes CS with RPL = CPL");
    gate_cs = 0;
    CHECK_EQ(rt_run_at(cpl, do_int_gate3), -1, "INT n through a DPL 3 gate returns");
    CHECK_EQ(gate_cs, code_sel[cpl], "INT n pushes the interrupted CS");
    rt_run_at(cpl, do_iret_same);
    CHECK_EQ(val & 0x3200, cpl == 0 ? 0x3200 : 0, "IRET to the same ring: IF/IOPL only at CPL 0");
    if (cpl == 1) {
        val = 0;
        CHECK_EQ(rt_run_at(1, do_retf_outer), -1, "RETF from CPL 1 to CPL 3");
        CHECK_EQ(val, SEL_CODE3, "RETF to an outer ring runs at CPL 3");
    }
}

/* --- privileged and IOPL-sensitive instructions fault outside ring 0 (SDM 5.9, 16.5) ------- */
static void do_cli(void) { __asm__ volatile("cli"); }
static void do_hlt(void) { __asm__ volatile("hlt"); }
static void do_mov_cr3(void) { u32 v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); }
static void do_lgdt(void) { __asm__ volatile("lgdt %0" : : "m"(table)); }
static void do_in(void) { (void)inb(0x3F8 + 7); }
static void do_in_msr(void) { (void)inb(0x3F8 + 6); }
static void do_in_word(void) { u16 w; __asm__ volatile("inw %1, %0" : "=a"(w) : "Nd"((u16)0x3FF)); }
static void do_lmsw(void) { __asm__ volatile("lmsw %w0" : : "r"(0x31)); }
static void do_invlpg(void) { __asm__ volatile("invlpg (%0)" : : "r"(0x1000) : "memory"); }
static void do_wbinvd(void) { __asm__ volatile("wbinvd"); }

static void test_privileged(int cpl)
{
    if (!cpl) return;
    CHECK_EQ(rt_run_at(cpl, do_cli), 13, "CLI with CPL > IOPL: #GP");
    CHECK_EQ(last_fault.err, 0, "CLI #GP(0)");
    rt_ring_eflags = 0x3002;
    CHECK_EQ(rt_run_at(cpl, do_cli), -1, "CLI with IOPL 3 is allowed");
    CHECK_EQ(rt_run_at(cpl, do_in), -1, "IN with IOPL 3 is allowed");
    rt_ring_eflags = 2;
    CHECK_EQ(rt_run_at(cpl, do_in), 13, "IN with CPL > IOPL and its bitmap bit set: #GP");
    tss_block.io_bitmap[0x3FF >> 3] &= ~(1 << (0x3FF & 7));
    CHECK_EQ(rt_run_at(cpl, do_in), -1, "IN allowed by a clear I/O bitmap bit");
    CHECK_EQ(rt_run_at(cpl, do_in_msr), 13, "IN of the neighbouring port still denied");
    CHECK_EQ(rt_run_at(cpl, do_in_word), 13, "IN word spanning into a denied port: #GP");
    tss_block.io_bitmap[0x3FF >> 3] |= 1 << (0x3FF & 7);
    CHECK_EQ(rt_run_at(cpl, do_hlt), 13, "HLT outside ring 0: #GP");
    CHECK_EQ(rt_run_at(cpl, do_mov_cr3), 13, "MOV from CR3 outside ring 0: #GP");
    CHECK_EQ(rt_run_at(cpl, do_lgdt), 13, "LGDT outside ring 0: #GP");
    CHECK_EQ(rt_run_at(cpl, do_lmsw), 13, "LMSW outside ring 0: #GP");
    CHECK_EQ(rt_run_at(cpl, do_invlpg), 13, "INVLPG outside ring 0: #GP");
    CHECK_EQ(rt_run_at(cpl, do_wbinvd), 13, "WBINVD outside ring 0: #GP");
    CHECK_EQ(last_fault.err, 0, "privileged instruction #GP(0)");
}

void kmain(void)
{
    struct { u16 limit; u32 base; } __attribute__((packed)) p;
    __asm__ volatile("sgdt %0" : "=m"(p));
    real_gdt_base = p.base;
    __asm__ volatile("sidt %0" : "=m"(p));
    real_idt_base = p.base;
    real_cr0 = read_cr0();
    ldt[1] = seg_desc(0, 0xFFFFF, ACC_DATA | ACC_DPL(3), 0xC);
    set_gdt(LDT_INDEX, seg_desc((u32)ldt, sizeof ldt - 1, 0x82, 0));
    __asm__ volatile("lldt %w0" : : "r"(SEL_LDT));
    set_gdt(GATE_INDEX, gate_desc(SEL_CODE0, 0, 0xEC, 0));
    set_gdt(CONF_INDEX, seg_desc(0, 0xFFFFF, 0x9E, 0xC));
    set_idt(VEC_GATE0, SEL_CODE0, isr_stub(VEC_GATE0), 0xE, 0);
    set_idt(VEC_GATE3, SEL_CODE0, isr_stub(VEC_GATE3), 0xE, 3);
    set_handler(VEC_GATE3, gate3_handler);
    static const int cpls[3] = { 0, 1, 3 };
    for (int k = 0; k < 3; k++) {
        check_cpl = cpls[k];
        test_flags(cpls[k]);
        test_tables(cpls[k]);
        test_probes(cpls[k]);
        test_selectors(cpls[k]);
        test_transfers(cpls[k]);
        test_privileged(cpls[k]);
    }
    check_cpl = -1;
}
