#!/bin/sh
# installcheck.sh SRCDIR LIBDIR [DESTDIR] — `make installcheck`: build the embedding
# example (examples/embed/derivative.c) against the INSTALLED library with
# `pkg-config --cflags --libs nabla` alone, run it and check what it prints.
# Expected: the derivative as README shows it; the value f'(1) =
# (cos 1 - sin 1)*exp(-1/2) from that closed form (mpmath 1.3 at 80 digits:
# -0.18266803752211297343954866921740845641296822985404082...).
set -eu
srcdir=$1 destdir=${3:-}
libdir=$destdir$2
: "${CC:=cc}" "${PKG_CONFIG:=pkg-config}"
PKG_CONFIG_PATH=$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
export PKG_CONFIG_PATH
# installed under DESTDIR: nabla.pc's paths are read inside it
[ -z "$destdir" ] || { PKG_CONFIG_SYSROOT_DIR=$destdir; export PKG_CONFIG_SYSROOT_DIR; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
flags=$($PKG_CONFIG --cflags --libs nabla)
echo "$CC derivative.c $flags"
$CC -std=c11 -Wall -Wextra -Werror "$srcdir/examples/embed/derivative.c" \
    $flags -o "$tmp/derivative"
LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
    "$tmp/derivative" >"$tmp/out"
cat "$tmp/out"
fail=0
line() { sed -n "$1p" "$tmp/out"; }
[ "$(line 1)" = "f'(x) = (cos(x) - x*sin(x))*exp(-x^2/2)" ] ||
    { echo "FAIL installcheck: derivative text"; fail=1; }
# double: within 4 ulps of the closed form (|f'(1)| < 0.25: ulp 2^-55)
echo "$(line 2)" | awk '{ v = $3 + 0; r = -0.18266803752211297343954866921740845641296822985404
                          exit !($1 == "f'"'"'(1)" && (v - r < 1.2e-16 && r - v < 1.2e-16)) }' ||
    { echo "FAIL installcheck: f'(1) in double"; fail=1; }
[ "$(line 3)" = "f'(1) = -0.18266803752211297343954866921740845641296822985404 (200 bits)" ] ||
    { echo "FAIL installcheck: f'(1) in MPFR"; fail=1; }
[ $fail = 0 ] && echo "PASS installcheck: the example built against the installed library"
exit $fail
