#!/usr/bin/env bash
# bench/link-tree.sh TREE N: a tree of N documents as a large share holds them, 1,000 a folder (dept0/doc0.odt …),
# made of hard links to the shipped fixtures (real files at no disk cost; damaged ones left out). Run from the
# repository root; TREE is created (existing files are not replaced).
set -euo pipefail
tree=${1:?usage: bench/link-tree.sh TREE N}
count=${2:?usage: bench/link-tree.sh TREE N}
mapfile -t sources < <(find fixtures/documents -type f -not -path '*/damaged/*' | sort)
python3 - "$tree" "$count" "${sources[@]}" <<'PY'
import os, sys
tree, count, sources = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
for i in range(count):
    folder = os.path.join(tree, f"dept{i // 1000}")
    if i % 1000 == 0:
        os.makedirs(folder, exist_ok=True)
    source = sources[i % len(sources)]
    os.link(source, os.path.join(folder, f"doc{i}{os.path.splitext(source)[1]}"))
PY
