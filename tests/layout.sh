#!/bin/sh
# layout.sh BUILDDIR [SRCDIR] — the architecture of README's "Layout",
# checked on the built objects: which module (source file) calls which,
# from the symbols each object defines and uses (nm). Properties:
#   * no cycle between modules: A uses B and B uses A, directly or not;
#   * the folders' one-way order: a module uses only modules of its own
#     folder or of folders before it in LAYERS (the order README gives);
#   * with SRCDIR, the same for includes: no "folder/x.h" of a later
#     folder, and no other folder's *_internal.h (the public headers,
#     include/nabla/, are the contracts anyone may include).
# Prints one PASS/FAIL line per property, and each offending edge.
set -u
build=$1
srcdir=${2:-}
LAYERS=${LAYERS:-"util mathfn front core print exec series numeric descent plot session cli"}

# object files of the library and the program, with their module names
# (src/core/eval.c -> core/eval), found through libtool's .lo files
objects() {
    find "$build/src" -name '*.lo' | while read -r lo; do
        d=$(dirname "$lo")
        o=$(sed -n "s/^pic_object='\(.*\)'/\1/p" "$lo")
        [ -f "$d/$o" ] || o=$(sed -n "s/^non_pic_object='\(.*\)'/\1/p" "$lo")
        echo "$d/$o"
    done
    for o in "$build"/src/cli/*.o; do
        case $o in *tests_*) ;; *) [ -f "$o" ] && echo "$o" ;; esac
    done
}
objs=$(objects)
[ -n "$objs" ] || { echo "FAIL layout: no objects under $build/src"; exit 1; }
for o in $objs; do
    m=$(echo "$o" | sed -e "s|^$build/src/||" -e 's|/\.libs/|/|' \
                        -e 's|libnabla_core_la-||' -e 's|\.o$||')
    nm "$o" | awk -v m="$m" 'NF == 3 && $2 ~ /^[TDBRC]$/ { print "D", m, $3 }
                              NF == 2 && $1 == "U" { print "U", m, $2 }'
done | awk -v layers="$LAYERS" '
function folder(m) { return substr(m, 1, index(m, "/") - 1) }
$1 == "D" { def[$3] = $2; mods[$2] = 1; next }
{ use[++n] = $2 SUBSEP $3; mods[$2] = 1 }
END {
    k = split(layers, L, " ")
    for (i = 1; i <= k; i++) rank[L[i]] = i
    for (i = 1; i <= n; i++) {
        split(use[i], p, SUBSEP)
        b = def[p[2]]
        if (b == "" || b == p[1]) continue
        if (!((p[1], b) in edge)) why[p[1], b] = p[2]
        edge[p[1], b] = 1; reach[p[1], b] = 1
    }
    for (w in mods) for (u in mods) if ((u, w) in reach)
        for (v in mods) if ((w, v) in reach) reach[u, v] = 1
    bad = 0
    for (e in edge) {
        split(e, p, SUBSEP)
        if ((p[2], p[1]) in reach) {
            print "  cycle: " p[1] " -> " p[2] " (" why[e] ")"; bad++
        }
    }
    printf "%s layout/no-cycles: %d modules\n", bad ? "FAIL" : "PASS", length(mods)
    bad2 = 0
    for (e in edge) {
        split(e, p, SUBSEP)
        fa = folder(p[1]); fb = folder(p[2])
        if (!(fa in rank) || !(fb in rank)) {
            print "  unknown folder: " p[1] " -> " p[2]; bad2++
        } else if (rank[fa] < rank[fb]) {
            print "  upward: " p[1] " -> " p[2] " (" why[e] ")"; bad2++
        }
    }
    printf "%s layout/one-way: %s\n", bad2 ? "FAIL" : "PASS", layers
    exit (bad || bad2)
}'
st=$?
[ -n "$srcdir" ] || exit $st

# includes of one folder's headers by another
bad=0
for f in "$srcdir"/src/*/*.[ch]; do
    [ -f "$f" ] || continue
    mine=$(basename "$(dirname "$f")")
    sed -n 's/^#include "\([a-z_]*\)\/\([a-z_0-9]*\.h\)".*/\1 \2/p' "$f" |
    while read -r d h; do
        case " $LAYERS " in *" $d "*) ;; *) continue ;; esac # nabla/: public
        r_mine=$(echo " $LAYERS " | sed "s/ $mine .*//" | wc -w)
        r_d=$(echo " $LAYERS " | sed "s/ $d .*//" | wc -w)
        if [ "$r_d" -gt "$r_mine" ]; then
            echo "  upward include: ${f#"$srcdir"/src/} -> $d/$h"
        elif [ "$d" != "$mine" ] && case $h in *_internal.h) true ;; *) false ;; esac; then
            echo "  private include: ${f#"$srcdir"/src/} -> $d/$h"
        fi
    done
done >"${TMPDIR:-/tmp}/layout.$$"
if [ -s "${TMPDIR:-/tmp}/layout.$$" ]; then
    cat "${TMPDIR:-/tmp}/layout.$$"; bad=1
    echo "FAIL layout/includes: later folders' headers or others' *_internal.h"
else
    echo "PASS layout/includes: no later folder's header, no other's *_internal.h"
fi
rm -f "${TMPDIR:-/tmp}/layout.$$"
[ "$st" -eq 0 ] && [ "$bad" -eq 0 ]
