#!/usr/bin/env python3
"""Checks the user documentation against the confwatch binary and sources.

Usage: check_docs.py REPO_ROOT CONFWATCH_BINARY

Every check collects what it finds missing and prints one line per item
("docs/configuration.md: flag -foo (in --help) is not documented"), then the
script exits 1 if anything was printed. The checks:
  * every flag of `confwatch --help` has a row in docs/configuration.md's flag
    tables, and every flag documented there is in --help;
  * every flag of `confwatch register --help` has a row in docs/register.md's
    flag table, and vice versa;
  * the man page (docs/confwatch.1) names every flag of both, and every
    [template] field in its "Template resources" section;
  * every config-file key of docs/configuration.md is in the packaged
    skeleton (packaging/confwatch.toml, which the packaging test checks
    against the binary), and vice versa, for the top level and [exec];
  * every [template] field the resource loader accepts
    (src/resource/resource_loader.cc kTemplateKeys) and every [[register]]
    field (src/register/registration_spec.cc kKnownKeys) is documented in
    docs/configuration.md, and nothing else is;
  * every metric the binary exports (scraped from /metrics of a running
    binary: file backend, exec mode, one broken resource, one [[register]]
    table, so that every series exists) is in docs/operations.md with its
    type, and every metric documented there is exported;
  * every message of docs/troubleshooting.md's tables occurs in src/ (the
    pieces between <placeholders>);
  * relative links between README.md and docs/*.md resolve (files and
    #anchors), and README.md links every docs/*.md;
  * README.md's two commands exist, one of them the command .ci/run runs.
Single-threaded; starts one confwatch process and stops it by pid.
"""
import glob
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT, BINARY = sys.argv[1], sys.argv[2]
problems = []


def problem(text):
    problems.append(text)


def read(rel):
    try:
        with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        problem(f"{rel}: cannot read: {e.strerror}")
        return ""


# ---- markdown -------------------------------------------------------------

def cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def tables(text):
    """Yields (heading, header cells, rows of cells) for each markdown table."""
    heading, lines = "", text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        if (line.startswith("|") and i + 1 < len(lines)
                and re.match(r"^\|[\s:|-]+\|\s*$", lines[i + 1])):
            header, rows = cells(line), []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(cells(lines[i]))
                i += 1
            yield heading, header, rows
            continue
        i += 1


def code_spans(cell):
    return re.findall(r"`([^`]+)`", cell)


def column(text, first_header, heading_has=""):
    """Rows of every table whose first header cell is first_header."""
    out = []
    for heading, header, rows in tables(text):
        if header and header[0] == first_header and heading_has in heading:
            out.extend((dict(zip(header, r + [""] * len(header))) for r in rows))
    return out


def compare(actual, documented, what, where, source):
    for name in sorted(actual - documented):
        problem(f"{where}: {what} {name} ({source}) is not documented")
    for name in sorted(documented - actual):
        problem(f"{where}: documents {what} {name}, which {source} does not have")


# ---- flags ----------------------------------------------------------------

def help_flags(args, dashes):
    out = subprocess.run([BINARY] + args, capture_output=True, text=True, timeout=30).stdout
    return set(re.findall(r"^  " + dashes + r"([a-z][a-z0-9-]*)", out, re.M))


def dashed(names, dashes):
    return {dashes + n for n in names}


def check_flags():
    main = help_flags(["--help"], "-")
    reg = help_flags(["register", "--help"], "--")
    if len(main) < 20 or len(reg) < 10:
        problem(f"could not read the flags of --help ({len(main)}) / register --help ({len(reg)})")
    conf = read("docs/configuration.md")
    documented = set()
    for row in column(conf, "flag"):
        documented.update(s[1:] for s in code_spans(row["flag"]) if re.match(r"^-[a-z]", s))
    compare(dashed(main, "-"), dashed(documented, "-"), "flag", "docs/configuration.md",
            "confwatch --help")
    documented = set()
    for row in column(read("docs/register.md"), "flag"):
        documented.update(s[2:] for s in code_spans(row["flag"]) if s.startswith("--"))
    compare(dashed(reg, "--"), dashed(documented, "--"), "flag", "docs/register.md",
            "confwatch register --help")
    man = read("docs/confwatch.1")
    for flag in sorted(main):
        if "\\-" + flag.replace("-", "\\-") not in man:
            problem(f"docs/confwatch.1: does not mention -{flag} (in confwatch --help)")
    for flag in sorted(reg):
        if not re.search(r"\\-\\-" + re.escape(flag.replace("-", "\\-")) + r"\b", man):
            problem(f"docs/confwatch.1: does not mention --{flag} (in confwatch register --help)")


