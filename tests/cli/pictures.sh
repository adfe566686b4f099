# pictures.sh — small figures drawn by the nabla program, byte for byte
# (issue 14). Each command runs in a temporary folder and writes NAME.svg,
# which must equal tests/cli/pictures/NAME.svg. The golden files are not
# the only oracle: the SVG is read back (svg_facts below) and the data are
# mapped to pixels through the axes' own transform, taken from the tick
# marks and their labels, so that
#   - the ticks are evenly spaced at a 1, 2, 2.5 or 5 times 10^k step;
#   - every vertex of a curve lies on its function (x², x³ − x, 2x + 1);
#   - the tangent of x² at 1 passes through (1, 1) and ends at (2, 3);
#   - markers sit on their data points;
#   - every vertex of a contour line lies on a grid edge where the linear
#     interpolation of f between the edge's ends equals the level (what
#     marching squares computes) and near the true level set;
#   - filled contours of x + y are bounded by the square and x + y = level,
#     in Blues from ColorBrewer's #f7fbff to #08306b, as the colourbar says.
# Then: the same commands run again give the same bytes; the folder holds
# the pictures and nothing else (the temporary-and-rename writer leaves no
# stray file, also when a write fails).
#
# After an intended change to the drawing, regenerate a golden file by
# running its command in tests/cli/pictures, and look at it before
# committing: rsvg-convert -z 3 -o /tmp/x.png NAME.svg.

pic_dir=$(mktemp -d)
pic_gold="$SRCDIR/tests/cli/pictures"

# NAME and the statement that draws NAME.svg
pic_cmds='p	plot(x^2, tangent=1, x=-2..2, width=320, height=240, to="p.svg")
c	contour(x^2 + y^2, x=-1..1, y=-1..1, grid=21, levels=[0.5, 1, 1.5], filled=false, width=300, height=300, to="c.svg")
cf	contour(x + y, x=0..1, y=0..1, grid=5, levels=[0, 0.5, 1, 1.5, 2], width=320, height=260, to="cf.svg")
f	figure(plot(x^3 - x, x=-1.5..1.5, title="x³ − x"), plot(2*x + 1, [[0.25, 1.5], [0.75, 2.5]], x=0..1, title="2x + 1 and two points"), title="two plots", width=560, height=240, to="f.svg")'

# pic_draw NAME STATEMENT: runs it in the folder; status 0, silent.
pic_draw() {
    (cd "$pic_dir" && $VALGRIND "$NABLA" -e "$2" >"$pic_dir/.out" 2>"$pic_dir/.err")
    local st=$?
    if [ "$st" = 0 ] && [ ! -s "$pic_dir/.out" ] && [ ! -s "$pic_dir/.err" ]; then
        echo "PASS cli/pictures $1.svg drawn"
    else
        echo "FAIL cli/pictures $1.svg drawn: status $st"
        head -5 "$pic_dir/.out" "$pic_dir/.err"
    fi
    rm -f "$pic_dir/.out" "$pic_dir/.err"
}

