#!/bin/sh
# bench/run.sh — `make bench`: nabla's speed as ratios to baselines built and
# measured in the same run, so the ratios hold on another machine.
#
# Called by `make bench` with BUILDDIR, SRCDIR and CC set. Single core
# (taskset when available), CPU time of the measuring thread (so other
# processes on a busy machine are not charged). Each figure is the median
# of BENCH_ROUNDS rounds (default 5) of the best of BENCH_REPS repetitions
# (default 3) within a round; the rounds interleave every program so a
# noisy phase hits all engines alike. Environment knobs: BENCH_ROUNDS,
# BENCH_REPS, BENCH_POINTS (double evaluation: points per round, split over
# the repetitions; default 10 million), BENCH_PEER_POINTS (muparser and
# libmatheval, default a tenth), BENCH_MPFR_POINTS (at 53 bits; a quarter
# of that at 256 bits, an eighth at 1024), MPMATH_PYTHON (the interpreter
# that runs mpmath, default python3: mpmath's own pure-Python integers
# unless that Python has gmpy2, which makes mpmath.diff about 2x faster;
# the bench prints which backend it measured).
#
# Adding an item: write bench/NAME.c printing lines
#     RESULT <group> <item> <engine> <ns per operation> <checksum>
# (bench_common.h has the clock and the median), add one `prog` line below
# (or `cprog` for a plain C baseline), and, for a new group, one `table`
# line naming its engines and the ratios to print.
set -eu
: "${BUILDDIR:?}" "${SRCDIR:?}"
CC=${CC:-cc}
ROUNDS=${BENCH_ROUNDS:-5}
REPS=${BENCH_REPS:-3}
POINTS=${BENCH_POINTS:-10000000}
PEER_POINTS=${BENCH_PEER_POINTS:-$((POINTS / 10))}
MPFR_POINTS=${BENCH_MPFR_POINTS:-30000}
PER_REP=$((POINTS / REPS))
PEER_PER_REP=$((PEER_POINTS / REPS))
MPFR_PER_REP=$((MPFR_POINTS / REPS))
B=$SRCDIR/bench
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
RES=$W/results
: >"$RES"
PIN=""
if command -v taskset >/dev/null 2>&1 && taskset -c 0 true 2>/dev/null; then
    PIN="taskset -c 0"
fi
CSTD="-std=c11 -D_GNU_SOURCE -I$SRCDIR/include -I$B"
# The library linked in as the nabla program links it (statically): a
# call into libnabla.so from another object goes through the PLT, an
# extra indirect jump that costs (b) about 0.9 ns a point, a third of it
# (a caller can drop it with -fno-plt; doc/performance.md).
NABLA_LIB="$BUILDDIR/.libs/libnabla_core.a"
# MPC, MPFR and GMP as the nabla program links them too: from their
# static archives when configure found them (NABLA_PROG_LIBS), which
# spares each MPFR call the shared library's thread-local lookups
# (__tls_get_addr; Richardson at 256 bits, 30 calls a node, is 12% faster).
# The hand-written MPFR baseline links the same way.
LIBS="${NABLA_PROG_LIBS:-} -lmpc -lmpfr -lgmp -lm"
PROGS=""   # "name|command" lines, run once per round

# cprog NAME SOURCE "FLAGS" ARGS: a C program built without libnabla.
cprog() {
    name=$1 src=$2 flags=$3
    shift 3
    # shellcheck disable=SC2086
    if $CC $CSTD $flags -o "$W/$name" "$B/$src" -lm 2>"$W/$name.log"; then
        PROGS="$PROGS$name|$W/$name $*
"
    else
        echo "note: $name not built: $(head -3 "$W/$name.log")"
    fi
}

# build NAME SOURCE: a program linked with libnabla, with the archives as
# the nabla program links them, else with the shared libraries.
build() {
    # shellcheck disable=SC2086
    $CC $CSTD -O2 -o "$W/$1" "$B/$2" $NABLA_LIB $LIBS -ldl 2>"$W/$1.log" \
        || $CC $CSTD -O2 -o "$W/$1" "$B/$2" $NABLA_LIB -lmpc -lmpfr -lgmp -lm \
               -ldl 2>"$W/$1.log"
}

