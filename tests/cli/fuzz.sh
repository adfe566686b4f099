# fuzz.sh — the fuzzing tools stay in step with the program: the libFuzzer
# dictionary is what tests/fuzz/gen-dict.sh makes from nabla's help (every
# built-in, command, keyword and value), and the script generator writes
# scripts. Sourced by tests/run.sh after lib.sh.

tmp=$(mktemp)
sh "$SRCDIR/tests/fuzz/gen-dict.sh" "$NABLA" >"$tmp" 2>/dev/null
if cmp -s "$tmp" "$SRCDIR/tests/fuzz/nabla.dict"; then
    echo "PASS cli/fuzz: nabla.dict is up to date"
else
    echo "FAIL cli/fuzz: tests/fuzz/nabla.dict is out of date: run sh tests/fuzz/gen-dict.sh ./nabla > tests/fuzz/nabla.dict"
    diff "$SRCDIR/tests/fuzz/nabla.dict" "$tmp" | head -10
fi
rm -f "$tmp"
# every built-in is in the dictionary and in the generator's own lists
missing=""
for n in $("$NABLA" -e help | awk '$1 == "functions:" { on = 1; for (i = 2; i <= NF; i++) print $i; next }
                                   on && /^  / { for (i = 1; i <= NF; i++) print $i; next } { on = 0 }'); do
    grep -qx "\"$n\"" "$SRCDIR/tests/fuzz/nabla.dict" || missing="$missing $n(dict)"
    grep -q "\"$n\"" "$SRCDIR/tests/fuzz/gen_scripts.py" || missing="$missing $n(generator)"
done
if [ -z "$missing" ]; then
    echo "PASS cli/fuzz: every built-in in the dictionary and the generator"
else
    echo "FAIL cli/fuzz: built-ins missing:$missing"
fi
if command -v python3 >/dev/null 2>&1; then
    check_cmd fuzz_generator_writes -- bash -c 'python3 "$SRCDIR/tests/fuzz/gen_scripts.py" --nabla "$NABLA" --count 20 --seed 1 --print | grep -q "^# script 19"'
fi
