#!/usr/bin/env python3
"""numdiff_mpmath.py — re-check the numbers of the golden files nabla wrote
itself (tests/cases/numdiff_*.out) against mpmath, an independent reference.

Run by tests/cli/numdiff_mpmath.sh (so by `make check`) when python3 and
mpmath are installed; the caller prints a SKIP line when they are not.

Every number in those files is recomputed here from its definition, never
from nabla:
  * a difference quotient is recomputed in p-bit arithmetic, p = 53 for
    double (mpmath at 53 bits rounds every operation to nearest, as IEEE
    double does in the normal range) or the study's precision, with the
    function's operations done in the order they are written and each
    built-in (sin, exp, cos, tanh) correctly rounded (computed 128 bits
    higher and rounded once: mpmath's own sin at 53 or 256 bits is not
    always correctly rounded); in double, where that does not give the
    printed number, each built-in call may instead be the other faithful
    rounding (within 1 ulp, as glibc's tanh is), and the PASS line counts
    those values. The textbook formula, summed in this order:
      forward   (f(x0+h) - f(x0)) / h
      central   (f(x0+h) - f(x0-h)) / (2h)
      five-point (f(x0-2h) - 8 f(x0-h) + 8 f(x0+h) - f(x0+2h)) / (12h)
    with nodes fl(x0 + k h) and h the decimal in the h column rounded once
    to p bits; the printed value must read back to exactly that number
    (double: shortest round-trip; `set digits N`: rounded to N digits);
  * exact derivatives are the closed forms (f'), or mpmath.diff (higher
    ones, for the model), evaluated at 400 bits; errors
    are |value - f'(x0)| and that over |f'(x0)|, to the 3 digits printed;
  * hstudy's best h is the row of least error; its predicted h* and E* are
    the model of SPEC §4 (forward: h* = 2 sqrt(eps|f|/|f''|), E* = 2
    sqrt(eps|f||f''|); central: h* = cbrt(3 eps|f|/|f'''|), E* = |f'''|
    h*^2/2; five-point: h* = (45 eps|f|/(4|f^(5)|))^(1/5), E* = |f^(5)|
    h*^4/6; eps = 2^(1-p)), with the derivatives of f from mpmath.diff;
  * gradcheck's claimed value is the derivative as written, evaluated in
    double, its numeric one the central quotient with h = 1e-5, and
    rel_error = |claimed - numeric| / max(|claimed|, |numeric|) (0 when both
    are 0).
Prints one "PASS numdiff_mpmath/FILE ..." or "FAIL ..." line a file and
exits 1 on any failure.
"""
import os
import re
import sys
from decimal import Decimal
from fractions import Fraction

import mpmath
from mpmath import mp, mpf
from mpmath.libmp import from_rational

HIGH = 400  # bits for references
mp.prec = HIGH  # anything not in a workprec(p) block is a reference


def dec(s, prec):
    """The decimal string s rounded once, to nearest, to prec bits."""
    q = Fraction(s)
    with mp.workprec(prec):  # (mpf() rounds a raw value to the context's)
        return mpf(from_rational(q.numerator, q.denominator, prec, 'n'))


def same_digits(printed, value, digits):
    """printed is value rounded to `digits` significant digits."""
    return Decimal(printed) == Decimal(mpmath.nstr(value, digits, strip_zeros=False))


def reads_back(printed, value, prec):
    """printed reads back (rounded once to prec bits) to exactly value."""
    return dec(printed, prec) == value


# --- built-ins: correctly rounded, or faithfully ----------------------------

def cr(fn, x):
    """fn(x) correctly rounded to the context's precision: computed 128
    bits higher, then rounded once to nearest."""
    with mp.workprec(mp.prec + 128):
        y = fn(x)
    return +y


def faithful(fn, x):
    """Both faithful roundings of fn(x) at the context's precision: the
    correctly rounded one and its neighbour on the other side of fn(x)
    (one value when fn(x) is representable). A double built-in from the C
    library (glibc's sin, exp, tanh) is within 1 ulp, not always correctly
    rounded; MPFR's are correctly rounded."""
    p = mp.prec
    with mp.workprec(p + 128):
        y = fn(x)
    yn = +y
    if yn == y:
        return [yn]
    m, e = mp.frexp(yn)
    ulp = mp.ldexp(1, e - p)
    if yn > y:
        if abs(m) == 0.5 and yn > 0:
            ulp /= 2
        other = yn - ulp
    else:
        if abs(m) == 0.5 and yn < 0:
            ulp /= 2
        other = yn + ulp
    return [yn, +other]


