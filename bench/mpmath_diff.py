#!/usr/bin/env python3
# mpmath_diff.py -- the peer of nabla's richardson in MPFR: mpmath.diff
# (central difference at doubled working precision, mpmath's default) on
# functions written in nabla's syntax, CPU time per call.
#
# Usage: mpmath_diff.py PREC CALLS 'f(x)@x0' ...
# Prints "backend <python|gmpy|...>" (mpmath's integer arithmetic: with
# gmpy2 installed it is faster), then one line per function: "<us per
# call> <17 digits of f'(x0)>".
# Called by bench/bench_numdiff.c; exits 2 when mpmath is missing.
import sys
import time

try:
    import mpmath
except ImportError:
    sys.exit(2)

NAMES = {n: getattr(mpmath, n) for n in
         ("sin", "cos", "tan", "exp", "log", "sqrt", "atan", "tanh",
          "sinh", "cosh")}


def main():
    prec, calls = int(sys.argv[1]), int(sys.argv[2])
    mpmath.mp.prec = prec
    print("backend %s" % mpmath.libmp.BACKEND)
    for item in sys.argv[3:]:
        text, x0 = item.rsplit("@", 1)
        f = eval("lambda x: " + text.replace("^", "**"), dict(NAMES))
        x = mpmath.mpf(x0)
        v = mpmath.diff(f, x)  # warm-up (and caches)
        best = None
        for _ in range(3):
            t = time.process_time()
            for _ in range(calls):
                mpmath.diff(f, x)
            t = (time.process_time() - t) / calls
            best = t if best is None else min(best, t)
        print("%.3f %s" % (best * 1e6, mpmath.nstr(v, 17)))


main()
