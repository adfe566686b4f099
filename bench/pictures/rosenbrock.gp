# bench/pictures/rosenbrock.gp — Rosenbrock's function over [-2, 2] x
# [-1, 3] on a 400x400 grid in 28 log-spaced colour bands (5e-6 to 5e3,
# nine decades: nabla's levels=30 scale="log"), drawn `with image` through
# a 28-colour palette on a log colour axis (gnuplot has no filled contours;
# the bands are the grid's cells), with a log colourbar, title, axis
# labels and a grid, 640x480.
# Usage: gnuplot -e "out='r.png'" rosenbrock.gp  (pngcairo; .svg: svg)
if (out[strlen(out)-3:] eq ".svg") {
    set terminal svg size 640,480
} else {
    set terminal pngcairo size 640,480
}
set output out

f(x, y) = (1 - x)**2 + 100*(y - x**2)**2
set title "Rosenbrock, 30 log levels"
set xlabel "x"
set ylabel "y"
set cblabel "f(x, y)"
set xrange [-2:2]
set yrange [-1:3]
set urange [-2:2]
set vrange [-1:3]
set logscale cb
set cbrange [5e-6:5e3]
set format cb "10^{%T}"
set grid front
set palette defined (0 "#f7fbff", 1 "#6baed6", 2 "#08306b") maxcolors 28
set samples 400
set isosamples 400
plot '++' using 1:2:(f($1, $2)) with image notitle
