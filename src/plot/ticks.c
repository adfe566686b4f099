/* ticks.c — where an axis' ticks go and how they are labelled.
 *
 * Linear axes follow matplotlib's MaxNLocator with steps 1, 2, 2.5, 5
 * times a power of ten: the smallest such step that puts at most max_n
 * ticks inside [lo, hi]. Ticks are computed as k * m / 10^e with integers
 * k, m so that 0.3 prints as 0.3, not 0.30000000000000004.
 * Log axes get the powers of ten inside the range, every s-th decade when
 * there are more than max_n of them.
 * Labels use one number of decimals per axis (the step's), U+2212 for
 * minus, exponents for very large or small steps, and "10⁻⁸" with Unicode
 * superscripts on log axes (matplotlib's look).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "nabla/plot.h"

/* A step m * 10^p, m in 1, 2, 25 (with p one lower), 5. */
typedef struct Step { long m; int p; } Step;

static double pow10i(int p)
{
    double r = 1;
    for (int i = 0; i < (p < 0 ? -p : p); i++)
        r *= 10;
    return p < 0 ? 1 / r : r;
}

static double step_value(Step s)
{
    return s.p >= 0 ? (double)s.m * pow10i(s.p) : (double)s.m / pow10i(-s.p);
}

/* k * step, rounded once (exact while 10^|p| is, i.e. |p| <= 22). */
static double tick_at(long k, Step s)
{
    double km = (double)k * (double)s.m;
    if (s.p >= 0)
        return km * pow10i(s.p);
    if (s.p >= -22)
        return km / pow10i(-s.p);
    return km * pow(10, s.p);
}

/* The integer range [k0, k1] of multiples of step inside [lo, hi], with a
 * tolerance so that an end lying on a tick (up to rounding) counts. */
static void tick_range(double lo, double hi, double st, double *k0, double *k1)
{
    double eps = 1e-9;
    *k0 = ceil(lo / st - eps);
    *k1 = floor(hi / st + eps);
}

static size_t linear_ticks(double lo, double hi, size_t max_n, double *out,
                           size_t max)
{
    static const long ms[] = { 10, 20, 25, 50 };   /* tenths of 1 2 2.5 5 */
    int p0 = (int)floor(log10((hi - lo) / (double)max_n)) - 1;
    for (int p = p0; p < p0 + 4; p++)
        for (int i = 0; i < 4; i++) {
            Step s = { ms[i] % 10 ? ms[i] : ms[i] / 10,
                       ms[i] % 10 ? p - 1 : p };
            double k0, k1;
            tick_range(lo, hi, step_value(s), &k0, &k1);
            if (k1 - k0 + 1 > (double)max_n)
                continue;
            size_t n = 0;
            for (double k = k0; k <= k1 && n < max; k++)
                out[n++] = tick_at((long)k, s);
            return n;
        }
    return 0;
}

/* Powers of ten in [lo, hi]; every s-th (s dividing the exponent) when
 * there are more than max_n. Falls back to linear ticks when fewer than
 * two decades lie inside. */
static size_t log_ticks(double lo, double hi, size_t max_n, double *out,
                        size_t max)
{
    double e0 = ceil(log10(lo) - 1e-9), e1 = floor(log10(hi) + 1e-9);
    if (e1 - e0 < 1)
        return linear_ticks(lo, hi, max_n, out, max);
    static const int strides[] = { 1, 2, 3, 4, 5, 10, 20, 25, 50, 100 };
    int s = 100;
    for (size_t i = 0; i < sizeof strides / sizeof *strides; i++) {
        int st = strides[i];
        double n = floor(e1 / st) - ceil(e0 / st) + 1;
        if (n <= (double)max_n) {
            s = st;
            break;
        }
    }
    size_t n = 0;
    for (double e = ceil(e0 / s) * s; e <= e1 && n < max; e += s)
        out[n++] = pow(10, e);
    return n;
}

