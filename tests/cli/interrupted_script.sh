# interrupted.sh — Ctrl-C (SIGINT) during a script stops the computation
# with "error: interrupted" at the statement's position and status 1.
# (The prompt's handling of Ctrl-C is tested in tests/repl.)

int_tmp=$(mktemp -d)
{
    echo 'set precision 200000'
    printf 'sin(1)'
    for i in $(seq 2 3000); do printf '*sin(%d)' "$i"; done
    echo
    echo '"not reached"'
} >"$int_tmp/long.nabla"

$VALGRIND "$NABLA" "$int_tmp/long.nabla" >"$int_tmp/out" 2>"$int_tmp/err" &
int_pid=$!
sleep 3
kill -INT "$int_pid" 2>/dev/null
wait "$int_pid"
int_st=$?
if [ "$int_st" = 1 ] && grep -q '^.*long.nabla:2:[0-9]*: error: interrupted$' "$int_tmp/err" \
   && ! grep -q 'not reached' "$int_tmp/out"; then
    echo "PASS cli/interrupted_script"
else
    echo "FAIL cli/interrupted_script: status $int_st"
    head -3 "$int_tmp/err"
fi
rm -rf "$int_tmp"