class Nearest:
    """Built-ins correctly rounded (MPFR; the first guess for double)."""
    def __call__(self, fn, x):
        return cr(fn, x)


class Choose:
    """Built-ins rounded as the choice vector says (0: nearest, 1: the other
    faithful rounding); counts the calls it served."""
    def __init__(self, choices):
        self.choices, self.calls = choices, 0

    def __call__(self, fn, x):
        c = faithful(fn, x)
        k = self.choices[self.calls] if self.calls < len(self.choices) else 0
        self.calls += 1
        return c[min(k, len(c) - 1)]


def node_values(f, x):
    """Every value f(x) can take with faithfully rounded built-ins."""
    probe = Choose(())
    f(x, probe)
    n = probe.calls
    vals = []
    for bits in range(2 ** n):
        v = f(x, Choose([(bits >> i) & 1 for i in range(n)]))
        if v not in vals:
            vals.append(v)
    return vals


# --- the functions, as the scripts write them ---------------------------------
# Called inside mp.workprec(p): each operation is rounded to p bits; B
# evaluates a built-in.

def sinexp(x, B):       # sin(x)*exp(-x^2/2)
    return B(mp.sin, x) * B(mp.exp, -(x * x) / 2)


def sinexp_d(x, k):     # k-th derivative of sin(x)*exp(-x^2/2), at HIGH bits
    with mp.workprec(HIGH):
        if k == 1:      # the closed form e^(-x^2/2) (cos x - x sin x)
            return mp.exp(-x * x / 2) * (mp.cos(x) - x * mp.sin(x))
        return mpmath.diff(lambda t: mp.sin(t) * mp.exp(-t * t / 2), x, k)


def square(x, B):       # x^2
    return x * x


def square_d(x, k):
    return [x * x, 2 * x, mpf(2), mpf(0), mpf(0), mpf(0)][k]


def sigmoid(x, B):      # s(x) = 1/(1 + exp(-x))
    return 1 / (1 + B(mp.exp, -x))


def dsigmoid(x, B):     # ds(x) = s(x)*(1 - s(x))
    s = sigmoid(x, B)
    return s * (1 - s)


def tanh(x, B):
    return B(mp.tanh, x)


def dtanh(x, B):        # 1 - tanh(x)^2
    t = B(mp.tanh, x)
    return 1 - t * t


STENCILS = {  # offsets, weights, denominator (in the order summed)
    "forward": ([1, 0], [1, -1], 1),
    "backward": ([0, -1], [1, -1], 1),
    "central": ([1, -1], [1, -1], 2),
    "five-point": ([-2, -1, 1, 2], [1, -8, 8, -1], 12),
}


def quotient(f, x0, h, method, prec):
    """The textbook quotient at prec bits, built-ins correctly rounded;
    x0 and h already p-bit numbers."""
    offs, ws, den = STENCILS[method]
    with mp.workprec(prec):
        total = mpf(0)
        for o, w in zip(offs, ws):
            total = total + w * f(x0 + o * h, Nearest())
        return total / (den * h)


def quotients_faithful(f, x0, h, method, prec):
    """Every value the quotient can take when each built-in call is
    faithfully rounded (at most 2^(calls) values a node)."""
    offs, ws, den = STENCILS[method]
    with mp.workprec(prec):
        sums = [mpf(0)]
        for o, w in zip(offs, ws):
            ys = node_values(f, x0 + o * h)
            sums = [s + w * y for s in sums for y in ys]
        return {s / (den * h) for s in sums}


def exact_step(x0, h, prec):
    """step="exact": the step actually taken, fl(x0 + h) - x0."""
    with mp.workprec(prec):
        return (x0 + h) - x0


# --- the checks ----------------------------------------------------------------

