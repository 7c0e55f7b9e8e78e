#!/bin/sh
# compare-bench.sh: speed and exactness of tffam-compare on the 2113 x 2113
# JASPAR all-vs-all (the Tomtom web-server settings), per metric.
#
#   tests/bench/compare-bench.sh [builddir] [--check]
#
# For each of ed, pearson, sandelin and kullback (used by the combined model), prints pairs/s with one thread and with
# all threads for the comparison core (p- and E-values of all 4.46 million
# pairs; -evalue -thresh 0: only the rows with E = 0 are printed), the CPU
# time (user + sys) of those two runs, the time of the web server's setting
# (-evalue -thresh 10: about 68 rows per query, q-values included) and of a
# full run that writes every row (-thresh 1e6), and the peak memory. With --check it also compares the full output with Tomtom's
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

run() {  # run THREADS METRIC THRESH OUT: prints "seconds peakKB cpuseconds" (the comparison's own wall time, whole-process CPU time)
    /usr/bin/time -f "%e %M %U %S" -o "$tmp/time" nice "$prog" $web -dist "$2" -thresh "$3" -text -verbosity 3 \
        -threads "$1" "$db" "$db" > "$4" 2> "$tmp/err"
    t=$(sed -n 's/.*threads: \([0-9.]*\) s.*/\1/p' "$tmp/err")
    set -- $(cat "$tmp/time")
    echo "$t $2 $(echo "$3 + $4" | bc -l)"
}

pairs=$((2113 * 2113))
echo "2113 x 2113, $web; wall: the comparison's own clock; CPU: user+sys of the whole process"
printf '%-9s %13s %13s %13s %13s %12s %12s %8s\n' metric "pairs/s 1thr" "pairs/s ${ncpu}thr" "CPU s 1thr" "CPU s ${ncpu}thr" "-thresh 10 s" "-thresh 1e6 s" "peak MB"
for m in ed pearson sandelin kullback; do
    set -- $(run 1 $m 0 /dev/null);          t1=$1; c1=$3
    set -- $(run "$ncpu" $m 0 /dev/null);    tn=$1; cn=$3
    set -- $(run "$ncpu" $m 10 /dev/null);   tw=$1
    set -- $(run "$ncpu" $m 1e6 "$tmp/$m.tsv"); tf=$1; mem=$2
    printf '%-9s %13.4g %13.4g %13.2f %13.2f %12.2f %12.2f %8.1f\n' $m $(echo "$pairs / $t1" | bc -l) $(echo "$pairs / $tn" | bc -l) \
        "$c1" "$cn" "$tw" "$tf" $(echo "$mem / 1024" | bc -l)
    if [ $check = yes ] && [ -f "$ref/web_all_${m}_q100.tsv.gz" ]; then python3 "$here/compare-check.py" "$tmp/$m.tsv" "$ref/web_all_${m}_q100.tsv.gz" || true; fi
done
