/* Host build of a bench workload: runs it the given number of times and prints the
 * checksum and the best thread CPU time in nanoseconds, one "checksum nanos" line. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

unsigned int workload(unsigned int rounds);

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); /* CPU time: robust on a loaded machine */
    return (long long) t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv) {
    unsigned int rounds = argc > 1 ? (unsigned int) atoi(argv[1]) : 1;
    int repeats = argc > 2 ? atoi(argv[2]) : 5;
    long long best = -1;
    unsigned int sum = 0;
    for (int i = 0; i < repeats; i++) {
        long long t0 = now_ns();
        sum = workload(rounds);
        long long dt = now_ns() - t0;
        if (best < 0 || dt < best) best = dt;
    }
    printf("%u %lld\n", sum, best);
    return 0;
}
