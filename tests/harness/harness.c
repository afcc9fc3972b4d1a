/*
 * jvisor differential-test harness: runs one user-mode instruction at a time on a real
 * processor (built 64-bit, for the host CPU) or on qemu-i386 (built 32-bit, for the forms
 * that do not exist in 64-bit mode), from a state read on stdin, and writes the resulting
 * state to stdout. The protocol is fixed-size little-endian records; see case_in/case_out
 * and src/test/java/org/jvisor/machine/cpu/diff/Protocol.java, which must agree.
 *
 * Memory: a data buffer at a fixed low address (so 32-bit register values reach it) is
 * refilled from a per-case seed before every case; the harness reports the bytes that
 * differ afterwards. Code: a region filled with INT3; the instruction is placed so that it
 * ends at CODE_END, followed by a jump to exit_stub. A taken branch lands on an INT3, a
 * fault raises a signal: both come back through sigsetjmp with the signal's context.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

#ifdef __x86_64__
#define BUF_BASE 0x00200000u
#else
#define BUF_BASE 0x00008000u /* below 64 KiB: 16-bit addressing reaches it */
#endif
#define BUF_SIZE 0x2000u
#define CODE_BASE 0x00300000u
#define CODE_SIZE 0x10000u
#define CODE_END (CODE_BASE + 0x8000u)
#define MAGIC_IN 0x4344564Au  /* "JVDC" */
#define MAGIC_OUT 0x5244564Au /* "JVDR" */
#define MAX_DIFFS 512

struct case_in {
    uint32_t magic, flags, seed, code_len;
    uint8_t code[24];
    uint32_t regs[8], eflags;
    uint32_t patch_off;
    uint8_t patch[16];
    uint8_t fpu[108];
};

struct case_out {
    uint32_t magic, signal, eip, fault_addr;
    uint32_t regs[8], eflags;
    uint32_t sregs[6]; /* ES CS SS DS FS GS after the instruction (meaningful under qemu-i386) */
    uint8_t fpu[108];
    uint32_t ndiffs;
};

#define FLAG_FPU 1u
#define FLAG_PATCH 2u

/* Shared with the assembly below. */
uint64_t in_regs[8], in_flags, out_regs[8], out_flags, saved_sp, code_entry, exit_addr;
uint32_t out_sregs[6], saved_sregs[6];
uint8_t in_fpu[108], out_fpu[108];
uint32_t use_fpu;

void run_case(void);
void exit_stub(void);

#ifdef __x86_64__
__asm__(
    ".text\n.globl run_case\nrun_case:\n"
    " push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
    " mov %rsp, saved_sp(%rip)\n"
    " cmpl $0, use_fpu(%rip)\n je 1f\n frstor in_fpu(%rip)\n1:\n"
    " pushq in_flags(%rip)\n popfq\n"
    " mov in_regs+0(%rip), %rax\n mov in_regs+8(%rip), %rcx\n mov in_regs+16(%rip), %rdx\n"
    " mov in_regs+24(%rip), %rbx\n mov in_regs+32(%rip), %rsp\n mov in_regs+40(%rip), %rbp\n"
    " mov in_regs+48(%rip), %rsi\n mov in_regs+56(%rip), %rdi\n"
    " jmp *code_entry(%rip)\n"
    ".globl exit_stub\nexit_stub:\n"
    " mov %rax, out_regs+0(%rip)\n mov %rcx, out_regs+8(%rip)\n mov %rdx, out_regs+16(%rip)\n"
    " mov %rbx, out_regs+24(%rip)\n mov %rsp, out_regs+32(%rip)\n mov %rbp, out_regs+40(%rip)\n"
    " mov %rsi, out_regs+48(%rip)\n mov %rdi, out_regs+56(%rip)\n"
    " mov saved_sp(%rip), %rsp\n pushfq\n popq out_flags(%rip)\n cld\n"
    " cmpl $0, use_fpu(%rip)\n je 2f\n fnsave out_fpu(%rip)\n2:\n fninit\n"
    " pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n ret\n");
