/* Runtime: COM1 output (16550A LSR polling), checks, GDT/IDT/TSS, fault catching. */
#include <stdarg.h>
#include "rt.h"

#define COM1 0x3F8
#define DEBUG_EXIT 0xF4

static int passed, failed;

static void putc(char c)
{
    if (c == '\n') putc('\r');
    while (!(inb(COM1 + 5) & 0x20)) { }   /* LSR bit 5: THR empty */
    outb(COM1, c);
}

static void puts_(const char *s) { while (*s) putc(*s++); }

static void put_num(u32 v, int base, int width, char pad)
{
    char buf[12];
    int n = 0;
    do { buf[n++] = "0123456789abcdef"[v % base]; v /= base; } while (v);
    while (n < width) buf[n++] = pad;
    while (n) putc(buf[--n]);
}

/* printf-lite: %d %u %x %s %c, with an optional zero-padded width. */
void printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') { putc(*fmt); continue; }
        char pad = ' ';
        int width = 0;
        if (*++fmt == '0') { pad = '0'; fmt++; }
        while (*fmt >= '0' && *fmt <= '9') width = width * 10 + *fmt++ - '0';
        switch (*fmt) {
        case 'd': { int v = va_arg(ap, int); if (v < 0) { putc('-'); v = -v; } put_num(v, 10, width, pad); break; }
        case 'u': put_num(va_arg(ap, u32), 10, width, pad); break;
        case 'x': put_num(va_arg(ap, u32), 16, width, pad); break;
        case 's': puts_(va_arg(ap, const char *)); break;
        case 'c': putc((char)va_arg(ap, int)); break;
        default: putc(*fmt);
        }
    }
    va_end(ap);
}

void check(int ok, const char *name)
{
    if (ok) { passed++; return; }
    failed++;
    if (check_cpl >= 0) printf("FAIL %s at CPL %d\n", name, check_cpl);
    else printf("FAIL %s\n", name);
}

void check_eq(u32 got, u32 want, const char *name)
{
    if (got == want) { passed++; return; }
    failed++;
    if (check_cpl >= 0) printf("FAIL %s at CPL %d: got %x want %x\n", name, check_cpl, got, want);
    else printf("FAIL %s: got %x want %x\n", name, got, want);
}

void summary_and_exit(void)
{
    printf("%d passed, %d failed\n", passed, failed);
    outb(DEBUG_EXIT, failed ? 1 : 0);
    for (;;) __asm__ volatile("cli; hlt");
}

/* --- descriptor tables ------------------------------------------------------------------ */

u64 gdt[GDT_ENTRIES];
static u64 idt[256];
struct tss_block tss_block;
static handler_fn handlers[256];
extern char isr_stubs[];

u64 seg_desc(u32 base, u32 limit, u32 access, u32 flags)
{
    u64 d = (limit & 0xFFFF) | ((u64)(base & 0xFFFFFF) << 16);
    d |= (u64)(access & 0xFF) << 40 | (u64)((limit >> 16) & 0xF) << 48;
    d |= (u64)(flags & 0xF) << 52 | (u64)(base >> 24) << 56;
    return d;
}

u64 gate_desc(u16 sel, u32 offset, u32 type_dpl, u32 params)
{
    return (offset & 0xFFFF) | (u64)sel << 16 | (u64)(params & 0x1F) << 32
        | (u64)(type_dpl & 0xFF) << 40 | (u64)(offset >> 16) << 48;
}

void set_gdt(int index, u64 desc) { gdt[index] = desc; }
void set_idt_raw(int vector, u64 desc) { idt[vector] = desc; }
u64 get_idt(int vector) { return idt[vector]; }
void *isr_stub(int vector) { return isr_stubs + 16 * vector; }

void set_idt(int vector, u16 sel, void *handler, int type, int dpl)
{
    idt[vector] = gate_desc(sel, (u32)handler, 0x80 | dpl << 5 | type, 0);
}

void set_handler(int vector, handler_fn h) { handlers[vector] = h; }

void reload_gdt(void)
{
    struct { u16 limit; u32 base; } __attribute__((packed)) p = { sizeof gdt - 1, (u32)gdt };
    __asm__ volatile("lgdt %0" : : "m"(p));
}

static u8 stack1[4096] __attribute__((aligned(16)));
static u8 stack3[4096] __attribute__((aligned(16)));
static u8 stack0[8192] __attribute__((aligned(16)));

