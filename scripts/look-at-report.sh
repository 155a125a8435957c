#!/usr/bin/env bash
# Renders a report the way a person sees it, so a change to the charts can be checked by eye:
# index.html in headless Chromium (the top of the page and the whole page) and every SVG through
# rsvg-convert, as PNGs under REPORT/png/ (or OUT). Needs Debian's `chromium` and `librsvg2-bin`.
#
#   scripts/look-at-report.sh reports/latest            # PNGs in reports/latest/png/
#   scripts/look-at-report.sh reports/latest /tmp/look  # PNGs in /tmp/look/
#
# It exits non-zero, naming the file, when a chart does not render.
set -euo pipefail

report=${1:?usage: scripts/look-at-report.sh REPORT_DIR [OUT_DIR]}
out=${2:-$report/png}
[ -f "$report/index.html" ] || { echo "$report: no index.html (run 'cachetag-bench plot $report' first)" >&2; exit 1; }
command -v rsvg-convert >/dev/null || { echo "rsvg-convert not found: apt-get install librsvg2-bin" >&2; exit 1; }
command -v chromium >/dev/null || { echo "chromium not found: apt-get install chromium" >&2; exit 1; }
mkdir -p "$out"

count=0
for svg in "$report"/*.svg; do
    [ -e "$svg" ] || continue
    name=$(basename "$svg" .svg)
    rsvg-convert --zoom 1.5 --background-color white "$svg" -o "$out/$name.png" \
        || { echo "$svg: rsvg-convert failed" >&2; exit 1; }
    count=$((count + 1))
done

page="file://$(cd "$report" && pwd)/index.html"
# The top of the page (what a reader sees first) and a long view of the whole page.
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,1400 \
    --screenshot="$out/index-top.png" "$page" >/dev/null 2>&1 \
    || { echo "$page: chromium could not render it" >&2; exit 1; }
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,12000 \
    --screenshot="$out/index-full.png" "$page" >/dev/null 2>&1 \
    || { echo "$page: chromium could not render it" >&2; exit 1; }
echo "$count charts and 2 page views rendered into $out/"
