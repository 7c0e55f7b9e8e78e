#!/usr/bin/env python3
"""check_wrapper.py: check a Galaxy tool wrapper without a Galaxy server.

  check_wrapper.py expand TOOL.xml OUT.xml
      Expand the wrapper's macros as Galaxy does (<import>ed macro files, <xml> macros
      with their tokens and <yield/>, <token>s in text and attributes) and write the
      expanded tool, without its <macros>, to OUT.xml (to validate against galaxy.xsd).

  check_wrapper.py test TOOL.xml
      Run every <test>: fill the <command> Cheetah template with the test's parameters
      (defaults for the others), run it with bash in a fresh job directory (inputs staged
      as dataset_N.dat, the way Galaxy names them), then check the exit code, the number
      of outputs left by the output <filter>s, each output (file comparison with
      lines_diff, assert_contents) and assert_stdout/assert_stderr/assert_command.
      Prints one line per test and ends with "N passed, N failed"; exits 1 on a failure.

Environment: PATH must find the tool's programs; GALAXY_SLOTS is passed through (default 1);
CHECK_WRAPPER_KEEP=1 keeps the job directories. Needs Python 3 and Cheetah 3 (Debian:
python3-cheetah) for 'test'.
"""

import copy
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

# 1. Macro expansion ---------------------------------------------------------------


def _load_macros(tool_root, tool_dir):
    """Collect tokens and xml macros from the tool's <macros> and the files it imports."""
    tokens, xmls = {}, {}

    def collect(macros_el):
        for child in macros_el:
            if child.tag == "import":
                path = os.path.join(tool_dir, child.text.strip())
                imported = ET.parse(path).getroot()
                collect(imported)
            elif child.tag == "token":
                tokens[child.get("name")] = child.text or ""
            elif child.tag == "xml":
                xmls[child.get("name")] = child

    for macros_el in tool_root.findall("macros"):
        collect(macros_el)
    return tokens, xmls


def _subst_tokens(el, tokens):
    """Replace @TOKEN@ in every attribute value and text of el and its descendants."""
    def sub(s):
        if s is None:
            return s
        for name, value in tokens.items():
            s = s.replace(name, value)
        return s
    for node in el.iter():
        node.text, node.tail = sub(node.text), sub(node.tail)
        for k, v in node.attrib.items():
            node.attrib[k] = sub(v)


def _expand_children(parent, xmls, depth=0):
    """Replace each <expand macro="..."/> below parent by the macro's children."""
    if depth > 50:
        raise ValueError("macro expansion nested too deeply (a macro expands itself?)")
    i = 0
    while i < len(parent):
        child = parent[i]
        if child.tag != "expand":
            _expand_children(child, xmls, depth)
            i += 1
            continue
        name = child.get("macro")
        if name not in xmls:
            raise ValueError("unknown macro %r" % name)
        macro = copy.deepcopy(xmls[name])
        # Tokens of the macro: tokens="a,b" -> @A@, @B@ from the expand's attributes.
        mtokens = {}
        for tok in (macro.get("tokens") or "").split(","):
            tok = tok.strip()
            if tok:
                value = child.get(tok, macro.get("token_" + tok))
                if value is None:
                    raise ValueError("macro %r needs the attribute %r" % (name, tok))
                mtokens["@%s@" % tok.upper()] = value
        body = list(macro)
        holder = ET.Element("holder")
        holder.extend(body)
        _subst_tokens(holder, mtokens)
        # <yield/> takes the expand element's children.
        for y_parent in list(holder.iter()):
            for j, y in enumerate(list(y_parent)):
                if y.tag == "yield":
                    y_parent.remove(y)
                    for k, ychild in enumerate(copy.deepcopy(list(child))):
                        y_parent.insert(j + k, ychild)
        _expand_children(holder, xmls, depth + 1)
        tail = child.tail
        parent.remove(child)
        for k, new in enumerate(list(holder)):
            parent.insert(i + k, new)
        n = len(holder)
        if n:
            last = parent[i + n - 1]
            last.tail = (last.tail or "") if last.tail else tail
        i += n


def expand_tool(tool_path):
    """The wrapper as Galaxy sees it once macros are expanded (an Element)."""
    tool_dir = os.path.dirname(os.path.abspath(tool_path))
    root = ET.parse(tool_path).getroot()
    tokens, xmls = _load_macros(root, tool_dir)
    for m in root.findall("macros"):
        root.remove(m)
    _expand_children(root, xmls)
    # Tokens may refer to tokens: substitute until nothing changes.
    for _ in range(10):
        before = ET.tostring(root)
        _subst_tokens(root, tokens)
        if ET.tostring(root) == before:
            break
    left = re.findall(rb"@[A-Z_]+@", ET.tostring(root))
    if left:
        raise ValueError("undefined tokens: %s" % ", ".join(sorted(set(t.decode() for t in left))))
    return root


