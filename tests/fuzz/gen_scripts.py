#!/usr/bin/env python3
"""gen_scripts.py — grammar-based scripts for the nabla program.

Writes random but mostly valid scripts (nested expressions over every
built-in, commands with their keywords, vectors, ranges, definitions,
settings, and errors on purpose) and runs the program on each, in a
directory of its own, with a timeout and a memory limit per script. Under
an AddressSanitizer build (detected in the binary) the memory limit is
ASan's hard_rss_limit_mb, else ulimit -v. Reports, each with the input
saved in the findings directory (NAME.nabla, NAME.args: the options,
NAME.stderr):
  crash      a signal, or an exit status other than 0 and 1
  sanitizer  an AddressSanitizer, UBSan or LeakSanitizer report
  memory     past the memory limit
  timeout    past the time limit
Reproduce one: cd FINDINGS && nabla $(cat NAME.args) NAME.nabla
Reduce one to the statements that matter: gen_scripts.py --nabla N
--reduce FINDINGS/NAME.nabla (drops lines while the same kind of finding
remains, and writes NAME.min.nabla).

Run by `make fuzz-scripts FUZZ_SCRIPTS=N`; not part of `make check`.
Exit status 1 when something was found.
"""
import argparse
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

FUNCS1 = ["sin", "cos", "tan", "sec", "csc", "cot", "asin", "acos", "atan",
          "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "exp", "log",
          "ln", "log2", "log10", "sqrt", "cbrt", "abs", "sign", "heaviside",
          "floor", "ceil", "erf", "erfc", "gamma", "lgamma", "sigmoid",
          "relu", "softplus", "digamma"]
CLOSED = ["float"]   # of closed expressions only
FUNCS2 = ["atan2", "hypot", "pow", "log", "min", "max", "polygamma"]
VARIADIC = ["min", "max"]
VARS = ["x", "y", "z", "t"]
CONSTS = ["pi", "e", "inf", "nan"]
METHODS = ["forward", "backward", "central", "five-point", "richardson",
           "complex-step"]
DESCENT = ["gd", "momentum", "nesterov", "adam", "backtracking", "newton",
           "bfgs"]
KNOWN_WORDS = ["sin", "diff", "plot", "nderiv", "set", "x", "pi", "descend",
               "hstudy", "taylor", "vectors", "table"]


