# interactive_status.sh — `nabla -i FILE` with stdin not a terminal: no one
# sees a prompt, so errors in FILE or in stdin end with status 1 (issue
# 15: it exited 0), as a script would.
tmp=$(mktemp -d)
printf '1/0\n' >"$tmp/bad.nabla"
printf 'x = 2\n' >"$tmp/good.nabla"
check_out i_bad_file 1 "3" -- bash -c 'echo 3 | $VALGRIND "$NABLA" -i "$1"' _ "$tmp/bad.nabla"
check_out i_bad_stdin 1 "" -- bash -c 'echo 1/0 | $VALGRIND "$NABLA" -i "$1"' _ "$tmp/good.nabla"
check_out i_clean 0 "4" -- bash -c 'echo 2x | $VALGRIND "$NABLA" -i "$1"' _ "$tmp/good.nabla"
rm -rf "$tmp"