# prog NAME SOURCE ARGS: a program linked with libnabla.
prog() {
    name=$1 src=$2
    shift 2
    if build "$name" "$src"; then
        PROGS="$PROGS$name|$W/$name $*
"
    else
        echo "note: $name not built: $(head -3 "$W/$name.log")"
    fi
}

# --- what is measured ----------------------------------------------------------
# Double evaluation of the five expressions of issue 6: hand-written C three
# ways, nabla's scalar and block VMs. MPFR: by hand vs nabla's MPFR VM.
cprog c_pow baseline.c "-O2 -DUSE_POW" c_pow "$PER_REP" "$REPS"
cprog c_mul baseline.c "-O2" c_mul "$PER_REP" "$REPS"
cprog c_point baseline.c "-O2" c_point "$PER_REP" "$REPS"
cprog c_simd baseline.c "-O3 -march=native -ffast-math" c_simd "$PER_REP" "$REPS"
prog bench_eval bench_eval.c "$PER_REP" "$REPS" "$MPFR_PER_REP"
# Optional peers, when their Debian packages are installed.
if pkg-config --exists muparser 2>/dev/null && [ -f "$B/peer_muparser.cc" ]; then
    if c++ -O2 -I"$B" -o "$W/muparser" "$B/peer_muparser.cc" \
           $(pkg-config --cflags --libs muparser) 2>"$W/muparser.log"; then
        PROGS="${PROGS}muparser|$W/muparser $PEER_PER_REP $REPS
"
    fi
else
    echo "note: muparser skipped (install libmuparser-dev to compare)"
fi
if [ -f /usr/include/matheval.h ] && [ -f "$B/peer_matheval.c" ]; then
    if $CC $CSTD -O2 -o "$W/matheval" "$B/peer_matheval.c" -lmatheval -lm \
           2>"$W/matheval.log"; then
        PROGS="${PROGS}matheval|$W/matheval $PEER_PER_REP $REPS
"
    fi
else
    echo "note: GNU libmatheval skipped (install libmatheval-dev to compare)"
fi

# Symbolic differentiation, numeric differentiation and descent: each of
# these programs takes its own medians over its own runs, so it runs once.
SINGLES=""   # "name|command" lines, run once after the rounds
single() {
    name=$1 src=$2
    shift 2
    if build "$name" "$src"; then
        SINGLES="$SINGLES$name|$W/$name $*
"
    else
        echo "note: $name not built: $(head -3 "$W/$name.log")"
    fi
}
single bench_diff bench_diff.c "${BENCH_DIFF_RUNS:-21}"
single bench_descent bench_descent.c "${BENCH_DESCENT_STEPS:-1000000}" "$ROUNDS"
single bench_numdiff bench_numdiff.c "$ROUNDS"
# Pictures (issue 14): whole processes writing figures, nabla vs matplotlib
# and gnuplot, and a picture at a pty; bench_pictures.sh takes its own
# medians (knobs BENCH_PICTURE_RUNS, MATPLOTLIB_PYTHON: see the script).
SINGLES="${SINGLES}bench_pictures|sh $B/bench_pictures.sh $BUILDDIR/nabla
"
# Start-up of a whole process, nabla -e '1+1' and bc, once per round.
PROGS="${PROGS}bench_startup|sh $B/bench_startup.sh $BUILDDIR/nabla ${BENCH_STARTUP_RUNS:-200}
"

# --- run: every program once per round ---------------------------------------
start=$(date +%s)
r=1
while [ "$r" -le "$ROUNDS" ]; do
    printf '%s' "$PROGS" | while IFS='|' read -r name cmd; do
        [ -n "$name" ] || continue
        # shellcheck disable=SC2086
        if ! $PIN $cmd >>"$RES" 2>"$W/err"; then
            echo "note: $name failed: $(head -3 "$W/err")"
        fi
    done
    echo "round $r of $ROUNDS done ($(( $(date +%s) - start )) s)"
    r=$((r + 1))
done

printf '%s' "$SINGLES" | while IFS='|' read -r name cmd; do
    [ -n "$name" ] || continue
    # shellcheck disable=SC2086
    if ! $PIN $cmd >"$W/$name.out" 2>"$W/err"; then
        echo "note: $name failed: $(head -3 "$W/err")"
    fi
    echo "$name done ($(( $(date +%s) - start )) s)"
done

