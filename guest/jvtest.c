/*
 * jvtest: a small self-checking test of the things a guest kernel and processor must get right
 * for ordinary programs: processes (fork, wait, execve), pipes, signals, memory mapping, page
 * protection faults, timers and x87 floating point.
 *
 * Built by scripts/build-guest with `gcc -m32 -march=i686 -static -O2` and installed as /bin/jvtest
 * in the guest's initramfs. Prints one line per check ("jvtest: ok   NAME" or "jvtest: FAIL NAME:
 * why") and a last line "jvtest: N passed, M failed"; exits 0 only when nothing failed.
 * Expected values are exact: integers computed here, or floating-point results scaled and
 * truncated to integers whose value does not depend on rounding in the last place.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int passed, failed;

/* Records one check; fmt describes the failure and is used only when ok is false. */
static void check(const char *name, int ok, const char *fmt, ...)
{
    if (ok) {
        passed++;
        printf("jvtest: ok   %s\n", name);
    } else {
        va_list ap;
        failed++;
        printf("jvtest: FAIL %s: ", name);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf("\n");
    }
    fflush(stdout);
}

/* Forks and waits; returns the child's exit status, or -1 when it did not exit normally. */
static int run_child(int (*body)(void *), void *arg)
{
    int status;
    pid_t pid;

    fflush(stdout);
    pid = fork();
    if (pid < 0)
        return -2;
    if (pid == 0)
        _exit(body(arg));
    if (waitpid(pid, &status, 0) != pid)
        return -3;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int exit_with(void *arg) { return *(int *)arg; }

static void test_fork_wait(void)
{
    int code = 42, got = run_child(exit_with, &code);
    pid_t self = getpid();
    check("fork+wait", got == 42 && self > 0, "child exit status %d, expected 42", got);
}

static int exec_true(void *arg)
{
    char *argv[] = { "true", NULL }, *envp[] = { NULL };
    (void)arg;
    execve("/bin/true", argv, envp);
    return 100 + errno;
}

static int exec_shell(void *arg)
{
    char *argv[] = { "sh", "-c", "exit $((6 + 1))", NULL }, *envp[] = { NULL };
    (void)arg;
    execve("/bin/busybox", argv, envp);
    return 100 + errno;
}

static void test_execve(void)
{
    int t = run_child(exec_true, NULL);
    int s = run_child(exec_shell, NULL);
    check("execve /bin/true", t == 0, "exit status %d, expected 0", t);
    check("execve busybox sh -c", s == 7, "exit status %d, expected 7", s);
}

/* The writer sends more than a pipe buffer holds, so both ends block and wake each other. */
#define PIPE_BYTES 300000
static unsigned char pattern(unsigned i) { return (unsigned char)(i * 7 + (i >> 8)); }

static int pipe_writer(void *arg)
{
    int fd = *(int *)arg;
    static unsigned char buf[4096];
    unsigned sent = 0;
    while (sent < PIPE_BYTES) {
        unsigned n = PIPE_BYTES - sent < sizeof buf ? PIPE_BYTES - sent : sizeof buf, k;
        for (k = 0; k < n; k++)
            buf[k] = pattern(sent + k);
        ssize_t w = write(fd, buf, n);
        if (w <= 0)
            return 1;
        sent += (unsigned)w;
    }
    return 0;
}

static void test_pipe(void)
{
    int fds[2], status = -1;
    unsigned received = 0, mismatches = 0;
    unsigned char buf[1000];
    pid_t pid;

    if (pipe(fds) != 0) {
        check("pipe between processes", 0, "pipe: %s", strerror(errno));
        return;
    }
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        close(fds[0]);
        _exit(pipe_writer(&fds[1]));
    }
    close(fds[1]);
    for (;;) {
        ssize_t n = read(fds[0], buf, sizeof buf), k;
        if (n <= 0)
            break;
        for (k = 0; k < n; k++)
            mismatches += buf[k] != pattern(received + (unsigned)k);
        received += (unsigned)n;
    }
    close(fds[0]);
    waitpid(pid, &status, 0);
    check("pipe between processes", received == PIPE_BYTES && mismatches == 0 && status == 0,
          "received %u of %u bytes, %u wrong, writer status %d", received, PIPE_BYTES, mismatches, status);
}

static volatile sig_atomic_t usr1_count, usr2_from;

static void on_usr1(int sig, siginfo_t *info, void *ctx)
{
    (void)ctx;
    if (sig == SIGUSR1 && info->si_pid == getpid())
        usr1_count++;
}

static void on_usr2(int sig, siginfo_t *info, void *ctx)
{
    (void)ctx;
    if (sig == SIGUSR2)
        usr2_from = info->si_pid;
}