# The facts of one SVG written by svg.c, read line by line: axes groups,
# their clip rectangles, tick marks with the label on the next line
# (x: "l0 L" marks under a centred label; y: "lL 0" marks before a
# right-aligned one), the paths, circles and texts of each axes. Prints
# PASS/FAIL lines for the checks of figure FIG.
svg_facts='
function attr(s, n) {
    if (!match(s, " " n "=\"[^\"]*\"")) return ""
    return substr(s, RSTART + length(n) + 3, RLENGTH - length(n) - 4)
}
function content(s) {
    if (!match(s, ">[^<]*</text>")) return ""
    return substr(s, RSTART + 1, RLENGTH - 8)
}
function value(s) {                 # a tick label: U+2212 is a minus
    if (substr(s, 1, 3) == "\342\210\222") s = "-" substr(s, 4)
    return s + 0
}
function abs(v) { return v < 0 ? -v : v }
function ok(c, msg) {
    printf "%s cli/pictures %s: %s\n", c ? "PASS" : "FAIL", name, msg
}
# the next number of the path data D
function nextnum() {
    sub(/^[ ,]+/, "", D)
    if (!match(D, /^-?[0-9]+(\.[0-9]+)?/)) { D = ""; return 0 }
    v = substr(D, 1, RLENGTH) + 0
    D = substr(D, RLENGTH + 1)
    return v
}
# path data d as absolute vertices VX, VY [1..NV]; VS[i] = 1 where a
# subpath starts, VE[i] = 1 where one ends
function parse(d,    c, cmd, x, y, sx, sy, a, b) {
    D = d; NV = 0; cmd = ""; x = y = sx = sy = 0
    while (D != "") {
        c = substr(D, 1, 1)
        if (c == " " || c == ",") { D = substr(D, 2); continue }
        if (c ~ /[MmLlZz]/) {
            D = substr(D, 2)
            if (c == "Z" || c == "z") { x = sx; y = sy; cmd = "" } else cmd = c
            continue
        }
        a = nextnum(); b = nextnum()
        if (cmd == "M" || cmd == "m") {
            x = (cmd == "M" ? 0 : x) + a; y = (cmd == "M" ? 0 : y) + b
            sx = x; sy = y
            cmd = cmd == "M" ? "L" : "l"
            if (NV) VE[NV] = 1
            NV++; VS[NV] = 1
        } else {
            x = (cmd == "L" ? 0 : x) + a; y = (cmd == "L" ? 0 : y) + b
            NV++; VS[NV] = 0
        }
        VX[NV] = x; VY[NV] = y; VE[NV] = 0
    }
    if (NV) VE[NV] = 1
    return NV
}
# data to pixels and back, axis by axis, from the first and last tick
function mx(a, v) { return XP[a, 1] + (v - XV[a, 1]) * XK[a] }
function my(a, v) { return YP[a, 1] + (v - YV[a, 1]) * YK[a] }
function ix(a, p) { return XV[a, 1] + (p - XP[a, 1]) / XK[a] }
function iy(a, p) { return YV[a, 1] + (p - YP[a, 1]) / YK[a] }
function fn(f, x, y) {
    if (f == "sq") return x * x
    if (f == "tan") return 2 * x - 1
    if (f == "cubic") return x * x * x - x
    if (f == "lin") return 2 * x + 1
    if (f == "bowl") return x * x + y * y
    if (f == "plane") return x + y
}
function nice(s,    e, k, m) {
    e = log(s) / log(10); k = int(e); if (k > e) k--
    m = s / 10 ^ k
    return abs(m - 1) < 1e-9 || abs(m - 2) < 1e-9 || abs(m - 2.5) < 1e-9 ||
           abs(m - 5) < 1e-9 || abs(m - 10) < 1e-9
}
# evenly spaced, nice, in order, within the clip rectangle
function ticks(a,    i, bad, st) {
    if (XN[a] < 3 || YN[a] < 3) { ok(0, "axes " a ": ticks found"); return }
    XK[a] = (XP[a, XN[a]] - XP[a, 1]) / (XV[a, XN[a]] - XV[a, 1])
    YK[a] = (YP[a, YN[a]] - YP[a, 1]) / (YV[a, YN[a]] - YV[a, 1])
    bad = 0; st = XV[a, 2] - XV[a, 1]
    for (i = 1; i <= XN[a]; i++) {
        bad += abs(mx(a, XV[a, i]) - XP[a, i]) > 0.015
        bad += i > 1 && abs(XV[a, i] - XV[a, i - 1] - st) > 1e-9 * abs(st)
        bad += XP[a, i] < CX[a] - 0.01 || XP[a, i] > CX[a] + CW[a] + 0.01
    }
    ok(!bad && XK[a] > 0 && nice(st), "axes " a ": " XN[a] " x ticks " \
       XV[a, 1] " to " XV[a, XN[a]] " by " st ", rightwards, linear")
    bad = 0; st = YV[a, 2] - YV[a, 1]
    for (i = 1; i <= YN[a]; i++) {
        bad += abs(my(a, YV[a, i]) - YP[a, i]) > 0.015
        bad += i > 1 && abs(YV[a, i] - YV[a, i - 1] - st) > 1e-9 * abs(st)
        bad += YP[a, i] < CY[a] - 0.01 || YP[a, i] > CY[a] + CH[a] + 0.01
    }
    ok(!bad && YK[a] < 0 && nice(st), "axes " a ": " YN[a] " y ticks " \
       YV[a, 1] " to " YV[a, YN[a]] " by " st ", upwards, linear")
}
# the k-th path of class cls in axes a (0 when none)
function path(a, cls, k,    i) {
    for (i = 1; i <= NP; i++)
        if (PA[i] == a && PC[i] == cls && --k == 0) return i
    return 0
}
# every vertex of path i on y = f(x), within tol pixels; from x0 to x1
function on_curve(a, i, f, x0, x1, what,    k, bad) {
    if (!i || !parse(PD[i])) { ok(0, what ": the path"); return }
    bad = 0
    for (k = 1; k <= NV; k++)
        bad += abs(VY[k] - my(a, fn(f, ix(a, VX[k])))) > 0.05
    ok(!bad, what ": all " NV " vertices on the curve (" bad " off)")
    ok(abs(VX[1] - mx(a, x0)) < 0.02 && abs(VX[NV] - mx(a, x1)) < 0.02,
       what ": from x = " x0 " to " x1)
}
# a circle of class markers in axes a at data (x, y)
function marker_at(a, x, y,    i) {
    for (i = 1; i <= NC; i++)
        if (CA[i] == a && abs(CCX[i] - mx(a, x)) < 0.02 &&
            abs(CCY[i] - my(a, y)) < 0.02) return 1
    return 0
}
function has_text(a, s,    i) {
    for (i = 1; i <= NT; i++) if (TA[i] == a && TS[i] == s) return i
    return 0
}
# distance from (x, y) to the polyline just parsed
function dist(x, y,    k, dx, dy, t, d, best) {
    best = 1e9
    for (k = 2; k <= NV; k++) {
        if (VS[k]) continue
        dx = VX[k] - VX[k - 1]; dy = VY[k] - VY[k - 1]
        t = ((x - VX[k - 1]) * dx + (y - VY[k - 1]) * dy) / (dx * dx + dy * dy)
        t = t < 0 ? 0 : t > 1 ? 1 : t
        d = sqrt((VX[k - 1] + t * dx - x) ^ 2 + (VY[k - 1] + t * dy - y) ^ 2)
        if (d < best) best = d
    }
    return best
}
# f linearly interpolated along the edge of the n x n grid from lo by h
# through data (x, y), from the nodes at its ends; 1e9 off every edge
function edge_z(f, x, y, lo, h, n,    t, u, i, j) {
    t = (x - lo) / h; u = (y - lo) / h; i = int(t + 0.5); j = int(u + 0.5)
    if (abs(t - i) * h < 2e-4) {        # on the grid line x = x_i
        j = int(u); j = j < 0 ? 0 : j > n - 2 ? n - 2 : j
        return lerp(fn(f, lo + i * h, lo + j * h),
                    fn(f, lo + i * h, lo + (j + 1) * h), u - j)
    }
    if (abs(u - j) * h < 2e-4) {        # on the grid line y = y_j
        i = int(t); i = i < 0 ? 0 : i > n - 2 ? n - 2 : i
        return lerp(fn(f, lo + i * h, lo + j * h),
                    fn(f, lo + (i + 1) * h, lo + j * h), t - i)
    }
    return 1e9
}
function lerp(a, b, t) { return a + t * (b - a) }

