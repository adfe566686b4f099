#!/bin/sh
# bench/bench_startup.sh — start-up time of a whole process (issue 6 item 5):
# `nabla -e '1+1'` against `echo 1+1 | bc`, measured the same way.
#
# Usage: bench_startup.sh NABLA [RUNS]   (RUNS default 200, after 20 warm-up
# runs). Prints, for each program found,
#     RESULT startup 1+1 <engine> <ns, median wall time per process> 0
# Each run is posix_spawn + wait of the program with stdout to /dev/null,
# timed by CLOCK_MONOTONIC in a small C timer built here ($CC, default cc),
# so the shell's own fork costs nothing. bc reads "1+1" from a file on its
# standard input (the pipe of `echo 1+1 | bc` without the echo process);
# nabla's standard input is /dev/null.
set -eu
NABLA=${1:?usage: bench_startup.sh NABLA [RUNS]}
RUNS=${2:-200}
CC=${CC:-cc}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

cat >"$W/spawn.c" <<'EOF'
/* spawn.c: median wall time of RUNS runs of argv[3..] (after 20 warm-up
 * runs), stdin from file argv[2], stdout and stderr to /dev/null. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int cmp(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int runs = atoi(argv[1]);
    long long *t = malloc((size_t)runs * sizeof *t);
    if (argc < 4 || runs < 1 || !t)
        return 2;
    for (int i = -20; i < runs; i++) {
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 0, argv[2], O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
        struct timespec a, b;
        pid_t pid;
        int st;
        clock_gettime(CLOCK_MONOTONIC, &a);
        if (posix_spawn(&pid, argv[3], &fa, NULL, argv + 3, environ) != 0)
            return 1;
        if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
            return 1;
        clock_gettime(CLOCK_MONOTONIC, &b);
        posix_spawn_file_actions_destroy(&fa);
        if (i >= 0)
            t[i] = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
    }
    qsort(t, (size_t)runs, sizeof *t, cmp);
    printf("%lld\n", t[runs / 2]);
    return 0;
}
EOF
if ! $CC -O2 -o "$W/spawn" "$W/spawn.c" 2>"$W/cc.log"; then
    echo "note: startup timer not built: $(head -3 "$W/cc.log")" >&2
    exit 0
fi
printf '1+1\n' >"$W/in"

# measure ENGINE PROGRAM ARGS...
measure() {
    engine=$1
    shift
    if ns=$("$W/spawn" "$RUNS" "$W/in" "$@"); then
        echo "RESULT startup 1+1 $engine $ns 0"
    else
        echo "note: $engine failed to run" >&2
    fi
}
measure nabla "$NABLA" -e 1+1
if BC=$(command -v bc 2>/dev/null); then
    measure bc "$BC"
else
    echo "note: bc not installed (apt-get install bc to compare)" >&2
fi