static void test_signals(void)
{
    struct sigaction sa;
    sigset_t block, old;
    pid_t parent = getpid(), child;
    int status = -1;

    memset(&sa, 0, sizeof sa);
    sa.sa_flags = SA_SIGINFO;
    sa.sa_sigaction = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR1);
    check("signal handler (sigaction+kill)", usr1_count == 2, "handler ran %d times, expected 2", (int)usr1_count);

    /* Another process signals us while we wait in sigsuspend with the signal unblocked. */
    sa.sa_sigaction = on_usr2;
    sigaction(SIGUSR2, &sa, NULL);
    sigemptyset(&block);
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, &old);
    fflush(stdout);
    child = fork();
    if (child == 0)
        _exit(kill(parent, SIGUSR2) == 0 ? 0 : 1);
    while (usr2_from == 0)
        sigsuspend(&old);
    sigprocmask(SIG_SETMASK, &old, NULL);
    waitpid(child, &status, 0);
    check("signal between processes (sigsuspend)", usr2_from == child && status == 0,
          "signal came from pid %d, child was %d", (int)usr2_from, (int)child);
}

static void test_anonymous_mmap(void)
{
    const size_t size = 4 << 20;
    unsigned *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    size_t n = size / sizeof *p, i, zero = 1, wrong = 0;

    if (p == MAP_FAILED) {
        check("anonymous mmap", 0, "mmap: %s", strerror(errno));
        return;
    }
    for (i = 0; i < n; i += 1024)
        zero &= p[i] == 0;
    for (i = 0; i < n; i++)
        p[i] = (unsigned)i * 2654435761u;
    for (i = 0; i < n; i++)
        wrong += p[i] != (unsigned)i * 2654435761u;
    check("anonymous mmap", zero && wrong == 0 && munmap(p, size) == 0,
          "fresh pages zero: %d, wrong words: %zu", (int)zero, wrong);
}

static void test_file_mmap(void)
{
    const char *path = "/tmp/jvtest.mmap";
    char line[64], back[16];
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600), ok = fd >= 0, i;
    char *p = MAP_FAILED;

    for (i = 0; ok && i < 1000; i++) {
        int len = snprintf(line, sizeof line, "line %04d\n", i);     /* 10 bytes each */
        ok = write(fd, line, (size_t)len) == len;
    }
    if (ok)
        p = mmap(NULL, 10000, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ok = ok && p != MAP_FAILED && memcmp(p + 10 * 777, "line 0777\n", 10) == 0;
    if (ok) {
        memcpy(p + 10 * 500, "LINE", 4);                            /* write through the map */
        ok = msync(p, 10000, MS_SYNC) == 0 && pread(fd, back, 10, 10 * 500) == 10
             && memcmp(back, "LINE 0500\n", 10) == 0;
    }
    if (p != MAP_FAILED)
        munmap(p, 10000);
    if (fd >= 0)
        close(fd);
    unlink(path);
    check("file mmap (shared, read and write back)", ok, "contents through the mapping were wrong");
}

static sigjmp_buf fault_jump;
static volatile void *fault_address;

static void on_segv(int sig, siginfo_t *info, void *ctx)
{
    (void)sig; (void)ctx;
    fault_address = info->si_addr;
    siglongjmp(fault_jump, 1);
}

/* A write to a read-only page must fault (SIGSEGV at that address); after mprotect it must not. */
static void test_protection_fault(void)
{
    struct sigaction sa, old;
    long page = sysconf(_SC_PAGESIZE);
    volatile char *p = mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    volatile int faulted = 0, wrote = 0;

    memset(&sa, 0, sizeof sa);
    sa.sa_flags = SA_SIGINFO;
    sa.sa_sigaction = on_segv;
    sigaction(SIGSEGV, &sa, &old);
    if (sigsetjmp(fault_jump, 1) == 0)
        p[123] = 1;
    else
        faulted = fault_address == p + 123;
    if (mprotect((void *)p, (size_t)page, PROT_READ | PROT_WRITE) == 0 && sigsetjmp(fault_jump, 1) == 0) {
        p[123] = 5;
        wrote = p[123] == 5;
    }
    sigaction(SIGSEGV, &old, NULL);
    munmap((void *)p, (size_t)page);
    check("page protection fault (SIGSEGV, mprotect)", faulted && wrote,
          "faulted at the right address: %d, write after mprotect: %d", faulted, wrote);
}

static long long ns_between(const struct timespec *a, const struct timespec *b)
{
    return (b->tv_sec - a->tv_sec) * 1000000000LL + (b->tv_nsec - a->tv_nsec);
}

