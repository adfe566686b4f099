/* limits.h — every limit nabla enforces, in one place.
 *
 * Each limit turns what would be a crash, a hang or an out-of-memory death
 * into a clear error; each has a test in tests/errors.
 */
#ifndef NABLA_LIMITS_H
#define NABLA_LIMITS_H

/* Nesting of brackets, unary operators and calls in one statement.  The
 * parser and every recursive walker stay far below the C stack this way. */
#define NB_MAX_DEPTH 1000

/* Size of an exact (GMP) result, in bits: about 1.26 million decimal digits.
 * Checked before GMP is asked, because GMP aborts when memory runs out. */
#define NB_MAX_EXACT_BITS (1L << 22)

/* Digits in one numeric literal. */
#define NB_MAX_LITERAL_DIGITS 100000

/* MPFR working precision range, in bits. */
#define NB_MIN_PRECISION 2
#define NB_MAX_PRECISION (1L << 20)

/* Distinct nodes one symbolic result may have before it is called swollen. */
#define NB_MAX_NODES 2000000L

/* Syntax nodes in one statement's tree (about 120 bytes each): a bound on
 * the parser's memory, far above any real statement (a 10^6-term sum has
 * 2 * 10^6 nodes). */
#define NB_MAX_AST_NODES 3000000L

/* Rows of one hstudy (all methods and precisions together): a study is a
 * table to read or plot; past this it is a runaway (600,000 rows of a
 * 4096-bit sweep once took 74 s and 770 MB), refused before any work. */
#define NB_MAX_HSTUDY_ROWS 100000L

/* Highest precision hstudy studies, in bits. Each row evaluates f a few
 * times at that precision and the reference at twice it: a default study
 * of sin (about 100 rows per method) takes 0.4 s at 4096 bits, 6 s at
 * 16384, a minute and a half at 65536; at the 2^20 bits of
 * NB_MAX_PRECISION it would take hours. */
#define NB_MAX_HSTUDY_BITS 16384L

/* Order of derivative accepted by diff(), taylor(). */
#define NB_MAX_DIFF_ORDER 200

/* Highest order n of polygamma(n, x), and how far below 0 its x may lie
 * (for n >= 1 the Hurwitz zeta sum takes about |x| terms for negative x):
 * beyond them, and beyond NB_MAX_POLYGAMMA_BITS, the call is a domain
 * error (the row's domain says so). */
#define NB_MAX_POLYGAMMA_ORDER 1000
#define NB_MAX_POLYGAMMA_SHIFT 4096
/* Highest precision of polygamma(n, x) for n >= 1, in bits: the worst
 * calls within the two limits above (polygamma(1000, -4095.5), whose terms
 * cancel by 12,000 bits) take 2 s at 4096 bits, 15 s at 8192. */
#define NB_MAX_POLYGAMMA_BITS 4096

/* Points of one range with a step (a..b step s): a table or vector far
 * longer than anyone reads, and about 100 bytes of store a point. */
#define NB_MAX_RANGE_POINTS 100000L

/* Length of one source line / one statement, in bytes. */
#define NB_MAX_SOURCE_BYTES (64L << 20)

#endif