void rt_init(u32 magic, u32 info)
{
    outb(0x21, 0xFF);   /* mask both 8259A PICs: the kernels run with no external interrupts */
    outb(0xA1, 0xFF);
    gdt[1] = seg_desc(0, 0xFFFFF, ACC_CODE, 0xC);
    gdt[2] = seg_desc(0, 0xFFFFF, ACC_DATA, 0xC);
    gdt[3] = seg_desc(0, 0xFFFFF, ACC_CODE | ACC_DPL(1), 0xC);
    gdt[4] = seg_desc(0, 0xFFFFF, ACC_DATA | ACC_DPL(1), 0xC);
    gdt[5] = seg_desc(0, 0xFFFFF, ACC_CODE | ACC_DPL(3), 0xC);
    gdt[6] = seg_desc(0, 0xFFFFF, ACC_DATA | ACC_DPL(3), 0xC);
    main_tss.ss0 = SEL_DATA0;
    main_tss.esp0 = (u32)stack0 + sizeof stack0;
    main_tss.ss1 = SEL_DATA1;
    main_tss.esp1 = (u32)stack1 + sizeof stack1;
    main_tss.iomap = sizeof main_tss << 16;   /* I/O map base: the upper half of the dword at 100 */
    for (u32 i = 0; i < sizeof tss_block.io_bitmap; i++) tss_block.io_bitmap[i] = 0xFF;
    tss_block.io_end = 0xFF;
    gdt[7] = seg_desc((u32)&tss_block, sizeof tss_block - 1, 0x89, 0);
    reload_gdt();
    __asm__ volatile("ljmp %0, $1f\n1:\n"
                     "mov %1, %%ds\n mov %1, %%es\n mov %1, %%fs\n mov %1, %%gs\n mov %1, %%ss\n"
                     : : "i"(SEL_CODE0), "r"(SEL_DATA0));
    __asm__ volatile("ltr %w0" : : "r"(SEL_TSS));
    for (int v = 0; v < 256; v++) set_idt(v, SEL_CODE0, isr_stub(v), 0xE, 0);
    set_idt(VEC_RETURN, SEL_CODE0, isr_stub(VEC_RETURN), 0xE, 3);
    struct { u16 limit; u32 base; } __attribute__((packed)) p = { sizeof idt - 1, (u32)idt };
    __asm__ volatile("lidt %0" : : "m"(p));
    /* Multiboot 0.6.96 section 3.2/3.3: magic in EAX, memory sizes in the info at EBX (32 MiB machine). */
    CHECK_EQ(magic, 0x2BADB002, "Multiboot magic in EAX");
    const u32 *mbi = (const u32 *)info;
    CHECK_EQ(mbi[0] & 1, 1, "Multiboot info flags: memory sizes present");
    /* Loaders may keep some memory back (qemu reports 639 and 31616 KiB), so ranges only. */
    CHECK(mbi[1] >= 512 && mbi[1] <= 640, "Multiboot mem_lower within conventional memory");
    CHECK(mbi[2] >= 28 * 1024, "Multiboot mem_upper: the kernels need a machine of at least 32 MiB");
}

/* --- fault catching ---------------------------------------------------------------------- */

struct jmpbuf { u32 ebx, esi, edi, ebp, esp, eip; };
int rt_setjmp(struct jmpbuf *b) __attribute__((returns_twice));
void rt_longjmp(struct jmpbuf *b, int v) __attribute__((noreturn));
void rt_enter_ring(void (*fn)(void), u32 cs, u32 ss, u32 esp, u32 ds);

struct fault_info last_fault;
u32 rt_ring_eflags = 2;
int check_cpl = -1;
static struct jmpbuf guard;
static int guarded;

void isr_dispatch(struct frame *f)
{
    if (handlers[f->vector]) { handlers[f->vector](f); return; }
    last_fault.vector = f->vector;
    last_fault.err = f->err;
    last_fault.eip = f->eip;
    last_fault.cs = f->cs;
    last_fault.eflags = f->eflags;
    int outer = (f->cs & 3) || (f->eflags & 0x20000);   /* from an outer ring or V86 */
    last_fault.esp = outer ? f->esp : (u32)&f->esp;
    last_fault.ss = outer ? f->ss : SEL_DATA0;
    last_fault.cr2 = read_cr2();
    if (guarded) { guarded = 0; rt_longjmp(&guard, 1); }
    printf("unexpected exception %d error %x at %x:%x\n", f->vector, f->err, f->cs, f->eip);
    failed++;
    summary_and_exit();
}

int rt_try(void (*fn)(void)) { return rt_run_at(0, fn); }

int rt_run_at(int cpl, void (*fn)(void))
{
    last_fault.vector = -1;
    guarded = 1;
    if (rt_setjmp(&guard)) {
        write_eflags(2);
        return last_fault.vector == VEC_RETURN ? -1 : last_fault.vector;
    }
    if (cpl == 0) { write_eflags(rt_ring_eflags); fn(); write_eflags(2); }
    else if (cpl == 1) rt_enter_ring(fn, SEL_CODE1, SEL_DATA1, (u32)stack1 + sizeof stack1, SEL_DATA1);
    else rt_enter_ring(fn, SEL_CODE3, SEL_DATA3, (u32)stack3 + sizeof stack3, SEL_DATA3);
    guarded = 0;
    return -1;
}

/* --- paging ------------------------------------------------------------------------------ */

u32 page_dir[1024] __attribute__((aligned(4096)));
u32 pt0[1024] __attribute__((aligned(4096)));

void paging_build_identity(void)
{
    for (int i = 0; i < 1024; i++) pt0[i] = i << 12 | PTE_P | PTE_RW | PTE_US;
    for (int i = 0; i < 1024; i++) page_dir[i] = 0;
    page_dir[0] = (u32)pt0 | PTE_P | PTE_RW | PTE_US;
    for (int i = 1; i < 16; i++) page_dir[i] = i << 22 | PTE_PS | PTE_P | PTE_RW | PTE_US;
}

void paging_enable(void)
{
    write_cr4(read_cr4() | 0x10);     /* CR4.PSE for the 4 MiB pages */
    write_cr3((u32)page_dir);
    write_cr0(read_cr0() | 0x80000000);
}

void paging_disable(void)
{
    write_cr0(read_cr0() & ~0x80000000);
}
