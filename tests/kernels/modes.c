/* Virtual-8086 mode and real mode (SDM Vol. 3A chapter 20 and 9.9): IRET into V86, address
   arithmetic, IOPL-sensitive instructions, the I/O bitmap, interrupts from V86 to ring 0
   (segment registers saved and nulled), and a round trip through real mode with an INT
   through the IVT. The 16-bit code is copied to 0x8000 and runs with CS = 0x0800. */
#include "rt.h"

#define BLOB 0x8000u
#define SCRATCH ((volatile u16 *)0x7000)    /* real-mode and V86 results: linear 0x7000.. */
#define VEC_V86 0x88
#define VM 0x20000
enum { I_CODE16 = GDT_FREE, I_DATA16 };
#define SEL(i) ((i) << 3)

extern char blob_start[], blob_end[], v86_main[], v86_int[], v86_cli[], v86_pushf[], v86_in_denied[],
    v86_in_allowed[], v86_int_at[], rm_entry[];
u32 saved_esp;
static volatile u32 h_eflags, h_cs, h_ds, h_v86_ds, h_v86_es, h_ss, h_esp, h_runs;

#define OFF(sym) ((u32)(sym) - (u32)blob_start)

__asm__(
    ".code16\n"
    ".globl blob_start\nblob_start:\n"
    /* V86, IOPL 3: address arithmetic, INT n to ring 0 and back, the I/O bitmap, exit. */
    ".globl v86_main\nv86_main:\n"
    "  mov %cs, %ax; mov %ax, 0x10\n"             /* DS = 0x0700: linear 0x7010 */
    "  int $0x88\n"
    "  movw $0x1234, 0x12\n"
    "  mov $0x3FF, %dx; in %dx, %al\n"
    "  movw $0x5678, 0x14\n"
    "  int $0x80\n"
    /* V86, IOPL 0: each of these faults. */
    ".globl v86_int\nv86_int:\n"
    ".globl v86_int_at\nv86_int_at: int $0x88\n"
    ".globl v86_cli\nv86_cli: cli\n"
    ".globl v86_pushf\nv86_pushf: pushf\n"
    ".globl v86_in_denied\nv86_in_denied: mov $0x3FE, %dx; in %dx, %al\n"
    ".globl v86_in_allowed\nv86_in_allowed: mov $0x3FF, %dx; in %dx, %al; movw $0x9ABC, 0x16; cli\n"
    /* Real mode round trip, entered from 16-bit protected mode at CS base 0x8000. */
    ".globl rm_entry\nrm_entry:\n"
    "  mov $0x48, %ax; mov %ax, %ds; mov %ax, %es; mov %ax, %ss\n"
    "  mov %cr0, %eax; and $0xFFFFFFFE, %eax; mov %eax, %cr0\n"
    "  ljmp $0x0800, $(rm_real - blob_start)\n"
    "rm_real:\n"
    "  xor %ax, %ax; mov %ax, %ds; mov %ax, %es\n"
    "  mov $0x0700, %ax; mov %ax, %ss; mov $0x0FF0, %sp\n"
    "  mov %cs, %ax; mov %ax, 0x7000\n"
    "  movw $(rm_isr - blob_start), 0xC0\n"       /* IVT entry 0x30 = 0x0800:rm_isr */
    "  movw $0x0800, 0xC2\n"
    "  int $0x30\n"
    "  mov %sp, 0x7004\n"
    "  mov %cr0, %eax; or $1, %eax; mov %eax, %cr0\n"
    "  ljmpl $0x08, $pm_back\n"
    "rm_isr:\n"
    "  mov %sp, 0x7002\n"
    "  mov %sp, %bx; mov %ss:4(%bx), %ax; mov %ax, 0x7006\n"   /* the pushed FLAGS */
    "  iret\n"
    ".globl blob_end\nblob_end:\n"
    ".code32\n"
    "pm_back:\n"
    "  mov $0x10, %ax; mov %ax, %ds; mov %ax, %es; mov %ax, %fs; mov %ax, %gs; mov %ax, %ss\n"
    "  mov saved_esp, %esp\n"
    "  ret\n"
    ".globl go_real\ngo_real:\n"
    "  mov %esp, saved_esp\n"
    "  ljmp $0x40, $(rm_entry - blob_start)\n");
void go_real(void);

static void v86_handler(struct frame *f)
{
    u32 *v86_segs = (u32 *)(&f->ss + 1);           /* ES DS FS GS pushed after SS (SDM 20.3.1.1) */
    h_runs++;
    h_eflags = f->eflags;
    h_cs = f->cs;
    h_ds = f->ds;
    h_ss = f->ss;
    h_esp = f->esp;
    h_v86_es = v86_segs[0];
    h_v86_ds = v86_segs[1];
}

