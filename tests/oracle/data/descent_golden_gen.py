#!/usr/bin/python3
"""Generate the expected output of tests/cases/descent_*.nabla independently
of nabla: the gradient-descent loops are the seed's Python loop (x = x -
rate*grad), the stop rules and verdict sentences are re-implemented here from
descent.h / descent_verdict.c's documented rules, and the tables are laid out
by the rules of table.c (right-aligned numeric columns, two spaces apart).

Run from the repository root:  /usr/bin/python3 tests/oracle/data/descent_golden_gen.py
Only quadratics are used, whose gradients nabla compiles to 2*x, -2*y: the
same double operations as the Python loop, so every digit must agree.
"""
import json
import math
import os

CASES = os.path.join(os.path.dirname(__file__), "..", "..", "cases")
TOL = 1e-10


def fmt(v):
    """Shortest round-trip double, in nabla's spelling (-8, 1.5e-6)."""
    if v == 0:
        return "0"
    s = repr(float(v))
    if "e" in s:
        mant, exp = s.split("e")
        if mant.endswith(".0"):
            mant = mant[:-2]
        return f"{mant}e{int(exp)}"
    return s[:-2] if s.endswith(".0") else s


def g6(v):
    """%.6g in nabla's spelling: 1e-7, 1e300."""
    s = "%.6g" % (0.0 if v == 0 else v)
    if "e" in s:
        mant, exp = s.split("e")
        s = f"{mant}e{int(exp)}"
    return s


def count2(v):
    """A step estimate to two significant digits, as a whole number."""
    p = 10 ** (math.floor(math.log10(v)) - 1) if v >= 10 else 1
    return "%.0f" % (round(v / p) * p)


def descend(grad_signs, start, rate, steps=1000):
    """gd on f = sum s_i x_i^2: the seed's loop plus nabla's stop rules.
    Returns the points, f, |grad| at each step, the stop and counters."""
    def fg(x):
        f = 0.0
        for s, v in zip(grad_signs, x):
            f = f + (v * v if s > 0 else -(v * v))
        return f, [2 * v if s > 0 else -2 * v for s, v in zip(grad_signs, x)]

    x = list(start)
    f, g = fg(x)
    f0 = f
    grow = f0 + 1e3 * (1 + abs(f0))
    path, up, rev, revbits, pending, prev = [], 0, 0, [], None, None
    k = 0
    while True:
        gn = 0.0
        for c in g:
            gn = gn + c * c
        gn = math.sqrt(gn)
        path.append((k, list(x), f, gn))
        if gn < TOL:
            stop = "grad"
            break
        if up >= 10 and f > grow:
            stop = "grow"
            break
        if pending:
            stop = pending
            break
        if k >= steps:
            stop = "limit"
            break
        xn = [v - rate * c for v, c in zip(x, g)]
        fn, gnext = fg(xn)
        r = 0
        if prev is not None:
            dot = 0.0
            for a, b, c in zip(prev, x, xn):
                dot = dot + (b - a) * (c - b)
            r = dot < 0
        rev += r
        revbits.append(r)
        if xn == x:
            pending = "stuck"
        elif prev is not None and xn == prev:
            pending = "cycle"
        up = up + 1 if fn > f else 0
        prev, x, f, g = x, xn, fn, gnext
        k += 1
    return dict(path=path, stop=stop, k=k, rev=rev, revbits=revbits, up=up,
                f0=f0, evals=k + 1)


def auto_every(steps):
    p = 1
    while True:
        for m in (1, 2, 5):
            e = m * p
            if -(-steps // e) <= 15:
                return e
        p *= 10


def table(cols, rows):
    w = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(cols)]
    right = []
    for i in range(len(cols)):
        right.append(all(_isnum(r[i]) for r in rows if r[i]))

    def line(v):
        out = []
        for i, s in enumerate(v):
            fill = w[i] - len(s)
            if right[i]:
                out.append(" " * fill + s)
            elif i + 1 < len(v):
                out.append(s + " " * fill)
            else:
                out.append(s)
        return "  ".join(out) + "\n"
    return line(cols) + "".join(line(r) for r in rows)


def _isnum(s):
    try:
        float(s)
        return s not in ("inf", "-inf", "nan")
    except ValueError:
        return False


def counts(run):
    s = "" if run["evals"] == 1 else "s"
    return f" [{run['evals']} evaluation{s} of f and its gradient]"


