#!/usr/bin/python3
"""gen_mpfr_ref.py: reference values of nabla's built-in functions from mpmath.

Writes mpfr_ref.txt next to this script: one case per line,
    NAME ARG [ARG2] VALUE
and, for the complex evaluators,
    c NAME XRE XIM [YRE YIM] RE IM
ARGs are Python float reprs (shortest round-trip, so C's strtod reads back
the same double and both sides evaluate at the same exact point); VALUE has
110 significant digits, computed at 500 bits by mpmath, independently of
MPFR and of nabla. tests/oracle/oracle_mpfr.c reads it.

Regenerate with: /usr/bin/python3 tests/oracle/data/gen_mpfr_ref.py
"""
import os
import mpmath
from mpmath import mpf

mpmath.mp.prec = 500
DIGITS = 110

TRIG = [0.5, -1.25, 3.0, 10.0, 1e-8, -100.5, 1000000.3, 355.0, 1e22]
HYP = [0.5, -2.5, 20.0, 1e-7, -0.001, 100.0, -30.0]
LOGS = [2.0, 0.1, 1e100, 1.5, 1e-300, 1000.0, 0.999, 7.0]
STEP = [-2.5, 0.0, 3.75, -1e-300, 1e300, 7.0, -4.0]
PAIRS = [(1.0, -1.0), (-2.0, 3.0), (0.5, -0.25), (-1e-3, -5.0), (3.0, 1e-7),
         (2.0, 2.0), (-7.5, 0.0)]


def sign(x):
    return (x > 0) - (x < 0)


def cbrt(x):
    return sign(x) * mpmath.root(abs(x), 3)


# name -> (function of mpf args, list of points (tuples for two arguments))
CASES = {
    "sin": (mpmath.sin, TRIG),
    "cos": (mpmath.cos, TRIG),
    "tan": (mpmath.tan, TRIG),
    "sec": (lambda x: 1 / mpmath.cos(x), TRIG),
    "csc": (lambda x: 1 / mpmath.sin(x), TRIG),
    "cot": (lambda x: mpmath.cos(x) / mpmath.sin(x), TRIG),
    "asin": (mpmath.asin, [0.5, -0.75, 0.999, -1e-9, 0.1, 1.0]),
    "acos": (mpmath.acos, [0.5, -0.75, 0.999, -1e-9, 0.1, -1.0]),
    "atan": (mpmath.atan, [0.5, -3.0, 1e10, 1e-12, 7.25]),
    "atan2": (mpmath.atan2, PAIRS + [(0.0, -1.0), (-1.0, 0.0)]),
    "sinh": (mpmath.sinh, HYP),
    "cosh": (mpmath.cosh, HYP),
    "tanh": (mpmath.tanh, HYP),
    "asinh": (mpmath.asinh, [0.5, -3.0, 1e5, 1e-9, -0.75]),
    "acosh": (mpmath.acosh, [1.5, 10.0, 1e8, 1.0000001, 1.0]),
    "atanh": (mpmath.atanh, [0.5, -0.9, 1e-8, 0.999999]),
    "exp": (mpmath.exp, [1.0, -3.5, 50.0, 1e-9, -700.0, 0.5]),
    "log": (mpmath.log, LOGS),
    "ln": (mpmath.log, LOGS),
    "log2": (lambda x: mpmath.log(x, 2), LOGS),
    "log10": (lambda x: mpmath.log(x, 10), LOGS),
    "sqrt": (mpmath.sqrt, [2.0, 0.5, 1e10 + 1, 3e-5]),
    "cbrt": (cbrt, [2.0, -27.5, 1e-20, -3.0, 27.0]),
    "abs": (abs, STEP),
    "sign": (sign, STEP),
    "heaviside": (lambda x: 1 if x > 0 else 0, STEP),
    "floor": (mpmath.floor, STEP),
    "ceil": (mpmath.ceil, STEP),
    "min": (min, PAIRS),
    "max": (max, PAIRS),
    "hypot": (mpmath.hypot, [(3.0, 4.0), (1e-3, 2.0), (-5.0, 12.5),
                             (1e200, 1e200), (0.1, -0.2)]),
    "pow": (lambda a, b: mpmath.power(a, b),
            [(2.0, 0.5), (10.0, -3.5), (0.5, 100.0), (1.5, 2.5), (-2.0, 3.0)]),
    "erf": (mpmath.erf, [0.5, -1.5, 3.0, 1e-5, 6.0]),
    "erfc": (mpmath.erfc, [0.5, -1.0, 3.0, 10.0, 26.0]),
    "gamma": (mpmath.gamma, [0.5, 5.0, -1.5, 10.25, 100.5, 1e-5]),
    "lgamma": (lambda x: mpmath.re(mpmath.loggamma(x)),
               [0.5, 3.5, -1.5, -2.5, 100.0, 1e5, 1.5]),
    "sigmoid": (lambda x: 1 / (1 + mpmath.exp(-x)),
                [0.0, 1.0, -1.0, 10.0, -40.0, 700.0, -745.0, 1e-9]),
    "relu": (lambda x: max(x, 0), STEP),
    "softplus": (lambda x: mpmath.log1p(mpmath.exp(x)),
                 [0.0, 1.0, -1.0, 20.0, -40.0, -700.0, 700.0, 1e-9]),
    "digamma": (mpmath.digamma,
                [0.5, 1.0, 1.4616321449683622, -0.5, -2.75, 10.25, 1e-5,
                 1e10, -1000.5, 3.0]),
    "polygamma": (lambda n, x: mpmath.polygamma(int(n), x),
                  [(0.0, 2.5), (1.0, 1.0), (1.0, 0.5), (2.0, -1.5),
                   (3.0, 0.25), (5.0, 10.0), (1.0, -3.25), (10.0, 2.5),
                   (50.0, 7.0), (2.0, 1e5), (4.0, -0.999), (1.0, 1e-8)]),
}