static u32 v86_eip, v86_flags;
static void enter_v86(void)
{
    __asm__ volatile("push $0x0700; push $0x0700; push $0x0700; push $0x0700;"   /* GS FS DS ES */
                     "push $0x0700; push $0x0FF0; push %0; push $0x0800; push %1; iret"
                     : : "r"(v86_flags), "r"(v86_eip) : "memory");
}

static int run_v86(char *entry, u32 iopl)
{
    v86_eip = OFF(entry);
    v86_flags = VM | iopl << 12 | 2;
    return rt_try(enter_v86);
}

static void test_v86(void)
{
    for (int i = 0; i < 8; i++) SCRATCH[i + 8] = 0;
    tss_block.io_bitmap[0x3FF >> 3] &= ~(1 << (0x3FF & 7));
    h_runs = 0;
    CHECK_EQ(run_v86(v86_main, 3), -1, "IRET into V86 and INT 0x80 out with IOPL 3");
    CHECK_EQ(SCRATCH[8], 0x0800, "V86 CS is a paragraph number; DS:0x10 is linear 0x7010");
    CHECK_EQ(h_runs, 1, "INT n from V86 with IOPL 3 reaches the ring 0 handler");
    CHECK_EQ(h_eflags & VM, VM, "the pushed EFLAGS has VM");
    CHECK_EQ(h_cs, 0x0800, "the pushed CS is the V86 segment");
    CHECK_EQ(h_ss, 0x0700, "the pushed SS is the V86 stack segment");
    CHECK_EQ(h_esp, 0x0FF0, "the pushed ESP");
    CHECK_EQ(h_v86_ds, 0x0700, "V86 DS saved on the ring 0 stack");
    CHECK_EQ(h_v86_es, 0x0700, "V86 ES saved on the ring 0 stack");
    CHECK_EQ(h_ds, 0, "DS is null in the handler");
    CHECK_EQ(SCRATCH[9], 0x1234, "IRET from ring 0 back into V86 restores DS");
    CHECK_EQ(SCRATCH[10], 0x5678, "IN allowed by the I/O bitmap in V86 mode");
    CHECK_EQ(run_v86(v86_int, 0), 13, "INT n in V86 with IOPL 0: #GP");
    CHECK_EQ(last_fault.err, 0, "#GP(0)");
    CHECK_EQ(last_fault.eip, OFF(v86_int_at), "EIP at the INT");
    CHECK_EQ(last_fault.cs, 0x0800, "fault frame CS from V86");
    CHECK_EQ(last_fault.eflags & (VM | 0x3000), VM, "fault frame EFLAGS: VM, IOPL 0");
    CHECK_EQ(last_fault.ss, 0x0700, "fault frame SS from V86");
    CHECK_EQ(run_v86(v86_cli, 0), 13, "CLI in V86 with IOPL 0: #GP");
    CHECK_EQ(run_v86(v86_pushf, 0), 13, "PUSHF in V86 with IOPL 0: #GP");
    CHECK_EQ(run_v86(v86_in_denied, 0), 13, "IN denied by the I/O bitmap in V86: #GP");
    CHECK_EQ(run_v86(v86_in_allowed, 0), 13, "IN allowed by the bitmap even with IOPL 0, then CLI faults");
    CHECK_EQ(SCRATCH[11], 0x9ABC, "the allowed IN completed");
    tss_block.io_bitmap[0x3FF >> 3] |= 1 << (0x3FF & 7);
}

static void test_real_mode(void)
{
    struct { u16 limit; u32 base; } __attribute__((packed)) ivt = { 0x3FF, 0 }, idt;
    __asm__ volatile("sidt %0" : "=m"(idt));
    SCRATCH[0] = SCRATCH[1] = SCRATCH[2] = SCRATCH[3] = 0;
    __asm__ volatile("lidt %0" : : "m"(ivt));
    __asm__ volatile("call go_real" : : : "eax", "ebx", "ecx", "edx", "memory");
    __asm__ volatile("lidt %0" : : "m"(idt));
    CHECK_EQ(SCRATCH[0], 0x0800, "real mode: CS after the far jump");
    CHECK_EQ(SCRATCH[1], 0x0FF0 - 6, "real-mode INT pushes FLAGS, CS and IP");
    CHECK_EQ(SCRATCH[2], 0x0FF0, "IRET pops them again");
    CHECK_EQ(SCRATCH[3] & 0x0202, 0x0002, "pushed FLAGS has IF clear");
    CHECK(read_cr0() & 1, "back in protected mode");
}

void kmain(void)
{
    u8 *dst = (u8 *)BLOB;
    for (char *p = blob_start; p < blob_end; p++) *dst++ = *p;
    set_gdt(I_CODE16, seg_desc(BLOB, 0xFFFF, 0x9A, 0));
    set_gdt(I_DATA16, seg_desc(0, 0xFFFF, 0x92, 0));
    set_idt(VEC_V86, SEL_CODE0, isr_stub(VEC_V86), 0xE, 3);
    set_handler(VEC_V86, v86_handler);
    test_v86();
    test_real_mode();
}
