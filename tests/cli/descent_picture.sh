# descent_picture.sh — the box of descend's picture when no x=, y= are
# given (src/session/plot_descent.c): each coordinate's path extent, 1.5 times as
# wide, at least 1, centred. From [1, 0] on x^2 + y^2 (rate 0.1, 3 steps)
# x goes 1 -> 0.512: width 0.488 * 1.5 < 1, so x in [0.256, 1.256] (ticks
# 0.3 .. 1.2); y stays 0: width 1.5, y in [-0.75, 0.75] (ticks -0.6 ..
# 0.6, no -0.8).
_dp_dir=$(mktemp -d)
_dp_ticks() {
    nb -e "descend(x^2 + y^2, [1, 0], steps=3, to=\"$_dp_dir/p.svg\")" >/dev/null || return 1
    for t in 0.3 1.2 1.3 −0.6 0.6 −0.8; do
        if grep -q ">$t</text>" "$_dp_dir/p.svg"; then printf '%s ' "$t"; fi
    done
}
check_out descent-picture-box 0 "0.3 1.2 −0.6 0.6 " -- _dp_ticks
rm -rf "$_dp_dir"
