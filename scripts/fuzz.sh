#!/usr/bin/env bash
# Builds one libFuzzer target (Fuzz/TARGET, declared in Package.swift only under CACHETAG_FUZZ),
# seeds its corpus from real inputs in the repository and runs it (docs/fuzzing.md).
#
#   scripts/fuzz.sh FuzzTraceText                 # 1,000,000 executions
#   scripts/fuzz.sh FuzzSettingsFile 5000000      # more
#   scripts/fuzz.sh FuzzReportFiles -1 -max_total_time=600  # -1: until stopped or the time is up
#   scripts/fuzz.sh FuzzTraceText 1 crash-1234... # replay one input (a file argument runs it only)
#
# Targets: FuzzTraceText (trace replay's text parsing), FuzzSettingsFile (--cost-file and
# --hw-file), FuzzReportFiles (report CSVs and run.json). Everything lands under .build-fuzz/
# (git-ignored): the build, corpus/TARGET (kept between runs, grows), seeds/TARGET (rebuilt each
# run), findings/TARGET/ (crash-*, timeout-*, oom-* inputs; not artifacts/, which SwiftPM
# empties). Needs a swift.org toolchain on
# Linux (libFuzzer ships with it). One build or run at a time on a small machine.
set -euo pipefail

usage="usage: scripts/fuzz.sh FuzzTraceText|FuzzSettingsFile|FuzzReportFiles [RUNS] [libFuzzer args...]"
target=${1:?$usage}
runs=${2:-1000000}
shift $(( $# >= 2 ? 2 : 1 ))

# Longest input per target: a few dozen trace lines, a settings file, a report's header and
# first rows or a whole run.json. Longer inputs only slow the search down.
case "$target" in
    FuzzTraceText) max_len=4096 ;;
    FuzzSettingsFile) max_len=1024 ;;
    FuzzReportFiles) max_len=8192 ;;
    *) echo "$usage" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=.build-fuzz
seeds=$build/seeds/$target
corpus=$build/corpus/$target
findings=$build/findings/$target
mkdir -p "$corpus"
rm -rf "$seeds"
mkdir -p "$seeds"

# Two spellings, both needed: `--sanitize fuzzer` makes SwiftPM link libFuzzer's `main` instead of
# renaming the target's to `<Target>_main` (which a fuzz target does not define); the compiler
# keeps only the last `-sanitize=` it is given, so `-Xswiftc -sanitize=fuzzer,address` (after
# SwiftPM's own) is what instruments every module for coverage and ASan. The benchmark package's
# plugin tool gets the same flags and fails to link (two mains); nothing here needs it, and the
# build carries on and succeeds.
CACHETAG_FUZZ=1 swift build -c release --build-path "$build" --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address \
    --product "$target"
binary=$build/release/$target

# Seeds: one file per input, named by content so reruns do not duplicate them.
seed() {
    local name
    name=$(printf '%s' "$1" | sha1sum | cut -c1-16)
    printf '%s' "$1" >"$seeds/$name"
}
seed_file_chunks() { # FILE LINES: the file cut into pieces of LINES lines, each at most max_len bytes
    local file=$1 lines=$2 prefix
    prefix=$seeds/$(basename "$file")-
    split -l "$lines" -d -a 4 "$file" "$prefix"
    for piece in "$prefix"*; do truncate -s "<$max_len" "$piece"; done
}
seed_test_strings() { # PATTERN FILES...: string literals of the tests matching PATTERN, escapes applied
    local pattern=$1
    shift
    grep -hoE "$pattern" "$@" | sed -e 's/^"//' -e 's/"$//' | sort -u | while IFS= read -r literal; do
        seed "$(printf '%b' "$literal")"
    done
}

case "$target" in
    FuzzTraceText)
        for trace in Tests/TestSupport/Traces/*.txt ../shared/traces/*.txt; do
            [ -f "$trace" ] && seed_file_chunks "$trace" 24
        done
        seed_test_strings '"[^"]*(cache_tag_|qi_submit)[^"]*"' Tests/WorkloadsTests/*.swift Tests/TestSupport/*.swift
        ;;
    FuzzSettingsFile)
        seed "$(printf '# costs measured on a test box\nsubmission_us = 3.5   # with the wait\n\ndescriptor_us=0.1\ndevtlb_invalidation_us=12\npage_walk_levels=5\npage_walk_access_us=0.25\n')"
        seed "$(printf 'profile=qemu\r\n# a comment\r\niotlb_entries=64\r\niotlb_ways = 8\r\nset_index=did-hash\r\ndevtlb_entries=32\r\npsi=on\r\nmamv=18\r\ncaching_mode=on\r\nread_drain=off\r\nwrite_drain=off\r\nscalable=on\r\nndoms=256\r\npasid_selective=did-wide\r\nrid_pasid=per-device\r\n')"
        seed "$(printf 'profile=adversarial\nndoms=workload\rset_index=page\n')"
        seed_test_strings '"[a-z_]+ ?= ?[^"]*"' Tests/IOMMUModelTests/*.swift Tests/RunsTests/HardwareProfileTests.swift \
            Tests/BenchCommandsTests/HardwareOptionTests.swift
        ;;
    FuzzReportFiles)
        for csv in reports/*/*.csv reports/*/*/*.csv; do
            [ -f "$csv" ] || continue
            name=$seeds/$(echo "$csv" | tr / _)
            head -n 12 "$csv" >"$name"
            truncate -s "<$max_len" "$name"
        done
        for manifest in reports/*/run.json reports/*/*/run.json; do
            [ -f "$manifest" ] && cp "$manifest" "$seeds/$(echo "$manifest" | tr / _)"
        done
        ;;
esac
# After the build: SwiftPM owns the build path and tidies what it does not know.
mkdir -p "$findings"
echo "$target: $(find "$seeds" -type f | wc -l) seed(s), $(find "$corpus" -type f | wc -l) input(s) in $corpus" >&2

# A single-file argument replays that input instead of fuzzing.
for argument in "$@"; do
    if [ -f "$argument" ]; then exec "$binary" "$@"; fi
done

# -timeout: any input over 2 s is a hang (the slowest seed takes milliseconds).
# -rss_limit_mb/-malloc_limit_mb: 2 GiB in all, or one allocation of 512 MiB, is a finding.
exec "$binary" -runs="$runs" -max_len="$max_len" -timeout=2 -rss_limit_mb=2048 -malloc_limit_mb=512 \
    -print_final_stats=1 -artifact_prefix="$findings/" "$@" "$corpus" "$seeds"
