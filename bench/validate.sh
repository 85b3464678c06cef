#!/usr/bin/env bash
# bench/validate.sh [N]: documents/second and peak memory of `overblik validate` (release build) against Jing
# validating the same parts of the same N documents (default 1000; copies of fixtures/validation and
# fixtures/documents/{generated,corpus}, ODF only) with the same schemas:
#   overblik validate TREE --level strict --format jsonl --output /dev/null --jobs $(nproc)
#   Jing in ONE JVM (bench/JingBatch.java, Jing's ValidationDriver, no ID/IDREF checks as `jing -i`): each schema
#   loaded once; content/styles/meta/settings against the main schema of the document's version, manifest.xml
#   against the manifest schema
# The parts are extracted for Jing beforehand (untimed), so Jing is timed on validation alone.
# Overblik runs once per RELAX NG engine (ENGINES, default "native libxml2"; OVERBLIK_RELAXNG_ENGINE).
# Warm cache (one untimed pass first); RUNS timed runs each (default 3); medians. Needs: jing, time, python3.
# DISTINCT=DIR...: instead of copies, every distinct document (by content) of the fixtures and of the ODF
# documents under the given folders (e.g. DISTINCT=/work/shared/corpus/odf), each once (N is then at most their
# number): no figure can come from validating the same bytes twice.
set -euo pipefail
N=${1:-1000}
RUNS=${RUNS:-3}
DISTINCT=${DISTINCT:-}
cd "$(dirname "$0")/.."
repo=$(pwd)
work=${BENCH_DIR:-/tmp/overblik-bench}
suffix=$N
[ -n "$DISTINCT" ] && suffix="$N-distinct-$(echo "$DISTINCT" | md5sum | cut -c1-8)"
tree="$work/validate-tree-$suffix"
parts="$work/validate-parts-$suffix"
mkdir -p "$work"
for tool in jing java javac /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install jing time python3)"; exit 1; }
done
overblik=$(bench/build-release.sh)

if [ ! -f "$tree/.complete" ]; then
  rm -rf "$tree" "$parts"
  python3 - "$tree" "$N" "$repo/fixtures" $DISTINCT <<'PY'
import hashlib, os, shutil, sys
target, count, source, extra = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
odf = (".odt", ".ott", ".ods", ".ots", ".odp", ".otp", ".odg", ".odc", ".odb", ".fodt", ".fods", ".fodp")
files = sorted(os.path.join(source, d, n) for d in ("validation", "documents/generated", "documents/corpus")
               for n in os.listdir(os.path.join(source, d)) if n.endswith(odf))
if extra:
    files += sorted(os.path.join(root, n) for folder in extra for root, _, names in os.walk(folder)
                    for n in names if n.endswith(odf))
    seen, distinct = set(), []
    for f in files:
        digest = hashlib.sha256(open(f, "rb").read()).digest()
        if digest not in seen:
            seen.add(digest)
            distinct.append(f)
    files, count = distinct, min(count, len(distinct))