class Gen:
    """One script's worth of random choices."""

    def __init__(self, rng):
        self.r = rng
        self.funcs = []      # (name, nparams) defined so far
        self.vars = []       # variables assigned so far
        self.vecs = []       # variables holding vectors
        self.files = []      # pictures written (load them, for errors)
        self.pictures = []   # variables holding pictures

    def chance(self, p):
        return self.r.random() < p

    def pick(self, seq):
        return self.r.choice(seq)

    # --- numbers -----------------------------------------------------------
    def number(self):
        r = self.r.random()
        if r < 0.35:
            return str(self.r.randint(0, 9))
        if r < 0.55:
            return "%d.%d" % (self.r.randint(0, 99), self.r.randint(0, 999))
        if r < 0.65:
            return "%de%d" % (self.r.randint(1, 9), self.r.randint(-20, 20))
        if r < 0.75:
            return "%d/%d" % (self.r.randint(1, 99), self.r.randint(1, 99))
        return self.pick([
            "1e-400", "1e400", "1e308", "1e-308", "4.9e-324", "2^63", "2^64",
            "2^63-1", "2^-1074", "0.1", "1e-16", "1e16", "10^100", "2^1000",
            "1e-1000000", "12345678901234567890", "0.30000000000000004",
            "9007199254740993", "1/3", "-0", "0", "710", "-745", "1e22",
            "3.14159265358979323846264338327950288", "2^(2^20)", "10^-1000",
            "1e999", "0.5", "100", "1000", "6.02E23", ".5"])

    # --- expressions -------------------------------------------------------
    def leaf(self, names):
        r = self.r.random()
        if r < 0.45 and names:
            return self.pick(names)
        if r < 0.8:
            return self.number()
        if r < 0.9:
            return self.pick(CONSTS[:2]) if self.chance(0.9) else self.pick(CONSTS)
        if self.vars and self.chance(0.7):
            return self.pick(self.vars)
        return self.pick(["ans", "a", "b", "undefined_name", "π"])

    def expr(self, depth, names=("x",)):
        names = list(names) or ["pi", "1/7"]   # no names: closed
        if depth <= 0 or self.chance(0.2):
            return self.leaf(names)
        r = self.r.random()
        d = depth - 1
        if r < 0.28:
            op = self.pick(["+", "-", "*", "/", "^", "*", "+", "**"])
            if op in ("^", "**") and self.chance(0.6):
                return "%s%s%s" % (self.atom(d, names), op, self.exponent(d, names))
            sep = " " if self.chance(0.7) else ""
            return "%s%s%s%s%s" % (self.atom(d, names), sep, op, sep,
                                   self.atom(d, names))
        if r < 0.55:
            f = self.pick(FUNCS1)
            if f == "log" and self.chance(0.3):
                return "log(%s, %s)" % (self.expr(d, names), self.expr(d, names))
            return "%s(%s)" % (f, self.expr(d, names))
        if r < 0.65:
            f = self.pick(FUNCS2)
            n = 2 if f not in VARIADIC else self.r.randint(1, 4)
            return "%s(%s)" % (f, ", ".join(self.expr(d, names) for _ in range(n)))
        if r < 0.72:
            return "-" + self.atom(d, names)
        if r < 0.8:
            return "(%s)" % self.expr(d, names)
        if r < 0.86 and self.funcs:
            name, k = self.pick(self.funcs)
            primes = "'" * (self.r.randint(1, 2) if self.chance(0.3) else 0)
            return "%s%s(%s)" % (name, primes,
                                 ", ".join(self.expr(d, names) for _ in range(k)))
        if r < 0.9:
            # implicit multiplication: 2x, 3(x+1), (x+1)(x-1)
            return self.pick(["2%s" % self.pick(names), "3(%s)" % self.expr(d, names),
                              "(%s)(%s)" % (self.expr(d, names), self.expr(d, names)),
                              "2 %s(%s)" % (self.pick(FUNCS1), self.expr(d, names))])
        if r < 0.94 and self.vecs:
            return "%s[%d]" % (self.pick(self.vecs), self.r.randint(0, 4))
        if r < 0.97:
            return self.pick(["sum(%s)", "norm(%s)", "len(%s)"]) % self.vector(d, names)
        return "%s(%s)" % (self.pick(CLOSED), self.expr(d, []))

    def atom(self, depth, names):
        e = self.expr(depth, names)
        if any(c in e for c in "+-*/^ ") and not e.endswith(")"):
            return "(%s)" % e
        return e

    def exponent(self, depth, names):
        return self.pick(["2", "3", "-1", "(1/2)", "(-1/2)", "0.5", "10",
                          "(1/3)", "100", "1000", "(2^63)", "-2", "(%s)" %
                          self.expr(depth, names)])

    def vector(self, depth, names, n=None):
        n = self.r.randint(0, 5) if n is None else n
        return "[%s]" % ", ".join(self.expr(depth, names) for _ in range(n))

    def rng_kw(self, var):
        a = self.r.choice([-3, -1, 0, -10, -0.5, 1e-3])
        b = a + self.r.choice([1, 2, 6, 20, 1e-9, 0])
        return "%s=%s..%s" % (var, a, b)

    def fn_arg(self, names):
        """A function argument: an expression, or a user function name."""
        if self.funcs and self.chance(0.3):
            return self.pick(self.funcs)[0]
        return self.expr(self.r.randint(1, 4), names)

    def string(self, choices):
        return '"%s"' % self.pick(choices)

    def picture(self):
        name = "p%d.%s" % (self.r.randint(0, 3), self.pick(["svg", "png", "svg", "pdf", "txt"]))
        self.files.append(name)
        return 'to="%s"' % name

    # --- statements ----------------------------------------------------------
    def command(self):
        d = self.r.randint(1, 4)
        v = self.pick(VARS[:2])
        two = ["x", "y"]
        p = self.pick
        x0 = self.number() if self.chance(0.7) else self.pick(["0.5", "1", "-2", "1e-400", "1e300", "nan", "inf"])
        c = self.r.randint(0, 21)
        if c == 0:
            n = ", %s" % p(["1", "2", "3", "5", "10", "0", "-1", "201", "1.5"]) if self.chance(0.5) else ""
            return "diff(%s, %s%s)" % (self.fn_arg([v]), v, n)
        if c == 1:
            return "grad(%s%s)" % (self.expr(d, two), ", [x, y]" if self.chance(0.5) else "")
        if c == 2:
            return "hessian(%s)" % self.expr(d, two)
        if c == 3:
            return "jacobian([%s, %s], [x, y])" % (self.expr(d, two), self.expr(d, two))
        if c == 4:
            return "taylor(%s, x, %s, %s)" % (self.expr(d), x0, p(["0", "1", "3", "5", "8", "20"]))
        if c == 5:
            return "tangent(%s, x, %s)" % (self.expr(d), x0)
        if c == 6:
            return "%s(%s)" % (p(["simplify", "expand", "latex", "ccode"]), self.expr(d + 1, two))
        if c == 7:
            return "%s(%s, x=%s)" % (p(["subs", "eval"]), self.expr(d), x0)
        if c == 8:
            kws = []
            if self.chance(0.6):
                kws.append("method=%s" % self.string(METHODS))
            if self.chance(0.3):
                kws.append("h=%s" % p(["1e-5", "1e-8", "0.1", "1e-400", "0", "-1"]))
            if self.chance(0.3):
                kws.append("prec=%s" % p(["double", "53", "113", "256", "1000", "1"]))
            if self.chance(0.3):
                kws.append("error=%s" % p(["true", "false"]))
            if self.chance(0.1):
                kws.append('step="exact"')
            return "nderiv(%s)" % ", ".join([self.fn_arg(["x"]), x0] + kws)
        if c == 9:
            kws = []
            if self.chance(0.5):
                kws.append("methods=[%s]" % ", ".join(self.string(METHODS) for _ in range(self.r.randint(1, 3))))
            kws.append("prec=%s" % p(["double", "113", "[double, 113]", "64"]))
            if self.chance(0.3):
                kws.append("per_decade=%s" % p(["1", "2", "5"]))
            if self.chance(0.2):
                kws.append("h=[0.1, 1e-6]")
            if self.chance(0.2):
                kws.append(self.picture())
            return "hstudy(%s)" % ", ".join([self.fn_arg(["x"]), x0] + kws)
        if c == 10:
            pts = "[%s]" % ", ".join(self.number() for _ in range(self.r.randint(1, 4)))
            g = ", grad=%s" % self.expr(d) if self.chance(0.5) else ""
            return "gradcheck(%s, %s%s)" % (self.expr(d), pts, g)
        if c == 11:
            kws = ["steps=%s" % p(["10", "50", "200", "1000"])]
            if self.chance(0.6):
                kws.append("method=%s" % self.string(DESCENT))
            if self.chance(0.5):
                kws.append("rate=%s" % p(["0.1", "0.01", "1", "[0.01, 0.1]", "0"]))
            if self.chance(0.2):
                kws.append(self.picture())
            if self.chance(0.2):
                kws.append('gradient="numeric"')
            return "descend(%s, [%s, %s], %s)" % (self.expr(d, two), self.number(), self.number(), ", ".join(kws))
        if c == 12:
            fs = ", ".join(self.fn_arg(["x"]) for _ in range(self.r.randint(1, 3)))
            kws = [self.rng_kw("x")]
            if self.chance(0.3):
                kws.append("tangent=%s" % self.number())
            if self.chance(0.2):
                kws.append("logy=true")
            if self.chance(0.2):
                kws.append("samples=%s" % p(["10", "1000", "0"]))
            kws.append(self.picture() if self.chance(0.6) else 'title="t"')
            return "plot(%s, %s)" % (fs, ", ".join(kws))
        if c == 13:
            kws = [self.rng_kw("x"), self.rng_kw("y")]
            if self.chance(0.3):
                kws.append("levels=%s" % p(["5", "[0, 1, 2]", "20"]))
            if self.chance(0.3):
                kws.append("grid=%s" % p(["10", "50", "200"]))
            if self.chance(0.2):
                kws.append("field=true")
            kws.append(self.picture())
            return "%s(%s, %s)" % (p(["contour", "surface"]), self.expr(d, two), ", ".join(kws))
        if c == 14:
            return "table(%s, x=%s)" % (self.expr(d), p(["1..5 step 1", "[1, 2, 3]", "0..1 step 0.25", "-1..1 step 0.5"]))
        if c == 15:
            return "%s(%s, %s)" % (p(["dot", "sum"]), self.vector(1, ["x"], 3), self.vector(1, ["x"], 3))
        if c == 16:
            return "%s..%s step %s" % (self.number(), self.number(), p(["1", "0.5", "0.1", "-1", "0"]))
        if c == 17 or (c == 18 and len(self.pictures) < 2):
            name = "p%d" % len(self.pictures)
            self.pictures.append(name)
            return "%s = plot(%s, x=-2..2)" % (name, self.expr(d))
        if c == 18:
            return "figure(%s, cols=%d)" % (", ".join(self.pictures), self.r.randint(1, 3))
        if c == 19:
            return "norm(%s)" % self.vector(d, ["x"])
        return self.expr(self.r.randint(1, 5), ["x", "y"])

    def setting(self):
        return self.pick([
            "set precision %s" % self.pick(["double", "53", "64", "113", "256", "1000", "2", "4096"]),
            "set digits %s" % self.pick(["0", "5", "17", "20", "30", "50", "100"]),
            "set format %s" % self.pick(["text", "csv", "json"]),
            "set plots %s" % self.pick(["off", "text", "auto"]),
            "set",
        ])

    def mistake(self):
        """An error on purpose."""
        e = self.expr(2)
        return self.pick([
            "(" + e, e + ")", "[" + e, e + " +", "sin()", "sin(x, y, z)",
            "atan2(x)", "unknown_fn(%s)" % e, "1/0", "0^-1", "log(-1)",
            "diff(%s)" % e, "diff(%s, 2)" % e, "nderiv(%s, x)" % e,
            "descend(%s)" % e, "plot(%s)" % e, "set precision 0",
            "set precision 99999999", "set digits -1", "set bogus 1",
            "help nosuchname", 'load "missing.nabla"', "%s = 1" % self.pick(FUNCS1),
            "f(x, x) = x", "f(1) = 2", "x = ", "= x", "2 3", "x y",
            "[1, 2][5]", "[1, 2] + [1, 2, 3]", "1..2", "x'", "sin'(x)'",
            '"a string" + 1', "nderiv(%s, 0, method=\"bogus\")" % e,
            "plot(%s, x=1..1)" % e, "\\", "#", "1e", "1.2.3", "..", "π(2)",
            "x = x + 1", "f(x) = f(x)", "g(x) = h(x); h(x) = g(x); g(1)",
            "10^10^10", "2^(2^40)", "factorial(5)", "\x01", "\udcff",
        ])

    def definition(self):
        r = self.r.random()
        if r < 0.5:
            name = self.pick(["a", "b", "c", "v", "w"])
            if self.chance(0.3):
                value = self.vector(2, ["x"], self.r.randint(1, 4))
                self.vecs.append(name)
            else:
                value = self.expr(self.r.randint(0, 3), ["x", "y"])
            self.vars.append(name)
            return "%s = %s" % (name, value)
        name = self.pick(["f", "g", "h", "loss", "k"])
        k = self.r.randint(1, 2)
        params = ["x", "y"][:k]
        self.funcs.append((name, k))
        return "%s(%s) = %s" % (name, ", ".join(params), self.expr(self.r.randint(1, 4), params))

    def statement(self):
        r = self.r.random()
        if r < 0.25:
            return self.definition()
        if r < 0.6:
            return self.command()
        if r < 0.78:
            return self.expr(self.r.randint(1, 6), ["x", "y"])
        if r < 0.85:
            return self.setting()
        if r < 0.93:
            return self.mistake()
        return self.pick([
            "vars", "funcs", "ans", "clear %s" % self.pick(["x", "a", "f"]),
            "clear", "help %s" % self.pick(KNOWN_WORDS), "help",
            'load "%s"' % (self.pick(self.files) if self.files else "missing.nabla"),
            "vectors", "quit", "exit()"])

    def script(self):
        n = self.r.randint(1, 14)
        lines = []
        for _ in range(n):
            s = self.statement()
            if self.chance(0.08):
                s = s + " # a comment"
            lines.append(s)
        sep = "\n" if self.chance(0.85) else self.pick(["; ", "\r\n", "\n\n"])
        text = sep.join(lines)
        if self.chance(0.9):
            text += "\n"
        return text

    def options(self):
        opts = []
        if self.chance(0.15):
            opts.append("--precision=%s" % self.pick(["double", "64", "113", "256", "1000"]))
        if self.chance(0.1):
            opts.append("--digits=%s" % self.pick(["5", "17", "30", "45"]))
        if self.chance(0.1):
            opts.append("--format=%s" % self.pick(["csv", "json", "html", "markdown"]))
        if self.chance(0.7):
            opts.append("-k")
        return opts


