#!/usr/bin/python3
"""Expected outputs for the float golden cases in tests/cases, computed
without nabla: double values straight from the C library (ctypes, so the
very libm nabla calls), MPFR-precision values from mpmath at 1500 bits,
rounded to the target precision and printed as the shortest decimal string
that reads back to the same binary value (exact arithmetic with fractions).

Run from the top of the source tree:
    /usr/bin/python3 tests/oracle/data/gen_session_floats.py
It rewrites tests/cases/floats_*.{nabla,out,args} and digits_*.
"""
import ctypes
import ctypes.util
import os
from fractions import Fraction

import mpmath

CASES = os.path.join(os.path.dirname(__file__), "..", "..", "cases")
libm = ctypes.CDLL(ctypes.util.find_library("m"))


def cfn(name, nargs=1):
    f = getattr(libm, name)
    f.restype = ctypes.c_double
    f.argtypes = [ctypes.c_double] * nargs
    return f


# --- doubles: libm values, Python's repr is the shortest round-trip -------
# (statement, value) — arguments are exact decimals, rounded to double once
# by the C conversion, as nabla converts an exact literal.
DOUBLE = [
    ("sin(1)", cfn("sin")(1.0)),
    ("cos(1)", cfn("cos")(1.0)),
    ("tan(1)", cfn("tan")(1.0)),
    ("sqrt(2)", cfn("sqrt")(2.0)),
    ("2^0.5", cfn("pow", 2)(2.0, 0.5)),
    ("exp(1)", cfn("exp")(1.0)),
    ("exp(-0.5)", cfn("exp")(-0.5)),
    ("log(10)", cfn("log")(10.0)),
    ("log2(10)", cfn("log2")(10.0)),
    ("log10(2)", cfn("log10")(2.0)),
    ("atan(1)", cfn("atan")(1.0)),
    ("asin(0.5)", cfn("asin")(0.5)),
    ("acos(0.5)", cfn("acos")(0.5)),
    ("atan2(1, 2)", cfn("atan2", 2)(1.0, 2.0)),
    ("sinh(1)", cfn("sinh")(1.0)),
    ("cosh(1)", cfn("cosh")(1.0)),
    ("tanh(0.5)", cfn("tanh")(0.5)),
    ("asinh(1)", cfn("asinh")(1.0)),
    ("acosh(2)", cfn("acosh")(2.0)),
    ("atanh(0.5)", cfn("atanh")(0.5)),
    # glibc's cbrt is not correctly rounded; nabla's is (builtins.c), so
    # the expected value is the correctly rounded one (see cr_double).
    ("cbrt(2)", None),
    ("erf(0.5)", cfn("erf")(0.5)),
    ("erfc(0.5)", cfn("erfc")(0.5)),
    ("gamma(0.5)", cfn("tgamma")(0.5)),
    ("lgamma(0.5)", cfn("lgamma")(0.5)),
    ("hypot(3, 4.5)", cfn("hypot", 2)(3.0, 4.5)),
    ("pi", 3.141592653589793),
    ("e", 2.718281828459045),
    ("float(1/3)", 1.0 / 3.0),
]

# --- MPFR precisions -------------------------------------------------------
mpmath.mp.prec = 1500
mpf = mpmath.mpf


def sigmoid(x):
    return 1 / (1 + mpmath.exp(-x))


def softplus(x):
    return mpmath.log(1 + mpmath.exp(x))


