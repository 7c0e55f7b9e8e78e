#!/bin/sh
# ig-bench.sh: cost of Integrated Gradients per motif (tffam-ig) on the 2113
# JASPAR evaluation motifs with the shipped model, for several step counts,
# one thread, best of 3 runs (user CPU time), and the Fig. 4 core shares.
#
#   tests/bench/ig-bench.sh [builddir]
#
# Each run explains the predicted family of all 2113 motifs; the cost per
# motif is (user time) / 2113. Uses `nice`; run on an otherwise idle machine.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-$top}
ig="$build/src/tffam-ig"
model="$top/etc/models/class20/tffam-default.model"
meme="$top/etc/jaspar2024_eval_2113.meme"
tsv="$top/etc/jaspar2024_eval_2113.tsv"
n=$(grep -c '^MOTIF' "$meme")
printf 'steps\tbest_user_s\tms_per_motif\n'
for steps in 1 10 50 200; do
  best=
  for rep in 1 2 3; do
    t=$( { /usr/bin/time -f '%U' nice "$ig" -model "$model" -steps $steps "$meme" >/dev/null; } 2>&1 )
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
  done
  printf '%s\t%s\t%s\n' $steps "$best" "$(echo "scale=3; $best * 1000 / $n" | bc)"
done
echo
nice "$ig" -model "$model" -eval-cores "$tsv" "$meme"