/^<g class="axes">/ { A++; cls = ""; next }
/^<clipPath/ {
    CX[A] = attr($0, "x") + 0; CY[A] = attr($0, "y") + 0
    CW[A] = attr($0, "width") + 0; CH[A] = attr($0, "height") + 0; next
}
/^<g class="/ { cls = attr($0, "class"); next }
/^<\/g>/ { cls = ""; pend = ""; next }
/^<path d="/ {
    d = attr($0, "d"); pend = ""
    if (cls != "") {
        NP++; PA[NP] = A; PC[NP] = cls; PD[NP] = d
        PS[NP] = attr($0, "stroke"); PF[NP] = attr($0, "fill")
    } else if (d ~ /^M[0-9.]+ [0-9.]+l0 [0-9.]+$/) {
        split(substr(d, 2), w, /[ l]/); pend = "x"; pp = w[1] + 0
    } else if (d ~ /^M[0-9.]+ [0-9.]+l[0-9.]+ 0$/) {
        split(substr(d, 2), w, /[ l]/); pend = "y"; pp = w[2] + 0
    } else if (attr($0, "fill") != "none" && attr($0, "fill-opacity") == "") {
        NB++; BA[NB] = A; BD[NB] = d; BF[NB] = attr($0, "fill")
    }
    next
}
/^<circle / {
    if (cls == "markers") {
        NC++; CA[NC] = A; CCX[NC] = attr($0, "cx") + 0; CCY[NC] = attr($0, "cy") + 0
    }
    next
}
/^<text / {
    NT++; TA[NT] = A; TS[NT] = content($0); TF[NT] = attr($0, "fill")
    TX[NT] = attr($0, "x") + 0; TY[NT] = attr($0, "y") + 0
    TZ[NT] = attr($0, "font-size") + 0
    TR[NT] = attr($0, "transform")
    if (pend == "x" && attr($0, "text-anchor") == "middle") {
        XN[A]++; XP[A, XN[A]] = pp; XV[A, XN[A]] = value(TS[NT])
    }
    if (pend == "y" && attr($0, "text-anchor") == "end") {
        YN[A]++; YP[A, YN[A]] = pp; YV[A, YN[A]] = value(TS[NT])
    }
    pend = ""; next
}
{ pend = "" }

