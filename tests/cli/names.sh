# names.sh — issue 16's command-line pieces: `nabla -` reads the script
# from stdin, notes on digits the precision does not hold, clear and load
# under -e, help NAME with its example's real output, the man page's
# options. Sourced by tests/run.sh after lib.sh.

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'a = 5\na + 1\n' >"$tmp/lib.nabla"

# --- nabla - ----------------------------------------------------------------------
check_out dash_stdin 0 "3" -- bash -c 'printf "1 + 2\n" | $VALGRIND "$NABLA" -'
check_out dash_between 0 $'2\n20\n21' -- bash -c 'printf "x * 10\n" | $VALGRIND "$NABLA" -e "x = 2; x" - -e "x*10 + 1"'
check_err dash_stdin_name 1 $'<stdin>:1:2: error: division by zero\n    1/0\n     ^' -- bash -c 'printf "1/0\n" | $VALGRIND "$NABLA" -'

# --- digits the precision does not hold -----------------------------------------
note50=$'note: a double holds 17 significant digits: floats show at most 40, and digits past the 17th are the binary value\'s; `set precision 168` for 50 that hold'
check_err digits_note_double 0 "$note50" -- nb -e 'set digits 50'
check_err digits_note_option 0 "$note50" -- nb --digits=50 -e '1'
check_err digits_note_20 0 $'note: a double holds 17 significant digits: digits past the 17th are the binary value\'s; `set precision 68` for 20 that hold' -- nb -e 'set digits 20'
check_err digits_no_note_17 0 "" -- nb -e 'set digits 17'
check_err digits_note_mpfr 0 $'note: 64 bits hold about 21 significant digits; `set precision 168` for 50 that hold' -- nb -e 'set precision 64' -e 'set digits 50'
check_err digits_no_note_after_precision 0 "" -- nb -e 'set precision 200' -e 'set digits 50'
# ceil(50 log2 10) + 1 = 168 bits hold 50 digits: 2^-167 < 10^-50
check_out digits_precision_enough 0 "3.1415926535897932384626433832795028841971693993751" -- nb --precision=168 --digits=50 -e 'float(pi)'

# --- clear and load in scripts ------------------------------------------------------
check_out clear_all_in_e 0 "no variables defined" -- nb -e 'a = 1; f(x) = x; clear; vars'
check_out clear_all_functions 0 "no functions defined" -- nb -e 'f(x) = x; clear' -e 'funcs'
check_out load_no_echo 0 "6" -- bash -c 'cd "$1" && $VALGRIND "$NABLA" -e "load \"lib.nabla\""' _ "$tmp"
check_out quit_call 0 "1" -- nb -e '1; quit(); 2'
check_out exit_call 0 "1" -- nb -e '1; exit(); 2'
check_out exit_word 0 "1" -- nb -e '1' -e 'exit' -e '2'

# --- help NAME: the example and its real output --------------------------------------
check_out help_example_output 0 $'  example: sigmoid(1)\n    0.7310585786300049' -- bash -c '$VALGRIND "$NABLA" -e "help sigmoid" | tail -n 2'
check_out help_keywords 0 $'  keywords: h, method, prec, error, var, step\n    method: forward backward central five-point richardson complex-step\n    error: true false' -- bash -c '$VALGRIND "$NABLA" -e "help nderiv" | grep -A2 "^  keywords:"'
check_out help_picture_not_run 0 '    (writes c.svg; help does not run it)' -- bash -c 'cd "$1" && $VALGRIND "$NABLA" -e "help contour" | tail -n 1' _ "$tmp"
check_cmd help_wrote_nothing -- test ! -e "$tmp/c.svg"
# the example runs at the default settings, whatever the session's
check_out help_example_default_settings 0 '    0.7310585786300049' -- bash -c '$VALGRIND "$NABLA" --digits=5 -e "help sigmoid" | tail -n 1'

# --- the man page lists every option, short and long ----------------------------------
man="$SRCDIR/doc/nabla.1"
for pair in 'e:eval' 'i:interactive' 'q:quiet' 'k:keep\-going' 'h:help' 'V:version'; do
    line=".BR \\-${pair%%:*} \", \" \\-\\-${pair#*:}"
    if grep -qF -- "$line" "$man"; then
        echo "PASS cli/man page: -${pair%%:*}, --${pair#*:}"
    else
        echo "FAIL cli/man page lacks: $line"
    fi
done
