#!/bin/sh
# run.sh SRCDIR DIR HARNESS... — `make fuzz`: run each libFuzzer harness
# for FUZZ_SECONDS seconds (default 60), one after the other, one job each,
# and fail when one finds something.
#
# DIR is the build's tests/fuzz: DIR/seeds/{script,expr} are the seeds
# (corpus.sh), DIR/corpus/NAME the corpus each harness grows (kept between
# runs), DIR/findings/NAME/ where libFuzzer writes crash-*, leak-*,
# timeout-* and oom-* inputs. Reproduce a finding by running the harness
# on the file: tests/fuzz/fuzz_eval tests/fuzz/findings/fuzz_eval/crash-...
#
# Bounds (per input): -timeout=FUZZ_TIMEOUT seconds (default 10),
# -rss_limit_mb=FUZZ_RSS_MB (default 2048; ASan's own overhead included),
# -max_len per harness below. FUZZ_FLAGS adds libFuzzer flags (for a long
# campaign: FUZZ_FLAGS='-fork=1 -ignore_crashes=1 -ignore_timeouts=1
# -ignore_ooms=1' keeps going past findings and saves them all), and
# NABLA_FUZZ_SKIP=word,... makes the harnesses skip inputs containing
# those strings (to step around a known finding being fixed elsewhere).
set -u
src=$1 dir=$(cd "$2" && pwd) # absolute: fuzz_script runs scripts elsewhere
shift 2
seconds=${FUZZ_SECONDS:-60}
timeout=${FUZZ_TIMEOUT:-10}
rss=${FUZZ_RSS_MB:-2048}
dict=$src/tests/fuzz/nabla.dict
failed=""
for h in "$@"; do
    name=$(basename "$h")
    case $name in
    fuzz_parse) seeds=script max_len=4096 ;;
    fuzz_script) seeds=script max_len=1024 ;;
    *) seeds=expr max_len=1024 ;;
    esac
    mkdir -p "$dir/corpus/$name" "$dir/findings/$name"
    log=$dir/findings/$name.log
    echo "fuzz: $name for ${seconds}s (log: $log)"
    # shellcheck disable=SC2086  # FUZZ_FLAGS is a list of flags
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$h" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb="$rss" \
        -max_len="$max_len" -dict="$dict" -print_final_stats=1 \
        -artifact_prefix="$dir/findings/$name/" ${FUZZ_FLAGS:-} \
        "$dir/corpus/$name" "$dir/seeds/$seeds" >"$log" 2>&1
    st=$?
    stats=$(grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" \
            | sed 's/^stat:://' | tr -s ' \n' ' ')
    if [ -z "$stats" ]; then # -fork=N: the last progress line
        stats=$(grep -E '^#[0-9]+: ' "$log" | tail -1 | awk '{
            n = substr($1, 2) + 0; for (i = 2; i < NF; i++) if ($i == "time:") t = $(i + 1) + 0;
            printf "%d executions in %d s (%d exec/s), %s", n, t, t ? n / t : 0, $0 }')
    fi
    # slow-unit-* are libFuzzer's note of inputs over 10 s (under the
    # fuzzing build's instrumentation), not findings: listed, not counted
    slow=$(ls "$dir/findings/$name" | grep -c '^slow-unit-')
    found=$(ls "$dir/findings/$name" | grep -vc '^slow-unit-')
    [ "$slow" -eq 0 ] || echo "fuzz: $name: $slow slow units (over 10 s instrumented) in $dir/findings/$name"
    if [ "$st" -ne 0 ] || [ "$found" -ne 0 ]; then
        echo "fuzz: $name FOUND something (status $st): $stats"
        ls "$dir/findings/$name" | sed "s|^|  $dir/findings/$name/|"
        grep -m 3 -E 'ERROR: |runtime error|property violated|==[0-9]+==' "$log" | sed 's/^/  /'
        failed="$failed $name"
    else
        echo "fuzz: $name clean: $stats"
    fi
done
if [ -n "$failed" ]; then
    echo "fuzz: findings in$failed; reproduce with: HARNESS FILE (see the logs)"
    exit 1
fi
echo "fuzz: no findings"
