#!/usr/bin/python3
"""numdiff_golden_check.py -- check the numdiff golden outputs independently.

The expected outputs tests/cases/numdiff_*.out were produced by nabla; this
script recomputes every number in them another way, so they are not taken on
nabla's word:
  - hstudy rows in double: the textbook quotients in IEEE double (Python
    floats, the same libm), digit for digit;
  - hstudy rows at 256 bits: the same quotients in mpmath, each operation
    rounded to 256 bits (sin and exp computed at 2000 bits and rounded once,
    i.e. correctly rounded, as MPFR is), values to 20 digits and errors to
    3 digits against the derivative at 900 bits;
  - gradcheck rows: claimed = the closed form, numeric = central difference
    with the step actually taken, both in IEEE double.
Run from tests/cases: /usr/bin/python3 ../oracle/data/numdiff_golden_check.py
Exits 1 on any mismatch.
"""
import math
import sys
import mpmath

bad = 0


def rows(name, prec):
    """The rows of the main table (it ends at the first blank line)."""
    for line in open(name):
        r = line.split()
        if not r:
            return
        if len(r) != 6 or r[0] != prec:
            continue
        try:
            float(r[2])
        except ValueError:
            continue
        yield r


def quotient(f, x, h, method):
    if method == 'forward':
        return (f(x + h) - f(x)) / h
    if method == 'backward':
        return (f(x) - f(x - h)) / h
    if method == 'central':
        return (f(x + h) - f(x - h)) / (2 * h)
    return (f(x - 2*h) - 8*f(x - h) + 8*f(x + h) - f(x + 2*h)) / (12 * h)


def check_double(name, f, x0):
    global bad
    n = 0
    for r in rows(name, 'double'):
        q = quotient(f, x0, float(r[2]), r[1])
        n += 1
        if q != float(r[3]):
            bad += 1
            print('%s: %s h=%s: nabla %s, Python %r' % (name, r[1], r[2], r[3], q))
    print('%s: %d rows checked' % (name, n))


def check_256():
    global bad
    name = 'numdiff_hstudy_256.out'
    P = 256

    def f(x):
        with mpmath.workprec(P):
            t = -(x * x / 2)
        with mpmath.workprec(2000):
            e, s = mpmath.exp(t), mpmath.sin(x)
        with mpmath.workprec(P):
            return (+s) * (+e)
    mpmath.mp.prec = P
    x = mpmath.mpf(1) / 2
    with mpmath.workprec(900):
        ex = (mpmath.cos(x) - x * mpmath.sin(x)) * mpmath.exp(-x**2 / 2)
    n = 0
    for r in rows(name, '256'):
        h = mpmath.mpf(r[2])
        q = quotient(f, x, h, r[1])
        e = abs(q - ex)
        n += 1
        if mpmath.mpf(mpmath.nstr(q, 20)) != mpmath.mpf(r[3]) or \
                abs(e / mpmath.mpf(r[4]) - 1) > 0.006:
            bad += 1
            print('%s: %s h=%s: nabla %s %s, mpmath %s %s' % (
                name, r[1], r[2], r[3], r[4], mpmath.nstr(q, 20),
                mpmath.nstr(e, 3)))
    print('%s: %d rows checked' % (name, n))


def check_gradcheck():
    global bad
    name = 'numdiff_gradcheck.out'
    s = lambda x: 1 / (1 + math.exp(-x))
    fns = [(s, lambda x: s(x) * (1 - s(x))),
           (math.tanh, lambda x: 1 - math.tanh(x)**2),
           (s, lambda x: s(x) * (1 + s(x)))]
    blocks, cur = [], []
    for line in open(name):
        r = line.split()
        if r and r[0] == 'point':
            cur = []
            blocks.append(cur)
        elif r and r[-1] in ('PASS', 'FAIL') and len(r) == 6:
            cur.append(r)
    n = 0
    for (f, g), blk in zip(fns, blocks):
        for r in blk:
            x = float(r[0])
            hk = (x + 1e-5) - x
            num = (f(x + hk) - f(x - hk)) / (2 * hk)
            n += 1
            if g(x) != float(r[2]) or num != float(r[3]):
                bad += 1
                print('%s: x=%s: nabla %s %s, Python %r %r' % (
                    name, r[0], r[2], r[3], g(x), num))
    # x^2*y + sin(y) at [1, 2] and [0, 0]: symbolic gradient, then a slip
    F = lambda x, y: x * x * y + math.sin(y)
    grads = [lambda x, y: (2 * x * y, x * x + math.cos(y)),
             lambda x, y: (2 * x * y, x * x - math.cos(y))]
    print('%s: %d one-variable rows checked' % (name, n))
    n2 = 0
    lines = [l for l in open(name) if l.startswith('[')]
    for line, gi in zip(lines, [0, 0, 0, 0, 1, 1]):
        pt_txt, rest = line.split(']', 1)
        x, y = (float(v) for v in pt_txt.strip('[').split(','))
        comp, claimed, numeric = rest.split()[:3]
        i = 0 if comp == 'x' else 1
        h = 1e-5
        if i == 0:
            hk = (x + h) - x
            num = (F(x + hk, y) - F(x - hk, y)) / (2 * hk)
        else:
            hk = (y + h) - y
            num = (F(x, y + hk) - F(x, y - hk)) / (2 * hk)
        n2 += 1
        if grads[gi](x, y)[i] != float(claimed) or num != float(numeric):
            bad += 1
            print('%s: [%g, %g] %s: nabla %s %s, Python %r %r' % (
                name, x, y, comp, claimed, numeric, grads[gi](x, y)[i], num))
    print('%s: %d two-variable rows checked' % (name, n2))


check_double('numdiff_hstudy_square.out', lambda x: x * x, 3.0)
check_double('numdiff_hstudy_sinexp.out',
             lambda x: math.sin(x) * math.exp(-x * x / 2), 0.5)
check_256()
check_gradcheck()
sys.exit(1 if bad else 0)
