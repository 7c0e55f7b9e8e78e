#!/bin/sh
# check-snakemake.sh SRCDIR: run workflow/Snakefile on 300 JASPAR motifs with 1 and with
# 4 shards (2 jobs at a time) and check that both merged tables are byte for byte the
# table of a single tffam run, the merged tffam.xml is the single run's but for its
# command line and date, and the merged tffam.html has the single run's report data
# (neighbours compared by reference id) and static table. Prints the wall-clock time of
# each. Then runs the workflow with a tffam that is not there: one clear line, no traceback.
set -eu
src=${1:-.}
command -v snakemake >/dev/null || { echo "check-snakemake: snakemake is needed (Debian: apt-get install snakemake)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk '/^MOTIF/ { n++ } n <= 300' "$src/etc/jaspar2024_eval_2113.meme" > "$tmp/m300.meme"
echo "check-snakemake: $(grep -c '^MOTIF' "$tmp/m300.meme") motifs"
( cd "$tmp" && tffam -text m300.meme > single.tsv && tffam -verbosity 1 -oc single m300.meme )
# The report data of a tffam.html, comparable across runs: neighbours by reference id,
# no command line or date; and the static table's rows.
html_view() {
  python3 - "$1" <<'PY'
import json, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
d = json.loads(re.search(r'<script id="tffam_data" type="application/json">\n(.*?)\n</script>', page, re.S).group(1))
for q in d["queries"]:
    for nb in q["neighbours"]:
        nb["ref"] = d["refs"][nb["ref"]]["id"]
d["refs"] = sorted(d["refs"], key=lambda r: r["id"])
d.pop("cmd", None); d["provenance"].pop("date", None)
print(json.dumps(d, sort_keys=True))
print(re.search(r'<tbody>\n(.*?)</tbody>', page[page.index('id="static-table"'):], re.S).group(1))
PY
}
xml_view() { grep -v '<command_line>\|<date>' "$1"; }
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
  if [ "$(xml_view "$tmp/out$shards/tffam.xml")" = "$(xml_view "$tmp/single/tffam.xml")" ]; then
    echo "ok   $shards shard(s): merged tffam.xml is one run's (but for the command line and date)"
  else
    xml_view "$tmp/single/tffam.xml" > "$tmp/a.xml"; xml_view "$tmp/out$shards/tffam.xml" > "$tmp/b.xml"
    echo "FAIL $shards shard(s): merged tffam.xml differs"; diff "$tmp/a.xml" "$tmp/b.xml" | head; fail=1
  fi
  if [ "$(html_view "$tmp/out$shards/tffam.html")" = "$(html_view "$tmp/single/tffam.html")" ]; then
    echo "ok   $shards shard(s): merged tffam.html has one run's data and static table"
  else
    echo "FAIL $shards shard(s): merged tffam.html differs"; fail=1
  fi
done
# tffam not where the configuration says: one line naming it, no Python traceback.
if snakemake -q -s "$src/workflow/Snakefile" --cores 1 --directory "$tmp" \
     --config motifs=m300.meme tffam=/nonexistent/tffam > "$tmp/lognone" 2>&1; then
  echo "FAIL a missing tffam was not an error"; fail=1
elif grep -q "tffam workflow: error: cannot run tffam: '/nonexistent/tffam' is not an executable file" "$tmp/lognone" \
     && ! grep -q Traceback "$tmp/lognone"; then
  echo "ok   a missing tffam: one clear error"
else
  echo "FAIL a missing tffam:"; cat "$tmp/lognone"; fail=1
fi
exit $fail