# 2. Parameter values ----------------------------------------------------------------


class DataValue:
    """A dataset: the path in the command, true when given."""
    def __init__(self, path, ext=None):
        self.path, self.ext = path, ext

    def __str__(self):
        return self.path if self.path is not None else "None"

    def __bool__(self):
        return self.path is not None

    def is_of_type(self, *exts):
        return self.ext in exts


class BoolValue:
    """A boolean param: its truevalue/falsevalue in the command, its state in tests."""
    def __init__(self, state, truevalue, falsevalue):
        self.state, self.truevalue, self.falsevalue = state, truevalue, falsevalue

    def __str__(self):
        return self.truevalue if self.state else self.falsevalue

    def __bool__(self):
        return self.state

    def __eq__(self, other):
        return str(self) == other if isinstance(other, str) else self.state == other


class SelectValue(str):
    """A multiple select: comma-joined in the command, a list for 'in' tests."""
    def __new__(cls, values):
        obj = str.__new__(cls, ",".join(values))
        obj.values = list(values)
        return obj

    def __contains__(self, item):
        return item in self.values

    def __iter__(self):
        return iter(self.values)


def param_name(p):
    name = p.get("name")
    if name is None:
        name = p.get("argument", "").lstrip("-").replace("-", "_")
    return name


def _truthy(s):
    return str(s).lower() in ("true", "yes", "1")


class TestParams:
    """The values a <test> gives, by path: nested elements, 'a|b' names, or bare names."""
    def __init__(self, test_el):
        self.by_path = {}
        self.bare = {}

        def walk(el, prefix):
            for c in el:
                if c.tag == "param":
                    path = prefix + c.get("name").split("|")
                    self.by_path[tuple(path)] = c
                    self.bare.setdefault(path[-1], []).append(c)
                elif c.tag in ("section", "conditional", "repeat"):
                    walk(c, prefix + [c.get("name")])
        walk(test_el, [])
        self.used = set()

    def get(self, path):
        el = self.by_path.get(tuple(path))
        if el is None and len(self.bare.get(path[-1], [])) == 1:
            el = self.bare[path[-1]][0]
        if el is not None:
            self.used.add(id(el))
        return el


def build_values(inputs_el, tparams, stage, prefix=()):
    """Cheetah namespace (dicts for sections/conditionals) and the plain-Python one for filters."""
    ns, py = {}, {}
    for el in inputs_el:
        if el.tag == "param":
            name = param_name(el)
            t = tparams.get(list(prefix) + [name])
            ns[name], py[name] = param_value(el, t, stage)
        elif el.tag == "section":
            name = el.get("name")
            ns[name], py[name] = build_values(el, tparams, stage, prefix + (name,))
        elif el.tag == "conditional":
            name = el.get("name")
            test_param = el.find("param")
            tname = param_name(test_param)
            t = tparams.get(list(prefix) + [name, tname])
            tv, tpy = param_value(test_param, t, stage)
            case = str(tv)
            when = None
            for w in el.findall("when"):
                if w.get("value") == case:
                    when = w
            if when is None:
                raise ValueError("conditional %s: no <when value=%r>" % (name, case))
            sub_ns, sub_py = build_values(when, tparams, stage, prefix + (name,))
            sub_ns[tname], sub_py[tname] = tv, tpy
            ns[name], py[name] = sub_ns, sub_py
        elif el.tag == "repeat":
            raise ValueError("repeats are not supported by check_wrapper.py")
    return ns, py


def param_value(p, t, stage):
    ptype = p.get("type")
    given = t.get("value") if t is not None else None
    if ptype == "data":
        if given is None:
            if not _truthy(p.get("optional", "false")):
                raise ValueError("data param %s has no test value" % param_name(p))
            return DataValue(None), None
        v = DataValue(stage(given), t.get("ftype"))
        return v, str(v)
    if ptype == "boolean":
        state = _truthy(given) if given is not None else _truthy(p.get("checked", "false"))
        v = BoolValue(state, p.get("truevalue", "true"), p.get("falsevalue", "false"))
        return v, state
    if ptype == "select":
        options = [o.get("value") for o in p.findall("option")]
        if given is not None:
            chosen = [s for s in given.split(",")] if _truthy(p.get("multiple", "false")) else [given]
            for c in chosen:
                if c not in options:
                    raise ValueError("select %s has no option %r" % (param_name(p), c))
        else:
            chosen = [o.get("value") for o in p.findall("option") if _truthy(o.get("selected", "false"))]
            if not chosen and options and not _truthy(p.get("multiple", "false")):
                chosen = [options[0]]
        if _truthy(p.get("multiple", "false")):
            return SelectValue(chosen), list(chosen)
        return chosen[0], chosen[0]
    if ptype in ("integer", "float", "text", "hidden", "color"):
        v = given if given is not None else p.get("value", "")
        if ptype in ("integer", "float") and v != "":
            num = (int if ptype == "integer" else float)(v)
            lo, hi = p.get("min"), p.get("max")
            if (lo is not None and num < float(lo)) or (hi is not None and num > float(hi)):
                raise ValueError("%s = %s is outside [%s, %s]" % (param_name(p), v, lo, hi))
        return v, v
    raise ValueError("param type %r is not supported by check_wrapper.py" % ptype)


