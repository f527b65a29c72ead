#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# chains.py - the chains of one state, one line per node and per segment,
# read either from a page of mems-dump --format html as chromium's
# --dump-dom wrote it, or from mems-dump --format json, so that the two
# can be compared line for line:
#
#     chains.py dom FILE [POLICY]    the first panel, or POLICY's
#     chains.py report FILE          the text of the element #report
#     chains.py json FILE STEP       the dump of STEP
#
# The two readers share nothing but the output format.
import json
import sys
from html.parser import HTMLParser


def line_node(index, vstart, vend):
    return f"node {index} {vstart} {vend}"


def line_seg(index, kind, vstart, vend):
    return f"  seg {index} {kind} {vstart} {vend}"


class Page(HTMLParser):
    """Collects the nodes and segments of one panel, and #report."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input",
            "link", "meta", "source", "track", "wbr"}

    def __init__(self, policy):
        super().__init__(convert_charrefs=True)
        self.policy = policy
        self.depth = 0
        self.panel_depth = None  # inside the panel chosen, from this depth
        self.panels_seen = 0
        self.done = False
        self.node_depth = None
        self.lines = []
        self.report_depth = None
        self.report = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in self.VOID:
            return
        self.depth += 1
        if "panel" in (a.get("class") or "").split():
            self.panels_seen += 1
            if self.panel_depth is None and not self.done and (
                    a.get("data-policy") == self.policy or
                    (self.policy is None and self.panels_seen == 1)):
                self.panel_depth = self.depth
        if a.get("id") == "report":
            self.report_depth = self.depth
        if self.panel_depth is None:
            return
        if "data-node" in a:
            if self.node_depth is not None:
                self.lines.append("error: a node inside a node")
            self.node_depth = self.depth
            self.lines.append(line_node(a["data-node"], a.get("data-vstart"),
                                        a.get("data-vend")))
        elif "data-seg" in a:
            if self.node_depth is None:
                self.lines.append("error: a segment outside any node")
            self.lines.append(line_seg(a["data-seg"], a.get("data-type"),
                                       a.get("data-vstart"),
                                       a.get("data-vend")))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if self.depth == self.node_depth:
            self.node_depth = None
        if self.depth == self.report_depth:
            self.report_depth = None
        if self.depth == self.panel_depth:
            self.panel_depth = None
            self.done = True
        self.depth -= 1

    def handle_data(self, data):
        if self.report_depth is not None:
            self.report.append(data)


def from_json(path, step):
    with open(path) as f:
        dumps = json.load(f)
    if isinstance(dumps, dict):
        dumps = [dumps]
    state = [d for d in dumps if d["step"] == step]
    if len(state) != 1:
        sys.exit(f"chains.py: {len(state)} dumps of step {step} in {path}")
    out = []
    for i, node in enumerate(state[0]["nodes"]):
        out.append(line_node(i, node["vstart"], node["vend"]))
        for j, seg in enumerate(node["segments"]):
            out.append(line_seg(j, seg["type"].upper(), seg["vstart"],
                                seg["vend"]))
    return out


def main(argv):
    what, path = argv[1], argv[2]
    if what == "json":
        print("\n".join(from_json(path, int(argv[3]))))
        return
    page = Page(argv[3] if len(argv) > 3 else None)
    with open(path, encoding="utf-8") as f:
        page.feed(f.read())
    page.close()
    if what == "dom":
        if not page.panels_seen:
            sys.exit(f"chains.py: no panel in {path}")
        print("\n".join(page.lines))
    else:
        sys.stdout.write("".join(page.report))


if __name__ == "__main__":
    main(sys.argv)
