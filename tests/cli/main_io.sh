# main_io.sh — the program's own input and output errors (src/cli/main.c) and
# the PDF backend (src/plot/output.c): a script that cannot be read is
# status 2, as a missing file is; a page or picture that cannot be written
# is an error naming the path, status 1.

check_err stdin-directory 2 "nabla: error: cannot read '<stdin>': Is a directory" \
    -- bash -c '$VALGRIND "$NABLA" < /'
check_err page-output-unwritable 1 "nabla: error: cannot write '/nonexistent/x.html': No such file or directory" \
    -- nb --format=html -o /nonexistent/x.html -e '1'
check_err pdf-unwritable 1 "-e:1:19: error: cannot write '/nonexistent/p.pdf': No such file or directory
    plot(x^2, x=0..1, to=\"/nonexistent/p.pdf\")
                      ^" -- nb -e 'plot(x^2, x=0..1, to="/nonexistent/p.pdf")'

# a PDF: cairo's header and trailer, one page
_pdf_dir=$(mktemp -d)
_pdf_facts() {
    nb -e "plot(x^2, x=0..1, to=\"$_pdf_dir/p.pdf\")" || return 1
    head -c 5 "$_pdf_dir/p.pdf"; echo
    tail -c 6 "$_pdf_dir/p.pdf" | tr -d '\n'; echo
    grep -ac '/Type /Page\b' "$_pdf_dir/p.pdf"
}
check_out pdf-written 0 "%PDF-
%%EOF
1" -- _pdf_facts
rm -rf "$_pdf_dir"

# -o naming a directory: the page is written to a temporary beside it,
# the rename over the directory fails, and the temporary is removed
_mio_dir=$(mktemp -d)
mkdir "$_mio_dir/out.html"
check_err page-output-directory 1 "nabla: error: cannot write '$_mio_dir/out.html': Is a directory" \
    -- nb --format=html -o "$_mio_dir/out.html" -e '1'
[ "$(ls -A "$_mio_dir")" = "out.html" ] && [ -z "$(ls -A "$_mio_dir/out.html")" ] &&
    echo "PASS cli/page-output-directory leaves no temporary" ||
    echo "FAIL cli/page-output-directory leaves no temporary: $(ls -A "$_mio_dir")"
rm -rf "$_mio_dir"

# NB_MAX_SOURCE_BYTES: a file one byte past it is refused before it is
# read (a sparse file: no disk, no time), as a script and through load
_big_dir=$(mktemp -d)
truncate -s $((64 * 1024 * 1024 + 1)) "$_big_dir/big.nabla"
check_err source-file-too-large 2 "nabla: error: cannot read '$_big_dir/big.nabla': larger than NB_MAX_SOURCE_BYTES (64 MB)" \
    -- nb "$_big_dir/big.nabla"
check_err load-file-too-large 1 "-e:1:6: error: cannot read '$_big_dir/big.nabla': larger than NB_MAX_SOURCE_BYTES (64 MB)
    load \"$_big_dir/big.nabla\"
         ^" -- nb -e "load \"$_big_dir/big.nabla\""
rm -rf "$_big_dir"
# ... and from a pipe, which has no size to ask: refused once more than
# NB_MAX_SOURCE_BYTES have come
check_err load-pipe-too-large 1 "-e:1:6: error: cannot read '/dev/stdin': larger than NB_MAX_SOURCE_BYTES (64 MB)
    load \"/dev/stdin\"
         ^" -- bash -c 'head -c 67108865 /dev/zero | $VALGRIND "$NABLA" -e "load \"/dev/stdin\""'
check_out load-pipe-at-the-limit 0 "" \
    -- bash -c 'head -c 67108864 /dev/zero | tr "\0" " " | $VALGRIND "$NABLA" -e "load \"/dev/stdin\""'
