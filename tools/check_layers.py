#!/usr/bin/env python3
"""check_layers.py: every #include "..." in the layer folders points to the
same layer or one below it, and no file-level include cycle exists.
Usage: tools/check_layers.py [REPO]   exit 0 clean, 1 with one line per fault.
"""
import os
import re
import sys

# Layer of each folder (architecture.md "Layers"); OS subfolders inherit.
LAYERS = [("common", 1), ("probes", 2), ("core", 3), ("store", 4),
          ("adapters", 4), ("agent", 5), ("service", 6)]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def main():
    repo = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..")
    layer_of = {}  # header/source basename -> (layer, path)
    files = []
    for folder, layer in LAYERS:
        for root, _, names in os.walk(os.path.join(repo, folder)):
            for n in names:
                if n.endswith((".c", ".h")):
                    p = os.path.join(root, n)
                    files.append((p, layer))
                    if n.endswith(".h"):
                        layer_of[n] = (layer, p)
    faults = []
    graph = {}
    for path, layer in files:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        deps = []
        for inc in INCLUDE.findall(text):
            base = os.path.basename(inc)
            if base not in layer_of:
                continue  # generated (messages.h) or system-like
            dep_layer, dep_path = layer_of[base]
            if dep_layer > layer:
                faults.append("%s (layer %d) includes %s (layer %d)" % (
                    os.path.relpath(path, repo), layer, inc, dep_layer))
            deps.append(dep_path)
        graph[path] = deps
    # A header's .c twin (and its internal header, X_int.h) count as one
    # module for cycles between files.
    def node(p):
        base = os.path.splitext(p)[0]
        return base[:-4] if base.endswith("_int") else base
    g = {}
    for p, deps in graph.items():
        g.setdefault(node(p), set()).update(
            node(d) for d in deps if node(d) != node(p))
    state = {}
    stack = []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in sorted(g.get(n, ())):
            if state.get(m) == 1:
                cyc = stack[stack.index(m):] + [m]
                faults.append("include cycle: " + " -> ".join(
                    os.path.relpath(c, repo) for c in cyc))
            elif m not in state:
                visit(m)
        stack.pop()
        state[n] = 2
    for n in sorted(g):
        if n not in state:
            visit(n)
    for f in faults:
        print(f)
    if not faults:
        print("layers: %d files, no upward include, no cycle" % len(files))
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