def verdict(run, rate, names, eig):
    """The verdict sentence for these quadratics (eig: Hessian eigenvalues,
    ascending, constant)."""
    k, last = run["k"], run["path"][-1]
    gn = last[3]
    lmax = eig[-1]
    stable = 2 / lmax if lmax > 0 else None

    def rate_clause():
        if stable is None:
            return ""
        rel = (rate - stable) / stable
        cmp = "equals" if abs(rel) <= 1e-9 else ("is above" if rel > 0 else "is below")
        return f"; rate {g6(rate)} {cmp} 2/λmax = {g6(stable)} (λmax = {g6(lmax)} at the start)"

    eigs = ", ".join(g6(e) for e in eig)
    if run["stop"] == "grad":
        if all(e > 0 for e in eig):
            s = (f"converged at step {k}: |grad| = {g6(gn)} < tol {g6(TOL)}; "
                 f"a minimum (Hessian eigenvalues {eigs})")
        else:
            x = last[1]
            s = (f"stalled at a saddle point at step {k}: |grad| = {g6(gn)} < tol "
                 f"{g6(TOL)} but the Hessian is indefinite (Hessian eigenvalues "
                 f"{eigs}): not a minimum; f decreases along ±(0, 1) from "
                 f"({', '.join(names)}) = ({', '.join(g6(v) for v in x)})")
        if k >= 4 and 2 * run["rev"] > k:
            s += f"; the path oscillated ({run['rev']} of {k} steps reversed direction)"
        return s + counts(run)
    if run["stop"] == "cycle":
        return (f"oscillating forever: step {k} returns exactly to the point of "
                f"step {k - 2}, a 2-cycle across the valley" + rate_clause() + counts(run))
    if run["stop"] == "grow":
        return (f"diverged at step {k}: f grew at every step from step "
                f"{k - run['up']} to {g6(last[2])} (f0 = {g6(run['f0'])})"
                + rate_clause() + counts(run))
    # step limit on a positive definite quadratic
    dist = math.sqrt(sum((c / e) ** 2 for c, e in zip(_grad_at(last[1]), eig)))
    w = min(k, 50)
    g_then = run["path"][k - w][3]
    q = (gn / g_then) ** (1.0 / w)
    more = math.log(TOL / gn) / math.log(q)
    return (f"stopped at the step limit ({k} steps): |grad| = {g6(gn)} is not yet "
            f"< tol {g6(TOL)}; about {g6(dist)} from the critical point (Newton estimate "
            f"|H^-1 grad|); about {count2(more)} more steps at the current pace"
            + counts(run))


def _grad_at(x):
    return [2 * v for v in x]


def vec(x):
    return "[" + ", ".join(fmt(v) for v in x) + "]"


def path_rows(run):
    every = auto_every(run["k"])
    rows = []
    for i, (k, x, f, gn) in enumerate(run["path"]):
        if k % every == 0 or i + 1 == len(run["path"]):
            rows.append([str(k)] + [fmt(v) for v in x] + [fmt(f), fmt(gn)])
    return rows


def write(name, src, out, args=None):
    with open(os.path.join(CASES, name + ".nabla"), "w") as fh:
        fh.write(src)
    with open(os.path.join(CASES, name + ".out"), "w") as fh:
        fh.write(out)
    if args:
        with open(os.path.join(CASES, name + ".args"), "w") as fh:
            fh.write(args + "\n")


def seed():
    run = descend((1, 1), (-8.0, 6.0), 0.1, steps=20)
    rows = path_rows(run)
    cols = ["step", "x", "y", "f", "grad_norm"]
    final = run["path"][-1][1]
    src = ("# The seed's loop (a Japanese gradient-descent explainer): x^2 + y^2\n"
           "# from (-8, 6), rate 0.1, 20 steps, as one line of nabla.\n"
           "p = descend(x^2 + y^2, [-8, 6], rate=0.1, steps=20)\np\n")
    text = table(cols, rows) + verdict(run, 0.1, "xy", [2, 2]) + "\n" + vec(final) + "\n"
    write("descent_seed", src, text)
    csv = ",".join(cols) + "\n" + "".join(",".join(r) + "\n" for r in rows)
    csv += '"' + vec(final) + '"\n'
    write("descent_seed_csv", src, csv, "--format=csv")
    js = '{"command": "descend", "rows": [\n'
    js += ",\n".join("  {" + ", ".join(f'"{c}": {v}' for c, v in zip(cols, r)) + "}"
                     for r in rows)
    last = run["path"][-1]
    summary = [("verdict", '"step-limit"'), ("method", '"gd"'), ("steps", "20"),
               ("evaluations", "21"), ("gradient_evaluations", "21"),
               ("hessian_evaluations", "0"), ("final_x", fmt(last[1][0])),
               ("final_y", fmt(last[1][1])), ("f", fmt(last[2])),
               ("grad_norm", fmt(last[3]))]
    js += '\n], "summary": {' + ", ".join(f'"{k}": {v}' for k, v in summary)
    js += ', "notes": [' + json.dumps(verdict(run, 0.1, "xy", [2, 2]), ensure_ascii=False) + "]}}\n"
    js += '{"value": ' + vec(final) + "}\n"
    write("descent_seed_json", src, js, "--format=json")


