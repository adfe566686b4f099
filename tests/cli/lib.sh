# lib.sh — helpers for command-line tests (sourced by tests/run.sh for each
# tests/cli/*.sh). Every check prints "PASS ..." or "FAIL ...".
#
#   check_out NAME WANT_STATUS WANT_STDOUT -- COMMAND...
#       runs COMMAND, compares exit status and stdout exactly.
#   check_err NAME WANT_STATUS WANT_STDERR -- COMMAND...
#       runs COMMAND, compares exit status and stderr exactly.
#   check_cmd NAME -- COMMAND...      passes when COMMAND exits 0.
# $NABLA is the program under test; $VALGRIND, when set, wraps it.

nb() { $VALGRIND "$NABLA" "$@"; }

_cli_run() { # sets _out _err _st
    local tmp_o tmp_e
    tmp_o=$(mktemp) tmp_e=$(mktemp)
    "$@" >"$tmp_o" 2>"$tmp_e" </dev/null
    _st=$?
    _out=$(cat "$tmp_o"; printf x); _out=${_out%x}
    _err=$(cat "$tmp_e"; printf x); _err=${_err%x}
    rm -f "$tmp_o" "$tmp_e"
}

_cli_strip() { printf '%s' "${1%$'\n'}"; }

check_out() {
    local name=$1 want_st=$2 want=$3; shift 4
    _cli_run "$@"
    if [ "$_st" = "$want_st" ] && [ "$(_cli_strip "$_out")" = "$(_cli_strip "$want")" ]; then
        echo "PASS cli/$name"
    else
        echo "FAIL cli/$name: status $_st (want $want_st)"
        printf '  got stdout: %s\n  want stdout: %s\n  stderr: %s\n' "$_out" "$want" "$_err"
    fi
}

check_err() {
    local name=$1 want_st=$2 want=$3; shift 4
    _cli_run "$@"
    if [ "$_st" = "$want_st" ] && [ "$(_cli_strip "$_err")" = "$(_cli_strip "$want")" ]; then
        echo "PASS cli/$name"
    else
        echo "FAIL cli/$name: status $_st (want $want_st)"
        printf '  got stderr: %s\n  want stderr: %s\n' "$_err" "$want"
    fi
}

check_cmd() {
    local name=$1; shift 2
    if "$@" >/dev/null 2>&1; then echo "PASS cli/$name"; else echo "FAIL cli/$name"; fi
}
