#!/usr/bin/python3
"""gen_sympy_diff.py -- reference derivatives for tests/oracle/oracle_diff.c.

For each expression (written in nabla's syntax), SymPy differentiates it
(order n in x, or the mixed partial in x then y) and mpmath evaluates the
result at fixed rational points to 60 significant digits. Output, one line
per (expression, derivative, point), tab-separated:

    expr  vars  x  y  value

where vars is a string of variable names, one letter per differentiation
("x", "xxx", "xy"), x and y are exact rationals "p/q", and value has 60
significant digits. Run:  /usr/bin/python3 gen_sympy_diff.py > sympy_diff.txt
(python3-sympy and python3-mpmath; the output is committed, so the test
suite needs no Python).
"""
import sympy as sp
import mpmath

x, y = sp.symbols('x y', real=True, positive=True)

# nabla spellings SymPy does not have, as SymPy expressions
NS = {
    'x': x, 'y': y,
    'sigmoid': lambda u: 1 / (1 + sp.exp(-u)),
    'softplus': lambda u: sp.log(1 + sp.exp(u)),
    'log2': lambda u: sp.log(u) / sp.log(2),
    'log10': lambda u: sp.log(u) / sp.log(10),
    'cbrt': lambda u: sp.root(u, 3),
    'hypot': lambda a, b: sp.sqrt(a**2 + b**2),
    'atan2': sp.atan2, 'pow': lambda a, b: a**b,
    'asin': sp.asin, 'acos': sp.acos, 'atan': sp.atan,
    'asinh': sp.asinh, 'acosh': sp.acosh, 'atanh': sp.atanh,
    'sec': sp.sec, 'csc': sp.csc, 'cot': sp.cot, 'erf': sp.erf,
    'erfc': sp.erfc, 'abs': sp.Abs, 'pi': sp.pi, 'e': sp.E,
    'gamma': sp.gamma, 'lgamma': sp.loggamma, 'digamma': sp.digamma,
    'polygamma': sp.polygamma,
}

CASES = [
    ('sin(x)*exp(-x^2/2)', ['x', 'xx', 'xxxxx', 'xxxxxxxxxx']),
    ('(1-x)^2 + 100*(y-x^2)^2', ['x', 'y', 'xx', 'xy', 'xxx']),
    ('1/(1+exp(-x))', ['x', 'xx', 'xxx']),
    ('x^8 - 3*x^7 + 5*x^6 - 2*x^5 + 7*x^4 - x^3 + 4*x^2 - 6*x + 9', ['x', 'xxxx']),
    ('sin(x)^2 + cos(2*x)*x^3 - atan(x/3)/(1+x^2) + sqrt(1+x^4)', ['x', 'xx', 'xxx']),
    ('tan(x)', ['x', 'xxx']),
    ('sec(x) + csc(x) + cot(x)', ['x', 'xx']),
    ('asin(x/3) + acos(x/4) + atan(x)', ['x', 'xx']),
    ('atan2(y, x)', ['x', 'y', 'xy']),
    ('sinh(x)*cosh(y) + tanh(x*y)', ['x', 'xy', 'xx']),
    ('asinh(x) + acosh(x + 1) + atanh(x/5)', ['x', 'xx']),
    ('log(x) + log2(x) + log10(x*y)', ['x', 'xy']),
    ('sqrt(x) + cbrt(x) + x^(2/3)', ['x', 'xx', 'xxx']),
    ('erf(x) + erfc(x/2)', ['x', 'xx']),
    ('sigmoid(x*y)', ['x', 'xy']),
    ('softplus(x) - softplus(-x)', ['x', 'xx']),
    ('hypot(x, y)', ['x', 'y', 'xy']),
    ('x^x', ['x', 'xx']),
    ('pow(y, x)*x^y', ['x', 'y', 'xy']),
    ('exp(sin(x))*log(1 + x^2)', ['x', 'xxx']),
    ('(x^2 + 1)/(x^3 - x + 5)', ['x', 'xx']),
    ('sin(x)/x', ['x', 'xxxx']),
    ('x*exp(-x)*cos(3*x)', ['xxxxxx']),
    ('log(x + sqrt(x^2 + 1))', ['x', 'xx']),
    ('abs(x - 5)*x', ['x']),
    ('exp(x*y)*sin(x + y)', ['xy', 'xxy']),
    ('pi*x^2 + e^x', ['x', 'xx']),
    ('(x + y)^5/(x*y)', ['x', 'xy']),
    ('sin(cos(tan(x)))', ['x', 'xx']),
    ('x^(1/3)', ['x', 'xx']),
    ('gamma(x)', ['x', 'xx', 'xxx']),
    ('lgamma(x)', ['x', 'xx', 'xxxxx']),
    ('digamma(x)', ['x', 'xxx']),
    ('polygamma(2, x*y)', ['x', 'xy']),
    ('gamma(x*y)*lgamma(x + y)', ['xy']),
]

POINTS = [(sp.Rational(7, 10), sp.Rational(13, 10)),
          (sp.Rational(19, 10), sp.Rational(3, 8)),
          (sp.Rational(3, 2), sp.Rational(11, 4))]


def main():
    mpmath.mp.dps = 80
    for text, derivs in CASES:
        e = sp.sympify(text.replace('^', '**'), locals=NS)
        for vs in derivs:
            d = e
            for v in vs:
                d = sp.diff(d, x if v == 'x' else y)
            for (px, py) in POINTS:
                val = d.subs({x: px, y: py})
                num = sp.N(val, 70)
                s = mpmath.nstr(mpmath.mpf(str(num)), 60, min_fixed=-10**9,
                                max_fixed=10**9)
                print('%s\t%s\t%s\t%s\t%s' % (text, vs, px, py, s))


if __name__ == '__main__':
    main()
