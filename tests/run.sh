#!/bin/sh
# run.sh — the whole test suite. Called by `make check` with NABLA, BUILDDIR
# and SRCDIR set. Runs, in order:
#   C test programs (tests/unit, tests/oracle): lines "PASS ..."/"FAIL ..."
#   golden cases   tests/cases/NAME.nabla -> NAME.out, from a file and stdin
#   bad inputs     tests/errors/NAME.nabla -> NAME.err (exact stderr),
#                  NAME.status (default 1), NAME.out (stdout, when present)
#   examples       examples/NAME.nabla -> NAME.out
#   command line   tests/cli/*.sh (see tests/cli/lib.sh)
# and ends with the line "N passed, N failed" counting every check. A check
# that cannot run here (numdiff_mpmath without python3's mpmath) prints a
# "SKIP ..." line, counted neither as passed nor as failed; their number is
# printed before the last line.
# NAME.args, when present, holds extra command-line options for a case.
# VALGRIND, when set, wraps every run of nabla and of the C test programs.
set -u
: "${NABLA:?}" "${BUILDDIR:?}" "${SRCDIR:?}"
VALGRIND=${VALGRIND:-}
export NABLA VALGRIND SRCDIR BUILDDIR
LOG=$(mktemp -d)
trap 'rm -rf "$LOG"' EXIT
results="$LOG/results"
: >"$results"

pass() { echo "PASS $1" | tee -a "$results"; }
fail() { echo "FAIL $1" | tee -a "$results"; shift; for l in "$@"; do echo "  $l"; done; }

# --- C test programs -------------------------------------------------------
for t in "$BUILDDIR"/tests/unit/test_* "$BUILDDIR"/tests/oracle/oracle_* "$BUILDDIR"/tests/repl/test_*; do
    case "$t" in *.c|*.o|*.log|*.trs) continue ;; esac
    [ -x "$t" ] || continue
    name=$(basename "$t")
    (cd "$SRCDIR/tests" && $VALGRIND "$t") >"$LOG/$name.out" 2>&1
    st=$?
    grep -E '^(PASS|FAIL) ' "$LOG/$name.out" | sed "s|^\(PASS\|FAIL\) |\1 $name: |" >>"$results"
    grep -E '^FAIL ' "$LOG/$name.out" | sed "s|^|$name: |"
    npass=$(grep -c '^PASS ' "$LOG/$name.out")
    nfail=$(grep -c '^FAIL ' "$LOG/$name.out")
    echo "$name: $npass passed, $nfail failed"
    if [ "$st" -ne 0 ] && [ "$nfail" -eq 0 ]; then
        fail "$name: exited with status $st" "$(tail -5 "$LOG/$name.out")"
    fi
done

# --- golden cases and examples ---------------------------------------------
run_golden() { # dir name
    dir=$1 name=$2
    args=""
    [ -f "$dir/$name.args" ] && args=$(cat "$dir/$name.args")
    (cd "$dir" && $VALGRIND "$NABLA" $args "$name.nabla" >"$LOG/out" 2>"$LOG/err")
    st=$?
    if [ $st -eq 0 ] && cmp -s "$LOG/out" "$dir/$name.out"; then
        pass "$dir/$name (file)" >/dev/null
    else
        fail "$(basename "$dir")/$name (file): status $st" "$(diff "$dir/$name.out" "$LOG/out" | head -20)" "$(head -5 "$LOG/err")"
    fi
    (cd "$dir" && $VALGRIND "$NABLA" $args <"$name.nabla" >"$LOG/out" 2>"$LOG/err")
    st=$?
    if [ $st -eq 0 ] && cmp -s "$LOG/out" "$dir/$name.out"; then
        pass "$dir/$name (stdin)" >/dev/null
    else
        fail "$(basename "$dir")/$name (stdin): status $st" "$(diff "$dir/$name.out" "$LOG/out" | head -20)" "$(head -5 "$LOG/err")"
    fi
}
for dir in "$SRCDIR/tests/cases" "$SRCDIR/examples"; do
    n=0
    for f in "$dir"/*.nabla; do
        [ -f "$f" ] || continue
        name=$(basename "$f" .nabla)
        [ -f "$dir/$name.out" ] || continue
        run_golden "$dir" "$name"
        n=$((n + 1))
    done
    echo "$(basename "$dir"): $n golden files run from a file and from stdin"
done

# --- bad inputs ---------------------------------------------------------------
dir="$SRCDIR/tests/errors"
for f in "$dir"/*.nabla; do
    [ -f "$f" ] || continue
    name=$(basename "$f" .nabla)
    want_st=1
    [ -f "$dir/$name.status" ] && want_st=$(cat "$dir/$name.status")
    args=""
    [ -f "$dir/$name.args" ] && args=$(cat "$dir/$name.args")
    (cd "$dir" && $VALGRIND "$NABLA" $args "$name.nabla" >"$LOG/out" 2>"$LOG/err")
    st=$?
    ok=1
    [ "$st" = "$want_st" ] || ok=0
    cmp -s "$LOG/err" "$dir/$name.err" || ok=0
    if [ -f "$dir/$name.out" ]; then cmp -s "$LOG/out" "$dir/$name.out" || ok=0; fi
    if [ $ok = 1 ]; then
        pass "errors/$name" >/dev/null
    else
        fail "errors/$name: status $st (want $want_st)" "$(diff "$dir/$name.err" "$LOG/err" | head -10)"
    fi
done
echo "errors: $(ls "$dir"/*.nabla 2>/dev/null | wc -l) bad inputs run"

# --- command line ---------------------------------------------------------------
for t in "$SRCDIR"/tests/cli/*.sh; do
    [ "$(basename "$t")" = lib.sh ] && continue
    (cd "$SRCDIR/tests/cli" && bash -c '. ./lib.sh; . "$1"' _ "$t") >"$LOG/cli.out" 2>&1
    grep -E '^(PASS|FAIL|SKIP) ' "$LOG/cli.out" >>"$results"
    grep -vE '^PASS ' "$LOG/cli.out"
done

npass=$(grep -c '^PASS ' "$results")
nfail=$(grep -c '^FAIL ' "$results")
nskip=$(grep -c '^SKIP ' "$results")
[ "$nskip" -eq 0 ] || echo "$nskip skipped (the SKIP lines above: neither passed nor failed)"
echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ] && [ "$npass" -gt 0 ]
