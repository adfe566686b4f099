#!/bin/sh
# coverage.sh — line coverage of src/ from the gcov counters of a tree built
# with ./configure --enable-coverage. Run by `make coverage` (Makefile.am)
# in the build directory after the suite has run; prints one line per source
# file, lowest coverage first, then the overall figure.
#
# Plain gcov, nothing else: for every object's notes file (*.gcno), run
# from the build directory (sources are named relative to it), gcov writes the annotated source to stdout (-t); a line counts as executable
# when gcov gives it a count, and as covered when some object ran it (a
# source compiled into two objects, such as src/cli/term.c, is merged line by
# line). Lines gcov marks "-" (comments, declarations) count for nothing.
# An object that never ran (no *.gcda) counts all its lines as missed.
set -u
GCOV=${GCOV:-gcov}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
find . -name '*.gcno' | sort | while read -r gcno; do
    "$GCOV" -t -o "$(dirname "$gcno")" "$gcno" 2>/dev/null
done >"$tmp"
[ -s "$tmp" ] || { echo "coverage: no gcov data under $(pwd): configure with --enable-coverage and build" >&2; exit 1; }

awk '
/^ *-: *0:Source:/ {
    f = $0; sub(/^ *-: *0:Source:/, "", f)
    # sources are named as the compiler saw them (src/x.c, ../src/x.c,
    # /abs/path/src/plot/x.c): keep the part from the last "src/" on
    if (f !~ /(^|\/)src\//) { f = ""; next }
    n = split(f, parts, "/")
    for (i = n; i >= 1; i--) if (parts[i] == "src") break
    f = parts[i]; for (j = i + 1; j <= n; j++) f = f "/" parts[j]
    next
}
f == "" { next }
{
    c = $1; sub(/:$/, "", c)
    ln = $2; sub(/:.*/, "", ln); ln += 0
    if (c == "-" || ln == 0) next
    k = f SUBSEP ln
    if (!(k in exe)) { exe[k] = 1; lines[f]++ }
    if (c !~ /^(#####|=====)$/ && !(k in hit)) { hit[k] = 1; covered[f]++ }
}
END {
    for (f in lines) {
        t += lines[f]; h += covered[f]
        printf "%8.1f %%  %6d %6d  %s\n", 100 * covered[f] / lines[f], lines[f] - covered[f], lines[f], f
    }
    printf "TOTAL %.1f %%  %d %d\n", 100 * h / t, t - h, t
}' "$tmp" >"$tmp.sum"
trap 'rm -f "$tmp" "$tmp.sum"' EXIT
echo "line coverage of src/ (gcov), lowest first"
echo "   cover  missed  lines  file"
grep -v '^TOTAL' "$tmp.sum" | sort -n -k1,1 -k4,4
set -- $(grep '^TOTAL' "$tmp.sum")
echo "overall: $2 % of $5 lines ($4 missed) in $(grep -vc '^TOTAL' "$tmp.sum") files"