def rates():
    rs = [0.1, 0.9, 1.0, 1.1]
    runs = [descend((1, 1), (-8.0, 6.0), r) for r in rs]
    names = {"grad": "converged", "cycle": "oscillating", "grow": "diverged"}
    rows = []
    for r, run in zip(rs, runs):
        k, x, f, gn = run["path"][-1]
        rows.append([fmt(r)] + [fmt(v) for v in x] + [fmt(f), fmt(gn), str(k),
                                                     names[run["stop"]]])
    cols = ["rate", "x", "y", "f", "grad_norm", "steps", "verdict"]
    text = table(cols, rows)
    for r, run in zip(rs, runs):
        text += f"rate {fmt(r)}: " + verdict(run, r, "xy", [2, 2]) + "\n"
    # the value: the lowest minimum found
    conv = [run for run in runs if run["stop"] == "grad"]
    best = min(conv, key=lambda run: run["path"][-1][2])
    text += vec(best["path"][-1][1]) + "\n"
    src = ("# The seed's advice, tried: rate 0.1 and 0.9 converge (0.9 zig-zags),\n"
           "# 1.0 oscillates forever, 1.1 diverges: 2/lambda_max = 1 for x^2 + y^2.\n"
           "p = descend(x^2 + y^2, [-8, 6], rate=[0.1, 0.9, 1.0, 1.1])\np\n")
    write("descent_rates", src, text)


def saddle():
    run = descend((1, -1), (1.0, 0.0), 0.1)
    rows = path_rows(run)
    text = table(["step", "x", "y", "f", "grad_norm"], rows)
    text += verdict(run, 0.1, "xy", [-2, 2]) + "\n" + vec(run["path"][-1][1]) + "\n"
    src = ("# A saddle: started on the x axis, gd rolls into the origin, where the\n"
           "# gradient vanishes but the Hessian is indefinite. Not a minimum.\n"
           "p = descend(x^2 - y^2, [1, 0])\np\n")
    write("descent_saddle", src, text)


def w_descend(x, rate, tol):
    """gd on W(x) = x^4 - 2x^2 + 0.3x (1 variable, no cycles or growth)."""
    def fg(v):
        return v ** 4 - 2 * v * v + 0.3 * v, 4 * v ** 3 - 4 * v + 0.3
    f, g = fg(x)
    k = 0
    while abs(g) >= tol:
        x = x - rate * g
        f, g = fg(x)
        k += 1
    return dict(x=x, f=f, g=abs(g), k=k, eig=12 * x * x - 4)


def w_shape():
    """The seed's W: two starts find the two minima; the lower is named
    global among those found. --digits=6 keeps the table independent of
    the last bits of the compiled gradient."""
    starts = [-2.0, 2.0]
    runs = [w_descend(s, 0.05, 1e-6) for s in starts]
    rows = [[f"[{g6(s)}]", g6(r["x"]), g6(r["f"]), g6(r["g"]), str(r["k"]),
             "converged"] for s, r in zip(starts, runs)]
    text = table(["start", "x", "f", "grad_norm", "steps", "verdict"], rows)
    for s, r in zip(starts, runs):
        text += (f"start [{g6(s)}]: converged at step {r['k']}: |grad| = "
                 f"{g6(r['g'])} < tol 1e-6; a minimum (Hessian eigenvalue "
                 f"{g6(r['eig'])}) [{r['k'] + 1} evaluations of f and its gradient]\n")
    lo, hi = sorted(range(2), key=lambda i: runs[i]["f"])
    for i, label in ((lo, "lowest minimum found (global among those found)"),
                     (hi, "local minimum")):
        r = runs[i]
        text += (f"{label}: x = {g6(r['x'])}, f = {g6(r['f'])}, reached from "
                 f"start [{g6(starts[i])}]\n")
    text += g6(runs[lo]["x"]) + "\n"
    src = ("# The seed's W-shaped loss: one start rolls into the shallow local\n"
           "# minimum, the other into the deeper one; nabla says which is which.\n"
           "W(x) = x^4 - 2*x^2 + 0.3*x\n"
           "p = descend(W, start=[-2, 2], rate=0.05, tol=1e-6)\np\n")
    write("descent_w", src, text, "--digits=6")


if __name__ == "__main__":
    seed()
    rates()
    saddle()
    w_shape()
