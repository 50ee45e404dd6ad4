#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Parses reStructuredText files with docutils: check_rst.py FILE...

Every problem docutils reports at WARNING level or above (a malformed
table, an unknown reference target, a title underline too short, a list
that ends without a blank line, ...) fails the file, printed as
"FILE:LINE: (LEVEL/N) message".  Two Sphinx constructs the documentation
uses are checked here too, as plain docutils does not know them: each
``.. toctree::`` entry must name an existing .rst file next to the
document, and each ``.. image::`` must name an existing file.

--expect-errors: the files are samples of such problems; each names the
line and words it must be refused with in a first line
".. expect: LINE WORDS", and passes only when that error is reported.

Prints TAP and a "N passed, N failed" line.  Needs docutils (Debian's
python3-docutils, which make deps installs).
"""
import io
import os
import sys

import docutils.core
from docutils.parsers.rst import Directive, directives
from docutils.parsers.rst.directives.images import Image


class TocTree(Directive):
    """Sphinx's toctree: its entries must be documents next to this one."""
    has_content = True
    option_spec = {"maxdepth": directives.nonnegative_int, "caption": directives.unchanged,
                   "hidden": directives.flag, "glob": directives.flag,
                   "numbered": directives.unchanged, "titlesonly": directives.flag}

    def run(self):
        here = os.path.dirname(self.state.document.current_source)
        msgs = []
        for i, entry in enumerate(self.content):
            entry = entry.strip()
            if entry and not os.path.exists(os.path.join(here, entry + ".rst")):
                msgs.append(self.state_machine.reporter.error(
                    'toctree entry "%s": no file %s.rst' % (entry, entry),
                    line=self.content_offset + i + 1))
        return msgs


class CheckedImage(Image):
    """An image whose file exists (relative to the document)."""

    def run(self):
        nodes = super().run()
        here = os.path.dirname(self.state.document.current_source)
        uri = self.arguments[0]
        if "://" not in uri and not os.path.exists(os.path.join(here, uri)):
            nodes.append(self.state_machine.reporter.error(
                'image "%s": no such file' % uri, line=self.lineno))
        return nodes


directives.register_directive("toctree", TocTree)
directives.register_directive("image", CheckedImage)


def problems(path):
    """docutils' reports of WARNING level and above, one string each."""
    stream = io.StringIO()
    with open(path, encoding="utf-8") as f:
        text = f.read()
    docutils.core.publish_doctree(
        text, source_path=path,
        settings_overrides={"report_level": 2, "halt_level": 5, "warning_stream": stream,
                            "file_insertion_enabled": True, "raw_enabled": False})
    found, current = [], []
    for line in stream.getvalue().splitlines():
        # Each report starts "path:line: (LEVEL/n) ..."; the rest continues it.
        if line.startswith(path + ":") and " (" in line and "/" in line.split(" (", 1)[1][:12]:
            if current:
                found.append("\n".join(current))
            current = [line]
        elif current and line.strip():
            current.append(line)
    if current:
        found.append("\n".join(current))
    return found


def expectation(path):
    with open(path, encoding="utf-8") as f:
        first = f.readline().strip()
    if not first.startswith(".. expect: "):
        return None, None
    line, _, words = first[len(".. expect: "):].partition(" ")
    return int(line), words.strip()


def main():
    expect_errors = "--expect-errors" in sys.argv[1:]
    files = [a for a in sys.argv[1:] if not a.startswith("--")]
    passed = failed = 0
    print("TAP version 13")
    for n, path in enumerate(files, 1):
        found = problems(path)
        if expect_errors:
            line, words = expectation(path)
            want = "%s:%s: " % (path, line)
            ok = line is not None and any(p.startswith(want) and words in p for p in found)
            msg = "%s is refused at line %s (%s)" % (path, line, words)
        else:
            ok = not found
            msg = "%s parses with docutils" % path
        print("%s %d - %s" % ("ok" if ok else "not ok", n, msg))
        if not ok:
            for p in found[:10] or ["(no problem reported)"]:
                for line in p.splitlines()[:6]:
                    print("# " + line)
        passed, failed = passed + ok, failed + (not ok)
    print("1..%d" % len(files))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
