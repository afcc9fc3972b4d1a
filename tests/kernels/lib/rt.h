/* Freestanding runtime for the jvisor test kernels: serial output, checks, descriptor
   tables, fault catching and running code at CPL 1 and 3. */
#ifndef RT_H
#define RT_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

/* Selectors of the runtime's GDT. */
#define SEL_CODE0 0x08
#define SEL_DATA0 0x10
#define SEL_CODE1 0x19
#define SEL_DATA1 0x21
#define SEL_CODE3 0x2B
#define SEL_DATA3 0x33
#define SEL_TSS 0x38
#define GDT_FREE 8          /* first GDT index free for a kernel's own descriptors */
#define GDT_ENTRIES 64
#define VEC_RETURN 0x80     /* INT 0x80: back to ring 0 from rt_run_at */

/* Access-byte values (descriptor bits 40-47). */
#define ACC_CODE 0x9A       /* present, DPL 0, code execute/read */
#define ACC_DATA 0x92       /* present, DPL 0, data read/write */
#define ACC_DPL(n) ((n) << 5)

static inline void outb(u16 port, u8 v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) { u8 v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }

void printf(const char *fmt, ...);
void check(int ok, const char *name);
#define CHECK(cond, name) check(!!(cond), name)
#define CHECK_EQ(a, b, name) check_eq((u32)(a), (u32)(b), name)
void check_eq(u32 got, u32 want, const char *name);
void summary_and_exit(void) __attribute__((noreturn));

/* Descriptors. */
struct frame {
    u32 gs, fs, es, ds, edi, esi, ebp, esp0, ebx, edx, ecx, eax, vector, err, eip, cs, eflags, esp, ss;
};
struct tss {
    u32 link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
    u32 es, cs, ss, ds, fs, gs, ldt, iomap;
};
extern u64 gdt[GDT_ENTRIES];
/* The runtime's TSS with an I/O permission bitmap for ports 0-0x3FF (SDM Vol. 1 19.5.2):
   all ports denied at CPL > IOPL until a kernel clears a bit; io_end is the 0xFF terminator. */
struct tss_block { struct tss t; u8 io_bitmap[0x80]; u8 io_end; } __attribute__((packed));
extern struct tss_block tss_block;
#define main_tss (tss_block.t)
u64 seg_desc(u32 base, u32 limit, u32 access, u32 flags); /* flags: 0xC = G+D */
u64 gate_desc(u16 sel, u32 offset, u32 type_dpl, u32 params);
void set_gdt(int index, u64 desc);
void set_idt(int vector, u16 sel, void *handler, int type, int dpl); /* type 0xE int, 0xF trap */
void set_idt_raw(int vector, u64 desc);
u64 get_idt(int vector);
void *isr_stub(int vector);
void reload_gdt(void);

/* Fault catching: rt_try runs fn(arg) at CPL 0 and returns -1, or the vector it raised. */
struct fault_info { int vector; u32 err, eip, cs, eflags, esp, ss, cr2; };
extern struct fault_info last_fault;
int rt_try(void (*fn)(void));
/* Runs fn at CPL 0, 1 or 3 (flat segments of that DPL, own stack); -1 or the vector raised. */
int rt_run_at(int cpl, void (*fn)(void));
extern u32 rt_ring_eflags;  /* EFLAGS rt_run_at enters CPL 1 and 3 with (default 2) */
extern int check_cpl;       /* when >= 0, failed checks name this CPL */
/* A per-vector handler that may resume the interrupted code by returning. */
typedef void (*handler_fn)(struct frame *f);
void set_handler(int vector, handler_fn h);

static inline u32 read_cr0(void) { u32 v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline u32 read_cr2(void) { u32 v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline u32 read_cr3(void) { u32 v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline u32 read_cr4(void) { u32 v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr0(u32 v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline void write_cr3(u32 v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline void write_cr4(u32 v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }
static inline u32 read_eflags(void) { u32 v; __asm__ volatile("pushf; pop %0" : "=r"(v)); return v; }
static inline void write_eflags(u32 v) { __asm__ volatile("push %0; popf" : : "r"(v) : "cc"); }

/* Labels placed inside inline assembly, so checks can compare fault addresses. */
#define LABEL(name) ".globl " #name "\n" #name ":\n"
#define ADDR(name) ({ extern char name[]; (u32)name; })


/* Paging: an identity map of the low 64 MiB, the first 4 MiB through page table pt0 (4 KiB
   pages), the rest as 4 MiB pages. Entries carry P|RW|US. */
#define PTE_P 0x001
#define PTE_RW 0x002
#define PTE_US 0x004
#define PTE_A 0x020
#define PTE_D 0x040
#define PTE_PS 0x080
#define PTE_G 0x100
extern u32 page_dir[1024];
extern u32 pt0[1024];
void paging_build_identity(void);
void paging_enable(void);
void paging_disable(void);
static inline void invlpg(u32 a) { __asm__ volatile("invlpg (%0)" : : "r"(a) : "memory"); }
#endif