# ---- configuration keys ---------------------------------------------------

def skeleton_keys():
    top, exec_keys, section = set(), set(), "top"
    for line in read("packaging/confwatch.toml").splitlines():
        if re.match(r"^(# )?\[exec\]", line):
            section = "exec"
        elif re.match(r"^(# )?\[\[register\]\]", line):
            section = "register"
        m = re.match(r"^(?:# )?([a-z_]+) = ", line)
        if m and section == "top":
            top.add(m.group(1))
        elif m and section == "exec":
            exec_keys.add(m.group(1))
    return top, exec_keys


def source_keys(rel, array):
    text = read(rel)
    m = re.search(re.escape(array) + r"\[\]\s*=\s*\{(.*?)\};", text, re.S)
    if not m:
        problem(f"{rel}: cannot find {array}[] (the list of accepted keys)")
        return set()
    body = re.sub(r"//[^\n]*", "", m.group(1))
    return set(re.findall(r'"([^"]+)"', body))


def check_keys():
    conf = read("docs/configuration.md")
    top_doc = set()
    for row in column(conf, "flag"):
        for s in code_spans(row.get("config key", "")):
            if not s.startswith("[exec]"):
                top_doc.add(s)
    for row in column(conf, "key", "config file"):
        top_doc.update(code_spans(row["key"]))
    exec_doc = set()
    for row in column(conf, "key", "[exec]"):
        exec_doc.update(code_spans(row["key"]))
    top, exec_keys = skeleton_keys()
    compare(top, top_doc, "config-file key", "docs/configuration.md",
            "packaging/confwatch.toml")
    compare(exec_keys, exec_doc, "[exec] key", "docs/configuration.md",
            "packaging/confwatch.toml")
    for rel, array, heading in (
            ("src/resource/resource_loader.cc", "kTemplateKeys", "[template]"),
            ("src/register/registration_spec.cc", "kKnownKeys", "[[register]]")):
        documented = set()
        for row in column(conf, "field", heading):
            documented.update(code_spans(row["field"]))
        compare(source_keys(rel, array), documented, heading + " field",
                "docs/configuration.md", rel)
    man = read("docs/confwatch.1")
    section = re.search(r"^\.SS Template resources.*?(?=^\.S[SH] )", man, re.S | re.M)
    for field in sorted(source_keys("src/resource/resource_loader.cc", "kTemplateKeys")):
        if not section or not re.search(r"\b" + field + r"\b", section.group(0)):
            problem(f"docs/confwatch.1: the [template] field {field} "
                    f"(src/resource/resource_loader.cc) is not in \"Template resources\"")


