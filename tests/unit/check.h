/* check.h — the tiny test harness every C test program uses.
 *
 * Each CHECK prints "PASS name" or "FAIL name: detail" on stdout; tests/run.sh
 * counts those lines. A test program exits 1 when any check failed.
 * Random tests take their seed from NB_TEST_SEED and print it, so a failure
 * can be replayed.
 */
#ifndef NABLA_TEST_CHECK_H
#define NABLA_TEST_CHECK_H

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1 when long double carries more bits than double at run time: not under
 * valgrind, which computes x87 extended arithmetic in double (and in its
 * range), so tests of long double code loosen their bar there. */
static inline int long_double_is_extended(void)
{
    volatile long double one = 1.0L, tiny = LDBL_EPSILON;
    return LDBL_MANT_DIG > DBL_MANT_DIG && one + tiny != one;
}

#include "config.h"
#include <unistd.h>

#ifdef NB_COVERAGE
void __gcov_dump(void);     /* libgcov: write the counters now */
#endif

/* _exit for a forked child: in a coverage build (configure
 * --enable-coverage) it first writes the child's gcov counters, which
 * _exit would drop, so code run only in children counts too. */
static inline void check_child_exit(int status)
{
#ifdef NB_COVERAGE
    __gcov_dump();
#endif
    _exit(status);
}

static int check_failed_count;
static int check_passed_count;

#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        if (cond) {                                                        \
            check_passed_count++;                                          \
            printf("PASS %s:%d ", __FILE__, __LINE__);                     \
            printf(__VA_ARGS__);                                           \
            printf("\n");                                                  \
        } else {                                                           \
            check_failed_count++;                                          \
            printf("FAIL %s:%d ", __FILE__, __LINE__);                     \
            printf(__VA_ARGS__);                                           \
            printf("  [%s]\n", #cond);                                     \
        }                                                                  \
    } while (0)

#define CHECK_STR(got, want, ...)                                          \
    do {                                                                   \
        const char *check_g_ = (got), *check_w_ = (want);                  \
        int check_ok_ = check_g_ && check_w_ && strcmp(check_g_, check_w_) == 0; \
        if (check_ok_) {                                                   \
            check_passed_count++;                                          \
            printf("PASS %s:%d ", __FILE__, __LINE__);                     \
            printf(__VA_ARGS__);                                           \
            printf("\n");                                                  \
        } else {                                                           \
            check_failed_count++;                                          \
            printf("FAIL %s:%d ", __FILE__, __LINE__);                     \
            printf(__VA_ARGS__);                                           \
            printf(": got \"%s\", want \"%s\"\n",                          \
                   check_g_ ? check_g_ : "(null)", check_w_ ? check_w_ : "(null)"); \
        }                                                                  \
    } while (0)

static inline unsigned long check_seed(void)
{
    const char *s = getenv("NB_TEST_SEED");
    unsigned long seed = s ? strtoul(s, NULL, 10) : 20261123UL;
    printf("# seed %lu (replay with NB_TEST_SEED=%lu)\n", seed, seed);
    return seed;
}

static inline int check_done(void)
{
    printf("# %d passed, %d failed\n", check_passed_count, check_failed_count);
    return check_failed_count ? 1 : 0;
}

#endif
