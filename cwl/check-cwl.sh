#!/bin/sh
# check-cwl.sh SRCDIR: validate cwl/tffam.cwl, run both job files with cwltool (and with
# toil-cwl-runner when it is installed) and compare each table's rows with a direct
# tffam run. tffam and its data come from PATH and TFFAM_DATA_DIR (make check-cwl sets them).
set -eu
src=${1:-.}
command -v cwltool >/dev/null || { echo "check-cwl: cwltool is needed (Debian: apt-get install cwltool)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ex="$src/etc/example/example.streme.xml"
rows() { grep -v '^#' "$1"; }
cwltool --quiet --validate "$src/cwl/tffam.cwl"
fail=0
check() {  # check RUNNER JOB OUT  tffam-options...
  runner=$1 job=$2 out=$3; shift 3
  rows "$out/tffam.tsv" > "$tmp/got"
  tffam -text "$@" "$ex" | grep -v '^#' > "$tmp/want"
  if cmp -s "$tmp/got" "$tmp/want" && test -s "$out/tffam.html" && test -s "$out/tffam.xml"; then
    echo "ok   $runner $job: $(($(wc -l < "$tmp/got") - 2)) motifs, tffam.tsv/html/xml"
  else
    echo "FAIL $runner $job"; diff "$tmp/want" "$tmp/got" | head -5; fail=1
  fi
}
for runner in cwltool toil-cwl-runner; do
  command -v $runner >/dev/null || { echo "skip $runner: not installed"; continue; }
  for job in tffam-job tffam-knn-job; do
    out="$tmp/$runner-$job"
    start=$(date +%s)
    if test $runner = cwltool; then
      cwltool --quiet --preserve-environment TFFAM_DATA_DIR --outdir "$out" \
        "$src/cwl/tffam.cwl" "$src/cwl/$job.yml" > "$tmp/$job.json"
    else
      # (toil 5.9 does not pass --preserve-environment variables on to its workers)
      toil-cwl-runner --preserve-entire-environment --logLevel ERROR \
        --batchSystem single_machine --jobStore "file:$tmp/js-$job" --workDir "$tmp" \
        --outdir "$out" "$src/cwl/tffam.cwl" "$src/cwl/$job.yml" > "$tmp/$job.json" 2> "$tmp/$job.err" \
        || { grep -v "You are using cwltool" "$tmp/$job.err" | tail -20; fail=1; continue; }
    fi
    echo "     ($runner took $(($(date +%s) - start)) s)"
    case $job in
      tffam-job) check $runner $job "$out" -method combined -min-prob 0.95 -top-k 2 -second-prob 0.001 ;;
      *) check $runner $job "$out" -method knn -dist ed -k 1 -nnb 2 -m 4-CACGTG -m 2-CTAATCT ;;
    esac
  done
done
exit $fail