# --- tables ----------------------------------------------------------------------
# table GROUP "TITLE" "ENGINES" "RATIOS": one row per item, the median of
# each engine over the rounds (ns per operation), then each ratio num/den.
table() {
    awk -v g="$1" -v title="$2" -v engines="$3" -v ratios="$4" '
    function median(key,   n, i, j, t, a) {
        n = split(vals[key], a, " ")
        for (i = 2; i <= n; i++)
            for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
                t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
            }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    $1 == "RESULT" && $2 == g {
        if (!($3 in seen)) { seen[$3] = 1; items[++ni] = $3 }
        vals[$3 SUBSEP $4] = vals[$3 SUBSEP $4] " " $5
        sum[$3 SUBSEP $4] = $6
    }
    END {
        if (ni == 0) exit
        ne = split(engines, e, " ")
        nr = split(ratios, rt, " ")
        print ""
        print "== " title " =="
        printf "%-8s", "item"
        for (k = 1; k <= ne; k++) printf " %12s", e[k]
        for (k = 1; k <= nr; k++) printf " %13s", rt[k]
        printf "\n"
        for (i = 1; i <= ni; i++) {
            it = items[i]
            printf "%-8s", it
            for (k = 1; k <= ne; k++) {
                key = it SUBSEP e[k]
                if (key in vals) { m[e[k]] = median(key); printf " %12.2f", m[e[k]] }
                else { delete m[e[k]]; printf " %12s", "-" }
            }
            for (k = 1; k <= nr; k++) {
                split(rt[k], nd, "/")
                if ((nd[1] in m) && (nd[2] in m) && m[nd[2]] > 0)
                    printf " %13.2f", m[nd[1]] / m[nd[2]]
                else
                    printf " %13s", "-"
            }
            printf "\n"
            delete m
        }
    }' "$RES"
}

echo
echo "nabla bench: $(uname -m), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //'), single core"
echo "each figure: median of $ROUNDS rounds of the best of $REPS repetitions (CPU time)"
echo "points per round: double $POINTS (peers $PEER_POINTS); MPFR $MPFR_POINTS at 53 bits, 1/4 at 256, 1/8 at 1024"
table eval "compiled double evaluation, ns per point (ratio = engine / baseline)" \
    "c_pow c_mul c_point c_simd nabla_scalar nabla_call nabla_block muparser matheval" \
    "nabla_scalar/c_pow nabla_scalar/c_point nabla_call/c_point nabla_block/c_mul nabla_block/c_simd muparser/c_pow matheval/c_pow"
table mpfr "MPFR evaluation, ns per point: by hand (preallocated) vs nabla's MPFR VM" \
    "mpfr_hand nabla_mpfr" "nabla_mpfr/mpfr_hand"
# section FILE "TITLE": a one-shot program's own report, as it printed it.
section() {
    [ -s "$W/$1.out" ] || return 0
    echo
    echo "== $2 =="
    cat "$W/$1.out"
}
section bench_diff "symbolic derivatives of sin(x)*exp(-x^2/2) (median time, result size)"
section bench_descent "gradient descent, 1M gd steps on Rosenbrock (ns per step; ratio to hand C)"
section bench_numdiff "numeric differentiation: full hstudy, richardson vs mpmath, accuracy vs GSL"
section bench_pictures "pictures: time to picture, whole process, nabla vs matplotlib and gnuplot"
table startup "start-up, nabla -e 1+1 vs echo 1+1 | bc (median ns per process)" "nabla bc" "nabla/bc"
grep '^INSTR' "$RES" | sort -u | awk 'BEGIN { printf "\ninstructions per program:" }
    { printf " %s=%s", $2, $3 } END { printf "\n" }'
# Engines must agree: checksums of nabla's double engines vs the C baseline.
awk '$1 == "RESULT" && $2 == "eval" { s[$3 SUBSEP $4] = $6 }
    END {
        for (k in s) {
            split(k, a, SUBSEP)
            if (a[2] !~ /^nabla/ || !((a[1] SUBSEP "c_mul") in s)) continue
            ref = s[a[1] SUBSEP "c_mul"]; d = s[k] - ref; if (d < 0) d = -d
            if (d > 1e-9 * (ref < 0 ? -ref : ref) + 1e-12)
                printf "WARNING: %s %s checksum %s differs from C (%s)\n", a[1], a[2], s[k], ref
        }
    }' "$RES"
echo "total $(( $(date +%s) - start )) s"