static void test_timers(void)
{
    struct timespec t0 = { 0, 0 }, t1 = { 0, 0 }, nap = { 0, 20 * 1000 * 1000 };
    int g0, g1, slept, err;
    long long elapsed;

    g0 = clock_gettime(CLOCK_MONOTONIC, &t0);
    slept = nanosleep(&nap, NULL);
    err = errno;
    g1 = clock_gettime(CLOCK_MONOTONIC, &t1);
    elapsed = ns_between(&t0, &t1);
    check("nanosleep 20 ms (monotonic clock)",
          g0 == 0 && g1 == 0 && slept == 0 && elapsed >= 20000000LL && elapsed < 5000000000LL,
          "clock_gettime %d/%d, nanosleep %d (%s), slept %lld ns", g0, g1, slept, slept ? strerror(err) : "ok", elapsed);
}

/* Volatile inputs keep the compiler from folding the arithmetic at build time. */
static volatile double two = 2.0, seven = 7.0, twentytwo = 22.0, one = 1.0, zero = 0.0;
static volatile double half_pi_third = 0.52359877559829887308, big = 6.02214076e23;

static void test_float_arithmetic(void)
{
    double r2 = sqrt(two), q = twentytwo / seven, s = sin(half_pi_third), e = exp(one);
    long long r2i = (long long)(r2 * 1e9), qi = (long long)(q * 1e6);
    long long si = llround(s * 1e6), ei = (long long)(e * 1e6), sq = (long long)sqrt(two * 72.0);
    double h = 0;
    int i;

    for (i = 1; i <= 100000; i++)
        h += one / i;
    check("fp sqrt/divide", r2i == 1414213562LL && qi == 3142857LL && sq == 12,
          "sqrt(2)*1e9=%lld 22/7*1e6=%lld sqrt(144)=%lld", r2i, qi, sq);
    check("fp sin/exp/harmonic sum", si == 500000 && ei == 2718281 && (long long)(h * 1e6) == 12090146LL,
          "sin(pi/6)*1e6=%lld e*1e6=%lld H(100000)*1e6=%lld", si, ei, (long long)(h * 1e6));
    check("fp conversion and rounding",
          (int)(-2.5 * one) == -2 && lrint(2.5 * one) == 2 && lrint(3.5 * one) == 4 && floor(-2.5 * one) == -3.0,
          "trunc(-2.5)=%d rint(2.5)=%ld rint(3.5)=%ld floor(-2.5)=%g",
          (int)(-2.5 * one), lrint(2.5 * one), lrint(3.5 * one), floor(-2.5 * one));
    check("fp infinity and NaN", isinf(one / zero) && one / zero > 0 && isnan(zero / zero) && (zero / zero != zero / zero),
          "1/0=%g 0/0=%g", one / zero, zero / zero);
    (void)big;
}

static void test_float_printf(void)
{
    char a[32], b[32], c[32];
    snprintf(a, sizeof a, "%.6f", 3.14159265358979 * one);
    snprintf(b, sizeof b, "%.3e", big);
    snprintf(c, sizeof c, "%g", twentytwo / 8);
    check("fp printf", strcmp(a, "3.141593") == 0 && strcmp(b, "6.022e+23") == 0 && strcmp(c, "2.75") == 0,
          "got \"%s\" \"%s\" \"%s\"", a, b, c);
}

/* The x87 state must survive context switches: a child computes while we compute. */
static int fp_worker(void *arg)
{
    double x = 0;
    int i;
    (void)arg;
    for (i = 0; i < 200000; i++)
        x += sqrt(two * i);
    return x > 0 ? 0 : 1;
}

static void test_float_context(void)
{
    double acc = 0;
    int i, status;
    pid_t pid;

    fflush(stdout);
    pid = fork();
    if (pid == 0)
        _exit(fp_worker(NULL));
    for (i = 1; i <= 400; i++) {
        acc += one / i;
        if (i % 50 == 0)
            sched_yield();
    }
    waitpid(pid, &status, 0);
    check("fp state across context switches", (long long)(acc * 1e9) == 6569929691LL && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "H(400)*1e9=%lld", (long long)(acc * 1e9));
}

static void test_uname(void)
{
    struct utsname u;
    int ok = uname(&u) == 0 && strcmp(u.sysname, "Linux") == 0 && strcmp(u.machine, "i686") == 0;
    check("uname (Linux, i686)", ok, "sysname \"%s\" machine \"%s\"", u.sysname, u.machine);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_uname();
    test_fork_wait();
    test_execve();
    test_pipe();
    test_signals();
    test_anonymous_mmap();
    test_file_mmap();
    test_protection_fault();
    test_timers();
    test_float_arithmetic();
    test_float_printf();
    test_float_context();
    printf("jvtest: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
