# exports.sh — libnabla.so exports exactly the nb_ names of its installed
# headers (those nabla.h includes): nothing internal, and no public
# function missing. Needs `make` to have built the shared library.
so="$BUILDDIR/.libs/libnabla.so"
inc="$SRCDIR/include/nabla"
if [ ! -f "$so" ]; then
    echo "FAIL cli/exports: $so is not built"
else
    hdrs="$inc/nabla.h $(sed -n 's|^#include "nabla/\(.*\)"$|'"$inc"'/\1|p' "$inc/nabla.h")"
    exported=$(nm -D --defined-only "$so" | awk '{ print $3 }' | sort -u)
    named=$(cat $hdrs | grep -o 'nb_[a-z][a-z0-9_]*' | sort -u)
    calls=$(cat $hdrs | grep -o 'nb_[a-z][a-z0-9_]*(' | tr -d '(' | sort -u)
    extra=$(comm -23 <(echo "$exported") <(echo "$named") | tr '\n' ' ')
    missing=$(comm -13 <(echo "$exported") <(echo "$calls") | tr '\n' ' ')
    if [ -z "$extra" ]; then echo "PASS cli/exports-only-public"
    else echo "FAIL cli/exports-only-public: exported, in no installed header: $extra"; fi
    if [ -z "$missing" ]; then echo "PASS cli/exports-every-public-function"
    else echo "FAIL cli/exports-every-public-function: not exported: $missing"; fi
    n=$(echo "$exported" | wc -l)
    [ "$n" -gt 100 ] && echo "PASS cli/exports-count $n" || echo "FAIL cli/exports-count: only $n"
fi
