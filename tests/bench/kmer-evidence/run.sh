#!/bin/sh
# Reproduce the experiment (tests/bench/kmer-evidence/README.md): one process, one thread.
# usage: run.sh OUTDIR CVROOT   (CVROOT holds cv20_seed1..3 of the shipped 20-class configuration)
OUT=${1:-/work/exp/kmer20}; CV=${2:-/work/exp/s20}
D=$(dirname "$0")
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 KMER_CACHE=$OUT
mkdir -p "$OUT"
# seed 1 was first run with the descriptors too (kmer,desc,proto: stack_seed1_first.tsv)
for S in 1 2 3; do
  while [ ! -s $CV/cv20_seed$S/cv_probabilities.tsv ]; do sleep 30; done   # the lead's run writes them in turn
  /usr/bin/python3 $D/stack.py $CV/cv20_seed$S $OUT/stack_seed$S.tsv kmer,proto 2> $OUT/stack_seed$S.log
done