# (statement, function of the rounded arguments, exact arguments)
MP = [
    ("sin(0.1)", mpmath.sin, [Fraction(1, 10)]),
    ("cos(0.1)", mpmath.cos, [Fraction(1, 10)]),
    ("tan(0.3)", mpmath.tan, [Fraction(3, 10)]),
    ("exp(1)", mpmath.exp, [Fraction(1)]),
    ("exp(-2.5)", mpmath.exp, [Fraction(-5, 2)]),
    ("log(2)", mpmath.log, [Fraction(2)]),
    ("log(0.5)", mpmath.log, [Fraction(1, 2)]),
    ("log10(2)", mpmath.log10, [Fraction(2)]),
    ("log2(3)", lambda x: mpmath.log(x, 2), [Fraction(3)]),
    ("atan(1)", mpmath.atan, [Fraction(1)]),
    ("atan(0.3)", mpmath.atan, [Fraction(3, 10)]),
    ("asin(0.3)", mpmath.asin, [Fraction(3, 10)]),
    ("acos(0.3)", mpmath.acos, [Fraction(3, 10)]),
    ("atan2(1, 2)", mpmath.atan2, [Fraction(1), Fraction(2)]),
    ("sqrt(2)", mpmath.sqrt, [Fraction(2)]),
    ("sqrt(0.1)", mpmath.sqrt, [Fraction(1, 10)]),
    ("2^0.5", lambda x: mpmath.sqrt(x), [Fraction(2)]),
    ("cbrt(2)", mpmath.cbrt, [Fraction(2)]),
    ("sinh(0.7)", mpmath.sinh, [Fraction(7, 10)]),
    ("cosh(0.7)", mpmath.cosh, [Fraction(7, 10)]),
    ("tanh(0.7)", mpmath.tanh, [Fraction(7, 10)]),
    ("asinh(1)", mpmath.asinh, [Fraction(1)]),
    ("acosh(2)", mpmath.acosh, [Fraction(2)]),
    ("atanh(0.5)", mpmath.atanh, [Fraction(1, 2)]),
    ("erf(0.5)", mpmath.erf, [Fraction(1, 2)]),
    ("erfc(0.5)", mpmath.erfc, [Fraction(1, 2)]),
    ("gamma(0.5)", mpmath.gamma, [Fraction(1, 2)]),
    ("gamma(2.5)", mpmath.gamma, [Fraction(5, 2)]),
    ("lgamma(2.5)", mpmath.loggamma, [Fraction(5, 2)]),
    ("sigmoid(1)", sigmoid, [Fraction(1)]),
    ("sigmoid(-2)", sigmoid, [Fraction(-2)]),
    ("softplus(1)", softplus, [Fraction(1)]),
    ("sec(1)", mpmath.sec, [Fraction(1)]),
    ("csc(1)", mpmath.csc, [Fraction(1)]),
    ("cot(1)", mpmath.cot, [Fraction(1)]),
    ("hypot(1, 2)", lambda a, b: mpmath.sqrt(a * a + b * b),
     [Fraction(1), Fraction(2)]),
    ("pi", lambda: mpmath.pi, []),
    ("e", lambda: mpmath.e, []),
]


def round_bin(q, prec):
    """Fraction q rounded to prec significant bits (ties to even): (m, e)
    with q ~ m * 2^e, or (0, 0)."""
    if q == 0:
        return 0, 0
    sign = -1 if q < 0 else 1
    q = abs(q)
    e = q.numerator.bit_length() - q.denominator.bit_length() - prec
    while True:
        scaled = q / Fraction(2) ** e
        if scaled >= 2 ** prec:
            e += 1
        elif scaled < 2 ** (prec - 1):
            e -= 1
        else:
            break
    fl = scaled.numerator // scaled.denominator
    rest = scaled - fl
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and fl % 2):
        fl += 1
    if fl == 2 ** prec:
        fl //= 2
        e += 1
    return sign * fl, e


def to_fraction(m, e):
    return Fraction(m) * Fraction(2) ** e


def mp_to_fraction(x):
    sign, man, exp, _ = mpmath.mpf(x)._mpf_
    return (-1 if sign else 1) * Fraction(int(man)) * Fraction(2) ** int(exp)


