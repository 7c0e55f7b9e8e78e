"""tffam_merge.py: merge the reports of sharded tffam runs into the reports of one run.

Used by workflow/Snakefile's merge rule; also a command:

    python3 tffam_merge.py OUTDIR TSV_CMDLINE CMDLINE SHARD_DIR...

Each shard directory holds a tffam run's tffam.tsv, tffam.xml and tffam.html over
a contiguous range of the motifs (-mi), all made with the same model, reference
and options. The merge writes OUTDIR/tffam.tsv, tffam.xml and tffam.html as one
run over all the motifs would:

  tffam.tsv   the rows in shard order; the footer of shard 1 with its command
              line replaced by TSV_CMDLINE ("tffam -text ...", as a single run's
              table has it; the shards' footers must agree but for it)
  tffam.xml   shard 1's document with every shard's <query> elements (indices
              renumbered 1, 2, ...), the <query_file motifs=> count, the
              <summary> counts summed per family (in the <families> order, NA
              last) and the command line replaced
  tffam.html  shard 1's page with the report data merged (queries renumbered,
              the reference motifs listed as neighbours joined and re-indexed,
              the command line replaced) and the static table's rows joined

Only what tffam itself writes is read: a shard file in another layout is an
error naming it.
"""
import json
import os
import re
import sys


class MergeError(Exception):
    pass


def _read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        raise MergeError("%s: %s" % (path, e.strerror))


def _write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def _is_cmd(line):
    return line.startswith("# tffam ") and not line.startswith("# tffam (")


def merge_tsv(paths, cmdline):
    header, rows, footers = None, [], []
    for path in paths:
        lines = _read(path).split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if not lines or not lines[0].startswith("Query_ID\t"):
            raise MergeError("%s: not a tffam table" % path)
        if header is None:
            header = lines[0]
        elif lines[0] != header:
            raise MergeError("%s: its columns differ from the first shard's" % path)
        body = lines[1:]
        cut = body.index("") if "" in body else len(body)   # rows, an empty line, the '#' footer
        rows.extend(body[:cut])
        footers.append([l for l in body[cut:] if l.startswith("#")])
    for k, footer in enumerate(footers[1:], 2):
        if [l for l in footer if not _is_cmd(l)] != [l for l in footers[0] if not _is_cmd(l)]:
            raise MergeError("shard %d used another model, reference or options than shard 1" % k)
    footer = ["# " + cmdline if _is_cmd(l) else l for l in footers[0]]
    return "\n".join([header] + rows + [""] + footer) + "\n"


def _xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def merge_xml(paths, cmdline):
    docs = [_read(p) for p in paths]
    queries, counts, total = [], {}, 0
    count_attrs = None
    for path, doc in zip(paths, docs):
        m = re.search(r"\n  <queries>\n(.*?)  </queries>\n", doc, re.S)
        if not m and "<queries/>" not in doc:
            raise MergeError("%s: not a tffam.xml (no <queries>)" % path)
        for q in re.findall(r"    <query .*?\n    </query>\n", m.group(1) if m else "", re.S):
            total += 1
            queries.append(re.sub(r'^    <query index="[0-9]+"', '    <query index="%d"' % total, q))
        for c in re.findall(r"    <count family=\"([^\"]*)\"((?: [a-z]+=\"[0-9]+\")*)/>", doc):
            attrs = re.findall(r' ([a-z]+)="([0-9]+)"', c[1])
            count_attrs = count_attrs or [a for a, _ in attrs]
            d = counts.setdefault(c[0], {})
            for a, v in attrs:
                d[a] = d.get(a, 0) + int(v)
    out = docs[0]
    order = re.findall(r'<family index="[0-9]+" name="([^"]*)"', out)
    rank = {name: i for i, name in enumerate(order)}
    summary = "".join('    <count family="%s"%s/>\n' % (f, "".join(' %s="%d"' % (a, counts[f].get(a, 0)) for a in count_attrs or []))
                      for f in sorted(counts, key=lambda f: rank.get(f, len(order))))
    out = re.sub(r"(\n  <queries>\n).*?(  </queries>\n)", lambda m: m.group(1) + "".join(queries) + m.group(2), out, count=1, flags=re.S)
    out = re.sub(r"(\n  <summary>\n).*?(  </summary>\n)", lambda m: m.group(1) + summary + m.group(2), out, count=1, flags=re.S)
    out = re.sub(r'(<query_file [^>]*motifs=")[0-9]+(")', lambda m: m.group(1) + str(total) + m.group(2), out, count=1)
    out = re.sub(r"<command_line>.*?</command_line>", lambda m: "<command_line>" + _xml_escape(cmdline) + "</command_line>", out, count=1)
    return out


_DATA = re.compile(r'(<script id="tffam_data" type="application/json">\n)(.*?)(\n</script>)', re.S)
_ROWS = re.compile(r'(<table id="static-table"[^>]*>.*?<tbody>\n)(.*?)(</tbody>)', re.S)


def merge_html(paths, cmdline):
    pages = [_read(p) for p in paths]
    data, rows = None, []
    refs, refpos = [], {}
    for path, page in zip(paths, pages):
        m = _DATA.search(page)
        if not m:
            raise MergeError("%s: not a tffam.html (no report data)" % path)
        d = json.loads(m.group(2))
        if data is None:
            data = dict(d)
            data["queries"] = []
        elif d["families"] != data["families"]:
            raise MergeError("%s: its families differ from the first shard's" % path)
        local = []
        for r in d["refs"]:          # the shard's reference motifs, re-indexed in the merge
            if r["id"] not in refpos:
                refpos[r["id"]] = len(refs)
                refs.append(r)
            local.append(refpos[r["id"]])
        for q in d["queries"]:
            q = dict(q)
            q["index"] = len(data["queries"]) + 1
            q["neighbours"] = [dict(nb, ref=local[nb["ref"]]) for nb in q["neighbours"]]
            data["queries"].append(q)
        s = _ROWS.search(page)
        if s:
            rows.extend(l for l in s.group(2).split("\n") if l)
    # reference order, as tffam lists them (the references' order in the reference set is
    # not in the data: keep first appearance, and re-index)
    data["refs"] = refs
    data["cmd"] = cmdline
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    out = _DATA.sub(lambda m: m.group(1) + text + m.group(3), pages[0], count=1)
    if rows:
        renumbered = [re.sub(r'^<tr class="srow"><td class="num">[0-9]+</td>', '<tr class="srow"><td class="num">%d</td>' % (i + 1), r)
                      for i, r in enumerate(rows)]
        out = _ROWS.sub(lambda m: m.group(1) + "\n".join(renumbered) + "\n" + m.group(3), out, count=1)
    return out


def merge(outdir, tsv_cmdline, cmdline, shard_dirs):
    os.makedirs(outdir, exist_ok=True)
    for name, fn, cmd in (("tffam.tsv", merge_tsv, tsv_cmdline), ("tffam.xml", merge_xml, cmdline), ("tffam.html", merge_html, cmdline)):
        paths = [os.path.join(d, name) for d in shard_dirs]
        _write(os.path.join(outdir, name), fn(paths, cmd))


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit("usage: tffam_merge.py OUTDIR TSV_CMDLINE CMDLINE SHARD_DIR...")
    try:
        merge(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:])
    except MergeError as e:
        sys.exit("tffam_merge: error: %s" % e)