END {
    if (fig == "p") {
        ticks(1)
        i = path(1, "line", 1); j = path(1, "line", 2)
        ok(i && PS[i] == "#1f77b4" && j && PS[j] == "#ff7f0e",
           "the curve in tab10 blue, the tangent in tab10 orange")
        on_curve(1, i, "sq", -2, 2, "x^2")
        on_curve(1, j, "tan", -2, 2, "the tangent y = 2x - 1")
        parse(PD[j])
        ok(dist(mx(1, 1), my(1, 1)) < 0.05, "the tangent passes through (1, 1)")
        ok(abs(VX[NV] - mx(1, 2)) < 0.05 && abs(VY[NV] - my(1, 3)) < 0.05,
           "the tangent ends at (2, 3)")
        ok(marker_at(1, 1, 1), "a marker at (1, 1)")
        ok(has_text(1, "tangent at 1: slope 2") && has_text(1, "x²"),
           "legend entries x² and the tangent")
    }
    if (fig == "c") {
        ticks(1)
        split("0.5 1 1.5", lev, " "); nl = 0; bad = 0; near = 0; nv = 0
        for (i = 1; i <= NP; i++) {
            if (PC[i] != "contour" || PA[i] != 1) continue
            if (!(PS[i] in L)) L[PS[i]] = ++nl
            if (nl > 3) break
            z = lev[L[PS[i]]]
            parse(PD[i])
            for (k = 1; k <= NV; k++) {
                x = ix(1, VX[k]); y = iy(1, VY[k]); nv++
                near += abs(fn("bowl", x, y) - z) > 0.01
                if (!VS[k] && !VE[k])
                    bad += abs(edge_z("bowl", x, y, -1, 0.1, 21) - z) > 1e-3
            }
        }
        ok(nl == 3, "three levels, three colours")
        ok(nv > 100 && !bad, "contour vertices on grid edges where the " \
           "interpolated f is the level (" bad " of " nv " off)")
        ok(nv > 100 && !near,
           "contour vertices within 0.01 of x² + y² = level (" near " off)")
        # labels: texts in the colour of a level, anchored on its line
        # (the centre of the rotation, or the baseline raised by half of
        # ascent 1556 less descent 426 per 2048 em, from DejaVu Sans)
        nlab = 0; bad = 0
        for (i = 1; i <= NT; i++) {
            if (TA[i] != 1 || !(TF[i] in L)) continue
            nlab++; z = lev[L[TF[i]]] + 0
            if (TR[i] != "") {
                split(TR[i], w, /[( )]/); x = w[3] + 0; y = w[4] + 0
            } else {
                x = TX[i]; y = TY[i] - TZ[i] * (1556 - 426) / 2 / 2048
            }
            bad += TS[i] + 0 != z ||
                   abs(fn("bowl", ix(1, x), iy(1, y)) - z) > 0.02
        }
        ok(nlab >= 2 && !bad,
           nlab " line labels: the level, on its line, in its colour")
    }
    if (fig == "cf") {
        ticks(1)
        # fills: the whole field (all on the edges of the square), then the
        # regions z >= 0.5, 1, 1.5 (z >= 0 and z >= 2 add no colour)
        split("-1 0.5 1 1.5", lev, " "); n = 0; bad = 0
        for (i = 1; i <= NP; i++) {
            if (PC[i] != "contour" || PA[i] != 1) continue
            band[++n] = PF[i]; parse(PD[i])
            for (k = 1; k <= NV; k++) {
                x = ix(1, VX[k]); y = iy(1, VY[k])
                edge = abs(x) < 1e-3 || abs(x - 1) < 1e-3 ||
                       abs(y) < 1e-3 || abs(y - 1) < 1e-3
                bad += !edge && (n > 4 || abs(x + y - lev[n]) > 1e-3)
            }
        }
        ok(n == 4 && !bad, n " regions z >= 0, 0.5, 1, 1.5 bounded by " \
           "the square and x + y = level")
        ok(band[1] == "#f7fbff" && band[4] == "#08306b",
           "from Blues light end " band[1] " to its dark end " band[4])
        m = 0; bad = 0; prev = 1e9
        for (i = 1; i <= NB; i++) {
            if (BA[i] != 1 || BF[i] == "#ffffff") continue
            parse(BD[i]); m++
            bad += BF[i] != band[m] || VX[1] < CX[1] + CW[1] || VY[1] >= prev
            prev = VY[1]
        }
        ok(m == 4 && !bad, "the colourbar: " m " bands right of the " \
           "axes, the same colours upwards")
    }
    if (fig == "f") {
        ticks(1); ticks(2)
        on_curve(1, path(1, "line", 1), "cubic", -1.5, 1.5, "x^3 - x")
        on_curve(2, path(2, "line", 1), "lin", 0, 1, "2x + 1")
        ok(marker_at(2, 0.25, 1.5) && marker_at(2, 0.75, 2.5),
           "markers at (0.25, 1.5) and (0.75, 2.5)")
        i = has_text(0, "two plots")
        ok(i && TX[i] == 280, "the title over the middle of the figure")
        ok(CX[1] + CW[1] < CX[2] && CY[1] == CY[2] && CH[1] == CH[2] &&
           CX[2] + CW[2] < 560, "two panels side by side, aligned")
    }
}'