class File:
    def __init__(self, path):
        self.name = os.path.basename(path)
        with open(path) as fh:
            self.lines = fh.read().split("\n")
        self.checked = 0
        self.errors = []
        self.faithful = 0   # double values matched only with a faithful built-in

    def check(self, ok, what):
        self.checked += 1
        if not ok:
            self.errors.append(what)

    def double_value(self, printed, v, alternatives):
        """v, or else the one of alternatives() the printed double reads
        back to (counted), or else v (the check then fails)."""
        if reads_back(printed, v, 53):
            return v
        for c in alternatives():
            if reads_back(printed, c, 53):
                self.faithful += 1
                return c
        return v

    def report(self):
        if self.errors:
            print("FAIL numdiff_mpmath/%s: %d of %d numbers disagree with mpmath"
                  % (self.name, len(self.errors), self.checked))
            for e in self.errors[:20]:
                print("  " + e)
            return 1
        note = ""
        if self.faithful:
            note = (" (%d double values with a built-in 1 ulp from correctly "
                    "rounded, as glibc's may be)" % self.faithful)
        print("PASS numdiff_mpmath/%s: %d numbers agree with mpmath%s"
              % (self.name, self.checked, note))
        return 0


ROW = re.compile(r"^\s*(double|\d+)\s+(forward|backward|central|five-point)\s+"
                 r"(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$")
BEST = re.compile(r"^\s*(double|\d+)\s+(forward|backward|central|five-point)\s+"
                  r"(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$")


def hstudy(path, f, fd, x0text, digits):
    """An hstudy table: every row, the exact line, best and predicted."""
    F = File(path)
    lines = F.lines
    exact = fd(dec(x0text, HIGH), 1)
    rows = {}
    i = 1  # line 0 is the header
    while ROW.match(lines[i]):
        p, method, htext, value, aerr, rerr = ROW.match(lines[i]).groups()
        prec = 53 if p == "double" else int(p)
        x0 = dec(x0text, prec)
        h = dec(htext, prec)
        v = quotient(f, x0, h, method, prec)
        if prec == 53:
            v = F.double_value(value, v, lambda: quotients_faithful(f, x0, h, method, 53))
        if digits:
            F.check(same_digits(value, v, digits),
                    "line %d: %s h=%s value %s, mpmath %s"
                    % (i + 1, method, htext, value, mpmath.nstr(v, digits)))
        else:
            F.check(reads_back(value, v, prec),
                    "line %d: %s h=%s value %s, mpmath %s"
                    % (i + 1, method, htext, value, mpmath.nstr(v, 20)))
        with mp.workprec(HIGH):
            e = abs(v - exact)
            r = e / abs(exact)
        F.check(same_digits(aerr, e, 3),
                "line %d: abs_error %s, mpmath %s" % (i + 1, aerr, mpmath.nstr(e, 3)))
        F.check(same_digits(rerr, r, 3),
                "line %d: rel_error %s, mpmath %s" % (i + 1, rerr, mpmath.nstr(r, 3)))
        rows.setdefault((prec, method), []).append((htext, e))
        i += 1
    # exact f'(x0) = DIGITS (symbolic, ...)
    while not lines[i].startswith("exact f'(x0) = "):
        i += 1
    printed = lines[i].split(" = ")[1].split(" ")[0]
    prec = next(iter(rows))[0]
    with mp.workprec(prec):
        want = +exact
    F.check(reads_back(printed, want, prec),
            "exact f'(x0) %s, mpmath %s" % (printed, mpmath.nstr(exact, 40)))
    # the best and predicted table
    while not lines[i].startswith("prec "):
        i += 1
    i += 1
    ratios = {}
    while i < len(lines) and BEST.match(lines[i]):
        p, method, bh, be, ph, pe = BEST.match(lines[i]).groups()
        prec = 53 if p == "double" else int(p)
        series = rows[(prec, method)]
        best = min(range(len(series)), key=lambda k: series[k][1])
        F.check(Decimal(bh) == Decimal(series[best][0]),
                "%s best h %s, mpmath %s" % (method, bh, series[best][0]))
        F.check(same_digits(be, series[best][1], 3),
                "%s best error %s, mpmath %s" % (method, be, mpmath.nstr(series[best][1], 3)))
        model = predicted(fd, dec(x0text, HIGH), method, prec)
        if model is None:
            F.check(ph == "-" and pe == "-", "%s: no model, printed %s %s" % (method, ph, pe))
        else:
            F.check(same_digits(ph, model[0], 3),
                    "%s predicted h %s, mpmath %s" % (method, ph, mpmath.nstr(model[0], 3)))
            F.check(same_digits(pe, model[1], 3),
                    "%s predicted error %s, mpmath %s" % (method, pe, mpmath.nstr(model[1], 3)))
            ratios[(prec, method)] = model[1] / series[best][1]
        i += 1
    # notes: "N bits METHOD: the best error is Kx below the model's"
    for line in lines[i:]:
        m = re.match(r"^(\d+) bits (\S+): the best error is (\d+)x below", line)
        if m:
            k = ratios[(int(m.group(1)), m.group(2))]
            F.check(int(m.group(3)) == int(mpmath.nint(k)),
                    "note: %sx below, mpmath %s" % (m.group(3), mpmath.nstr(k, 4)))
    return F.report()


