# reference.sh — the documentation is executable: doc/reference.md is what
# doc/gen-reference.sh makes from the help of every name, and every example
# help shows runs, and prints exactly the output help shows under it (help
# runs it in a scratch session; here it runs as `nabla -e EXAMPLE`).
# Examples that write a picture file (to=) are not run by help: here they
# run in a folder of their own and must write their file.

tmp=$(mktemp)
sh "$SRCDIR/doc/gen-reference.sh" "$NABLA" >"$tmp" 2>/dev/null
if cmp -s "$tmp" "$SRCDIR/doc/reference.md"; then
    echo "PASS cli/reference.md is up to date"
else
    echo "FAIL cli/reference.md is out of date: run sh doc/gen-reference.sh ./nabla > doc/reference.md"
    diff "$SRCDIR/doc/reference.md" "$tmp" | head -10
fi

# one file pair per example: N.stmt, N.want (help's output, unindented)
ref_dir=$(mktemp -d)
awk -v dir="$ref_dir" '
    /^  example: / { n++; ex = 1; sub(/^  example: /, "");
                     printf "%s", $0 > (dir "/" n ".stmt"); close(dir "/" n ".stmt");
                     printf "" > (dir "/" n ".want"); next }
    ex && /^    / { sub(/^    /, ""); print >> (dir "/" n ".want"); next }
    ex && /^$/ { print "" >> (dir "/" n ".want"); next }
    { if (ex) close(dir "/" n ".want"); ex = 0 }' "$tmp"
count=0
for s in "$ref_dir"/*.stmt; do
    [ -e "$s" ] || continue
    count=$((count + 1))
    stmt=$(cat "$s")
    want=$(cat "${s%.stmt}.want")
    case "$want" in
    "(writes "*"; help does not run it)")
        file=${want#(writes }
        file=${file%%;*}
        rm -f "$ref_dir/$file"
        (cd "$ref_dir" && nb -e "$stmt" >/dev/null 2>&1)
        if [ $? -eq 0 ] && [ -s "$ref_dir/$file" ]; then
            echo "PASS cli/help example writes $file: $stmt"
        else
            echo "FAIL cli/help example writes $file: $stmt"
        fi
        ;;
    *"example failed:"*)
        echo "FAIL cli/help example fails: $stmt"
        printf '  %s\n' "$want"
        ;;
    *)
        check_out "help example shows its real output: $stmt" 0 "$want" -- nb -e "$stmt"
        ;;
    esac
done
# the examples are there: every command and built-in has one
if [ "$count" -ge 50 ]; then
    echo "PASS cli/help shows $count examples"
else
    echo "FAIL cli/help shows only $count examples"
fi
rm -rf "$ref_dir"
rm -f "$tmp"

# built-in rows still say what their example prints ("sin(0) -> 0"): help
# shows the real output instead, and the claim must agree with it
grep -o '"[^"]* -> [^"]*"' "$SRCDIR/src/core/builtins.c" | sed 's/^"//; s/"$//' |
while IFS= read -r ex; do
    check_out "built-in example: $ex" 0 "${ex#* -> }" -- nb -e "${ex%% -> *}"
done
