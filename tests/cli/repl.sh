# repl.sh — the prompt on a pseudo-terminal (script(1) from util-linux):
# echo of assignments, Ctrl-C while typing clears the line, tab
# completion, multi-line input, history in $HOME/.nabla_history, Ctrl-D.
# Keys are typed with pauses so readline sees them one line at a time.

repl_d=0.3
[ -n "$VALGRIND" ] && repl_d=3
repl_home=$(mktemp -d)

repl_keys() {
    sleep "$repl_d"; sleep "$repl_d"
    printf 'x = 2\r'; sleep "$repl_d"
    printf 'x^2\r'; sleep "$repl_d"
    printf 'abc'; sleep "$repl_d"
    printf '\003'; sleep "$repl_d"
    printf '1+1\r'; sleep "$repl_d"
    printf 'sigmo\t(0)\r'; sleep "$repl_d"
    printf '(1 +\r'; sleep "$repl_d"
    printf '2)\r'; sleep "$repl_d"
    printf '1/0\r'; sleep "$repl_d"
    printf 'x + 5\r'; sleep "$repl_d"
    printf '\004'; sleep "$repl_d"
}

if command -v script >/dev/null 2>&1; then
    repl_strip() { tr -d '\r' | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g'; }
    repl_out=$(repl_keys | HOME=$repl_home script -qec "$VALGRIND $NABLA" /dev/null | repl_strip)
    repl_st=$?
    repl_ok() { # name, a whole line expected in the output
        if grep -qxF -- "$2" <<<"$repl_out"; then echo "PASS cli/repl_$1"; else
            echo "FAIL cli/repl_$1: no '$2' in:"; printf '%s\n' "$repl_out" | cat -v | head -30; fi
    }
    repl_ok banner "nabla $($NABLA --version | cut -d' ' -f2). Type 'help' for help, Ctrl-D to quit."
    repl_ok prompt "> x = 2"
    repl_ok echo_assignment "x = 2"
    repl_ok value "4"
    repl_ok ctrl_c_clears_line "> abc^C"
    repl_ok after_ctrl_c "2"
    repl_ok completion "> sigmoid (0)"
    repl_ok completion_value "1/2"
    repl_ok multiline "... 2)"
    repl_ok multiline_value "3"
    repl_ok error_continues "<stdin>:1:2: error: division by zero"
    repl_ok after_error "7"
    if [ "$repl_st" = 0 ]; then echo "PASS cli/repl_ctrl_d_status"; else echo "FAIL cli/repl_ctrl_d_status: $repl_st"; fi
    if grep -qx 'x^2' "$repl_home/.nabla_history" && grep -qx '2)' "$repl_home/.nabla_history" \
       && ! grep -q abc "$repl_home/.nabla_history"; then
        echo "PASS cli/repl_history"
    else
        echo "FAIL cli/repl_history"; cat "$repl_home/.nabla_history"
    fi
    # no HOME: no history file, but the prompt works
    repl_out=$( { sleep "$repl_d"; sleep "$repl_d"; printf '6*7\r'; sleep "$repl_d"; printf '\004'; sleep "$repl_d"; } |
        env -u HOME script -qec "$VALGRIND $NABLA" /dev/null | repl_strip)
    repl_ok no_home "42"
else
    echo "PASS cli/repl_skipped_without_script"
fi
rm -rf "$repl_home"
