# pages.sh — scripts as pages (SPEC §11, issue 18): both showcase pages
# are built (in a temporary folder) and their structure checked; -o,
# Markdown with its pictures beside it, the usage errors, a 1000-statement
# page, and the rolling ball in an SVG written with animate=true.
# (The golden HTML of a small page is tests/cases/page_literate; pages of
# failing scripts are tests/errors/page_*.)

pg_tmp=$(mktemp -d)

# count PATTERN FILE: lines of FILE matching PATTERN (grep -c, 0 when none)
count() { grep -c -- "$1" "$2" 2>/dev/null || true; }

# check_page NAME FILE PICTURES BALLS FORMULAS: a whole, self-contained
# document with that many pictures, rolling balls and symbolic results
check_page() {
    local name=$1 f=$2 pics=$3 balls=$4 maths=$5 ok=1 why=""
    [ "$(head -1 "$f")" = "<!DOCTYPE html>" ] || { ok=0; why="$why doctype"; }
    [ "$(tail -1 "$f")" = "</html>" ] || { ok=0; why="$why end"; }
    [ "$(count '<figure><svg width=' "$f")" = "$pics" ] || { ok=0; why="$why pictures=$(count '<figure><svg width=' "$f")"; }
    [ "$(count '<animate attributeName="cx"' "$f")" = "$balls" ] || { ok=0; why="$why balls=$(count '<animate attributeName="cx"' "$f")"; }
    [ "$(count '<math display="block"' "$f")" = "$maths" ] || { ok=0; why="$why math=$(count '<math display="block"' "$f")"; }
    [ "$(count '<table>' "$f")" -ge 3 ] || { ok=0; why="$why tables"; }
    [ "$(count '<h2>' "$f")" -ge 4 ] || { ok=0; why="$why prose"; }
    # nothing to fetch, nothing to run: no script, no URL, no external file
    grep -qiE '<script|<link|<iframe|<img|src=|url\(http|@import|https?:' "$f" && { ok=0; why="$why external"; }
    grep -q 'class="err"' "$f" && { ok=0; why="$why error"; }
    if [ $ok = 1 ]; then echo "PASS cli/pages $name"; else echo "FAIL cli/pages $name:$why"; fi
}

# pictures: gradient-descent's four descents (the bowl, two rates, the W
# from two starts, the saddle: 6 paths); derivatives' hstudy, tangents,
# four figures, three rates, learning curves (no ball), Rosenbrock.
# Formulas: grad(f); and the 10 results with a free variable (tangent at
# 0 is the number 0; hessian(g) is numbers).
for want in "gradient-descent 4 6 1" "derivatives 9 4 10"; do
    set -- $want
    (cd "$pg_tmp" && $VALGRIND "$NABLA" --format=html "$SRCDIR/examples/pages/$1.nabla" >"$1.html" 2>"$1.err")
    st=$?
    if [ $st = 0 ] && [ ! -s "$pg_tmp/$1.err" ]; then
        echo "PASS cli/pages $1.nabla builds"
    else
        echo "FAIL cli/pages $1.nabla builds: status $st"
        head -5 "$pg_tmp/$1.err"
    fi
    check_page "$1.html" "$pg_tmp/$1.html" "$2" "$3" "$4"
done
# the page runs what the script runs: the same results as a plain run
"$NABLA" "$SRCDIR/examples/pages/derivatives.nabla" 2>/dev/null | grep -q '^\[2\*x, 2\*y\]$' &&
    grep -q '<pre class="out">\[2\*x, 2\*y\]</pre>' "$pg_tmp/derivatives.html" &&
    echo "PASS cli/pages derivatives: grad(g) as the plain run prints it" ||
    echo "FAIL cli/pages derivatives: grad(g) as the plain run prints it"
# prose keeps its order among the statements
awk '/<h2>1\. Rate of change/{a=NR} /f&#39;\(3\)/{b=NR} /<h2>7\. Summary/{c=NR} END{exit !(a && b && c && a < b && b < c)}' \
    "$pg_tmp/derivatives.html" && echo "PASS cli/pages prose, code, prose in order" ||
    echo "FAIL cli/pages prose, code, prose in order"

# -o writes the page there (nothing on stdout); Markdown puts the pictures
# beside the page as NAME-1.svg ... and links them
mkdir "$pg_tmp/md"
check_out page_o 0 "" -- nb --format=html -o "$pg_tmp/o.html" -e 'diff(x^2, x)'
grep -q '<pre class="out">2\*x</pre>' "$pg_tmp/o.html" && echo "PASS cli/pages -o" ||
    echo "FAIL cli/pages -o"
check_out page_markdown 0 "" -- nb --format=markdown -o "$pg_tmp/md/gd.md" "$SRCDIR/examples/pages/gradient-descent.nabla"
md_ok=1
for i in 1 2 3 4; do
    grep -q "^!\[picture $i\](gd-$i.svg)$" "$pg_tmp/md/gd.md" || md_ok=0
    [ "$(head -1 "$pg_tmp/md/gd-$i.svg" 2>/dev/null)" = '<?xml version="1.0" encoding="UTF-8"?>' ] || md_ok=0