#else
__asm__(
    ".text\n.globl run_case\nrun_case:\n"
    " push %ebx\n push %ebp\n push %esi\n push %edi\n"
    " mov %esp, saved_sp\n"
    " mov %es, saved_sregs+0\n mov %ds, saved_sregs+12\n mov %fs, saved_sregs+16\n mov %gs, saved_sregs+20\n"
    " cmpl $0, use_fpu\n je 1f\n frstor in_fpu\n1:\n"
    " pushl in_flags\n popfl\n"
    " mov in_regs+0, %eax\n mov in_regs+8, %ecx\n mov in_regs+16, %edx\n"
    " mov in_regs+24, %ebx\n mov in_regs+32, %esp\n mov in_regs+40, %ebp\n"
    " mov in_regs+48, %esi\n mov in_regs+56, %edi\n"
    " jmp *code_entry\n"
    ".globl exit_stub\nexit_stub:\n"
    " mov %eax, %ss:out_regs+0\n mov %ecx, %ss:out_regs+8\n mov %edx, %ss:out_regs+16\n"
    " mov %ebx, %ss:out_regs+24\n mov %esp, %ss:out_regs+32\n mov %ebp, %ss:out_regs+40\n"
    " mov %esi, %ss:out_regs+48\n mov %edi, %ss:out_regs+56\n"
    " mov %es, %ss:out_sregs+0\n mov %cs, %ss:out_sregs+4\n mov %ss, %ss:out_sregs+8\n"
    " mov %ds, %ss:out_sregs+12\n mov %fs, %ss:out_sregs+16\n mov %gs, %ss:out_sregs+20\n"
    " mov %ss:saved_sp, %esp\n pushfl\n popl %ss:out_flags\n cld\n"
    " mov %ss:saved_sregs+0, %es\n mov %ss:saved_sregs+12, %ds\n"
    " mov %ss:saved_sregs+16, %fs\n mov %ss:saved_sregs+20, %gs\n"
    " cmpl $0, use_fpu\n je 2f\n fnsave out_fpu\n2:\n fninit\n"
    " pop %edi\n pop %esi\n pop %ebp\n pop %ebx\n ret\n");
#endif

static sigjmp_buf recover;
static volatile uint32_t sig_number, sig_eip, sig_addr, sig_regs[8], sig_flags;

static void on_signal(int sig, siginfo_t *info, void *ctx) {
    ucontext_t *uc = ctx;
    greg_t *g = uc->uc_mcontext.gregs;
#ifdef __x86_64__
    static const int order[8] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI};
    uint32_t ip = (uint32_t) g[REG_RIP];
    sig_flags = (uint32_t) g[REG_EFL];
#else
    static const int order[8] = {REG_EAX, REG_ECX, REG_EDX, REG_EBX, REG_ESP, REG_EBP, REG_ESI, REG_EDI};
    uint32_t ip = (uint32_t) g[REG_EIP];
    sig_flags = (uint32_t) g[REG_EFL];
#endif
    for (int k = 0; k < 8; k++) sig_regs[k] = (uint32_t) g[order[k]];
    /* INT3 reports the address after it: the landing address is one less. */
    sig_eip = sig == SIGTRAP ? ip - 1 : ip;
    sig_addr = (uint32_t) (uintptr_t) info->si_addr;
    sig_number = (uint32_t) sig;
    siglongjmp(recover, 1);
}

/* The same generator as Protocol.fill in Java: xorshift32 per 32-bit word. */
static void fill(uint8_t *buf, uint32_t seed) {
    uint32_t x = seed ? seed : 0x9E3779B9u;
    for (uint32_t k = 0; k < BUF_SIZE; k += 4) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        memcpy(buf + k, &x, 4);
    }
}

static void *map_fixed(uint32_t at, uint32_t size, int prot) {
    void *p = mmap((void *) (uintptr_t) at, size, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p != (void *) (uintptr_t) at) {
        fprintf(stderr, "harness: cannot map %#x\n", at);
        exit(2);
    }
    return p;
}

static void install_handlers(void) {
    static uint8_t altstack[65536];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGALRM};
    for (unsigned k = 0; k < sizeof sigs / sizeof sigs[0]; k++) sigaction(sigs[k], &sa, NULL);
}

