#!/bin/sh
# compare-md5.sh: the comparison core's md5 set, the fingerprint of its full
# outputs that every change to it must keep (doc/compare.md, "Exactness").
#
#   tests/bench/compare-md5.sh [builddir]
#
# Runs tffam-compare of builddir (default: the source tree) on the 2113 x 2113
# JASPAR all-vs-all (shared/data/jaspar2024/tffam_eval_2113.meme) and prints
# one line "md5  name" for each of seven outputs (their rows: the '#' footer,
# which names the version and the paths, is left out): every row (-thresh 1e6) of
# ed, pearson, sandelin and kullback with the Tomtom web server's settings
# (-no-ssc -min-overlap 5 -evalue), of ed and pearson with -incomplete-scores
# as well, and allr's rows up to q = 0.5. Two builds give the same bytes when
# their sets are equal: .ci/run compares the clang build's set with the gcc
# build's. The comparisons use all threads (the rows do not depend on it).
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-$top}
prog="$build/src/tffam-compare"
shared="$top/../shared/data"
[ -d "$shared" ] || shared=/work/shared/data
db="$shared/jaspar2024/tffam_eval_2113.meme"
[ -x "$prog" ] || { echo "compare-md5.sh: no $prog (build first)" >&2; exit 1; }
[ -f "$db" ] || { echo "compare-md5.sh: no $db (shared data missing)" >&2; exit 1; }
web="-no-ssc -min-overlap 5 -evalue"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

md5() {  # md5 NAME OPTIONS...: the md5 of tffam-compare's text output
    name=$1; shift
    sum=$( { "$prog" "$@" -text -verbosity 1 "$db" "$db"; echo $? > "$tmp/rc"; } | grep -v '^#' | md5sum)
    [ "$(cat "$tmp/rc")" = 0 ] || { echo "compare-md5.sh: tffam-compare $* failed" >&2; exit 1; }
    echo "${sum%% *}  $name"
}

md5 ed                  $web -dist ed       -thresh 1e6
md5 pearson             $web -dist pearson  -thresh 1e6
md5 sandelin            $web -dist sandelin -thresh 1e6
md5 kullback            $web -dist kullback -thresh 1e6
md5 ed_incomplete       $web -dist ed       -thresh 1e6 -incomplete-scores
md5 pearson_incomplete  $web -dist pearson  -thresh 1e6 -incomplete-scores
md5 allr_q0.5           -no-ssc -min-overlap 5 -dist allr -thresh 0.5
