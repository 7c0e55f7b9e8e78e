#!/bin/sh
# compare-curve.sh: cost per pair of tffam-compare by database size, one thread.
#
#   tests/bench/compare-curve.sh [-queries N] [-dist METRIC] [-sizes "2113 4226 ..."] [builddir]
#
# Queries: the first N (default 500) bundled JASPAR motifs. Databases: jittered
# copies of the bundled JASPAR motifs (tests/bench/make-motifs.tcl, seed 2: no
# exact repeats), one per size. Prints the comparison's own wall time
# (tffam-compare -verbosity 3), the CPU time (user + sys) of the whole process,
# the cost per pair from the CPU time (on a shared machine the wall time
# includes waiting for a core), its ratio to the smallest size's, and the peak
# memory of the process. Web settings (-min-overlap 5 -evalue), -thresh 0
# (p- and E-values of every pair, no rows written). Uses `nice`; the machine
# may be shared, so read the ratios, and the load average printed with them.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
nq=500 dist=ed sizes="2113 4226 8452 16904 33808 50000"
while [ $# -gt 0 ]; do
  case $1 in
    -queries) nq=$2; shift 2 ;;
    -dist) dist=$2; shift 2 ;;
    -sizes) sizes=$2; shift 2 ;;
    *) break ;;
  esac
done
build=${1:-$top}
prog="$build/src/tffam-compare"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk -v n="$nq" '/^MOTIF/ { k++ } k <= n' "$top/etc/jaspar2024_eval_2113.meme" > "$tmp/q.meme"
echo "$nq queries, -dist $dist, one thread; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%8s %10s %10s %12s %8s %8s\n' targets "wall s" "CPU s" "CPU us/pair" ratio "peak MB"
base=
for n in $sizes; do
  tclsh "$here/make-motifs.tcl" "$n" 2 "$top/etc/jaspar2024_eval_2113.meme" > "$tmp/db.meme"
  /usr/bin/time -f "%M %U %S" -o "$tmp/time" nice "$prog" -no-ssc -min-overlap 5 -evalue -thresh 0 -dist "$dist" -text \
      -verbosity 3 -threads 1 "$tmp/q.meme" "$tmp/db.meme" > /dev/null 2> "$tmp/err"
  t=$(sed -n 's/.*threads: \([0-9.]*\) s.*/\1/p' "$tmp/err")
  set -- $(cat "$tmp/time")
  cpu=$(echo "$2 + $3" | bc -l)
  us=$(echo "$cpu * 1000000 / ($nq * $n)" | bc -l)
  [ -z "$base" ] && base=$us
  printf '%8d %10.3f %10.2f %12.4f %8.3f %8.1f\n' "$n" "$t" "$cpu" "$us" "$(echo "$us / $base" | bc -l)" "$(echo "$1 / 1024" | bc -l)"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
