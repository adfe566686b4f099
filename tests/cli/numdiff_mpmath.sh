# numdiff_mpmath.sh — the numdiff goldens (tests/cases/numdiff_*.out) were
# written by nabla; tests/oracle/numdiff_mpmath.py recomputes every number
# in them with mpmath. It needs python3 with mpmath, which the suite does not
# install (pip install mpmath, or apt-get install python3-mpmath): without
# them this prints one SKIP line, which run.sh counts as neither passed nor
# failed.

if command -v python3 >/dev/null 2>&1 && python3 -c 'import mpmath' >/dev/null 2>&1; then
    _mp_out=$(python3 "$SRCDIR/tests/oracle/numdiff_mpmath.py" "$SRCDIR/tests/cases" 2>&1)
    _mp_st=$?
    printf '%s\n' "$_mp_out" | sed -E 's#^(PASS|FAIL) numdiff_mpmath#\1 cli/numdiff_mpmath#'
    if [ "$_mp_st" -ne 0 ] && ! printf '%s\n' "$_mp_out" | grep -q '^FAIL '; then
        echo "FAIL cli/numdiff_mpmath: numdiff_mpmath.py exited with status $_mp_st"
    fi
else
    echo "SKIP cli/numdiff_mpmath: python3 with mpmath is not installed, so the numdiff goldens were not re-checked (pip install mpmath, or apt-get install python3-mpmath)"
fi
