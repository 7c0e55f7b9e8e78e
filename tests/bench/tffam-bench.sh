#!/bin/sh
# tffam-bench.sh: `make bench`. The end-to-end cost of tffam (all three
# reports, the shipped combined model) on query sets built from the bundled
# data, for this build and, in the same run, an older one:
#
#   tests/bench/tffam-bench.sh [-old OLDBUILD] [-threads N] [-skip-10k] [builddir]
#
# Runs (each program in turn, same inputs, same machine, one after the other):
#   example   the 8 STREME motifs of etc/example/example.streme.xml
#   1167      the first 1167 motifs of the 10k set
#   10k       10,000 jittered copies of the 2113 bundled JASPAR motifs
#             (tests/bench/make-motifs.tcl, seed 1: no exact repeats)
#   10k-noig  the same with -ig-steps 0 (no Integrated Gradients)
# and prints wall time, CPU time (user + sys) and peak memory (max RSS) of
# each. OLDBUILD is another build tree (its src/tffam finds its own etc/ as
# ../etc), e.g. made with
#   git worktree add /tmp/old REV && (cd /tmp/old && ./bootstrap && ./configure && make -j2)
# The load average before and after is printed too: the machine may be shared,
# so compare the two programs within one run (the ratio column), not across runs.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
old= threads=0 skip10k=no
while [ $# -gt 0 ]; do
  case $1 in
    -old) old=$2; shift 2 ;;
    -threads) threads=$2; shift 2 ;;
    -skip-10k) skip10k=yes; shift ;;
    *) break ;;
  esac
done
build=${1:-$top}
unset TFFAM_DATA_DIR TFFAM_MODEL
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

tclsh "$here/make-motifs.tcl" 10000 1 "$top/etc/jaspar2024_eval_2113.meme" > "$tmp/10k.meme"
awk '/^MOTIF/ { n++ } n <= 1167' "$tmp/10k.meme" > "$tmp/1167.meme"

# run PROG ARGS...: "wall cpu peakMB" of one tffam run into the report directory $tmp/out
run() {
  prog=$1; shift
  rm -rf "$tmp/out"
  /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$prog" -p "$threads" -verbosity 1 -oc "$tmp/out" "$@" > /dev/null
  set -- $(cat "$tmp/time")
  printf '%.2f %.2f %.0f\n' "$1" "$(echo "$2 + $3" | bc -l)" "$(echo "$4 / 1024" | bc -l)"
}

progs="$build/src/tffam"
[ -n "$old" ] && progs="$old/src/tffam $progs"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) cores, -p $threads; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for p in $progs; do echo "program: $p ($(cd "$(dirname "$p")/.." && git log -1 --format=%h 2>/dev/null || echo '?'))"; done
printf '%-10s %-4s %9s %9s %8s %12s %12s\n' run prog "wall s" "CPU s" "peak MB" "wall new/old" "CPU new/old"
for r in example 1167 10k 10k-noig; do
  case $r in
    example)  args="$top/etc/example/example.streme.xml" ;;
    1167)     args="$tmp/1167.meme" ;;
    10k)      args="$tmp/10k.meme" ;;
    10k-noig) args="-ig-steps 0 $tmp/10k.meme" ;;
  esac
  if [ $skip10k = yes ] && [ "${r#10k}" != "$r" ]; then continue; fi
  ow= oc=
  for p in $progs; do
    set -- $(run "$p" $args)
    tag=new; [ "$p" != "$build/src/tffam" ] && tag=old
    ratio= cratio=
    if [ $tag = old ]; then ow=$1; oc=$2
    elif [ -n "$ow" ]; then ratio=$(printf '%.3f' "$(echo "$1 / $ow" | bc -l)"); cratio=$(printf '%.3f' "$(echo "$2 / $oc" | bc -l)"); fi
    printf '%-10s %-4s %9s %9s %8s %12s %12s\n' $r $tag "$1" "$2" "$3" "$ratio" "$cratio"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