for i in range(count):
    folder = os.path.join(target, "d%04d" % (i // 100))
    os.makedirs(folder, exist_ok=True)
    src = files[i % len(files)]
    shutil.copyfile(src, os.path.join(folder, "f%06d_%s" % (i, os.path.basename(src))))
PY
  touch "$tree/.complete"
fi
# The parts Jing sees, one list of files per schema (the oracle's extraction, without its filtering).
# A cache made from another checkout names schemas that may be gone: made again then.
if [ -f "$parts/.complete" ] && ! head -1 "$parts/list-0.txt" | grep -qx "$repo/.*"; then rm -rf "$parts"; fi
if [ ! -f "$parts/.complete" ]; then
  python3 - "$tree" "$parts" "$repo" <<'PY'
import importlib.util, os, sys
tree, out, repo = sys.argv[1:4]
schemas = os.path.join(repo, "Sources/ODFValidation/Resources/schemas")
spec = importlib.util.spec_from_file_location("oracle", os.path.join(repo, "scripts/jing-oracle.py"))
oracle = importlib.util.module_from_spec(spec); spec.loader.exec_module(oracle)
lists = {}
for root, _, names in os.walk(tree):
    for n, name in enumerate(sorted(names)):
        if name.startswith("."):
            continue
        try:
            version, parts = oracle.document_parts(os.path.join(root, name))
        except Exception:
            continue
        if version not in oracle.SCHEMAS:
            continue
        for i, (part, data) in enumerate(parts.items()):
            manifest = part == "META-INF/manifest.xml"
            schema = os.path.join(schemas, oracle.SCHEMAS[version][1 if manifest else 0])
            path = os.path.join(out, os.path.basename(root), "%s-%d.xml" % (name, i))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            open(path, "wb").write(oracle.strip_doctype(data))
            lists.setdefault(schema, []).append(path)
for k, (schema, files) in enumerate(sorted(lists.items())):
    open(os.path.join(out, "list-%d.txt" % k), "w").write(schema + "\n" + "\n".join(files) + "\n")
PY
  touch "$parts/.complete"
fi
# Jing in one JVM over every list (bench/JingBatch.java over Jing's ValidationDriver: each schema loaded once, no
# ID/IDREF checks as with `jing -i`); invalid parts are expected.
mkdir -p "$work/jingbatch"
javac -cp /usr/share/java/jing.jar -d "$work/jingbatch" bench/JingBatch.java
cat > "$work/jing-all.sh" <<SH
#!/usr/bin/env bash
exec java -cp "$work/jingbatch:/usr/share/java/jing.jar" JingBatch "\$1"/list-*.txt
SH
chmod +x "$work/jing-all.sh"

declare -A rate rss cpu
# Peak summed RSS (kB) of process PID and all its descendants (overblik's RELAX NG workers are its children;
# /usr/bin/time alone would show the largest one process), sampled every 0.1 s until PID exits.
tree_rss() {
  local root=$1 peak=0 now
  while kill -0 "$root" 2>/dev/null; do
    now=$(ps -eo pid=,ppid=,rss= | awk -v r="$root" '{p[$1]=$2; m[$1]=$3} END{
      for (id in p) { x=id; while (x != "" && x != r && x in p && x != 1) x=p[x]; if (x == r) s+=m[id] } print s+0 }')
    [ "$now" -gt "$peak" ] && peak=$now
    sleep 0.1
  done
  echo "$peak"
}
measure() {  # measure NAME FILES CMD...: medians of RUNS timed runs
  local name=$1 files=$2; shift 2
  "$@" >/dev/null 2>&1 || true
  local times=() mems=() cpus=()
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -v -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" &
    local peak
    peak=$(tree_rss $!)
    wait $! || true
    times+=("$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$work/time.txt")")
    mems+=("$(awk -v k="$peak" 'BEGIN{printf "%.1f", k/1024}')")
    cpus+=("$(awk -F': ' '/User time|System time/{s+=$2} END{printf "%.2f", s}' "$work/time.txt")")
  done
  local t m c
  t=$(printf '%s\n' "${times[@]}" | sort -g | sed -n "$(( (RUNS + 1) / 2 ))p")
  m=$(printf '%s\n' "${mems[@]}" | sort -g | sed -n "$(( (RUNS + 1) / 2 ))p")
  c=$(printf '%s\n' "${cpus[@]}" | sort -g | sed -n "$(( (RUNS + 1) / 2 ))p")
  rate[$name]=$(awk -v f="$files" -v t="$t" 'BEGIN{printf "%.1f", (t > 0 ? f / t : 0)}')
  rss[$name]=$m
  cpu[$name]=$c
  printf '%-18s %6s docs  %8.2f s  %8s docs/s  %7s MB peak RSS (process tree)  %8.2f CPU s (with reaped children)  (runs: %s)\n' \
    "$name" "$files" "$t" "${rate[$name]}" "$m" "$c" "${times[*]}"
}

N=$(find "$tree" -type f ! -name '.*' | wc -l)  # fewer than asked when DISTINCT runs out of documents
echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "tree: $N documents ($(du -sh "$tree" | cut -f1)); $(cat "$parts"/list-*.txt | grep -c '\.xml$') parts for Jing against $(ls "$parts"/list-*.txt | wc -l) schemas in one JVM; $RUNS runs each, medians"
for engine in ${ENGINES:-native libxml2}; do
  measure "overblik $engine" "$N" env OVERBLIK_RELAXNG_ENGINE="$engine" \
    "$overblik" validate "$tree" --level strict --format jsonl --output /dev/null --jobs "$(nproc)"
done
measure "jing (1 JVM)" "$N" "$work/jing-all.sh" "$parts"
for engine in ${ENGINES:-native libxml2}; do
  # By CPU time too: on a shared machine other processes' load falls unevenly on the two, Jing's JVM using both cores.
  awk -v e="$engine" -v o="${rate[overblik $engine]}" -v j="${rate[jing (1 JVM)]}" \
    -v oc="${cpu[overblik $engine]}" -v jc="${cpu[jing (1 JVM)]}" \
    'BEGIN{printf "ratio: overblik (%s)/jing %.1fx by wall time, %.1fx by CPU time\n", e, o/j, (oc > 0 ? jc/oc : 0)}'
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
