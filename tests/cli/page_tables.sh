# page_tables.sh — a table's second table (descend's comparison of runs,
# nb_table_block) is on pages too, as it is in text, CSV and JSON: it was
# dropped from HTML and Markdown pages.

_page_block() {
    nb --format="$1" -e 'descend(x^2, 1, rate=[0.1, 0.2], steps=4, every=2)' | grep -c "$2"
}
check_out page-block-markdown 0 "1" -- _page_block markdown '^| rate | x | f | grad\\_norm | steps | verdict |$'
check_out page-block-html 0 "1" -- _page_block html '<th class="n">steps</th><th>verdict</th>'
