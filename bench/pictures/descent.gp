# bench/pictures/descent.gp — the seed's descent figure in gnuplot:
# gradient descent on x^2 + y^2 from (-8, 6), rate 0.1, 20 steps, computed
# here, over x^2 + y^2 filled in 20 colour bands (a 160x160 grid drawn
# `with image` through a 20-colour palette: gnuplot has no filled
# contours; the bands are the grid's cells, not traced regions), with a
# colourbar, the path, start and end marked, a key, a grid, 640x480.
# Usage: gnuplot -e "out='d.png'" descent.gp  (pngcairo; .svg: svg)
if (out[strlen(out)-3:] eq ".svg") {
    set terminal svg size 640,480
} else {
    set terminal pngcairo size 640,480
}
set output out

f(x, y) = x**2 + y**2
rate = 0.1
set print $path
x = -8.0; y = 6.0
print x, y
do for [i = 1:20] {
    gx = 2*x; gy = 2*y
    x = x - rate*gx; y = y - rate*gy
    print x, y
}
unset print

set title sprintf("gd, rate %g: f = %.4g after 20 steps", rate, f(x, y))
set xlabel "x"
set ylabel "y"
set cblabel "x^2 + y^2" offset 1,0
set xrange [-10:10]
set yrange [-10:10]
set urange [-10:10]
set vrange [-10:10]
set size ratio -1
set grid front
set key top right opaque box
set palette defined (0 "#f7fbff", 1 "#6baed6", 2 "#08306b") maxcolors 20
set samples 160
set isosamples 160
plot '++' using 1:2:(f($1, $2)) with image notitle, \
     $path using 1:2 with linespoints lc rgb "#d62728" pt 7 ps 0.5 lw 1.5 title "descent path", \
     $path every ::0::0 using 1:2 with points lc rgb "#2ca02c" pt 7 ps 2 title "start", \
     $path every ::20::20 using 1:2 with points lc rgb "#ffd700" pt 3 ps 3 title "end"
