# figures.sh — examples/figures.nabla draws every seed figure (issue 14):
# it runs in a temporary folder (the pictures land there, not in the
# source tree), exits 0, and each picture is a whole file of the size its
# command asks for. PNGs: the signature and the IHDR width and height;
# SVGs: the XML declaration, the size on the <svg> element, the closing tag.

fig_tmp=$(mktemp -d)
(cd "$fig_tmp" && $VALGRIND "$NABLA" "$SRCDIR/examples/figures.nabla" >out 2>err)
fig_st=$?
if [ "$fig_st" = 0 ] && [ ! -s "$fig_tmp/err" ]; then
    echo "PASS cli/figures.nabla runs"
else
    echo "FAIL cli/figures.nabla runs: status $fig_st"
    head -5 "$fig_tmp/err"
fi

# png_size FILE: "WIDTH HEIGHT" from the IHDR chunk, or nothing.
png_size() {
    [ "$(od -An -tx1 -N8 "$1" | tr -d ' \n')" = 89504e470d0a1a0a ] || return
    set -- $(od -An -tu1 -j16 -N8 "$1")
    echo "$(( ($1 << 24) | ($2 << 16) | ($3 << 8) | $4 )) $(( ($5 << 24) | ($6 << 16) | ($7 << 8) | $8 ))"
}

# the sizes: one panel 640 x 480; a grid of r x c panels 430c x (340r + 30)
for want in "tangents.png 640 480" "activations.png 1290 710" \
            "partials.png 860 370" "fields.png 860 370" "surface.png 860 370" \
            "rates.png 1290 370" "descent.png 640 480" \
            "rates-extreme.png 860 370" "valley.png 860 370" \
            "rosenbrock.png 640 480"; do
    set -- $want
    got=$(png_size "$fig_tmp/$1")
    if [ "$got" = "$2 $3" ]; then
        echo "PASS cli/figures $1 is a $2 x $3 PNG"
    else
        echo "FAIL cli/figures $1: got '$got', want '$2 $3'"
    fi
done
for want in "error-vs-h.svg 720 500" "learning-curves.svg 640 480"; do
    set -- $want
    f="$fig_tmp/$1"
    if [ "$(head -1 "$f" 2>/dev/null)" = '<?xml version="1.0" encoding="UTF-8"?>' ] &&
       grep -q "^<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"$2\" height=\"$3\" " "$f" &&
       [ "$(tail -1 "$f")" = "</svg>" ]; then
        echo "PASS cli/figures $1 is a whole $2 x $3 SVG"
    else
        echo "FAIL cli/figures $1 is not a whole $2 x $3 SVG"
    fi
done
rm -rf "$fig_tmp"