# ---- metrics --------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def scrape_metrics():
    """{name: type} from a running binary set up so that every series exists."""
    with tempfile.TemporaryDirectory(prefix="cw-docs-") as tmp:
        write(f"{tmp}/conf.d/good.toml",
              f'[template]\nsrc = "a.tmpl"\ndest = "{tmp}/out"\nkeys = ["/a"]\n')
        write(f"{tmp}/conf.d/broken.toml", "[template\n")
        write(f"{tmp}/templates/a.tmpl", '{{getv "/a/b"}}\n')
        write(f"{tmp}/data.yaml", "a:\n  b: hello\n")
        # etcd on a port nothing listens on: the registration exists, not up.
        write(f"{tmp}/confwatch.toml",
              f'nodes = ["127.0.0.1:{free_port()}"]\n'
              '[[register]]\nkey = "/services/docs"\n')
        port = free_port()
        proc = subprocess.Popen(
            [BINARY, "-confdir", tmp, "-config-file", f"{tmp}/confwatch.toml",
             "-backend", "file", "-file", f"{tmp}/data.yaml",
             "-metrics-addr", f"127.0.0.1:{port}", "-exec-wait-timeout", "120s",
             "--", "sleep", "120"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        text = ""
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and "last_sync" not in text:
                time.sleep(0.2)
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics",
                                                timeout=10) as r:
                        text = r.read().decode()
                except OSError:
                    pass
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    types = dict(re.findall(r"^# TYPE (\S+) (\S+)", text, re.M))
    if "confwatch_resource_last_sync_timestamp_seconds" not in types:
        problem("could not scrape /metrics from " + BINARY + " within 60 s")
    return types


def check_metrics():
    exported = scrape_metrics()
    documented = {}
    for row in column(read("docs/operations.md"), "metric"):
        for s in code_spans(row["metric"]):
            documented[s.split("{")[0]] = row.get("type", "")
    compare(set(exported), set(documented), "metric", "docs/operations.md",
            "the binary's /metrics")
    for name in sorted(set(exported) & set(documented)):
        if exported[name] != documented[name]:
            problem(f"docs/operations.md: metric {name} is documented as "
                    f"'{documented[name]}', the binary exports a {exported[name]}")


# ---- messages -------------------------------------------------------------

def source_text():
    """The string literals of src/, adjacent literals joined, \" unescaped."""
    literals = []
    for path in sorted(glob.glob(os.path.join(ROOT, "src", "**", "*.*"), recursive=True)):
        if not path.endswith((".cc", ".h")):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        text = re.sub(r"^\s*//[^\n]*", "", text, flags=re.M)
        text = re.sub(r"'(?:\\.|[^'\\\n])'", "''", text)  # '"' is no literal
        text = re.sub(r'"\s*\n\s*"', "", text)  # "a " "b" across lines
        literals += re.findall(r'"((?:[^"\\\n]|\\.)*)"', text)
    return "\n".join(literals).replace('\\"', '"')


def check_messages():
    src = source_text()
    for row in column(read("docs/troubleshooting.md"), "message"):
        for message in code_spans(row["message"]):
            for piece in re.split(r"<[^>]*>|\.\.\.", message):
                piece = piece.strip()
                if len(piece) >= 6 and piece not in src:
                    problem(f"docs/troubleshooting.md: message `{message}`: "
                            f"\"{piece}\" does not occur in src/")


# ---- links ----------------------------------------------------------------

def slug(heading):
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path):
    with open(path, encoding="utf-8") as f:
        text = re.sub(r"```.*?```", "", f.read(), flags=re.S)
    return {slug(m) for m in re.findall(r"^#+\s+(.*)$", text, re.M)}


def check_links():
    files = [os.path.join(ROOT, "README.md")] + sorted(
        glob.glob(os.path.join(ROOT, "docs", "*.md")))
    for path in files:
        rel = os.path.relpath(path, ROOT)
        with open(path, encoding="utf-8") as f:
            text = re.sub(r"```.*?```", "", f.read(), flags=re.S)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"^[a-z]+:", target):
                continue
            file_part, _, anchor = target.partition("#")
            dest = path if not file_part else os.path.normpath(
                os.path.join(os.path.dirname(path), file_part))
            if not os.path.exists(dest):
                problem(f"{rel}: link {target}: {os.path.relpath(dest, ROOT)} does not exist")
            elif anchor and dest.endswith(".md") and anchor not in anchors(dest):
                problem(f"{rel}: link {target}: no heading #{anchor} in "
                        f"{os.path.relpath(dest, ROOT)}")
    readme = read("README.md")
    for path in files[1:]:
        name = os.path.relpath(path, ROOT)
        if f"({name})" not in readme:
            problem(f"README.md: the map of docs/ does not link {name}")


def check_commands():
    """The README's two commands: the demo, and the test command CI runs."""
    ci = re.findall(r"^exec bash (\S+)", read(".ci/run"), re.M)
    readme = read("README.md")
    m = re.search(r"^## The two commands\n.*?```sh\n(.*?)```", readme, re.S | re.M)
    block = m.group(1) if m else ""
    commands = [line.split()[0] for line in block.splitlines() if line.strip()]
    if not ci:
        problem(".ci/run: no `exec bash <command>` line")
    for command in ci:
        if command not in commands:
            problem(f"README.md: the two commands do not include {command}, which .ci/run runs")
    for command in commands:
        if not os.path.exists(os.path.join(ROOT, command)):
            problem(f"README.md: the command {command} does not exist")
    if len(commands) != 2:
        problem(f"README.md: \"The two commands\" shows {len(commands)} commands")


for check in (check_flags, check_keys, check_metrics, check_messages, check_links,
              check_commands):
    check()
for p in problems:
    print(p)
if problems:
    print(f"{len(problems)} problem(s): the docs and the binary disagree")
    sys.exit(1)
print("docs agree with the binary")