def decimal_round(q, n):
    """q rounded to n significant decimal digits (ties to even): (digits
    string, decimal exponent of the first digit)."""
    sign = "-" if q < 0 else ""
    q = abs(q)
    k = len(str(q.numerator // q.denominator)) - 1 if q >= 1 else 0
    while Fraction(10) ** k > q:
        k -= 1
    while Fraction(10) ** (k + 1) <= q:
        k += 1
    scaled = q / Fraction(10) ** (k - n + 1)
    fl = scaled.numerator // scaled.denominator
    rest = scaled - fl
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and fl % 2):
        fl += 1
    if fl == 10 ** n:
        fl //= 10
        k += 1
    return sign, str(fl), k


def positional(sign, digits, k):
    digits = digits.rstrip("0") or "0"
    if k < 0:
        return sign + "0." + "0" * (-k - 1) + digits
    if len(digits) <= k + 1:
        return sign + digits + "0" * (k + 1 - len(digits))
    return sign + digits[: k + 1] + "." + digits[k + 1:]


def shortest(m, e, prec):
    q = to_fraction(m, e)
    for n in range(1, prec):
        sign, digits, k = decimal_round(q, n)
        back = Fraction(int(sign + digits)) * Fraction(10) ** (k - n + 1)
        if round_bin(back, prec) == (m, e):
            return positional(sign, digits, k)
    raise AssertionError("no round trip")


def mp_value(fn, args, prec):
    xs = [to_fraction(*round_bin(a, prec)) for a in args]
    mx = [mpf(x.numerator) / x.denominator for x in xs]
    return shortest(*round_bin(mp_to_fraction(fn(*mx)), prec), prec)


def cr_double(fn, x):
    """fn(x) correctly rounded to a double, from mpmath."""
    m, e = round_bin(mp_to_fraction(fn(mpf(x))), 53)
    return float(to_fraction(m, e))


def write(name, header, stmts, outs, args=None):
    with open(os.path.join(CASES, name + ".nabla"), "w") as f:
        f.write(header)
        for s in stmts:
            f.write(s + "\n")
    with open(os.path.join(CASES, name + ".out"), "w") as f:
        for o in outs:
            f.write(o + "\n")
    if args:
        with open(os.path.join(CASES, name + ".args"), "w") as f:
            f.write(args + "\n")


def main():
    write("floats_double",
          "# Floats in hardware double (the default): the value libm gives,\n"
          "# printed as the shortest string that reads back to it.\n"
          "# Generated by tests/oracle/data/gen_session_floats.py\n",
          [s for s, _ in DOUBLE],
          [repr(v if v is not None else cr_double(mpmath.cbrt, 2))
           for _, v in DOUBLE])
    for prec in (113, 256, 1000):
        write("floats_%d" % prec,
              "# Floats in MPFR at %d bits against mpmath at 1500 bits.\n"
              "# Generated by tests/oracle/data/gen_session_floats.py\n" % prec,
              [s for s, _, _ in MP],
              [mp_value(fn, a, prec) for _, fn, a in MP],
              "--precision=%d" % prec)
    # the same through `set precision` inside a script
    write("floats_set_precision",
          "# `set precision` switches between MPFR and doubles mid-script.\n"
          "# Generated by tests/oracle/data/gen_session_floats.py\n",
          ["set precision 200", "sin(0.1)", "x = 0.1", "set precision double",
           "sin(x)", "set precision 64", "sin(x)"],
          [mp_value(mpmath.sin, [Fraction(1, 10)], 200),
           repr(cfn("sin")(0.1)),
           mp_value(mpmath.sin, [Fraction(1, 10)], 64)])
    # --digits: correctly rounded significant digits of the double value
    vals = [("sin(1)", cfn("sin")(1.0)), ("pi", 3.141592653589793),
            ("exp(10)", cfn("exp")(10.0)), ("float(1/3)", 1.0 / 3.0),
            ("sqrt(2)", cfn("sqrt")(2.0))]
    outs = []
    for _, v in vals:
        sign, digits, k = decimal_round(Fraction(v), 10)
        outs.append(positional(sign, digits, k))
    write("digits_double",
          "# --digits=10: floats correctly rounded to 10 significant digits;\n"
          "# exact results are not affected.\n"
          "# Generated by tests/oracle/data/gen_session_floats.py\n",
          [s for s, _ in vals] + ["1/3", "2^70"],
          outs + ["1/3", str(2 ** 70)], "--digits=10")
    outs = []
    for s, fn, a in MP[:6]:
        xs = [to_fraction(*round_bin(x, 256)) for x in a]
        v = mp_to_fraction(fn(*[mpf(x.numerator) / x.denominator for x in xs]))
        v = to_fraction(*round_bin(v, 256))
        sign, digits, k = decimal_round(v, 30)
        outs.append(positional(sign, digits, k))
    write("digits_256",
          "# --digits=30 at 256 bits: correctly rounded to 30 digits.\n"
          "# Generated by tests/oracle/data/gen_session_floats.py\n",
          [s for s, _, _ in MP[:6]], outs, "--precision=256 --digits=30")


if __name__ == "__main__":
    main()
