# layout.sh — README's "Layout" holds on this build: no module cycle and
# the folders' one-way order, for calls (tests/layout.sh reads the
# objects with nm) and for includes.
# The checker itself is tried first on two made-up modules that break
# the rules, so a checker that cannot fail fails here.

layout_selftest() {
    local t st out
    t=$(mktemp -d)
    mkdir -p "$t/src/core" "$t/src/util"
    printf 'int low(int);\nint high(int n) { return n ? low(n - 1) : 0; }\n' >"$t/src/core/high.c"
    printf 'int high(int);\n' >"$t/src/core/high_internal.h"
    printf '#include "core/high_internal.h"\nint low(int n) { return n ? high(n - 1) : 1; }\n' >"$t/src/util/low.c"
    for m in core/high util/low; do
        ${CC:-cc} -I"$t/src" -c -o "$t/src/$m.o" "$t/src/$m.c" || { rm -rf "$t"; return 1; }
        printf "pic_object='%s.o'\nnon_pic_object='%s.o'\n" "${m#*/}" "${m#*/}" >"$t/src/$m.lo"
    done
    out=$(sh "$SRCDIR/tests/layout.sh" "$t" "$t" 2>&1); st=$?
    rm -rf "$t"
    [ "$st" -ne 0 ] &&
        printf '%s\n' "$out" | grep -qx '  cycle: core/high -> util/low (low)' &&
        printf '%s\n' "$out" | grep -qx '  upward: util/low -> core/high (high)' &&
        printf '%s\n' "$out" | grep -q '^FAIL layout/no-cycles: 2 modules$' &&
        printf '%s\n' "$out" | grep -qx '  upward include: util/low.c -> core/high_internal.h'
}
if layout_selftest; then
    echo "PASS cli/layout-checker finds a cycle, an upward use and an upward include"
else
    echo "FAIL cli/layout-checker finds a cycle, an upward use and an upward include"
fi
sh "$SRCDIR/tests/layout.sh" "$BUILDDIR" "$SRCDIR" | sed 's/^\(PASS\|FAIL\) layout/\1 cli\/layout/'