static void place_code(uint8_t *code, const struct case_in *c) {
    uint8_t *end = code + (CODE_END - CODE_BASE);
    memcpy(end - c->code_len, c->code, c->code_len);
#ifdef __x86_64__
    /* jmp *0(%rip); .quad exit_stub */
    end[0] = 0xFF; end[1] = 0x25; memset(end + 2, 0, 4);
    memcpy(end + 6, &exit_addr, 8);
#else
    /* jmp *%cs:abs32, the pointer just after it (through CS: the instruction may have loaded DS) */
    uint32_t slot = CODE_END + 7, target = (uint32_t) exit_addr;
    end[0] = 0x2E; end[1] = 0xFF; end[2] = 0x25; memcpy(end + 3, &slot, 4); memcpy(end + 7, &target, 4);
#endif
    code_entry = CODE_END - c->code_len;
}

static void clean_code(uint8_t *code, const struct case_in *c) {
    uint8_t *end = code + (CODE_END - CODE_BASE);
    memset(end - c->code_len, 0xCC, c->code_len + 16);
}

static void run_one(const struct case_in *c, struct case_out *o, uint8_t *buf, uint8_t *code, uint8_t *ref) {
    fill(buf, c->seed);
    if (c->flags & FLAG_PATCH) memcpy(buf + c->patch_off, c->patch, 16);
    memcpy(ref, buf, BUF_SIZE);
    for (int k = 0; k < 8; k++) in_regs[k] = c->regs[k];
    in_flags = c->eflags;
    use_fpu = c->flags & FLAG_FPU;
    memcpy(in_fpu, c->fpu, sizeof in_fpu);
    place_code(code, c);
    memset(o, 0, sizeof *o);
    o->magic = MAGIC_OUT;
    /* A watchdog: an instruction that never returns (a branch into itself) reports SIGALRM. */
    struct itimerval watchdog = {.it_value = {.tv_sec = 1}}, off = {0};
    if (sigsetjmp(recover, 1) == 0) {
        setitimer(ITIMER_REAL, &watchdog, NULL);
        run_case();
        setitimer(ITIMER_REAL, &off, NULL);
        o->eip = CODE_END;
        for (int k = 0; k < 8; k++) o->regs[k] = (uint32_t) out_regs[k];
        o->eflags = (uint32_t) out_flags;
        memcpy(o->sregs, out_sregs, sizeof out_sregs);
        memcpy(o->fpu, out_fpu, sizeof out_fpu);
    } else {
        setitimer(ITIMER_REAL, &off, NULL);
        __asm__ volatile("fninit; cld");
#ifndef __x86_64__
        __asm__ volatile("mov %0, %%es; mov %1, %%ds; mov %2, %%fs; mov %3, %%gs"
                         :: "r"(saved_sregs[0]), "r"(saved_sregs[3]), "r"(saved_sregs[4]), "r"(saved_sregs[5]));
#endif
        o->signal = sig_number;
        o->eip = sig_eip;
        o->fault_addr = sig_addr;
        for (int k = 0; k < 8; k++) o->regs[k] = sig_regs[k];
        o->eflags = sig_flags;
    }
    clean_code(code, c);
}

int main(void) {
    uint8_t *buf = map_fixed(BUF_BASE, BUF_SIZE, PROT_READ | PROT_WRITE);
    uint8_t *code = map_fixed(CODE_BASE, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC);
    static uint8_t ref[BUF_SIZE];
    static uint32_t diffs[MAX_DIFFS];
    memset(code, 0xCC, CODE_SIZE);
    exit_addr = (uint64_t) (uintptr_t) exit_stub;
    install_handlers();
    static char inbuf[1 << 16], outbuf[1 << 16];
    setvbuf(stdin, inbuf, _IOFBF, sizeof inbuf);
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    struct case_in c;
    struct case_out o;
    while (fread(&c, sizeof c, 1, stdin) == 1) {
        if (c.magic != MAGIC_IN || c.code_len > sizeof c.code || c.patch_off > BUF_SIZE - 16) {
            fprintf(stderr, "harness: bad case record\n");
            return 2;
        }
        run_one(&c, &o, buf, code, ref);
        uint32_t n = 0;
        for (uint32_t k = 0; k < BUF_SIZE && n < MAX_DIFFS; k++) {
            if (buf[k] != ref[k]) diffs[n++] = k << 8 | buf[k];
        }
        o.ndiffs = n;
        fwrite(&o, sizeof o, 1, stdout);
        fwrite(diffs, 4, n, stdout);
    }
    fflush(stdout);
    return 0;
}
