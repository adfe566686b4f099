# session.sh — the command line of SPEC §1: -e, files, stdin, -i, options,
# exit statuses, write errors. Sourced by tests/run.sh after lib.sh.

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'x = 2\n' >"$tmp/a.nabla"
printf 'x * 10\n' >"$tmp/b.nabla"
printf '1/0\n' >"$tmp/bad.nabla"
printf '1 + 1\r\n2\r\n' >"$tmp/crlf.nabla"
printf '1 + 1' >"$tmp/nonl.nabla"
: >"$tmp/empty.nabla"
printf 'y = 7\n' >"$tmp/lib.nabla"
try_help="Try 'nabla --help' for more information."

# --- -e ---------------------------------------------------------------------
check_out e_single 0 "3" -- nb -e '1 + 2'
check_out e_long_form 0 "3" -- nb --eval='1 + 2'
check_out e_multiple 0 $'3\n4' -- nb -e 'x = 3' -e 'x' -e 'x + 1'
check_out e_semicolons 0 $'1\n2' -- nb -e '1; 2'
check_out e_functions_persist 0 "9" -- nb -e 'f(x) = x^2' -e 'f(3)'
check_out e_empty 0 "" -- nb -e ''
check_err e_name_in_diagnostics 1 $'-e:1:2: error: division by zero\n    1/0\n     ^' -- nb -e '1/0'
check_err e_second_line 1 $'-e:2:1: error: unknown function \'sine\'; did you mean \'sin\'?\n    sine(1)\n    ^' -- nb -e $'1\nsine(1)'

# --- files and stdin ---------------------------------------------------------
check_out files_in_order 0 "20" -- nb "$tmp/a.nabla" "$tmp/b.nabla"
check_out e_then_files 0 "20" -- nb -e 'x = 2' "$tmp/b.nabla"
check_out files_then_e 0 "3" -- nb "$tmp/a.nabla" -e 'x + 1'
check_out double_dash 0 "20" -- nb -e 'x = 2' -- "$tmp/b.nabla"
check_out crlf_file 0 $'2\n2' -- nb "$tmp/crlf.nabla"
check_out no_final_newline 0 "2" -- nb "$tmp/nonl.nabla"
check_out empty_file 0 "" -- nb "$tmp/empty.nabla"
check_out stdin_script 0 "3" -- bash -c 'printf "1 + 2\n" | $VALGRIND "$NABLA"'
check_out stdin_empty 0 "" -- bash -c '$VALGRIND "$NABLA" </dev/null'
check_err stdin_name 1 $'<stdin>:2:2: error: division by zero\n    1/0\n     ^' -- bash -c 'printf "1\n1/0\n" | $VALGRIND "$NABLA"'
check_out load_statement 0 "7" -- bash -c 'cd "$1" && $VALGRIND "$NABLA" -e "load \"lib.nabla\"" -e y' _ "$tmp"

# --- errors and exit statuses ---------------------------------------------------
check_out stop_at_first_error 1 "1" -- nb -e '1; 1/0; 3'
check_out stop_across_sources 1 "1" -- nb -e '1' -e '1/0' -e '3'
check_out stop_across_files 1 "" -- nb "$tmp/bad.nabla" "$tmp/a.nabla" -e 'x'
check_out keep_going 1 $'1\n3' -- nb --keep-going -e '1; 1/0; 3'
check_out keep_going_sources 1 $'1\n3' -- nb -k -e '1' -e '1/0' -e '3'
check_out quit_ends_run 0 "1" -- nb -e '1; quit; 2' -e '3'
check_out quit_keeps_failure 1 "" -- nb -k -e '1/0' -e 'quit' -e '3'
check_err missing_file 2 "nabla: error: cannot read '$tmp/none.nabla': No such file or directory" -- nb "$tmp/none.nabla"
check_err directory 2 "nabla: error: cannot read '$tmp': Is a directory" -- nb "$tmp"
check_out missing_file_stops 2 "" -- nb "$tmp/none.nabla" "$tmp/a.nabla"

