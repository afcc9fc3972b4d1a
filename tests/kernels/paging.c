/* Paging (SDM Vol. 3A chapter 4, 32-bit paging): 4 KiB and 4 MiB pages, aliases, accessed
   and dirty bits, INVLPG and CR3 reloads making new mappings visible, CR0.WP, user/
   supervisor and read/write checks at both levels, #PF error codes and CR2. Whether a global
   page survives a CR3 reload is checked in modelonly (qemu flushes it). */
#include "rt.h"

#define VBASE 0x40000000u               /* page directory entry 256: the test page table */
#define VBIG 0x40400000u                /* page directory entry 257: a 4 MiB page */
static u32 pt_test[1024] __attribute__((aligned(4096)));
static u8 frames[4][4096] __attribute__((aligned(4096)));
static volatile u32 v;
static volatile u32 addr_in;

static u32 *pte(int n) { return &pt_test[n]; }
static void map(int n, void *frame, u32 flags) { pt_test[n] = (u32)frame | flags; invlpg(VBASE + n * 4096); }
static volatile u32 *at(int n, u32 off) { return (volatile u32 *)(VBASE + n * 4096 + off); }

static void do_read(void) { v = *(volatile u32 *)addr_in; }
static void do_write(void) { *(volatile u32 *)addr_in = 0x77; }
static void do_fetch(void) { ((void (*)(void))addr_in)(); }

static int access_at(void (*fn)(void), u32 addr, int cpl)
{
    addr_in = addr;
    return rt_run_at(cpl, fn);
}

static void test_translation(void)
{
    map(0, frames[0], PTE_P | PTE_RW);
    map(1, frames[0], PTE_P | PTE_RW);
    *at(0, 16) = 0xABCD1234;
    CHECK_EQ(*(u32 *)(frames[0] + 16), 0xABCD1234, "4 KiB page: virtual write lands in its frame");
    CHECK_EQ(*at(1, 16), 0xABCD1234, "two pages aliasing one frame");
    *(u32 *)(frames[1] + 8) = 0x5151;
    map(0, frames[1], PTE_P | PTE_RW);
    CHECK_EQ(*at(0, 8), 0x5151, "INVLPG makes a changed PTE visible");
    pt_test[0] = (u32)frames[2] | PTE_P | PTE_RW;
    *(u32 *)(frames[2] + 8) = 0x5252;
    write_cr3(read_cr3());
    CHECK_EQ(*at(0, 8), 0x5252, "a CR3 reload makes a changed PTE visible");
    *(u32 *)(frames[3] + 0x10) = 0x4444;
    CHECK_EQ(*(volatile u32 *)(VBIG + (u32)frames[3] + 0x10), 0x4444, "4 MiB page maps its 4 MiB frame");
    CHECK_EQ(*(volatile u32 *)(VBIG + (u32)frames[3] + 0x10 + 0x400000 - 0x400000), 0x4444, "4 MiB page offset");
}

static void test_accessed_dirty(void)
{
    map(2, frames[2], PTE_P | PTE_RW);
    page_dir[256] &= ~(PTE_A);
    page_dir[257] &= ~(PTE_A | PTE_D);
    write_cr3(read_cr3());
    v = *at(2, 0);
    CHECK_EQ(*pte(2) & (PTE_A | PTE_D), PTE_A, "a read sets A, not D, in the PTE");
    CHECK_EQ(page_dir[256] & PTE_A, PTE_A, "a read sets A in the PDE");
    *at(2, 4) = 1;
    CHECK_EQ(*pte(2) & (PTE_A | PTE_D), PTE_A | PTE_D, "a write sets D in the PTE");
    CHECK_EQ(page_dir[256] & PTE_D, 0, "a write leaves D in a page-table PDE alone");
    v = *(volatile u32 *)(VBIG + 0x100);
    CHECK_EQ(page_dir[257] & (PTE_A | PTE_D), PTE_A, "a read of a 4 MiB page sets A only");
    *(volatile u32 *)(VBIG + (u32)frames[3]) = 9;
    CHECK_EQ(page_dir[257] & (PTE_A | PTE_D), PTE_A | PTE_D, "a write to a 4 MiB page sets D");
}

