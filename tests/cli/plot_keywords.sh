# plot_keywords.sh — keywords and shapes of the picture commands
# (src/cmd_plot.c) that no golden picture shows: figure's rows= alone,
# the y range of a constant, a user function whose variable is not the
# range's name, labels for curves, contour's cmap="blues" (its default)
# and argument errors. Sizes follow figure.c's rule for a grid of panels:
# 430 px a column, 340 px a row plus 30.

_pk_dir=$(mktemp -d)

# rows= alone: the columns are what the rows need (4 in 1 row, 3 in 3 rows)
check_out figure-rows-only 0 "<picture: 4 panels, 1720x370>
<picture: 3 panels, 430x1050>" -- nb -e 'p = plot(x, x=0..1)' \
    -e 'q = figure(p, p, p, p, rows=1)' -e q -e 'r = figure(p, p, p, rows=3)' -e r

# the y tick labels of a text picture, top to bottom (a number then a
# braille cell: the x axis labels are followed by spaces)
_pk_yticks() {
    printf 'set plots text\n%s\n' "$1" | nb |
        LC_ALL=C.UTF-8 grep -oE '^ *[0-9]+(\.[0-9]+)?[^ 0-9.]' |
        LC_ALL=C.UTF-8 sed -E 's/^ *//; s/[^0-9.]$//' | tr '\n' ' '
}
# a constant 3 has no spread: 10 % of |3| either side, 2.7 .. 3.3
check_out plot-constant-range 0 "3.3 3.2 3.1 3.0 2.9 2.8 2.7 " \
    -- _pk_yticks 'plot(3, x=0..1)'
# f(a) = a^2 over x = 0..2 is a^2 over a = 0..2: up to 4
check_out plot-user-fn-other-name 0 "4.0 3.5 3.0 2.5 2.0 1.5 1.0 0.5 0.0 " \
    -- _pk_yticks 'f(a) = a^2
plot(f, x=0..2)'

# labels name the curves in the legend
_pk_label() {
    nb -e "plot(x^2, x^3, x=0..1, labels=[\"parabola\", \"cubic\"], to=\"$_pk_dir/l.svg\")" &&
        grep -o '>parabola<\|>cubic<' "$_pk_dir/l.svg" | tr '\n' ' '
}
check_out plot-labels-curves 0 ">parabola< >cubic< " -- _pk_label
check_err plot-labels-picture 1 "-e:1:17: error: labels must be a list of 1 name in quotes, one for each curve or list of points
    plot(x, x=0..1, labels=[p])
                    ^" -- nb -e 'p = plot(x, x=0..1)' -e 'plot(x, x=0..1, labels=[p])'

# cmap="blues" is contour's default: the same bytes
_pk_cmap() {
    nb -e "contour(x^2+y^2, x=-1..1, y=-1..1, cmap=\"blues\", to=\"$_pk_dir/b.svg\")" \
       -e "contour(x^2+y^2, x=-1..1, y=-1..1, to=\"$_pk_dir/d.svg\")" &&
        cmp "$_pk_dir/b.svg" "$_pk_dir/d.svg" && grep -c '#08306b' "$_pk_dir/b.svg" >/dev/null && echo same
}
check_out contour-cmap-blues 0 "same" -- _pk_cmap
check_err contour-two-functions 1 "-e:1:1: error: wrong number of arguments: usage contour(f, x=a..b, y=c..d)
    contour(x^2+y^2, x*y, x=-1..1, y=-1..1)
    ^" -- nb -e 'contour(x^2+y^2, x*y, x=-1..1, y=-1..1)'

rm -rf "$_pk_dir"
