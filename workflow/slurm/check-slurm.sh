#!/bin/sh
# check-slurm.sh SRCDIR DIR: tffam's scale-out paths on a real scheduler (issue 24, item 7).
# Starts a single-node Slurm cluster (workflow/slurm/cluster.sh) in DIR, then
#   1. runs workflow/Snakefile with the Slurm profile (workflow/profiles/slurm) on 300
#      JASPAR motifs in 4 shards, each an sbatch job, and checks the merged tffam.tsv is
#      byte for byte the table of one tffam run;
#   2. runs cwl/tffam.cwl with toil-cwl-runner --batchSystem slurm on the example, and
#      checks its table rows are those of one tffam run;
#   3. lists the jobs Slurm ran (sacct --completion: the job completion log) and checks
#      that the shard jobs and toil's job are there, COMPLETED;
# and stops the cluster, whatever happened. tffam and its data come from PATH and
# TFFAM_DATA_DIR (make check-slurm sets them). Needs slurm-wlm, munge, snakemake, toil;
# run as root.
set -eu
src=$(cd "${1:-.}" && pwd)
dir=${2:-_slurm}
for p in snakemake toil-cwl-runner; do
  command -v $p >/dev/null || { echo "check-slurm: $p is needed (Debian: apt-get install snakemake toil)"; exit 1; }
done
rm -rf "$dir"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
export SLURM_CONF="$dir/slurm.conf" USER="${USER:-$(id -un)}"
trap 'sh "$src/workflow/slurm/cluster.sh" stop "$dir"' EXIT
start=$(date +%s)
sh "$src/workflow/slurm/cluster.sh" start "$dir"
work="$dir/work"
mkdir -p "$work"
fail=0

# 1. Snakemake, the Slurm profile, 4 shards as Slurm jobs. The profile's account and
# partition are placeholders for a real site: this cluster has no accounts and its
# partition is "tffam".
awk '/^MOTIF/ { n++ } n <= 300' "$src/etc/jaspar2024_eval_2113.meme" > "$work/m300.meme"
( cd "$work" && tffam -text m300.meme > single.tsv )
t0=$(date +%s)
if snakemake -s "$src/workflow/Snakefile" --profile "$src/workflow/profiles/slurm" \
     --default-resources slurm_partition=tffam mem_mb=1000 runtime=10 --latency-wait 5 \
     --directory "$work" --config motifs=m300.meme shards=4 outdir=out_slurm > "$dir/snakemake.log" 2>&1; then
  n=$(ls "$work/out_slurm/shards" | wc -l)
  if cmp -s "$work/out_slurm/tffam.tsv" "$work/single.tsv"; then
    echo "ok   snakemake --profile slurm: $n shard jobs, merged tffam.tsv identical to one tffam run ($(($(date +%s) - t0)) s)"
  else
    echo "FAIL snakemake --profile slurm: merged table differs from one run"
    diff "$work/single.tsv" "$work/out_slurm/tffam.tsv" | head; fail=1
  fi
else
  tail -30 "$dir/snakemake.log"; echo "FAIL snakemake --profile slurm"; fail=1
fi

# 2. toil-cwl-runner with the Slurm batch system on the CWL tool.
t0=$(date +%s)
ex="$src/etc/example/example.streme.xml"
if toil-cwl-runner --preserve-entire-environment --logLevel ERROR --batchSystem slurm \
     --jobStore "file:$dir/toil-jobstore" --workDir "$work" --outdir "$work/out_toil" \
     "$src/cwl/tffam.cwl" "$src/cwl/tffam-job.yml" > "$dir/toil.json" 2> "$dir/toil.err"; then
  grep -v '^#' "$work/out_toil/tffam.tsv" > "$work/toil.rows"
  # the options of cwl/tffam-job.yml (as cwl/check-cwl.sh gives them)
  tffam -text -method combined -min-prob 0.95 -top-k 2 -second-prob 0.001 "$ex" | grep -v '^#' > "$work/want.rows"
  if cmp -s "$work/toil.rows" "$work/want.rows" && test -s "$work/out_toil/tffam.html"; then
    echo "ok   toil-cwl-runner --batchSystem slurm: tffam.tsv rows identical to one tffam run ($(($(date +%s) - t0)) s)"
  else
    echo "FAIL toil-cwl-runner --batchSystem slurm: table differs"; diff "$work/want.rows" "$work/toil.rows" | head; fail=1
  fi
else
  grep -v "You are using cwltool" "$dir/toil.err" | tail -20; echo "FAIL toil-cwl-runner --batchSystem slurm"; fail=1
fi

# 3. What Slurm ran: the completion log (there is no accounting database here).
echo "sacct --completion (the jobs this cluster ran):"
sacct --completion | tee "$dir/sacct.txt"
nshard=$(grep -c ' snakejob\.shard\| shard ' "$dir/sacct.txt" || true)
ncomp=$(grep -c ' COMPLETED ' "$dir/sacct.txt" || true)
njobs=$(tail -n +3 "$dir/sacct.txt" | grep -c . || true)
echo "check-slurm: $njobs Slurm jobs, $ncomp COMPLETED; $(($(date +%s) - start)) s in all"
if [ "$njobs" -lt 5 ] || [ "$ncomp" -ne "$njobs" ]; then
  echo "FAIL check-slurm: expected at least 5 jobs (4 shards and toil's), all COMPLETED"; fail=1
fi
exit $fail
