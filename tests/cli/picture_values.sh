# picture_values.sh — pictures as values and as text (src/session/picture.c):
# what a picture variable prints as, and `set plots text`, whose size
# follows the rule of picture.c's text_size: 80 columns when stdout is no
# terminal, rows = 80 * height/width / 2 rounded (a cell is about twice as
# tall as wide), within 8..60.

check_out picture-value 0 "<picture: 1 panel, 640x480>" \
    -- nb -e 'p = plot(sin(x), x=-3..3)' -e 'p'
check_out picture-value-sized 0 "<picture: 1 panel, 300x200>" \
    -- nb -e 'p = plot(sin(x), x=-3..3, width=300, height=200)' -e 'p'

# lines and the widest line (in characters) of a text picture
_text_shape() {
    printf 'set plots text\n%s\n' "$1" | nb | (
        export LC_ALL=C.UTF-8   # ${#line} counts characters, not bytes
        n=0 w=0
        while IFS= read -r line; do
            n=$((n + 1))
            [ ${#line} -gt $w ] && w=${#line}
        done
        echo "$n x $w")
}
check_out picture-text-size 0 "30 x 80" -- _text_shape 'plot(x^2, x=-1..1)'
check_out picture-text-rows-min 0 "8 x 80" -- _text_shape 'plot(x^2, x=-1..1, width=600, height=100)'
check_out picture-text-rows-max 0 "60 x 80" -- _text_shape 'plot(x^2, x=-1..1, width=100, height=900)'
# with no terminal to show images on, `set plots image` draws text too
check_out picture-image-as-text 0 "30 x 80" -- _text_shape 'set plots image
plot(x^2, x=-1..1)'

# pictures held in a vector variable are kept for later statements (a
# figure of them), and a picture no variable holds any more is gone
_panels() { nb "$@" | sed 's/, [0-9.]*x[0-9.]*>$/>/'; }
check_out picture-vector-kept 0 "<picture: 2 panels>" \
    -- _panels -e 'ps = [plot(x, x=0..1), plot(x^2, x=0..1)]' -e 'q = figure(ps[1], ps[2], cols=2)' -e 'q'
check_err picture-replaced 1 "-e:1:8: error: figure combines pictures: each argument must be a plot, contour or surface, such as p = plot(sin(x), x=-3..3)
    figure(p)
           ^" -- nb -e 'p = plot(x, x=0..1)' -e 'p = 3' -e 'figure(p)'