# --- options -------------------------------------------------------------------------
check_cmd help_exits_0 -- nb --help
check_cmd help_short -- nb -h
check_cmd help_mentions_precision -- bash -c '$VALGRIND "$NABLA" --help | grep -q -- "--precision=BITS|double"'
check_cmd version_exits_0 -- bash -c '$VALGRIND "$NABLA" --version | grep -qE "^nabla [0-9]+\.[0-9]+"'
check_err unknown_option 2 $'nabla: error: unknown option \'--frobnicate\'\n'"$try_help" -- nb --frobnicate
check_err unknown_short_option 2 $'nabla: error: unknown option \'-z\'\n'"$try_help" -- nb -z
check_err missing_argument 2 $'nabla: error: option \'-e\' needs an argument\n'"$try_help" -- nb -e
check_err bad_precision 2 $'nabla: error: invalid precision \'abc\' (a number of bits from 2 to 1048576, or double)\n'"$try_help" -- nb --precision=abc -e 1
check_err bad_format 2 $'nabla: error: invalid format \'yaml\' (text, csv, json, html or markdown)\n'"$try_help" -- nb --format=yaml -e 1
check_out precision_double 0 "0.1" -- nb --precision=double -e 'float(0.1)'
check_out precision_2_bits 0 "0.4" -- nb --precision=2 -e 'float(1/3)'
check_out precision_exact_unchanged 0 "1/3" -- nb --precision=64 -e '1/3'
check_out digits 0 "3.14" -- nb --digits=3 -e 'pi'
check_out format_json 0 '{"command":"value","value":0.5}' -- nb --format=json -e '0.5'
check_out format_csv 0 '"[1, 2]"' -- nb --format=csv -e '[1, 2]'
check_out quiet_no_color 0 "2" -- nb --quiet --no-color -e '1 + 1'
check_out no_color_env 0 "2" -- env NO_COLOR=1 "$NABLA" -e '1 + 1'
check_out options_after_files 0 "0.4" -- nb -e 'float(1/3)' --precision=2

# --- -i: a file, then the prompt (here without a terminal: no prompt
# --- string; assignments echo; errors do not end the session) ---------------------
check_out interactive_echo 0 $'x = 5\n10\nf(t) = t^2' -- bash -c 'printf "x = 5\nx*2\nf(t) = t^2\n" | $VALGRIND "$NABLA" -i /dev/null'
check_out interactive_file_first 0 "20" -- bash -c 'printf "x * 10\n" | $VALGRIND "$NABLA" -i "$1"' _ "$tmp/a.nabla"
check_out interactive_errors_continue 1 "2" -- bash -c 'printf "1/0\n2\n" | $VALGRIND "$NABLA" -i /dev/null'
check_out interactive_multiline 0 "3" -- bash -c 'printf "(1 +\n 2)\n" | $VALGRIND "$NABLA" -i /dev/null'
check_out interactive_quit 0 "1" -- bash -c 'printf "1\nquit\n2\n" | $VALGRIND "$NABLA" -i /dev/null'

# --- output errors --------------------------------------------------------------------
check_err dev_full 1 "nabla: error: cannot write the output: No space left on device" -- bash -c '$VALGRIND "$NABLA" -e "2^200" >/dev/full'
check_err dev_full_help 1 "nabla: error: cannot write the output: No space left on device" -- bash -c '$VALGRIND "$NABLA" --help >/dev/full'
check_out stdout_only_results 0 "1" -- bash -c '$VALGRIND "$NABLA" -k -e "1; 1/0" 2>/dev/null; true'

# --- tables in the machine-readable formats (SPEC §9): one JSON document
# --- per command; CSV rows on stdout, notes on stderr ---------------------------
check_cmd json_table_one_document -- bash -c 'out=$($VALGRIND "$NABLA" --format=json -e "descend(x^2, 1, steps=2)") &&
    [[ $out == "{\"command\":\"descend\",\"rows\":["* ]] && [[ $out == *"}}" ]] &&
    [ "$(wc -l <<<"$out")" = 1 ]'
check_cmd csv_table_header -- bash -c '[ "$($VALGRIND "$NABLA" --format=csv -e "descend(x^2, 1, steps=2)" 2>/dev/null | head -1)" = "step,x,f,grad_norm" ]'
check_cmd csv_notes_on_stderr -- bash -c '$VALGRIND "$NABLA" --format=csv -e "descend(x^2, 1, steps=2)" 2>&1 >/dev/null | grep -q "step limit"'
check_cmd command_value_assigned -- bash -c '[ "$($VALGRIND "$NABLA" -e "p = descend(x^2, 1, steps=2)" -e "p" 2>/dev/null | tail -1)" = 0.64 ]'
