#!/bin/sh
# bench/bench_pictures.sh — time to picture (issue 14): whole processes,
# start to exit with the picture written, nabla against the same figures
# drawn by matplotlib and by gnuplot (bench/pictures/*.py, *.gp).
#
# Usage: bench_pictures.sh NABLA   (run by bench/run.sh; also alone).
# Figures:
#   descent     descend(x^2 + y^2, [-8, 6], rate=0.1, steps=20,
#               x=-10..10, y=-10..10, to=...): the seed's figure
#   rosenbrock  contour((1-x)^2 + 100*(y-x^2)^2, x=-2..2, y=-1..3,
#               grid=400, levels=30, scale="log", to=...)
# each to .png and to .svg; and plot(sin(x), x=-3..3) shown at a
# pseudo-terminal (120x36 cells of 9x18 pixels): as a kitty image
# (NABLA_TERM_PROTO=kitty) and as text (`set plots text`).
#
# Each run is fork + exec + wait4 in a small C timer built here ($CC),
# stdin /dev/null, stdout /dev/null (or the pty, whose output is read as
# it comes and must hold the picture), the output file removed before and
# checked (non-empty) after. Figures are wall-clock medians: BENCH_ROUNDS
# rounds (default 5), each running every program of a figure in turn,
# nabla BENCH_PICTURE_RUNS times a round (default 5), matplotlib and
# gnuplot once, after one unmeasured warm-up run each (page cache, font
# caches, Python's bytecode). One core (taskset when available): the
# programs' own threads do not help them. matplotlib runs under
# /usr/bin/python3 (MATPLOTLIB_PYTHON); either peer missing is skipped
# with a note.
set -eu
NABLA=${1:?usage: bench_pictures.sh NABLA}
case $NABLA in /*) ;; *) NABLA=$(pwd)/$NABLA ;; esac
ROUNDS=${BENCH_ROUNDS:-5}
RUNS=${BENCH_PICTURE_RUNS:-5}
PY=${MATPLOTLIB_PYTHON:-/usr/bin/python3}
CC=${CC:-cc}
P=$(cd "$(dirname "$0")" && pwd)/pictures
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
PIN=""
if command -v taskset >/dev/null 2>&1 && taskset -c 0 true 2>/dev/null; then
    PIN="taskset -c 0"
fi

cat >"$W/ptime.c" <<'EOF'
/* ptime.c: ptime RUNS OUT PTY EXPECT PROGRAM ARGS... runs the program
 * RUNS times, printing "wall_ns cpu_ns" a run (cpu: the child's user +
 * system time from wait4). OUT ("-" for none) is removed before each run
 * and must exist, non-empty, after it. PTY 1: stdout is a pseudo-terminal
 * of 120x36 cells, 1080x648 pixels, read to its end, which must contain
 * EXPECT ("-" for anything). Exit status 1 when a run fails. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return 1e9 * (double)ts.tv_sec + (double)ts.tv_nsec;
}

/* Reads the master side until the slave is closed by every process
 * (EIO); 1 when what came contains expect. */
static int drain(int m, const char *expect)
{
    static char buf[1 << 22];
    size_t n = 0;
    for (;;) {
        ssize_t r = read(m, buf + n, n + 65536 < sizeof buf ? 65536 : 0);
        if (r > 0)
            n += (size_t)r;
        else if (r < 0 && errno == EINTR)
            continue;
        else
            break;
    }
    return !strcmp(expect, "-") || memmem(buf, n, expect, strlen(expect));
}

