#!/bin/sh
# compare-bench.sh: speed and exactness of tffam-compare on the 2113 x 2113
# JASPAR all-vs-all (the Tomtom web-server settings), per metric.
#
#   tests/bench/compare-bench.sh [builddir] [--check]
#
# For each of ed, pearson, sandelin, prints pairs/s with one thread and with
# all threads for the comparison core (p- and E-values of all 4.46 million
# pairs, sorted per query; nothing printed: -evalue -thresh 0), the time of a
# full run that writes every row (-thresh 1e6, q-values included), and the
# peak memory. With --check it also compares the full output with Tomtom's
# (shared/data/tomtom-reference/web_all_<metric>_q100.tsv.gz) through
# compare-check.py. Run it on an otherwise idle machine; it uses `nice`.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-$top}
[ "$1" = "--check" ] && build=$top
check=no
for a in "$@"; do [ "$a" = "--check" ] && check=yes; done
prog="$build/src/tffam-compare"
shared="$top/../shared/data"
[ -d "$shared" ] || shared=/work/shared/data
db="$shared/jaspar2024/tffam_eval_2113.meme"
ref="$shared/tomtom-reference"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ncpu=$( (nproc || getconf _NPROCESSORS_ONLN) 2>/dev/null)
web="-no-ssc -min-overlap 5 -evalue"

run() {  # run THREADS METRIC THRESH OUT: prints "seconds peakKB"
    /usr/bin/time -f "%e %M" -o "$tmp/time" nice "$prog" $web -dist "$2" -thresh "$3" -text -verbosity 3 \
        -threads "$1" "$db" "$db" > "$4" 2> "$tmp/err"
    t=$(sed -n 's/.*threads: \([0-9.]*\) s.*/\1/p' "$tmp/err")
    echo "$t $(cut -d' ' -f2 "$tmp/time")"
}

pairs=$((2113 * 2113))
printf '%-9s %14s %14s %14s %12s\n' metric "pairs/s 1thr" "pairs/s ${ncpu}thr" "full run (s)" "peak MB"
for m in ed pearson sandelin; do
    set -- $(run 1 $m 0 /dev/null);          t1=$1
    set -- $(run "$ncpu" $m 0 /dev/null);    tn=$1
    set -- $(run "$ncpu" $m 1e6 "$tmp/$m.tsv"); tf=$1; mem=$2
    printf '%-9s %14.4g %14.4g %14.2f %12.1f\n' $m $(echo "$pairs / $t1" | bc -l) $(echo "$pairs / $tn" | bc -l) "$tf" $(echo "$mem / 1024" | bc -l)
    if [ $check = yes ]; then python3 "$here/compare-check.py" "$tmp/$m.tsv" "$ref/web_all_${m}_q100.tsv.gz" || true; fi
done
