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

/* Bytes of expressions one statement may add to the store (nodes, their
 * children, their exact numbers): growth DURING the statement, not only
 * its result's size, since every intermediate expression stays in the
 * store. A node is 48 bytes and 8 a child: half a million distinct
 * names in a sum is about 32 MB; 16 numbers of NB_MAX_EXACT_BITS fill it.
 * The suite's largest statement adds 6 MB. Under ASan a statement that
 * hits the limit peaks near 300 MB. Polled by diff, expand, subs and
 * taylor as they build. */
#define NB_MAX_STATEMENT_BYTES (64L << 20)

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

/* Precision for the built-ins whose MPFR cost grows like p^2 or faster,
 * in bits: a call past it is refused, since no ^C can stop MPFR inside
 * one. Measured on one core (gamma(1/3); erf(1/3), erfc(30)): gamma and
 * lgamma take 0.02, 0.1, 0.6, 3.4 s at 2^11 ... 2^14 bits (x5.7 a
 * doubling: hours at 2^20); erf and erfc 0.3-0.8 s at 2^15, 0.5-2.5 s at
 * 2^16, 5 s at 2^17, 22 s at 2^18, 240 s at 2^20. Every other built-in
 * takes 1-4 s at NB_MAX_PRECISION (2^20), printing included. */
#define NB_MAX_PREC_GAMMA 8192
#define NB_MAX_PREC_ERF 32768

/* Significant digits shown for floats (--digits, set digits); a double
 * shows at most 40 of them, its exact binary value (print.c). */
#define NB_MAX_DIGITS 10000

/* Terms one expansion (expand, taylor) may produce, counted before any
 * work: (x + y + z)^1000 would have 501501 and is refused. */
#define NB_MAX_EXPAND_TERMS (NB_MAX_NODES / 8)

/* Nesting the printers (infix, display form, LaTeX, C, MathML) follow
 * before they write "...": far above the parser's NB_MAX_DEPTH and what
 * derivatives of such input reach, and within the C stack of a sanitizer
 * build (their frames are several times larger; 20000 levels overflowed
 * 8 MB under ASan). */
#define NB_MAX_PRINT_DEPTH 5000

/* Bytes of one printed text (any printer, any string the library
 * builds): past it the text ends in "..." and later appends are dropped,
 * since a printed DAG is a tree and may be exponentially larger than the
 * DAG (util/strbuf.c). */
#define NB_MAX_PRINT_BYTES (8L << 20)

/* Bytes of expressions one series (taylor) may build for its
 * coefficients, within NB_MAX_STATEMENT_BYTES: coefficients with symbols
 * in them (a parameter, log(2), sqrt(3)) grow without bound with the
 * order, and cost 15-40 ms a MB to build, since each is simplified as a
 * whole (taylor(sinh(norm([5e2, x, pi, a]))^1000, x, 87.67, 20) reached
 * the 64 MB statement budget in 2.6 s, 10 s under ASan); at 16 MB such a
 * series stops within about 0.6 s. */
#define NB_MAX_SERIES_BYTES (16L << 20)

/* Work of one taylor series: nodes and their arguments looked up in the
 * store while its coefficients are built (nb_store_lookups). Bytes do not
 * bound time: a coefficient rebuilt from nodes that exist costs time and
 * no memory (taylor(erf(hypot(7+sec(2e19), erfc(x))), x, 3, 20) built
 * 16 MB in 3 s, 38 million lookups, 10 s under ASan). At 50-90 ns a
 * lookup, 8 million stop a series within about 0.7 s; the csc
 * example takes 3.1 million at order 25. */
#define NB_MAX_SERIES_WORK (8L << 20)

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
