#!/bin/sh
# check-snakemake.sh SRCDIR: run workflow/Snakefile on 300 JASPAR motifs with 1 and with
# 4 shards (2 jobs at a time) and check that both merged tables are byte for byte the
# table of a single tffam run. Prints the wall-clock time of each.
set -eu
src=${1:-.}
command -v snakemake >/dev/null || { echo "check-snakemake: snakemake is needed (Debian: apt-get install snakemake)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk '/^MOTIF/ { n++ } n <= 300' "$src/etc/jaspar2024_eval_2113.meme" > "$tmp/m300.meme"
echo "check-snakemake: $(grep -c '^MOTIF' "$tmp/m300.meme") motifs"
( cd "$tmp" && tffam -text m300.meme > single.tsv )
fail=0
for shards in 1 4; do
  start=$(date +%s)
  if ! snakemake -q -s "$src/workflow/Snakefile" --cores 2 --directory "$tmp" \
       --config motifs=m300.meme shards=$shards outdir=out$shards > "$tmp/log$shards" 2>&1; then
    cat "$tmp/log$shards"; fail=1; continue
  fi
  took=$(($(date +%s) - start))
  n=$(ls "$tmp/out$shards/shards" | wc -l)
  if cmp -s "$tmp/out$shards/tffam.tsv" "$tmp/single.tsv"; then
    echo "ok   $shards shard(s), $n job(s): merged table identical to one run ($took s)"
  else
    echo "FAIL $shards shard(s): merged table differs from one run"; diff "$tmp/single.tsv" "$tmp/out$shards/tffam.tsv" | head; fail=1
  fi
done
exit $fail
