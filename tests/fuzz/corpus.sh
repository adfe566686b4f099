#!/bin/sh
# corpus.sh SRCDIR OUT — the seed corpus of the libFuzzer harnesses
# (`make fuzz-corpus`, run by `make fuzz`), made from the scripts of the
# tree; nothing of it is committed.
#   OUT/seeds/script  every tests/cases, tests/errors and examples script
#                     (fuzz_script, fuzz_parse)
#   OUT/seeds/expr    each of their lines that is not blank or a comment,
#                     once (fuzz_roundtrip, fuzz_eval: one expression each)
# Files are named by a hash of their contents, as libFuzzer names its own.
set -eu
src=$1 out=$2
rm -rf "$out/seeds"
mkdir -p "$out/seeds/script" "$out/seeds/expr"
n=0
for f in "$src"/tests/cases/*.nabla "$src"/tests/errors/*.nabla "$src"/examples/*.nabla; do
    [ -f "$f" ] || continue
    h=$(cksum <"$f" | cut -d' ' -f1)
    cp "$f" "$out/seeds/script/$h"
    n=$((n + 1))
    grep -av '^[[:space:]]*\(#.*\)\{0,1\}$' "$f" | while IFS= read -r line; do
        h=$(printf '%s' "$line" | cksum | cut -d' ' -f1)
        printf '%s' "$line" >"$out/seeds/expr/$h"
    done
done
echo "fuzz corpus: $n scripts, $(ls "$out/seeds/expr" | wc -l) lines in $out/seeds"
