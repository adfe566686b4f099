# limits.sh — resources that grow with the input stay linear or bounded
# (issue 15). Timeouts are generous (a quadratic path takes minutes).
tmp=$(mktemp -d)

# 200000 definitions in a few seconds: names are hashed (src/util/nametab.c),
# they were looked up one by one (90 s).
n=200000
[ -n "$VALGRIND" ] && n=20000
awk -v n=$n 'BEGIN { for (i = 0; i < n; i++) print "v" i " = " i;
                     print "v0 + v" n - 1; print "v" n - 1 " = 1"; print "v" n - 1 }' >"$tmp/defs.nabla"
check_out definitions_linear 0 "$((n - 1))
1" -- timeout 60 $VALGRIND "$NABLA" "$tmp/defs.nabla"

# MPC's atan and atanh at tiny arguments took seconds (complex-step of
# atan2(1e4000, t) at 256 bits: 15 s in hstudy); atan(z) = z there. The
# derivative is -1e4000/(t^2 + 1e8000), -1e-4000 to 256 bits at t = 2.
check_out atan_tiny_complex_step 0 "-1e-4000
1e-4000
1e-4000" -- timeout 20 $VALGRIND "$NABLA" \
    -e 'nderiv(atan2(1e4000, t), 2, method="complex", prec=256)' \
    -e 'nderiv(atan(1e-4000*t), 2, method="complex", prec=256)' \
    -e 'nderiv(atanh(1e-4000*t), 2, method="complex", prec=256)'
check_cmd hstudy_atan2_huge -- timeout 20 $VALGRIND "$NABLA" \
    -e 'hstudy(atan2(1e4000, t), 2, prec=256)'

# At the limits the slow functions still answer, within a few seconds.
check_cmd gamma_at_its_limit -- timeout 30 $VALGRIND "$NABLA" \
    --precision=8192 -e 'gamma(1/3)' -e 'lgamma(1/3)'
check_cmd erf_at_its_limit -- timeout 30 $VALGRIND "$NABLA" \
    --precision=32768 -e 'erf(1/3)' -e 'erfc(1/3)'

rm -rf "$tmp"
