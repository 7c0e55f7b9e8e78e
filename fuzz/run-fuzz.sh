#!/bin/sh
# fuzz/run-fuzz.sh SRCDIR OUTDIR TARGET SECONDS
# Run one libFuzzer target (OUTDIR/fuzz_TARGET) for SECONDS seconds: collect its
# seeds, replay the regression inputs of earlier crashes, fuzz, and append one
# line "fuzz_TARGET: N executions in S s, C crashes" to OUTDIR/summary.txt.
# Exit status 1 if anything crashed. Runs at the lowest priority (nice 19).
set -u
src=$1; out=$2; t=$3; secs=$4
bin=$out/fuzz_$t
seeds=$out/seeds/$t
corpus=$out/corpus/$t
crashes=$out/crashes
mkdir -p "$seeds" "$corpus" "$crashes"

# Seeds: test fixtures by kind (plain text only: the readers see decompressed bytes).
case $t in
  meme)   pat='*.meme' ;;
  xml)    pat='*.xml' ;;
  jaspar) pat='*.jaspar' ;;
  labels) pat='*.tsv' ;;
  tomtom) pat='*.tsv' ;;
  model)  pat='*.model' ;;
  combiner) pat='*combine*.txt' ;;
  kmer)   pat='*-kmer.txt' ;;
  bfile)  pat='*.bg' ;;
  neighbours) pat='*.nb' ;;
  names)  pat='*.tsv' ;;
  famvalues) pat='*.tsv' ;;
  *) echo "run-fuzz.sh: unknown target $t" >&2; exit 2 ;;
esac
find "$src/tests/data" -type f -name "$pat" -size -1000k -exec cp {} "$seeds"/ \; 2>/dev/null
[ -d "$src/fuzz/seeds/$t" ] && cp "$src/fuzz/seeds/$t"/* "$seeds"/ 2>/dev/null
reg=$src/tests/data/fuzz/$t
if [ -d "$reg" ] && [ -n "$(ls -A "$reg" 2>/dev/null)" ]; then
  cp "$reg"/* "$seeds"/
  # Every earlier crash must now run clean.
  if ! nice -n 19 "$bin" -runs=0 "$reg"/* > "$out/$t.regress.log" 2>&1; then
    cat "$out/$t.regress.log"; echo "fuzz_$t: a regression input crashes again" >> "$out/summary.txt"; exit 1
  fi
fi

dict=
[ -f "$src/fuzz/$t.dict" ] && dict="-dict=$src/fuzz/$t.dict"
before=$(ls "$crashes" 2>/dev/null | grep -c "^$t-")
start=$(date +%s)
nice -n 19 "$bin" $dict -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -print_final_stats=1 -artifact_prefix="$crashes/$t-" "$corpus" "$seeds" > "$out/$t.log" 2>&1
rc=$?
end=$(date +%s)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log" | tail -1)
ncrash=$(( $(ls "$crashes" 2>/dev/null | grep -c "^$t-") - before ))   # new in this run
echo "fuzz_$t: ${execs:-?} executions in $((end - start)) s, $ncrash crashes (exit $rc)" | tee -a "$out/summary.txt"
if [ $rc -ne 0 ]; then tail -n 60 "$out/$t.log"; exit 1; fi
exit 0