static void test_protection(void)
{
    map(3, frames[3], PTE_P);                        /* supervisor, read-only */
    map(4, frames[3], PTE_P | PTE_US);               /* user, read-only */
    map(5, frames[3], PTE_P | PTE_US | PTE_RW);      /* user, writable */
    map(6, frames[3], 0);                            /* not present */
    CHECK_EQ(access_at(do_read, VBASE + 6 * 4096 + 12, 0), 14, "read of a not-present page: #PF");
    CHECK_EQ(last_fault.err, 0, "error code 0");
    CHECK_EQ(last_fault.cr2, VBASE + 6 * 4096 + 12, "CR2 is the linear address");
    CHECK_EQ(access_at(do_write, VBASE + 6 * 4096, 3), 14, "user write to a not-present page: #PF");
    CHECK_EQ(last_fault.err, 6, "error code U|W");
    CHECK_EQ(access_at(do_read, VBASE + 3 * 4096, 3), 14, "user read of a supervisor page: #PF");
    CHECK_EQ(last_fault.err, 5, "error code U|P");
    CHECK_EQ(access_at(do_read, VBASE + 3 * 4096, 1), -1, "CPL 1 accesses are supervisor accesses (SDM 4.6)");
    CHECK_EQ(access_at(do_write, VBASE + 4 * 4096, 3), 14, "user write to a read-only page: #PF");
    CHECK_EQ(last_fault.err, 7, "error code U|W|P");
    CHECK_EQ(access_at(do_read, VBASE + 4 * 4096, 3), -1, "user read of a user page");
    CHECK_EQ(access_at(do_write, VBASE + 5 * 4096, 3), -1, "user write to a user writable page");
    CHECK_EQ(access_at(do_write, VBASE + 3 * 4096, 0), -1, "supervisor write to a read-only page with WP=0");
    write_cr0(read_cr0() | 0x10000);
    CHECK_EQ(access_at(do_write, VBASE + 3 * 4096, 0), 14, "supervisor write to a read-only page with WP=1: #PF");
    CHECK_EQ(last_fault.err, 3, "error code W|P");
    CHECK_EQ(access_at(do_write, VBASE + 5 * 4096, 0), -1, "supervisor write to a writable page with WP=1");
    write_cr0(read_cr0() & ~0x10000);
    page_dir[256] &= ~PTE_US;                        /* the PDE now forbids user access */
    write_cr3(read_cr3());
    CHECK_EQ(access_at(do_read, VBASE + 5 * 4096, 3), 14, "a supervisor PDE over a user PTE: #PF");
    CHECK_EQ(last_fault.err, 5, "error code U|P for the PDE");
    page_dir[256] = (page_dir[256] | PTE_US) & ~PTE_RW;
    write_cr3(read_cr3());
    CHECK_EQ(access_at(do_write, VBASE + 5 * 4096, 3), 14, "a read-only PDE over a writable PTE: #PF");
    CHECK_EQ(last_fault.err, 7, "error code U|W|P for the PDE");
    page_dir[256] |= PTE_RW;
    write_cr3(read_cr3());
}

/* 4 MiB pages carry their own U/S and R/W; a not-present PDE faults before any PTE is read. */
static void test_big_pages(void)
{
    page_dir[258] = 0x400000 | PTE_PS | PTE_P;                /* supervisor, read-only */
    page_dir[259] = 0;                                         /* not present */
    write_cr3(read_cr3());
    CHECK_EQ(access_at(do_read, 0x40800000 + 0x1234, 3), 14, "user read of a supervisor 4 MiB page: #PF");
    CHECK_EQ(last_fault.err, 5, "error code U|P for the 4 MiB page");
    CHECK_EQ(last_fault.cr2, 0x40801234, "CR2 inside the 4 MiB page");
    CHECK_EQ(access_at(do_write, 0x40800000 + 0x2000, 0), -1, "supervisor write to a read-only 4 MiB page, WP=0");
    write_cr0(read_cr0() | 0x10000);
    CHECK_EQ(access_at(do_write, 0x40800000 + 0x2000, 0), 14, "supervisor write to a read-only 4 MiB page, WP=1");
    CHECK_EQ(last_fault.err, 3, "error code W|P for the 4 MiB page");
    write_cr0(read_cr0() & ~0x10000);
    CHECK_EQ(access_at(do_read, 0x40C00000 + 0x10, 0), 14, "not-present PDE: #PF");
    CHECK_EQ(last_fault.err, 0, "error code 0 for the PDE");
    CHECK_EQ(last_fault.cr2, 0x40C00010, "CR2 for the not-present PDE");
    page_dir[259] = 0x800000 | PTE_PS | PTE_P | PTE_RW;
    invlpg(0x40C00000);
    *(volatile u32 *)0x800040 = 0x7E57;
    CHECK_EQ(*(volatile u32 *)0x40C00040, 0x7E57, "a 4 MiB page mapped after INVLPG");
    page_dir[259] = 0x400000 | PTE_PS | PTE_P | PTE_RW;
    invlpg(0x40C00040);
    *(volatile u32 *)0x400040 = 0x1D1D;
    CHECK_EQ(*(volatile u32 *)0x40C00040, 0x1D1D, "INVLPG of any address in a 4 MiB page drops it");
}

static void test_fetch_and_span(void)
{
    *(u8 *)frames[1] = 0xC3;                         /* ret */
    map(7, frames[1], PTE_P | PTE_RW);
    map(8, frames[1], 0);
    CHECK_EQ(access_at(do_fetch, VBASE + 7 * 4096, 0), -1, "code runs from a mapped page");
    CHECK_EQ(access_at(do_fetch, VBASE + 8 * 4096, 0), 14, "instruction fetch from a not-present page: #PF");
    CHECK_EQ(last_fault.eip, VBASE + 8 * 4096, "EIP is the unfetchable address");
    CHECK_EQ(last_fault.cr2, VBASE + 8 * 4096, "CR2 is the fetch address");
    CHECK_EQ(access_at(do_read, VBASE + 8 * 4096 - 2, 0), 14, "a dword read spanning into a not-present page: #PF");
    CHECK_EQ(last_fault.cr2, VBASE + 8 * 4096, "CR2 is the first byte of the missing page");
}

void kmain(void)
{
    paging_build_identity();
    page_dir[256] = (u32)pt_test | PTE_P | PTE_RW | PTE_US;
    page_dir[257] = 0 | PTE_PS | PTE_P | PTE_RW | PTE_US;
    paging_enable();
    test_translation();
    test_accessed_dirty();
    test_protection();
    test_big_pages();
    test_fetch_and_span();
    paging_disable();
}
