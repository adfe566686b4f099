# reference.sh — the documentation is executable: doc/reference.md is what
# doc/gen-reference.sh makes from the help of every name, and every example
# in the help runs and prints exactly what it says ("A -> B").

tmp=$(mktemp)
sh "$SRCDIR/doc/gen-reference.sh" "$NABLA" >"$tmp" 2>/dev/null
if cmp -s "$tmp" "$SRCDIR/doc/reference.md"; then
    echo "PASS cli/reference.md is up to date"
else
    echo "FAIL cli/reference.md is out of date: run sh doc/gen-reference.sh ./nabla > doc/reference.md"
    diff "$SRCDIR/doc/reference.md" "$tmp" | head -10
fi

# in a folder of their own: picture examples write files (to="c.svg")
ref_dir=$(mktemp -d)
grep '^  example: ' "$tmp" | sed 's/^  example: //' | (cd "$ref_dir" && while IFS= read -r ex; do
    case "$ex" in
    *" -> "*)
        stmt=${ex%% -> *}
        want=${ex#* -> }
        check_out "help example: $stmt" 0 "$want" -- nb -e "$stmt"
        ;;
    *)
        check_cmd "help example runs: $ex" -- nb -e "$ex"
        ;;
    esac
done)
rm -rf "$ref_dir"
rm -f "$tmp"
