#!/usr/bin/python3
"""Run a bioconda recipe's build.sh and test commands the way conda-build would,
without conda (which this project's machines cannot reach).

    simulate-conda-build.py RECIPE_DIR TARBALL WORKDIR [--check-sha256]

What conda-build does, and what this script does in its place:
  1. render meta.yaml: line selectors (# [linux], # [osx], ...) for linux-64,
     then Jinja2 with stand-ins for compiler() and pin_subpackage();
  2. check the source: the tarball's name is the url's last part; its sha256 is
     the recipe's (a mismatch fails with --check-sha256, else is reported: the
     recipe records the release's tarball, and the tree may have moved on);
     every about: license_file is in it;
  3. unpack the tarball into a fresh WORKDIR/work (its top folder stripped:
     SRC_DIR), and run build.sh there under a clean environment with PREFIX a
     long placeholder path (as conda-build's _h_env_placehold...), SRC_DIR,
     RECIPE_DIR, CPU_COUNT, PKG_NAME, PKG_VERSION, PKG_BUILDNUM set;
  4. "package" what build.sh put in PREFIX, and install it into a second,
     shorter prefix with conda's prefix replacement: text files get the new
     prefix, binaries get it inside each C string padded with NULs (this is how
     the data directory compiled into tffam moves with the environment);
  5. delete the build tree, and run test: commands in a fresh test directory
     with `set -ex`, PREFIX the new prefix and PREFIX/bin first on PATH.
Not simulated: conda's own host libraries (libxml2, zlib come from the
system here), and the dependency solve.

Prints what it does, the installed files and each test command; exits
non-zero on the first failure.
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile

import jinja2
import yaml

PLATFORM = {"linux": True, "linux64": True, "unix": True, "x86_64": True,
            "osx": False, "win": False, "aarch64": False, "arm64": False}


def say(msg):
    print("conda-sim: " + msg, flush=True)


def fail(msg):
    print("conda-sim: FAILED: " + msg, file=sys.stderr, flush=True)
    sys.exit(1)


def apply_selectors(text):
    """Keep a line with '# [expr]' only where expr is true on linux-64."""
    out = []
    for line in text.splitlines():
        m = re.search(r"#\s*\[([^\]]+)\]\s*$", line)
        if m:
            if not eval(m.group(1), {"__builtins__": {}}, dict(PLATFORM)):
                continue
            line = line[:m.start()].rstrip()
        out.append(line)
    return "\n".join(out) + "\n"


def render(recipe_dir):
    text = open(os.path.join(recipe_dir, "meta.yaml")).read()
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    tpl = env.from_string(apply_selectors(text))
    rendered = tpl.render(compiler=lambda lang: lang + "_compiler_stub",
                          pin_subpackage=lambda name, max_pin=None, exact=False: name,
                          environ=os.environ)
    return yaml.safe_load(rendered)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def unpack(tarball, dest):
    """Extract with the single top-level folder stripped, as conda-build does."""
    with tarfile.open(tarball) as tf:
        members = tf.getmembers()
        tops = {m.name.split("/", 1)[0] for m in members}
        if len(tops) != 1:
            fail("the tarball has %d top-level entries, expected one folder" % len(tops))
        for m in members:
            parts = m.name.split("/", 1)
            if len(parts) < 2 or not parts[1]:
                continue
            if m.name.startswith("/") or ".." in m.name.split("/"):
                fail("unsafe path in the tarball: " + m.name)
            m.name = parts[1]
            tf.extract(m, dest)


def relocate(src_prefix, dst_prefix):
    """Copy src_prefix to dst_prefix replacing the prefix as conda does; returns
    the files that held it, as {relpath: 'text'|'binary'}."""
    old, new = src_prefix.encode(), dst_prefix.encode()
    if len(new) > len(old):
        fail("the install prefix must not be longer than the build prefix")
    held = {}
    for root, dirs, files in os.walk(src_prefix):
        rel = os.path.relpath(root, src_prefix)
        os.makedirs(os.path.join(dst_prefix, rel), exist_ok=True)
        for name in files:
            s = os.path.join(root, name)
            d = os.path.join(dst_prefix, rel, name)
            if os.path.islink(s):
                os.symlink(os.readlink(s), d)
                continue
            data = open(s, "rb").read()
            if old in data:
                relpath = os.path.normpath(os.path.join(rel, name))
                if b"\0" in data:
                    held[relpath] = "binary"
                    # each C string that holds the prefix: replace, pad with NULs
                    def fix(m):
                        s2 = m.group(0).replace(old, new)
                        return s2 + b"\0" * (len(m.group(0)) - len(s2))
                    data = re.sub(re.escape(old) + b"[^\0]*", fix, data)
                else:
                    held[relpath] = "text"
                    data = data.replace(old, new)
            with open(d, "wb") as f:
                f.write(data)
            shutil.copymode(s, d)
    return held


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    if len(args) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    recipe_dir, tarball, work = (os.path.abspath(a) for a in args)
    strict = "--check-sha256" in argv

    meta = render(recipe_dir)
    name, version = meta["package"]["name"], str(meta["package"]["version"])
    say("rendered %s/meta.yaml for linux-64: %s %s, build %s"
        % (os.path.relpath(recipe_dir), name, version, meta["build"]["number"]))

    url = meta["source"]["url"]
    if os.path.basename(url) != os.path.basename(tarball):
        fail("the recipe's source is %s, not %s" % (os.path.basename(url), os.path.basename(tarball)))
    want, got = meta["source"]["sha256"], sha256(tarball)
    if want == got:
        say("source %s: sha256 %s, as the recipe records" % (os.path.basename(tarball), got))
    elif strict:
        fail("sha256 of %s is %s; the recipe records %s" % (tarball, got, want))
    else:
        say("source %s: sha256 %s; the recipe records %s (the release's tarball: "
            "run `make release` to record this one)" % (os.path.basename(tarball), got, want))

    if os.path.exists(work):
        shutil.rmtree(work)
    src_dir = os.path.join(work, "work")
    # conda-build's host prefix is a long placeholder that the install replaces
    build_prefix = os.path.join(work, "_h_env_" + "placehold_" * 12)[:200]
    test_prefix = os.path.join(work, "_test_env")
    test_dir = os.path.join(work, "test_tmp")
    for d in (src_dir, build_prefix, test_dir):
        os.makedirs(d)
    unpack(tarball, src_dir)
    for lf in meta["about"]["license_file"]:
        if not os.path.isfile(os.path.join(src_dir, lf)):
            fail("about: license_file %s is not in the tarball" % lf)
    say("unpacked into SRC_DIR=%s; license files present: %s" % (src_dir, ", ".join(meta["about"]["license_file"])))

    env = {"PATH": os.path.join(build_prefix, "bin") + ":/usr/bin:/bin",
           "HOME": work, "LANG": "C.UTF-8",
           "PREFIX": build_prefix, "BUILD_PREFIX": build_prefix, "SRC_DIR": src_dir,
           "RECIPE_DIR": recipe_dir, "CPU_COUNT": str(min(os.cpu_count() or 1, 2)),
           "PKG_NAME": name, "PKG_VERSION": version, "PKG_BUILDNUM": str(meta["build"]["number"]),
           "CONDA_BUILD": "1", "target_platform": "linux-64", "CC": "gcc"}
    say("build.sh with PREFIX=%s (%d characters), CPU_COUNT=%s" % (build_prefix, len(build_prefix), env["CPU_COUNT"]))
    log = os.path.join(work, "build.log")
    with open(log, "w") as lf:
        r = subprocess.run(["bash", "-e", os.path.join(recipe_dir, "build.sh")], cwd=src_dir,
                           env=env, stdout=lf, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        sys.stderr.write(open(log).read()[-4000:])
        fail("build.sh exited %d (log: %s)" % (r.returncode, log))

    files = sorted(os.path.relpath(os.path.join(r_, f), build_prefix)
                   for r_, _, fs in os.walk(build_prefix) for f in fs)
    say("package: %d files" % len(files))
    for f in files:
        print("  " + f)
    held = relocate(build_prefix, test_prefix)
    say("installed into %s; prefix replaced in %s"
        % (test_prefix, ", ".join("%s (%s)" % kv for kv in sorted(held.items())) or "no file"))
    shutil.rmtree(src_dir)
    shutil.rmtree(build_prefix)
    say("removed the build tree and the build prefix: the test sees only the installed package")

    for c in meta["test"]["commands"]:
        if not isinstance(c, str):
            fail("a test command is not a string (YAML read it as %r): quote it in meta.yaml" % (c,))
    script = os.path.join(work, "run_test.sh")
    with open(script, "w") as f:
        f.write("set -ex\n")
        for c in meta["test"]["commands"]:
            f.write(c + "\n")
    tenv = {"PATH": os.path.join(test_prefix, "bin") + ":/usr/bin:/bin", "HOME": work,
            "LANG": "C.UTF-8", "PREFIX": test_prefix, "CONDA_PREFIX": test_prefix}
    say("test commands (bash -ex, in %s):" % test_dir)
    for c in meta["test"]["commands"]:
        print("  $ " + c, flush=True)
    r = subprocess.run(["bash", script], cwd=test_dir, env=tenv)
    if r.returncode != 0:
        fail("the test commands exited %d" % r.returncode)
    say("%d test commands passed" % len(meta["test"]["commands"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