# 3. Assertions ----------------------------------------------------------------------


def _lines(text):
    return text.splitlines()


def check_assertions(assert_el, text, what):
    """Galaxy's text/XML assertions; returns a list of failure messages."""
    errs = []
    for a in assert_el:
        tag, g = a.tag, a.get
        n = g("n")
        if tag == "has_text":
            count = text.count(g("text"))
            if (n is None and count == 0) or (n is not None and count != int(n)):
                errs.append("%s: has_text %r (found %d times)" % (what, g("text"), count))
        elif tag == "not_has_text":
            if g("text") in text:
                errs.append("%s: not_has_text %r" % (what, g("text")))
        elif tag == "has_text_matching":
            if not re.search(g("expression"), text):
                errs.append("%s: has_text_matching %r" % (what, g("expression")))
        elif tag == "has_line":
            count = _lines(text).count(g("line"))
            if (n is None and count == 0) or (n is not None and count != int(n)):
                errs.append("%s: has_line %r (found %d times)" % (what, g("line"), count))
        elif tag == "has_line_matching":
            rx = re.compile(g("expression"))
            count = sum(1 for line in _lines(text) if rx.fullmatch(line))
            if (n is None and count == 0) or (n is not None and count != int(n)):
                errs.append("%s: has_line_matching %r (found %d)" % (what, g("expression"), count))
        elif tag == "has_n_lines":
            if len(_lines(text)) != int(n):
                errs.append("%s: has_n_lines %s (has %d)" % (what, n, len(_lines(text))))
        elif tag == "has_n_columns":
            sep = g("sep", "\t")
            comment = g("comment_chars", "")
            rows = [l for l in _lines(text) if l and not (comment and l[0] in comment)]
            bad = [l for l in rows if len(l.split(sep)) != int(n)]
            if not rows or bad:
                errs.append("%s: has_n_columns %s (%d lines differ)" % (what, n, len(bad)))
        elif tag in ("is_valid_xml", "has_element_with_path", "has_n_elements_with_path"):
            try:
                root = ET.fromstring(text)
            except ET.ParseError as e:
                errs.append("%s: not valid XML (%s)" % (what, e))
                continue
            if tag != "is_valid_xml":
                found = len(root.findall(g("path")))
                if tag == "has_element_with_path" and found == 0:
                    errs.append("%s: no element at %r" % (what, g("path")))
                if tag == "has_n_elements_with_path" and found != int(n):
                    errs.append("%s: %d elements at %r, not %s" % (what, found, g("path"), n))
        else:
            errs.append("%s: assertion <%s> is not supported by check_wrapper.py" % (what, tag))
    return errs


def compare_files(expected, actual, out_el, what):
    mode = out_el.get("compare", "diff")
    with open(expected, encoding="utf-8", errors="replace") as f:
        exp = f.read()
    if mode == "diff":
        diff = [l for l in difflib.unified_diff(_lines(exp), _lines(actual), lineterm="", n=0)
                if (l.startswith("+") or l.startswith("-")) and not l.startswith(("+++", "---"))]
        allowed = int(out_el.get("lines_diff", "0"))
        if len(diff) > allowed:
            return ["%s: differs from %s in %d lines (lines_diff %d):\n    %s" %
                    (what, os.path.basename(expected), len(diff), allowed, "\n    ".join(diff[:12]))]
    elif mode == "contains":
        if exp not in actual:
            return ["%s: does not contain %s" % (what, os.path.basename(expected))]
    elif mode == "re_match":
        el = _lines(exp)
        al = _lines(actual)
        if len(el) != len(al) or any(not re.fullmatch(e, a) for e, a in zip(el, al)):
            return ["%s: lines do not match the expressions in %s" % (what, os.path.basename(expected))]
    else:
        return ["%s: compare=%r is not supported by check_wrapper.py" % (what, mode)]
    return []


# 4. Running the tests ---------------------------------------------------------------