done
[ -e "$pg_tmp/md/gd-5.svg" ] && md_ok=0
grep -q '^# Gradient descent: walking down a mountain in the fog$' "$pg_tmp/md/gd.md" || md_ok=0
grep -q '^| step | x | y | f | grad\\_norm |$' "$pg_tmp/md/gd.md" || md_ok=0
[ $md_ok = 1 ] && echo "PASS cli/pages markdown with its pictures beside it" ||
    echo "FAIL cli/pages markdown with its pictures beside it"
# to stdout, Markdown names the pictures after the script, in the current folder
(cd "$pg_tmp" && printf "#' One picture:\nplot(x, x=0..1, samples=2)\n" >one.nabla &&
    "$NABLA" --format=markdown one.nabla >one.md) &&
    grep -q '^!\[picture 1\](one-1.svg)$' "$pg_tmp/one.md" && [ -s "$pg_tmp/one-1.svg" ] &&
    echo "PASS cli/pages markdown to stdout: NAME-1.svg" || echo "FAIL cli/pages markdown to stdout: NAME-1.svg"
# a picture that cannot be written fails the run, and leaves no page
mkdir -p "$pg_tmp/bad/p-1.svg"
check_err page_picture_unwritable 1 "nabla: error: cannot write the picture '$pg_tmp/bad/p-1.svg'" -- \
    nb --format=markdown -o "$pg_tmp/bad/p.md" -e 'plot(x, x=0..1, samples=2)'
[ -e "$pg_tmp/bad/p.md" ] && echo "FAIL cli/pages no page left" || echo "PASS cli/pages no page left"

# usage errors: -o is for pages; a page is of a script, not the prompt
try_help="Try 'nabla --help' for more information."
check_err page_o_without_page 2 "nabla: error: -o writes a page: use it with --format=html or --format=markdown
$try_help" -- nb -o x.html -e 1
check_err page_interactive 2 "nabla: error: --format=html writes a page of a script and cannot stay at the prompt (-i)
$try_help" -- nb --format=html -i /dev/null
# the exit status is the script's; the page is written all the same
check_out page_status_quit 0 "" -- nb --format=html -o "$pg_tmp/q.html" -e 'quit' -e '2+2'
grep -q 'ended here with quit' "$pg_tmp/q.html" && ! grep -q '<pre class="out">4' "$pg_tmp/q.html" &&
    echo "PASS cli/pages quit ends the page" || echo "FAIL cli/pages quit ends the page"

# 1000 statements (and 500 paragraphs of prose): a page of at most 3 MB
awk 'BEGIN { for (i = 1; i <= 500; i++) {
    printf "#'"'"' Paragraph %d: the derivative of x^%d sin(x).\n", i, i
    printf "f%d(x) = x^%d*sin(x)\n", i, i
    printf "f%d'"'"'(x)\n", i } }' >"$pg_tmp/big.nabla"
"$NABLA" --format=html "$pg_tmp/big.nabla" >"$pg_tmp/big.html" 2>/dev/null
big_st=$?
big_size=$(wc -c <"$pg_tmp/big.html")
if [ $big_st = 0 ] && [ "$big_size" -lt 3000000 ] &&
   [ "$(count '<math display="block"' "$pg_tmp/big.html")" = 500 ] &&
   [ "$(count '<pre class="code">' "$pg_tmp/big.html")" = 500 ]; then
    echo "PASS cli/pages 1000 statements: $big_size bytes"
else
    echo "FAIL cli/pages 1000 statements: status $big_st, $big_size bytes"
fi

# animate=true: the ball rolls in an SVG file too; not without it
(cd "$pg_tmp" && "$NABLA" -e 'descend(x^2 + y^2, [1, 1], steps=4, to="still.svg")' \
    -e 'descend(x^2 + y^2, [1, 1], steps=4, to="rolls.svg", animate=true)' >/dev/null 2>&1)
[ "$(count '<animate ' "$pg_tmp/rolls.svg")" = 2 ] && [ "$(count '<animate ' "$pg_tmp/still.svg")" = 0 ] &&
    grep -q '<set attributeName="visibility" to="visible" begin="0s"/>' "$pg_tmp/rolls.svg" &&
    echo "PASS cli/pages animate=true in an SVG file" || echo "FAIL cli/pages animate=true in an SVG file"
# in a page a descent rolls unless animate=false
"$NABLA" --format=html -e 'descend(x^2 + y^2, [1, 1], steps=4, plot=true, animate=false)' >"$pg_tmp/still.html" 2>/dev/null
[ "$(count '<animate ' "$pg_tmp/still.html")" = 0 ] && [ "$(count '<figure><svg' "$pg_tmp/still.html")" = 1 ] &&
    echo "PASS cli/pages animate=false in a page" || echo "FAIL cli/pages animate=false in a page"
rm -rf "$pg_tmp"