def atan2_c(y, x):
    """The analytic continuation of atan2 nabla uses: -i log((x+iy)/r)."""
    return -1j * mpmath.log((x + 1j * y) / mpmath.sqrt(x * x + y * y))


def cbrt_c(z):
    """Continuation of the real cube root: -cbrt(-z) on the left."""
    return -mpmath.cbrt(-z) if z.real < 0 else mpmath.cbrt(z)


Z1 = [0.7 + 0.3j, -1.3 + 0.1j, 2.5 - 0.2j]
ZUNIT = [0.3 + 0.2j, -0.6 - 0.1j]
ZPOS = [2 + 0.5j, 0.3 - 0.2j]
# Complex points for the evaluators with an analytic extension (eval_c and
# eval_mpc): name -> (function, points; a tuple for two arguments).
CCASES = {
    "sin": (mpmath.sin, Z1), "cos": (mpmath.cos, Z1), "tan": (mpmath.tan, Z1),
    "sec": (mpmath.sec, Z1), "csc": (mpmath.csc, Z1), "cot": (mpmath.cot, Z1),
    "asin": (mpmath.asin, ZUNIT), "acos": (mpmath.acos, ZUNIT),
    "atan": (mpmath.atan, Z1),
    "atan2": (atan2_c, [(0.5 + 0.1j, 1.5), (1.0, -2 + 0.2j),
                        (-0.7 + 0.05j, -1.1), (2.0 + 0.1j, 0.5)]),
    "sinh": (mpmath.sinh, Z1), "cosh": (mpmath.cosh, Z1),
    "tanh": (mpmath.tanh, Z1), "asinh": (mpmath.asinh, Z1),
    "acosh": (mpmath.acosh, [1.7 + 0.2j, 3 - 0.5j]),
    "atanh": (mpmath.atanh, ZUNIT), "exp": (mpmath.exp, Z1),
    "log": (mpmath.log, ZPOS), "ln": (mpmath.log, ZPOS),
    "log2": (lambda z: mpmath.log(z) / mpmath.log(2), ZPOS),
    "log10": (lambda z: mpmath.log(z) / mpmath.log(10), ZPOS),
    "sqrt": (mpmath.sqrt, ZPOS), "cbrt": (cbrt_c, [8 + 1j, -8 + 1j, 0.5 - 0.1j]),
    "hypot": (lambda x, y: mpmath.sqrt(x * x + y * y),
              [(3 + 0.2j, 4.0), (1.0, -2 + 0.3j)]),
    "pow": (lambda a, b: mpmath.power(a, b),
            [(2 + 0.3j, 1.5), (2.5, 0.5 + 0.2j), (-2 + 0.1j, 3.0),
             (1.5 - 0.1j, -2.0)]),
    "erf": (mpmath.erf, Z1 + [0.2 + 0.9j, 4 + 0.3j]),
    "erfc": (mpmath.erfc, Z1 + [0.2 + 0.9j, 4 + 0.3j]),
    "sigmoid": (lambda z: 1 / (1 + mpmath.exp(-z)), Z1),
    "softplus": (lambda z: mpmath.log(1 + mpmath.exp(z)), Z1),
}


def ctext(v):
    v = mpmath.mpc(v)
    return "%s %s" % (mpmath.nstr(v.real, DIGITS, min_fixed=1, max_fixed=0),
                      mpmath.nstr(v.imag, DIGITS, min_fixed=1, max_fixed=0))


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "mpfr_ref.txt")
    with open(out, "w") as f:
        f.write("# generated by gen_mpfr_ref.py (mpmath %s, %d bits); "
                "do not edit\n" % (mpmath.__version__, mpmath.mp.prec))
        for name, (fn, points) in CASES.items():
            for p in points:
                args = p if isinstance(p, tuple) else (p,)
                v = fn(*[mpf(a) for a in args])
                text = mpmath.nstr(mpf(v), DIGITS, min_fixed=1, max_fixed=0)
                f.write("%s %s %s\n" % (name, " ".join(repr(a) for a in args),
                                        text))
        # complex lines: "c NAME XRE XIM [YRE YIM] RE IM"
        for name, (fn, points) in CCASES.items():
            for p in points:
                args = [complex(a) for a in (p if isinstance(p, tuple) else (p,))]
                v = fn(*[mpmath.mpc(a.real, a.imag) for a in args])
                f.write("c %s %s %s\n" % (name, " ".join(
                    "%r %r" % (a.real, a.imag) for a in args), ctext(v)))


if __name__ == "__main__":
    main()