# draw each picture, compare it with its golden file and check its facts
printf '%s\n' "$pic_cmds" | while IFS='	' read -r name stmt; do
    pic_draw "$name" "$stmt"
    if cmp -s "$pic_dir/$name.svg" "$pic_gold/$name.svg"; then
        echo "PASS cli/pictures $name.svg golden bytes"
    else
        echo "FAIL cli/pictures $name.svg differs from tests/cli/pictures/$name.svg"
        diff "$pic_gold/$name.svg" "$pic_dir/$name.svg" 2>&1 | head -6 | cut -c1-160
    fi
    awk -v fig="$name" -v name="$name.svg" "$svg_facts" "$pic_dir/$name.svg"
done

# the same again: the same bytes, written over the first ones
pic_first=$(mktemp -d)
cp "$pic_dir"/*.svg "$pic_first"/
printf '%s\n' "$pic_cmds" | while IFS='	' read -r name stmt; do
    pic_draw "$name" "$stmt" >/dev/null
    if cmp -s "$pic_dir/$name.svg" "$pic_first/$name.svg"; then
        echo "PASS cli/pictures $name.svg: the same bytes a second time"
    else
        echo "FAIL cli/pictures $name.svg: other bytes a second time"
    fi
done
rm -rf "$pic_first"

# a write that fails (a missing folder; a folder in the way) leaves nothing
mkdir -p "$pic_dir/in-the-way.svg/x"
for to in none/q.svg in-the-way.svg; do
    (cd "$pic_dir" && $VALGRIND "$NABLA" -e "plot(x, x=0..1, to=\"$to\")" >/dev/null 2>&1)
    st=$?
    if [ "$st" = 1 ]; then
        echo "PASS cli/pictures to=\"$to\" fails with status 1"
    else
        echo "FAIL cli/pictures to=\"$to\": status $st (want 1)"
    fi
done
rmdir "$pic_dir/in-the-way.svg/x" "$pic_dir/in-the-way.svg"
got=$(cd "$pic_dir" && LC_ALL=C ls -A | tr '\n' ' ')
if [ "$got" = "c.svg cf.svg f.svg p.svg " ]; then
    echo "PASS cli/pictures: the folder holds the four pictures and nothing else"
else
    echo "FAIL cli/pictures: the folder holds: $got"
fi
rm -rf "$pic_dir"
