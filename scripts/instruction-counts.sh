#!/usr/bin/env bash
# Instructions per perf operation, counted by valgrind's callgrind: deterministic figures next to
# the noisy nanoseconds of `cachetag-bench perf`, for judging a change on a loaded machine.
#
#   scripts/instruction-counts.sh [OUT.tsv] [TAG COUNTS...]
#   scripts/instruction-counts.sh reports/perf-reference/instructions.tsv 1 4 16 64 256 1024
#
# For every perf variant (c-list and the registry tables perf times) and tag count it runs
# `cachetag-bench probe` under callgrind, collecting only the C probe functions (Sources/CProbe),
# and writes tab-separated variant, tags, operation, instructions_per_operation: (probe's inclusive
# count - the empty probe's) / calls / operations per call (a .tsv, so report readers, which take
# every .csv of a report directory, leave it alone). Needs valgrind (callgrind_annotate) and objcopy.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-reports/perf/instructions.tsv}"
shift || true
tags=("$@")
[ ${#tags[@]} -gt 0 ] || tags=(1 4 16 64 256 1024)
count="${PROBE_COUNT:-400}"

command -v valgrind >/dev/null || { echo "instruction-counts: valgrind is not installed" >&2; exit 1; }
swift build -c release --product cachetag-bench >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Valgrind cannot read the Swift binary's debug information: count a copy without it.
objcopy --strip-debug .build/release/cachetag-bench "$work/cachetag-bench"
# c-list and the registry tables `perf` times (write-floor has no operations to probe).
variants="c-list kernel-list kernel-list+did-match grouped-array smmu-invs concurrent-grouped"

mkdir -p "$(dirname "$out")"
tmp="$out.tmp.$$"
printf "variant\ttags\toperation\tinstructions_per_operation\n" >"$tmp"
for variant in $variants; do
    for n in "${tags[@]}"; do
        echo "instructions: $variant, $n tags" >&2
        SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
            --toggle-collect='cprobe_*' "$work/cachetag-bench" probe --variant "$variant" --tags "$n" --count "$count" \
            >"$work/calls.txt" 2>"$work/valgrind.log" || { cat "$work/valgrind.log" >&2; exit 1; }
        callgrind_annotate --inclusive=yes --threshold=100 "$work/cg.out" >"$work/annotate.txt"
        awk -v variant="$variant" -v n="$n" '
            FNR == NR { calls[$1] = $2; per[$1] = $3; next }
            match($0, /cprobe_[a-z_]+/) {
                name = substr($0, RSTART, RLENGTH); value = $1; gsub(",", "", value); ir[name] = value
            }
            END {
                empty = ir["cprobe_empty"] / calls["cprobe_empty"]
                for (name in per) if (name != "cprobe_empty") {
                    op = substr(name, 8)
                    printf "%s\t%d\t%s\t%.1f\n", variant, n, op, (ir[name] / calls[name] - empty) / per[name]
                }
            }' "$work/calls.txt" "$work/annotate.txt" | sort >>"$tmp"
    done
done
mv "$tmp" "$out"
echo "wrote $out" >&2