def predicted(fd, x0, method, prec):
    """The model's (h*, E*), or None where the derivative it uses is 0."""
    with mp.workprec(HIGH):
        eps = mpf(2) ** (1 - prec)
        f = abs(fd(x0, 0))
        if method in ("forward", "backward"):
            d = abs(fd(x0, 2))
            if d == 0:
                return None
            return 2 * mp.sqrt(eps * f / d), 2 * mp.sqrt(eps * f * d)
        if method == "central":
            d = abs(fd(x0, 3))
            if d < mpf(2) ** -100:
                return None
            h = mp.cbrt(3 * eps * f / d)
            return h, d * h * h / 2
        d = abs(fd(x0, 5))
        h = (45 * eps * f / (4 * d)) ** (mpf(1) / 5)
        return h, d * h ** 4 / 6


def nderiv(path):
    """numdiff_nderiv.out: one line per statement, in order."""
    F = File(path)
    out = [l for l in F.lines if l != ""]
    k = iter(range(len(out)))

    def take():
        return out[next(k)]

    def dbl(s):
        return dec(s, 53)

    def q(f, x0, h, method, prec=53):
        return quotient(f, dec(x0, prec), dec(h, prec), method, prec)

    # closed forms: 6 + h, 6 - h, 12 + h^2, 4.75, then the quotients themselves
    for method, f, x0, h, closed in (("forward", square, "3", "0.5", Fraction(13, 2)),
                                     ("backward", square, "3", "0.5", Fraction(11, 2)),
                                     ("central", lambda x, B: x * x * x, "2", "0.25", Fraction(193, 16)),
                                     ("five-point", lambda x, B: x ** 5, "1", "0.5", Fraction(19, 4))):
        got = take()
        v = q(f, x0, h, method)
        F.check(Fraction(got) == closed and dbl(got) == v,
                "%s: %s, mpmath %s, closed form %s" % (method, got, v, closed))
    # gradient of x^2 + 3xy at [1, 2] is [2x + 3y, 3x] = [8, 3]; d/dy with h = 0.5
    got = take()
    F.check(got == "[8, 3]", "richardson gradient %s, exact [8, 3]" % got)
    got = take()
    with mp.workprec(53):
        v = quotient(lambda y, B: 1 + 3 * y, mpf(2), mpf(0.5), "central", 53)
    F.check(dbl(got) == v and v == 3, "d/dy %s, mpmath %s" % (got, v))
    # digits 12: the central quotient with h = 1e-5, then richardson,
    # complex-step and five-point at 113 bits against f'(0.5) (12 digits)
    exact = sinexp_d(mpf("0.5"), 1)
    got = take()
    v = q(sinexp, "0.5", "1e-5", "central")
    F.check(same_digits(got, v, 12), "central h=1e-5 %s, mpmath %s" % (got, mpmath.nstr(v, 17)))
    for what in ("richardson", "complex-step", "five-point at 113 bits"):
        got = take()
        F.check(same_digits(got, exact, 12), "%s %s, f'(0.5) %s" % (what, got, mpmath.nstr(exact, 15)))
    # 256 bits, richardson: the correctly rounded derivative
    for name, want in (("f'(0.5)", exact), ("exp'(1)", mp.e), ("log'(0.001)", None)):
        got = take()
        with mp.workprec(256):
            if want is None:  # 1/x0, x0 = 0.001 rounded to 256 bits
                x0 = dec("0.001", 256)
                with mp.workprec(HIGH):
                    want = 1 / x0
            want = +want
        F.check(reads_back(got, want, 256), "%s at 256 bits: %s, mpmath %s"
                % (name, got, mpmath.nstr(want, 80)))
    # e to 113 bits, twice (printed and kept in a variable)
    for _ in range(2):
        got = take()
        with mp.workprec(113):
            want = +mp.e
        F.check(reads_back(got, want, 113), "e at 113 bits: %s, mpmath %s"
                % (got, mpmath.nstr(want, 40)))
    # x^2 at 3, central, h = 1e-5: as given, then step="exact"
    got = take()
    v = q(square, "3", "1e-5", "central")
    F.check(dbl(got) == v, "x^2 h=1e-5 %s, mpmath %s" % (got, mpmath.nstr(v, 17)))
    got = take()
    hk = exact_step(mpf(3), dbl("1e-5"), 53)
    v = quotient(square, mpf(3), hk, "central", 53)
    F.check(dbl(got) == v, "x^2 step=exact %s, mpmath %s" % (got, mpmath.nstr(v, 17)))
    for prec in (113, 256):
        got = take()
        v = q(square, "3", "1e-5", "central", prec)
        F.check(reads_back(got, v, prec), "x^2 h=1e-5 at %d bits: %s, mpmath %s"
                % (prec, got, mpmath.nstr(v, 80)))
    F.check(next(k, None) is None, "%d lines, all checked" % len(out))
    return F.report()


