#!/bin/sh
# tests/valgrind.sh BUILDDIR SRCDIR: `make check-valgrind`.
#
# Runs a few representative commands under
#   valgrind --error-exitcode=99 --leak-check=full
# and checks each exit code: 99 means valgrind found a memory error or a leak
# (definite or possible), anything else must be the program's expected code
# (0, or 1 for the hostile inputs, which must fail cleanly). Prints one line per
# command and "check-valgrind: N passed, N failed"; exits 1 on any failure.
# (99 rather than 1 so that a leak is told apart from an expected input error.)
set -u
b=$1; s=$2
out=$b/tests/out/valgrind
rm -rf "$out"; mkdir -p "$out"
command -v valgrind >/dev/null 2>&1 || { echo "check-valgrind: valgrind is not installed (Debian: apt-get install valgrind)"; exit 1; }
export OMP_NUM_THREADS=1 TFFAM_DATA_DIR="$s/etc"
pass=0; fail=0; i=0
vg() {   # vg EXPECTED-EXIT PROGRAM ARGS...
  want=$1; shift
  i=$((i + 1))
  valgrind -q --error-exitcode=99 --leak-check=full --log-file="$out/vg$i.log" "$b/src/$@" > "$out/out$i.txt" 2> "$out/err$i.txt" < /dev/null
  rc=$?
  if [ "$rc" = "$want" ]; then pass=$((pass + 1)); echo "ok   $i: $*"
  else fail=$((fail + 1)); echo "FAIL $i: $* (exit $rc, expected $want)"; cat "$out/vg$i.log" "$out/err$i.txt" | head -40; fi
}
d=$s/tests/data
# readers, good and hostile
vg 0 tffam -list "$d/io/three.meme"
vg 0 tffam -list "$d/io/three.meme.xml.gz"
vg 0 tffam -list "$d/io/three.streme.xml"
vg 0 tffam -list "$d/io/three.dreme.xml"
vg 0 tffam -list "$d/io/three.jaspar"
vg 1 tffam -list "$d/io/bad/truncated.meme.gz"
vg 1 tffam -list "$d/io/bad/xml_billion_laughs.meme.xml"
vg 1 tffam -list "$d/io/bad/xml_xxe.dreme.xml"
vg 1 tffam -list "$d/io/bad/jaspar_ragged.jaspar"
# classification with reports in a staged output directory, and a refused -o
vg 0 tffam -method knn -mi 1 -o "$out/report" "$s/etc/example/example.streme.xml"
vg 1 tffam -method knn -mi 1 -o "$out/report" "$s/etc/example/example.streme.xml"
# comparison, evaluation from Tomtom TSVs, training and model files
vg 0 tffam-compare -text -verbosity 1 -mi 1 "$d/compare/q20.meme" "$d/knn/six.meme"
vg 0 tffam-eval -text -kmax 3 -tomtom-ed "$d/knn/ed.tsv" -tomtom-pearson "$d/knn/pearson.tsv" -tomtom-sandelin "$d/knn/sandelin.tsv" "$d/knn/six.meme" "$d/knn/six.tsv"
vg 1 tffam-eval -text -kmax 1 -tomtom-ed "$d/knn/wrong_target.tsv" "$d/knn/six.meme" "$d/knn/six.tsv"
vg 0 tffam-train -verbosity 1 -channels 4,4,4 -max-epochs 2 -o "$out/m.model" "$d/cnn/two.meme" "$d/cnn/two.tsv"
vg 0 tffam-train -info "$out/m.model"
vg 1 tffam-train -info "$s/tests/data/fuzz/model/crash-short-last-line.model"
# issue 22: a Tomtom run merged into the neighbours (its footer, a JASPAR target skipped), the report's
# static table, an own reference's fallback to KNN, several query files, a named custom alphabet
vg 0 tffam -method knn -ref "$d/knn/six.meme" -ref-labels "$d/knn/six.tsv" -tomtom "$d/knn/tomtom_run_jaspar.tsv" -oc "$out/tomtom" "$d/knn/six.meme"
vg 0 tffam -text -ref "$d/knn/six.meme" -ref-labels "$d/knn/six.tsv" "$d/io/three.meme" "$d/knn/six.meme"
vg 1 tffam -list "$d/io/bad/covalent_no_end.meme"
echo "check-valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