size_t nb_plot_ticks(double lo, double hi, int log, size_t max_n,
                     double *out, size_t max)
{
    if (!isfinite(lo) || !isfinite(hi) || max == 0)
        return 0;
    if (lo > hi) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    if (max_n < 2)
        max_n = 2;
    if (lo == hi) {
        out[0] = lo;
        return 1;
    }
    if (log && lo > 0)
        return log_ticks(lo, hi, max_n, out, max);
    return linear_ticks(lo, hi, max_n, out, max);
}

/* Replace every '-' of s by U+2212 (in place into buf of size). */
static void unicode_minus(const char *s, char *buf, size_t size)
{
    size_t j = 0;
    for (; *s && j + 4 < size; s++) {
        if (*s == '-') {
            memcpy(buf + j, "\xe2\x88\x92", 3);
            j += 3;
        } else {
            buf[j++] = *s;
        }
    }
    buf[j] = '\0';
}

/* "10" and the exponent e in Unicode superscripts: 10⁻⁸, 10⁰, 10¹². */
static void power_label(int e, char *buf, size_t size)
{
    static const char *const sup[] = {
        "\xe2\x81\xb0", "\xc2\xb9", "\xc2\xb2", "\xc2\xb3", "\xe2\x81\xb4",
        "\xe2\x81\xb5", "\xe2\x81\xb6", "\xe2\x81\xb7", "\xe2\x81\xb8",
        "\xe2\x81\xb9"
    };
    char digits[16];
    snprintf(digits, sizeof digits, "%d", e < 0 ? -e : e);
    snprintf(buf, size, "10%s", e < 0 ? "\xe2\x81\xbb" : "");
    for (const char *d = digits; *d; d++)
        if (strlen(buf) + strlen(sup[*d - '0']) < size)
            strcat(buf, sup[*d - '0']);
}

/* Decimals needed to write multiples of step exactly: the smallest d with
 * step * 10^d an integer (to 1e-6 relative). */
static int step_decimals(double step)
{
    for (int d = -20; d < 20; d++) {
        double v = step * pow(10, d);
        if (fabs(v - nearbyint(v)) < 1e-6 * v)
            return d;
    }
    return 20;
}

/* "1.0e+06" -> "1e+06", "2.50e+05" -> "2.5e+05": the mantissa's trailing
 * zeros say nothing once the exponent differs between ticks. */
static void strip_mantissa(char *s)
{
    char *e = strchr(s, 'e'), *dot = strchr(s, '.');
    if (!e || !dot || dot > e)
        return;
    char *z = e;
    while (z > dot + 1 && z[-1] == '0')
        z--;
    if (z == dot + 1)
        z = dot;
    memmove(z, e, strlen(e) + 1);
}

void nb_plot_tick_label(double v, double step, int log, char *buf,
                        size_t size)
{
    char tmp[64];
    if (size == 0)
        return;
    if (log && v > 0) {
        double e = nearbyint(log10(v));
        if (fabs(v / pow(10, e) - 1) < 1e-9 && fabs(e) < 1000) {
            power_label((int)e, buf, size);
            return;
        }
    }
    step = fabs(step);
    if (!(step > 0) || !isfinite(step))
        step = v != 0 ? fabs(v) : 1;
    int d = step_decimals(step);
    if (fabs(v) < 1e-9 * step)
        v = 0;                      /* -0 and rounding dust print as 0 */
    if (step >= 1e5 || step < 1e-4) {
        if (v == 0) {
            snprintf(buf, size, "0");
            return;
        }
        int e = (int)floor(log10(fabs(v)) + 1e-9);
        int md = e + d < 0 ? 0 : e + d;
        snprintf(tmp, sizeof tmp, "%.*e", md > 15 ? 15 : md, v);
        strip_mantissa(tmp);
    } else {
        snprintf(tmp, sizeof tmp, "%.*f", d < 0 ? 0 : d, v);
    }
    unicode_minus(tmp, buf, size);
}
