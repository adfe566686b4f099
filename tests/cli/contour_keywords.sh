# contour_keywords.sh — contour's point= and path= (src/session/cmd_plot.c): the
# partial derivatives written beside a point are the closed forms, a path
# of points is a line with its two end markers.

_ck_dir=$(mktemp -d)
# the labels of point=[a, b]'s arrows, in the order drawn
_ck_point() {
    nb -e "contour($1, x=-2..2, y=-2..2, point=$2, to=\"$_ck_dir/p.svg\")" &&
        grep -o '∂f/∂[xy] = [-0-9.e]*' "$_ck_dir/p.svg" | tr '\n' ' '
}
# d/dx (x^2 + y^2) = 2x, d/dy = 2y at (1, 0.5); d/dx (x y^2) = y^2,
# d/dy = 2xy at (1, -1.5)
check_out contour-point-bowl 0 "∂f/∂x = 2 ∂f/∂y = 1 " -- _ck_point 'x^2 + y^2' '[1, 0.5]'
check_out contour-point-xy2 0 "∂f/∂x = 2.25 ∂f/∂y = -3 " -- _ck_point 'x*y^2' '[1, -1.5]'
# layers drawn: groups of class line (paths) and markers (their ends);
# path=descend(...) prints the descent as well (not counted here)
_ck_layers() {
    nb -e "contour(x^2 + y^2, x=-2..2, y=-2..2$1, to=\"$_ck_dir/q.svg\")" >/dev/null &&
        echo "$(grep -c '<g class="line">' "$_ck_dir/q.svg") $(grep -c '<g class="markers">' "$_ck_dir/q.svg")"
}
check_out contour-no-path 0 "0 0" -- _ck_layers ''
check_out contour-path-points 0 "1 2" -- _ck_layers ', path=[[1, 1], [0.5, 0.25], [0, 0]]'
check_out contour-path-descent 0 "1 2" -- _ck_layers ', path=descend(x^2 + y^2, [1, 1], steps=5)'
rm -rf "$_ck_dir"