def gradcheck(path):
    """numdiff_gradcheck.out: three tables of claimed/numeric/rel_error."""
    F = File(path)
    row = re.compile(r"^\s*(\[[^\]]*\]|\S+)\s+([xy])\s+(\S+)\s+(\S+)\s+(\S+)\s+PASS$")
    rows = [row.match(l).groups() for l in F.lines if row.match(l)]
    h = mpf(1e-5)  # the double nearest 1e-5 (53 bits)

    def fxy(x, y, B):       # x^2*y + sin(y)
        return x * x * y + B(mp.sin, y)

    tables = []
    for p in (-2, -1, 0, 1, 2):
        tables.append((str(p), "x", sigmoid, dsigmoid, mpf(p)))
    for p in (-2, -1, 0, 1, 2):
        tables.append((str(p), "x", tanh, dtanh, mpf(p)))
    for px, py in ((1, 2), (0, 0)):
        X, Y = mpf(px), mpf(py)
        pt = "[%d, %d]" % (px, py)
        tables.append((pt, "x", lambda x, B, Y=Y: fxy(x, Y, B),
                       lambda x, B, Y=Y: 2 * x * Y, X))
        tables.append((pt, "y", lambda y, B, X=X: fxy(X, y, B),
                       lambda y, B, X=X: X * X + B(mp.cos, y), Y))
    F.check(len(rows) == len(tables), "%d rows, want %d" % (len(rows), len(tables)))
    for (pt, comp, claimed, numeric, rel), (wpt, wcomp, f, g, x) in zip(rows, tables):
        with mp.workprec(53):
            c = F.double_value(claimed, g(x, Nearest()), lambda: node_values(g, x))
            n = F.double_value(numeric, quotient(f, x, h, "central", 53),
                               lambda: quotients_faithful(f, x, h, "central", 53))
        with mp.workprec(HIGH):
            big = max(abs(c), abs(n))
            r = abs(c - n) / big if big else mpf(0)
        where = "%s %s" % (pt, comp)
        F.check(pt == wpt and comp == wcomp, "row %s, want %s %s" % (where, wpt, wcomp))
        F.check(dec(claimed, 53) == c, "%s claimed %s, mpmath %s" % (where, claimed, mpmath.nstr(c, 17)))
        F.check(dec(numeric, 53) == n, "%s numeric %s, mpmath %s" % (where, numeric, mpmath.nstr(n, 17)))
        F.check(same_digits(rel, r, 3), "%s rel_error %s, mpmath %s" % (where, rel, mpmath.nstr(r, 3)))
    return F.report()


def main():
    cases = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "cases")
    c = lambda n: os.path.join(cases, n)
    fails = 0
    fails += nderiv(c("numdiff_nderiv.out"))
    fails += gradcheck(c("numdiff_gradcheck.out"))
    fails += hstudy(c("numdiff_hstudy_square.out"), square, square_d, "3", 0)
    fails += hstudy(c("numdiff_hstudy_sinexp.out"), sinexp, sinexp_d, "0.5", 0)
    fails += hstudy(c("numdiff_hstudy_256.out"), sinexp, sinexp_d, "0.5", 20)
    # every numdiff golden is covered here: a new one needs its checks
    known = {"numdiff_nderiv.out", "numdiff_gradcheck.out", "numdiff_hstudy_square.out",
             "numdiff_hstudy_sinexp.out", "numdiff_hstudy_256.out"}
    new = sorted(n for n in os.listdir(cases)
                 if n.startswith("numdiff_") and n.endswith(".out") and n not in known)
    if new:
        print("FAIL numdiff_mpmath: golden files with no mpmath check: " + " ".join(new))
        fails += 1
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
