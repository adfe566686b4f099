# layout.sh — README's "Layout" holds on this build: no module cycle and
# the folders' one-way order (tests/layout.sh reads the objects with nm).
# The checker itself is tried first on two made-up modules that break
# both rules, so a checker that cannot fail fails here.

layout_selftest() {
    local t st out
    t=$(mktemp -d)
    mkdir -p "$t/src/core" "$t/src/util"
    printf 'int low(int);\nint high(int n) { return n ? low(n - 1) : 0; }\n' >"$t/src/core/high.c"
    printf 'int high(int);\nint low(int n) { return n ? high(n - 1) : 1; }\n' >"$t/src/util/low.c"
    for m in core/high util/low; do
        ${CC:-cc} -c -o "$t/src/$m.o" "$t/src/$m.c" || { rm -rf "$t"; return 1; }
        printf "pic_object='%s.o'\nnon_pic_object='%s.o'\n" "${m#*/}" "${m#*/}" >"$t/src/$m.lo"
    done
    out=$(sh "$SRCDIR/tests/layout.sh" "$t" 2>&1); st=$?
    rm -rf "$t"
    [ "$st" -ne 0 ] &&
        printf '%s\n' "$out" | grep -qx '  cycle: core/high -> util/low (low)' &&
        printf '%s\n' "$out" | grep -qx '  upward: util/low -> core/high (high)' &&
        printf '%s\n' "$out" | grep -q '^FAIL layout/no-cycles: 2 modules$'
}
if layout_selftest; then
    echo "PASS cli/layout-checker finds a cycle and an upward use"
else
    echo "FAIL cli/layout-checker finds a cycle and an upward use"
fi
sh "$SRCDIR/tests/layout.sh" "$BUILDDIR" | sed 's/^\(PASS\|FAIL\) layout/\1 cli\/layout/'