static int run(char **argv, const char *out, int pty, const char *expect,
               double *wall, double *cpu)
{
    int m = -1, ok = 1, st;
    char *slave = NULL;
    struct rusage ru;
    if (strcmp(out, "-"))
        unlink(out);
    if (pty) {
        struct winsize ws = {36, 120, 1080, 648};
        m = posix_openpt(O_RDWR | O_NOCTTY);
        if (m < 0 || grantpt(m) || unlockpt(m) || !(slave = ptsname(m)) ||
            ioctl(m, TIOCSWINSZ, &ws))
            return 0;
    }
    double t0 = now();
    pid_t pid = fork();
    if (pid == 0) {
        int nul = open("/dev/null", O_RDWR), s = nul;
        if (pty) {
            setsid();
            s = open(slave, O_RDWR);   /* the controlling terminal */
            close(m);
        }
        dup2(nul, 0);
        dup2(s, 1);
        dup2(nul, 2);
        execvp(argv[0], argv);
        _exit(127);
    }
    if (pid < 0)
        return 0;
    if (pty) {
        ok = drain(m, expect);
        close(m);
    }
    if (wait4(pid, &st, 0, &ru) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
        ok = 0;
    *wall = now() - t0;
    *cpu = 1e9 * (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           1e3 * (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
    struct stat sb;
    if (strcmp(out, "-") && (stat(out, &sb) || sb.st_size == 0))
        ok = 0;
    return ok;
}

int main(int argc, char **argv)
{
    if (argc < 6)
        return 2;
    int runs = atoi(argv[1]), pty = atoi(argv[3]);
    for (int i = 0; i < runs; i++) {
        double w, c;
        if (!run(argv + 5, argv[2], pty, argv[4], &w, &c))
            return 1;
        printf("%.0f %.0f\n", w, c);
    }
    return 0;
}
EOF
if ! $CC -std=c11 -O2 -o "$W/ptime" "$W/ptime.c" 2>"$W/cc.log"; then
    echo "note: picture timer not built: $(head -3 "$W/cc.log")"
    exit 0
fi

HAVE_MPL=0 HAVE_GP=0
if [ -x "$PY" ] && "$PY" -c 'import matplotlib, numpy' 2>/dev/null; then
    HAVE_MPL=1
else
    echo "note: matplotlib skipped ($PY with python3-matplotlib not found)"
fi
if command -v gnuplot >/dev/null 2>&1; then
    HAVE_GP=1
else
    echo "note: gnuplot skipped (apt-get install gnuplot-nox to compare)"
fi

DESCENT='descend(x^2 + y^2, [-8, 6], rate=0.1, steps=20, x=-10..10, y=-10..10, to="OUT")'
ROSEN='contour((1-x)^2 + 100*(y-x^2)^2, x=-2..2, y=-1..3, grid=400, levels=30, scale="log", to="OUT")'
SIN='plot(sin(x), x=-3..3)'
RES=$W/results
: >"$RES"
cd "$W"

# time KEY ENGINE RUNS OUT PTY EXPECT PROGRAM ARGS...: RUNS runs appended
# to the results as "KEY ENGINE wall cpu" lines.
time_it() {
    key=$1 engine=$2 runs=$3
    shift 3
    # shellcheck disable=SC2086
    if $PIN "$W/ptime" "$runs" "$@" >"$W/t" 2>"$W/err"; then
        sed "s/^/$key $engine /" "$W/t" >>"$RES"
    else
        echo "note: $key $engine failed: $(head -3 "$W/err")"
        return 1
    fi
}

# figure KEY EXT NABLA-COMMAND PEER-SCRIPT-BASE RUNS: every engine on one
# figure; RUNS 0: the warm-up, one run of each.
figure() {
    key=$1 ext=$2 cmd=$3 base=$4 n=$5
    o=$W/out.$ext
    c=$(printf '%s' "$cmd" | sed "s|OUT|$o|")
    time_it "$key" nabla "$(( n ? RUNS : 1 ))" "$o" 0 - "$NABLA" -e "$c" || true
    if [ "$HAVE_MPL" = 1 ]; then
        time_it "$key" matplotlib 1 "$o" 0 - "$PY" "$P/$base.py" "$o" || true
    fi
    if [ "$HAVE_GP" = 1 ]; then
        time_it "$key" gnuplot 1 "$o" 0 - gnuplot -e "out='$o'" "$P/$base.gp" || true
    fi
}

terminal() {
    n=$(( $1 ? RUNS : 1 ))
    export NABLA_TERM_PROTO=kitty
    time_it sin kitty "$n" - 1 "$(printf '\033_G')" "$NABLA" -e "$SIN" || true
    unset NABLA_TERM_PROTO
    time_it sin text "$n" - 1 "$(printf '\342\240')" \
        "$NABLA" -e "set plots text; $SIN" || true
}

all() {
    figure descent.png png "$DESCENT" descent "$1"
    figure descent.svg svg "$DESCENT" descent "$1"
    figure rosen.png png "$ROSEN" rosenbrock "$1"
    figure rosen.svg svg "$ROSEN" rosenbrock "$1"
    terminal "$1"
}

all 0
: >"$RES"
r=1
while [ "$r" -le "$ROUNDS" ]; do
    all 1
    r=$((r + 1))
done

# --- table: medians in ms, ratios peer / nabla ---------------------------------
# Ratios of the wall-clock medians; in brackets those of the CPU medians,
# which other processes on a busy machine do not inflate.
awk -v rounds="$ROUNDS" -v runs="$RUNS" '
function median(s,   n, i, j, t, a) {
    n = split(s, a, " ")
    for (i = 2; i <= n; i++)
        for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
            t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
        }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
    if (!($1 in seen)) { seen[$1] = 1; keys[++nk] = $1 }
    wall[$1, $2] = wall[$1, $2] " " $3 / 1e6
    cpu[$1, $2] = cpu[$1, $2] " " $4 / 1e6
}
function cell(k, e) {
    if (!((k, e) in wall)) { w[e] = c[e] = ""; return sprintf(" %17s", "-") }
    w[e] = median(wall[k, e])
    c[e] = median(cpu[k, e])
    return sprintf(" %8.1f (%6.1f)", w[e], c[e])
}
function ratio(e) {
    if (w[e] == "" || !(w["nabla"] > 0 && c["nabla"] > 0))
        return sprintf(" %14s", "-")
    return sprintf(" %6.1f (%5.1f)", w[e] / w["nabla"], c[e] / c["nabla"])
}
END {
    printf "wall ms (cpu ms, user + system): medians of %d runs (nabla), %d (peers)\n", \
        rounds * runs, rounds
    printf "%-12s %17s %17s %17s %14s %14s\n", "figure", "nabla", "matplotlib", \
        "gnuplot", "matplotlib/nb", "gnuplot/nb"
    for (i = 1; i <= nk; i++) {
        k = keys[i]
        if (k == "sin") continue
        line = sprintf("%-12s", k) cell(k, "nabla") cell(k, "matplotlib") cell(k, "gnuplot")
        print line ratio("matplotlib") ratio("gnuplot")
        if (w["matplotlib"] != "" && w["matplotlib"] / w["nabla"] < 20) mw = mw " " k "/matplotlib"
        if (w["gnuplot"] != "" && w["gnuplot"] / w["nabla"] <= 1) mw = mw " " k "/gnuplot"
        if (c["matplotlib"] != "" && c["matplotlib"] / c["nabla"] < 20) mc = mc " " k "/matplotlib"
        if (c["gnuplot"] != "" && c["gnuplot"] / c["nabla"] <= 1) mc = mc " " k "/gnuplot"
    }
    printf "goal (issue 14): matplotlib/nabla >= 20, gnuplot/nabla > 1: wall %s; cpu %s\n", \
        mw == "" ? "met" : "missed for" mw, mc == "" ? "met" : "missed for" mc
    print "plot(sin(x), x=-3..3), nabla -e with stdout a pty of 120x36 cells (9x18 pixels):"
    if (("sin", "kitty") in wall) {
        k = median(wall["sin", "kitty"])
        printf "  kitty image (NABLA_TERM_PROTO=kitty) %6.1f ms (cpu %.1f); goal < 50 ms: %s\n", \
            k, median(cpu["sin", "kitty"]), k < 50 ? "met" : "missed"
    }
    if (("sin", "text") in wall)
        printf "  text (set plots text)                %6.1f ms (cpu %.1f)\n", \
            median(wall["sin", "text"]), median(cpu["sin", "text"])
}' "$RES"
