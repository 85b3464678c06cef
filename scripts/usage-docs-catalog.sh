#!/usr/bin/env bash
# Regenerates the example output in docs/usage/classify.md and docs/usage/catalog.md: every line starting with
# "$ overblik ..." inside a code block is run (debug build) and the lines after it, up to the next "$ " line or
# the end of the block, are replaced by the real output. Prose and commands stay as written.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
swift build --product overblik >/dev/null
bin="$(swift build --show-bin-path)/overblik"
work=$(mktemp -d /tmp/overblik-docs.XXXXXX)
trap 'rm -rf "$work"' EXIT
printf 'title\tpublisher\tversion\nLibreOffice 7.5 Help Pack (Danish)\tThe Document Foundation\t7.5.9.2\nOpenOffice\tApache Software Foundation\t4.116.9816\nMicrosoft 365 Apps for enterprise - da-dk\tMicrosoft Corporation\t16.0.17928.20156\nOS2faktor Klient\tDigital Identity\t2.3.1\nNotepad++ (64-bit x64)\tNotepad++ Team\t8.6.9\n' > "$work/titles.tsv"
printf 'LibreOffice/25.8.4.2$Linux_X86_64 LibreOffice_project/580$Build-2\nLibreOfficeDev/6.0.5.2$Linux_X86_64 LibreOffice_project/\nMicrosoftOffice/16.0 MicrosoftExcel/CalculationVersion-24026\n' > "$work/generators.txt"
printf 'version: "t"\nproducts:\n  - id: greedy\n    name: Greedy\n    kind: other\n    inventory:\n      - id: office\n        title: '"'"'Office'"'"'\n' > "$work/greedy.yaml"
python3 - "$bin" "$work" docs/usage/classify.md docs/usage/catalog.md <<'PY'
import shlex, subprocess, sys
binary, work, *docs = sys.argv[1:]
for doc in docs:
    out, in_block, skipping = [], False, False
    for line in open(doc, encoding="utf-8").read().split("\n"):
        if line.startswith("```"):
            in_block, skipping = not in_block, False
            out.append(line)
            continue
        if in_block and line.startswith("$ "):
            skipping = False
            out.append(line)
            command = line[2:]
            if command.startswith("overblik "):
                args = shlex.split(command)[1:]
                args = [a.replace("titles.tsv", f"{work}/titles.tsv") if a == "titles.tsv" else a for a in args]
                args = [f"{work}/generators.txt" if a == "generators.txt" else a for a in args]
                args = [f"{work}/greedy.yaml" if a == "greedy.yaml" else a for a in args]
                result = subprocess.run([binary] + args, capture_output=True, text=True)
                text = (result.stdout + result.stderr).replace(work + "/", "").rstrip("\n").split("\n")
                if "greedy.yaml" in command:
                    text = text[:8] + ["..."]
                out.extend(text)
                skipping = True
            elif command.startswith("cat "):
                name = command[4:]
                path = f"{work}/{name}" if "/" not in name else name
                out.extend(open(path, encoding="utf-8").read().rstrip("\n").split("\n"))
                skipping = True
            continue
        if skipping and in_block:
            continue
        out.append(line)
    open(doc, "w", encoding="utf-8").write("\n".join(out))
PY
