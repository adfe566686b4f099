# jsonl.sh — --format=json is JSON Lines (SPEC §9, issue 16): every line of
# every example script's output is one compact JSON object with a "command"
# key, checked by jsonl_check (a small RFC 8259 parser, tests/cli/
# jsonl_check.c: no jq or Python needed). figures.nabla writes pictures, so
# it runs in a temporary folder.

jl="$BUILDDIR/tests/cli/jsonl_check"
jl_tmp=$(mktemp -d)
for ex in "$SRCDIR"/examples/*.nabla; do
    name=$(basename "$ex" .nabla)
    (cd "$jl_tmp" && $VALGRIND "$NABLA" --format=json "$ex" >"$name.jsonl" 2>/dev/null)
    st=$?
    if [ "$st" = 0 ] && [ -s "$jl_tmp/$name.jsonl" ] &&
       "$jl" <"$jl_tmp/$name.jsonl" >"$jl_tmp/$name.why"; then
        echo "PASS cli/jsonl-example-$name"
    else
        echo "FAIL cli/jsonl-example-$name: status $st; $(cat "$jl_tmp/$name.why" 2>/dev/null)"
    fi
done
rm -rf "$jl_tmp"

# the checker itself rejects what is not JSON Lines
check_out jsonl-checker-ok 0 "2 documents" -- bash -c 'printf "%s\n" "{\"command\":\"value\",\"value\":[1,null,\"a\\\\n\",-2.5e-3,true]}" "{\"command\":\"x\",\"rows\":[{}],\"summary\":{}}" | "$BUILDDIR/tests/cli/jsonl_check"'
check_out jsonl-checker-two-lines 1 "line 1, column 12: not one JSON object" -- bash -c 'printf "{\"command\":\n1}\n" | "$BUILDDIR/tests/cli/jsonl_check"'
check_out jsonl-checker-no-command 1 "line 1, column 12: no \"command\" key" -- bash -c 'printf "{\"value\":1}\n" | "$BUILDDIR/tests/cli/jsonl_check"'
check_out jsonl-checker-dash 1 "line 1, column 13: not one JSON object" -- bash -c 'printf "{\"command\":-}\n" | "$BUILDDIR/tests/cli/jsonl_check"'

# every kind of statement is a document: values (naming the command that
# made them), assignments echoed, function definitions listed, help,
# tables, pictures; a script's stream stays one document a line
check_out jsonl-statements 0 '{"command":"value","value":"1/3"}
{"command":"nderiv","value":6.000000000039306}
{"command":"diff","value":"2*x"}
{"command":"function","name":"f","params":["x"],"body":"x^2"}
{"command":"vars","rows":[{"name":"p","value":2}],"summary":{}}' -- nb --format=json -e '1/3' -e 'nderiv(x^2, 3, h=1e-5)' -e 'diff(x^2, x)' -e 'f(x) = x^2' -e 'p = 2' -e funcs -e vars
check_out jsonl-help 0 '{"command":"help","topic":"pi","text":"pi: pi = 3.14159..., the ratio of a circle'"'"'s circumference to its diameter\n"}' -- nb --format=json -e 'help pi'
