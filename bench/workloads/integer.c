/*
 * Integer workload for the throughput bench: the same source is built as a freestanding
 * 32-bit guest (run in jvisor) and as a native host program. It mixes what kernels and
 * shells spend time on: a sieve, a table-driven CRC-32, an insertion sort and a hash
 * loop. Returns a checksum so both builds can be checked against each other.
 */
#define SIEVE_N 8192
#define SORT_N 256

static unsigned char sieve[SIEVE_N];
static unsigned int crc_table[256];
static unsigned int data[SORT_N];

static unsigned int count_primes(void) {
    unsigned int count = 0;
    for (unsigned int i = 0; i < SIEVE_N; i++) sieve[i] = 1;
    for (unsigned int i = 2; i < SIEVE_N; i++) {
        if (!sieve[i]) continue;
        count++;
        for (unsigned int j = i + i; j < SIEVE_N; j += i) sieve[j] = 0;
    }
    return count;
}

static void crc_init(void) {
    for (unsigned int n = 0; n < 256; n++) {
        unsigned int c = n;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

static unsigned int crc32(const unsigned char *p, unsigned int len) {
    unsigned int c = 0xFFFFFFFFu;
    for (unsigned int i = 0; i < len; i++) c = crc_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static unsigned int sort_round(unsigned int seed) {
    for (unsigned int i = 0; i < SORT_N; i++) {
        seed = seed * 1103515245u + 12345u;
        data[i] = seed >> 8;
    }
    for (unsigned int i = 1; i < SORT_N; i++) {
        unsigned int v = data[i];
        int j = (int) i - 1;
        while (j >= 0 && data[j] > v) {
            data[j + 1] = data[j];
            j--;
        }
        data[j + 1] = v;
    }
    return data[0] ^ data[SORT_N / 2] ^ data[SORT_N - 1];
}

unsigned int workload(unsigned int rounds) {
    unsigned int sum = 0;
    crc_init();
    for (unsigned int r = 0; r < rounds; r++) {
        sum += count_primes();
        sum ^= crc32(sieve, SIEVE_N);
        sum += sort_round(sum + r);
        unsigned int h = sum;
        for (unsigned int k = 0; k < 4096; k++) h = (h ^ k) * 16777619u + (h >> 13);
        sum ^= h;
    }
    return sum;
}