def run_tests(tool_path):
    try:
        from Cheetah.Template import Template
    except ImportError:
        print("check_wrapper.py: Cheetah 3 is needed to fill the command (Debian: apt-get install python3-cheetah)")
        return 2
    tool_dir = os.path.dirname(os.path.abspath(tool_path))
    test_data = os.path.join(tool_dir, "test-data")
    tool = expand_tool(tool_path)
    command = tool.find("command").text
    inputs = tool.find("inputs")
    outputs = tool.find("outputs").findall("data")
    keep = os.environ.get("CHECK_WRAPPER_KEEP") == "1"
    env = dict(os.environ)
    env.setdefault("GALAXY_SLOTS", "1")
    passed = failed = 0

    vc = tool.find("version_command")
    if vc is not None:
        r = subprocess.run(["bash", "-c", vc.text], capture_output=True, text=True, env=env)
        if r.returncode != 0 or not r.stdout.strip():
            print("FAIL version_command %r: exit %d" % (vc.text, r.returncode))
            failed += 1
        else:
            print("ok   version_command: %s" % r.stdout.strip())
            passed += 1

    for num, test in enumerate(tool.find("tests").findall("test"), 1):
        job = tempfile.mkdtemp(prefix="galaxy_job_")
        work = os.path.join(job, "working")
        os.makedirs(work)
        counter = [0]

        def stage(name):
            counter[0] += 1
            dst = os.path.join(job, "dataset_%d.dat" % counter[0])
            shutil.copy(os.path.join(test_data, name), dst)
            return dst

        errs = []
        try:
            tparams = TestParams(test)
            ns, py = build_values(inputs, tparams, stage)
            unused = [el.get("name") for el in test.iter("param") if id(el) not in tparams.used]
            if unused:
                raise ValueError("test params that match no input: %s" % ", ".join(unused))
            for o in outputs:
                ns[o.get("name")] = os.path.join(work, o.get("from_work_dir") or o.get("name"))
            ns["__tool_directory__"] = tool_dir
            cmd = str(Template(command, searchList=[ns]))
            # Galaxy joins the lines of the command into one.
            cmd = " ".join(line.strip() for line in cmd.splitlines() if line.strip())
            r = subprocess.run(["bash", "-c", "set -e; " + cmd], cwd=work, capture_output=True,
                               text=True, env=env)
        except Exception as e:  # a broken test or template: report, go on
            print("FAIL test %d: %s" % (num, e))
            failed += 1
            continue

        expect_failure = _truthy(test.get("expect_failure", "false"))
        code = test.get("expect_exit_code")
        if code is not None and r.returncode != int(code):
            errs.append("exit code %d, expected %s" % (r.returncode, code))
        if code is None and not expect_failure and r.returncode != 0:
            errs.append("exit code %d: %s" % (r.returncode, r.stderr.strip()[-500:]))
        if code is None and expect_failure and r.returncode == 0:
            errs.append("the job succeeded, expected a failure")
        for tag, text in (("assert_stdout", r.stdout), ("assert_stderr", r.stderr), ("assert_command", cmd)):
            for a in test.findall(tag):
                errs += check_assertions(a, text, tag)

        if not expect_failure:
            kept = []
            for o in outputs:
                f = o.find("filter")
                if f is None or eval(f.text.strip(), {"__builtins__": {}}, dict(py)):
                    kept.append(o.get("name"))
            n_out = test.get("expect_num_outputs")
            if n_out is not None and len(kept) != int(n_out):
                errs.append("%d outputs (%s), expected %s" % (len(kept), ", ".join(kept), n_out))
            for out_el in test.findall("output"):
                name = out_el.get("name")
                if name not in kept:
                    errs.append("output %s was filtered out" % name)
                    continue
                src = next(o for o in outputs if o.get("name") == name)
                path = os.path.join(work, src.get("from_work_dir") or name)
                if not os.path.exists(path):
                    errs.append("output %s: %s was not written" % (name, src.get("from_work_dir")))
                    continue
                with open(path, encoding="utf-8", errors="replace") as fh:
                    text = fh.read()
                ftype = out_el.get("ftype")
                if ftype and ftype != src.get("format"):
                    errs.append("output %s: format %s, the test expects %s" % (name, src.get("format"), ftype))
                if out_el.get("file") or out_el.get("value"):
                    errs += compare_files(os.path.join(test_data, out_el.get("file") or out_el.get("value")),
                                          text, out_el, "output " + name)
                for a in out_el.findall("assert_contents"):
                    errs += check_assertions(a, text, "output " + name)
        label = "test %d (%s)" % (num, cmd if len(cmd) < 160 else cmd[:157] + "...")
        if errs:
            failed += 1
            print("FAIL " + label)
            for e in errs:
                print("     " + e)
            print("     job directory: " + job)
        else:
            passed += 1
            print("ok   " + label)
            if not keep:
                shutil.rmtree(job)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def main(argv):
    if len(argv) == 4 and argv[1] == "expand":
        root = expand_tool(argv[2])
        ET.ElementTree(root).write(argv[3], encoding="utf-8", xml_declaration=True)
        return 0
    if len(argv) == 3 and argv[1] == "test":
        return run_tests(argv[2])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