# --- running -------------------------------------------------------------------

SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                   "runtime error:", "ERROR: UndefinedBehaviorSanitizer")


def is_asan(path):
    with open(path, "rb") as f:
        return b"__asan_init" in f.read()


def run_one(args, text, opts, asan, workdir):
    """Run the program on one script; returns (kind or None, seconds, stderr)."""
    script = os.path.join(workdir, "s.nabla")
    with open(script, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(text)
    env = dict(os.environ)
    env["NO_COLOR"] = "1"
    env.pop("TERM", None)
    mem = args.memory_mb
    if asan:
        env["ASAN_OPTIONS"] = ("detect_leaks=1:hard_rss_limit_mb=%d:malloc_limit_mb=%d:"
                               "allocator_may_return_null=0" % (mem, mem))
        env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"

    def limit():
        os.setsid()
        if not asan:
            resource.setrlimit(resource.RLIMIT_AS, (mem << 20, mem << 20))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    start = time.monotonic()
    p = subprocess.Popen([args.nabla] + opts + ["s.nabla"], cwd=workdir, env=env,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, preexec_fn=limit)
    try:
        _, err = p.communicate(timeout=args.timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        _, err = p.communicate()
        return "timeout", time.monotonic() - start, err
    secs = time.monotonic() - start
    text_err = err.decode("utf-8", "replace")
    if "rss limit exhausted" in text_err or "allocation-size-too-big" in text_err \
            or "malloc limit" in text_err or "Cannot allocate memory" in text_err \
            or "out of memory" in text_err or "out-of-memory" in text_err:
        return "memory", secs, err
    if any(m in text_err for m in SANITIZER_MARKS):
        return "sanitizer", secs, err
    if p.returncode < 0 or p.returncode not in (0, 1):
        return "crash", secs, err
    return None, secs, err


def save(args, kind, index, text, opts, err):
    os.makedirs(args.findings, exist_ok=True)
    base = os.path.join(args.findings, "%s-%d" % (kind, index))
    with open(base + ".nabla", "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(text)
    with open(base + ".args", "w") as f:
        f.write(" ".join(opts) + "\n")
    with open(base + ".stderr", "wb") as f:
        f.write(err[-20000:])
    return base


def reduce(args, path, asan):
    """Drop lines while the finding stays of the same kind."""
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        lines = f.read().split("\n")
    argsfile = path[:-len(".nabla")] + ".args"
    opts = open(argsfile).read().split() if os.path.exists(argsfile) else []
    work = tempfile.mkdtemp(prefix="nabla-reduce-")
    try:
        want, _, _ = run_one(args, "\n".join(lines), opts, asan, work)
        if not want:
            print("%s: no finding to reduce" % path)
            return 1
        chunk = max(1, len(lines) // 2)
        while chunk >= 1:
            i = 0
            while i < len(lines):
                trial = lines[:i] + lines[i + chunk:]
                kind, _, _ = run_one(args, "\n".join(trial), opts, asan, work)
                if kind == want:
                    lines = trial
                else:
                    i += chunk
            chunk //= 2
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out = path[:-len(".nabla")] + ".min.nabla"
    with open(out, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write("\n".join(lines))
    print("%s (%s): %d lines, in %s" % (path, want, len(lines), out))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nabla", required=True, help="the program to run")
    ap.add_argument("--count", type=int, default=1000, help="scripts to run")
    ap.add_argument("--seed", type=int, default=None, help="replay a run")
    ap.add_argument("--timeout", type=float, default=10, help="seconds a script")
    ap.add_argument("--memory-mb", type=int, default=2048, help="memory a script")
    ap.add_argument("--findings", default="findings", help="where inputs go")
    ap.add_argument("--print", dest="print_only", action="store_true",
                    help="print the scripts, run nothing")
    ap.add_argument("--reduce", metavar="FILE", help="minimise a saved finding")
    ap.add_argument("--skip", default=os.environ.get("NABLA_FUZZ_SKIP", ""),
                    help="comma-separated strings: scripts (or options) containing "
                         "one are not run (step around a known finding; default "
                         "$NABLA_FUZZ_SKIP)")
    args = ap.parse_args()
    args.nabla = os.path.abspath(args.nabla)   # scripts run elsewhere
    asan = is_asan(args.nabla)
    if args.reduce:
        return reduce(args, args.reduce, asan)
    seed = args.seed if args.seed is not None else random.randrange(1 << 32)
    rng = random.Random(seed)
    if args.print_only:
        for i in range(args.count):
            print("# script %d" % i)
            g = Gen(rng)
            opts = g.options()
            print("# options: %s" % " ".join(opts))
            print(g.script())
        return 0
    print("fuzz-scripts: %d scripts, seed %d, %s, %g s and %d MB a script%s"
          % (args.count, seed, args.nabla, args.timeout, args.memory_mb,
             " (ASan)" if asan else ""), flush=True)
    work = tempfile.mkdtemp(prefix="nabla-scripts-")
    found = {}
    statuses = {"ok": 0, "error": 0, "skipped": 0}
    skip = [w for w in args.skip.split(",") if w]
    slowest = (0.0, -1)
    t0 = time.monotonic()
    try:
        for i in range(args.count):
            g = Gen(rng)
            opts = g.options()
            text = g.script()
            if any(w in text or w in " ".join(opts) for w in skip):
                statuses["skipped"] += 1
                continue
            for name in os.listdir(work):
                os.unlink(os.path.join(work, name))
            kind, secs, err = run_one(args, text, opts, asan, work)
            if secs > slowest[0]:
                slowest = (secs, i)
            if kind:
                found[kind] = found.get(kind, 0) + 1
                base = save(args, kind, i, text, opts, err)
                print("fuzz-scripts: %s: %s.nabla (%.1f s)" % (kind, base, secs), flush=True)
            else:
                statuses["ok" if b"error" not in err else "error"] += 1
            if (i + 1) % 500 == 0:
                print("fuzz-scripts: %d scripts, %.0f s, findings %s"
                      % (i + 1, time.monotonic() - t0, found or "none"), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("fuzz-scripts: %d scripts in %.0f s (seed %d): %d without error, %d "
          "with errors reported, %d skipped; slowest %.2f s (script %d); findings: %s"
          % (args.count, time.monotonic() - t0, seed, statuses["ok"],
             statuses["error"], statuses["skipped"], slowest[0], slowest[1],
             ", ".join("%d %s" % (n, k) for k, n in sorted(found.items())) or "none"))
    if found:
        print("fuzz-scripts: inputs in %s; reproduce: cd %s && %s $(cat NAME.args) NAME.nabla"
              % (args.findings, args.findings, args.nabla))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
