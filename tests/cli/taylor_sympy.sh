# taylor_sympy.sh — taylor against SymPy's series on about 60 expressions
# (tests/oracle/taylor_sympy.py: built-ins, compositions, points 0, 1, 1/2,
# pi/4, orders up to 100, and the example of issue 15). It needs python3
# with SymPy, which the suite does not install (pip install sympy, or
# apt-get install python3-sympy): without them this prints one SKIP line,
# which run.sh counts as neither passed nor failed.

if command -v python3 >/dev/null 2>&1 && python3 -c 'import sympy' >/dev/null 2>&1; then
    _ts_out=$(python3 "$SRCDIR/tests/oracle/taylor_sympy.py" "$NABLA" 2>&1)
    _ts_st=$?
    printf '%s\n' "$_ts_out" | sed -E 's#^(PASS|FAIL) taylor_sympy#\1 cli/taylor_sympy#'
    if [ "$_ts_st" -ne 0 ] && ! printf '%s\n' "$_ts_out" | grep -q '^FAIL '; then
        echo "FAIL cli/taylor_sympy: taylor_sympy.py exited with status $_ts_st"
    fi
else
    echo "SKIP cli/taylor_sympy: python3 with SymPy is not installed, so taylor was not checked against SymPy's series (pip install sympy, or apt-get install python3-sympy)"
fi
