# limits.sh — resources that grow with the input stay linear or bounded
# (issue 15). Timeouts are generous (a quadratic path takes minutes).
tmp=$(mktemp -d)

# 200000 definitions in a few seconds: names are hashed (src/nametab.c),
# they were looked up one by one (90 s).
n=200000
[ -n "$VALGRIND" ] && n=20000
awk -v n=$n 'BEGIN { for (i = 0; i < n; i++) print "v" i " = " i;
                     print "v0 + v" n - 1; print "v" n - 1 " = 1"; print "v" n - 1 }' >"$tmp/defs.nabla"
check_out definitions_linear 0 "$((n - 1))
1" -- timeout 60 $VALGRIND "$NABLA" "$tmp/defs.nabla"

rm -rf "$tmp"
