#!/usr/bin/env bash
# Chain analytics benchmark (DESIGN.md §4): the supply graph snapshot, the disruption cascade,
# the health scan of every chain and the critical enterprises of a large buyer, at
# 1M enterprises / 10M relations, next to igraph (C, bench/igraph_chain.c) and NetworkX
# (bench/networkx_chain.py), with cross-checks of the answers. Prints a markdown report on
# stdout (also saved as bench/out/chain-*/report.md); progress goes to stderr.
#
# Usage: bench/chain.sh path/to/qilian
#   The qilian binary's build directory must hold libqilian_core.a and
#   CMakeFiles/qilian.dir/link.txt (any CMake build: `cmake -DCMAKE_BUILD_TYPE=Release`);
#   bench/chain_driver.c is linked against them. Needs scripts/bootstrap --bench
#   (libigraph-dev, python3-networkx, time, sqlite3).
# Environment:
#   ENTS (1000000) RELS (10000000) SEED (7)  data set; generated under bench/data/ if missing,
#                                            loaded with qilian's importers once (timed)
#   REPEAT (5)       rounds of each computation in the driver and in igraph (median reported)
#   CLI_RUNS (3)     runs of each `qilian chain …` command (each builds its own snapshot)
#   CHECK_BUYERS (5) extra buyers with non-empty critical lists cross-checked against igraph
#   REGION           also a cascade from every enterprise of this region code prefix (default: the
#                    city with the most enterprises; REGION=none skips it)
#   NX (1)           run NetworkX at full size; NX_MEM_GB (14) address-space cap, NX_TIMEOUT (5400 s),
#                    NX_REPEAT (1); when it fails, NX_SMALL_RELS (1000000) with ENTS/10 enterprises
#                    is run with NetworkX, igraph and the driver instead (NX_SMALL=0 skips)
#   PYTHON (/usr/bin/python3: Debian's python3-networkx), BUILD (dir of the qilian binary)
set -euo pipefail
Q=$(realpath "${1:?usage: bench/chain.sh path/to/qilian}")
BUILD=$(realpath "${BUILD:-$(dirname "$Q")}")
ENTS=${ENTS:-1000000}
RELS=${RELS:-10000000}
SEED=${SEED:-7}
REPEAT=${REPEAT:-5}
CLI_RUNS=${CLI_RUNS:-3}
CHECK_BUYERS=${CHECK_BUYERS:-5}
NX=${NX:-1}
NX_MEM_GB=${NX_MEM_GB:-14}
NX_TIMEOUT=${NX_TIMEOUT:-5400}
NX_REPEAT=${NX_REPEAT:-1}
NX_SMALL=${NX_SMALL:-1}
NX_SMALL_RELS=${NX_SMALL_RELS:-1000000}
PYTHON=${PYTHON:-/usr/bin/python3}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/out/chain-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"

say() { echo "chain.sh: $*" >&2; }
for tool in sqlite3 /usr/bin/time cc pkg-config "$PYTHON"; do
  command -v "$tool" >/dev/null || { say "needs $tool (scripts/bootstrap --bench)"; exit 1; }
done
pkg-config --exists igraph || { say "needs libigraph-dev (scripts/bootstrap --bench)"; exit 1; }
[ -f "$BUILD/libqilian_core.a" ] && [ -f "$BUILD/CMakeFiles/qilian.dir/link.txt" ] ||
  { say "$BUILD has no libqilian_core.a / CMakeFiles/qilian.dir/link.txt (set BUILD=)"; exit 1; }

# shellcheck source=bench/timed.sh
. "$HERE/timed.sh"
fresh() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal"; }

# Data: generate and load once per (ENTS, RELS, SEED); the load's timings stay with the data.
prepare() { # prepare ENTS RELS -> sets DATA, DB
  local ents=$1 rels=$2
  DATA=$HERE/data/chain-$ents-$rels-s$SEED
  DB=$DATA/chain.db
  mkdir -p "$DATA"
  if [ ! -f "$DATA/relations.csv" ] || [ ! -f "$DATA/gen.done" ]; then
    say "generating $ents enterprises, $rels relations (seed $SEED) in $DATA"
    rm -f "$DATA/stages.tsv" "$DATA/load.done"
    timed "$DATA" gen "$Q" gen chain --enterprises "$ents" --relations "$rels" --seed "$SEED" --output-dir "$DATA"
    touch "$DATA/gen.done"
  fi
  if [ ! -f "$DATA/load.done" ] || [ ! -f "$DB" ]; then
    say "loading $DATA with qilian import (enterprises, segments, capabilities, relations)"
    fresh "$DB"
    grep -v '^import-' "$DATA/stages.tsv" >"$DATA/stages.tmp" 2>/dev/null || true
    mv "$DATA/stages.tmp" "$DATA/stages.tsv"
    for t in enterprises segments capabilities relations; do
      timed "$DATA" "import-$t" "$Q" --db "$DB" import "$t" "$DATA/$t.csv"
    done
    date -u '+%Y-%m-%d %H:%M UTC' >"$DATA/load.done"
  fi
}

# The enterprise with the most outgoing (supplier) / incoming (buyer) relations: USCC and count.
pick() { # pick DIR
  local dir=$1
  sqlite3 -separator ' ' "$DB" "SELECT e.uscc, t.c FROM (SELECT supplier_id, count(*) c FROM relations GROUP BY 1
    ORDER BY c DESC LIMIT 1) t JOIN enterprises e ON e.id = t.supplier_id" >"$dir/supplier.txt"
  sqlite3 -separator ' ' "$DB" "SELECT e.uscc, t.c FROM (SELECT buyer_id, count(*) c FROM relations GROUP BY 1
    ORDER BY c DESC LIMIT 1) t JOIN enterprises e ON e.id = t.buyer_id" >"$dir/buyer.txt"
  SUP=$(cut -d' ' -f1 "$dir/supplier.txt")
  BUY=$(cut -d' ' -f1 "$dir/buyer.txt")
  REG=${REGION:-$(sqlite3 "$DB" "SELECT substr(region,1,4) FROM enterprises GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")}
  [ "$REG" = none ] && REG=""
  echo "$REG $(sqlite3 "$DB" "SELECT count(*) FROM enterprises WHERE region LIKE '$REG%'")" >"$dir/region.txt"
}

build_tools() {
  say "building bench programs into $OUT"
  local link
  link=$(sed -e 's#^.* -o qilian ##' "$BUILD/CMakeFiles/qilian.dir/link.txt")
  (cd "$BUILD" && cc -O2 -D_GNU_SOURCE -I"$HERE/../src" "$HERE/chain_driver.c" -o "$OUT/chain_driver" $link)
  # shellcheck disable=SC2046
  cc -O2 "$HERE/igraph_chain.c" -o "$OUT/igraph_chain" $(pkg-config --cflags --libs igraph sqlite3)
}

# Driver, igraph and (optionally) NetworkX on the current DB; results under DIR.
peers() { # peers DIR RUN_NX
  local dir=$1 run_nx=$2
  mkdir -p "$dir/dump"
  say "[$dir] qilian driver (REPEAT=$REPEAT)"
  timed "$dir" driver "$OUT/chain_driver" "$DB" "$SUP" "$BUY" "$REPEAT" "$dir/dump" "$CHECK_BUYERS" "$REG"
  local extra
  extra=$(cut -d' ' -f1 "$dir/dump/qilian-critical-extra.txt" 2>/dev/null | uniq | paste -sd, -)
  say "[$dir] igraph"
  timed "$dir" igraph "$OUT/igraph_chain" "$DB" "$SUP" "$BUY${extra:+,$extra}" "$REPEAT" "$dir/dump" "$REG" || true
  if [ "$run_nx" = 1 ]; then
    say "[$dir] NetworkX (cap ${NX_MEM_GB} GiB, ${NX_TIMEOUT} s)"
    timed "$dir" networkx timeout "$NX_TIMEOUT" prlimit --as=$((NX_MEM_GB * 1024 * 1024 * 1024)) \
      "$PYTHON" "$HERE/networkx_chain.py" "$DB" "$SUP" "$BUY" "$NX_REPEAT" "$dir/dump" "$REG" || true
  fi
}

exec 3>&1
{
  echo "commit=$(git -C "$HERE/.." rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "dirty=$(git -C "$HERE/.." status --porcelain --untracked-files=no -- src 2>/dev/null | wc -l)"
  echo "binary=$Q"
  echo "built=$(date -u -r "$Q" '+%Y-%m-%d %H:%M UTC')"
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "cores=$NCPU"
  echo "ram=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "kernel=$(uname -sr)"
  echo "igraph=$(pkg-config --modversion igraph)"
  echo "python=$("$PYTHON" -c 'import sys, networkx; print(sys.version.split()[0], "networkx", networkx.__version__)')"
  echo "sqlite=$(sqlite3 --version | cut -d' ' -f1)"
  echo "uptime_before=$(uptime | sed 's/^ *//')"
} >"$OUT/meta.txt"

build_tools
prepare "$ENTS" "$RELS"
echo "data=$DATA" >>"$OUT/meta.txt"
cp "$DATA/stages.tsv" "$OUT/load-stages.tsv"
cat "$DATA/load.done" >"$OUT/load-date.txt"
pick "$OUT"

# qilian CLI end to end: each command opens the database and builds its own snapshot.
chains=$(sqlite3 "$DB" "SELECT id FROM chains ORDER BY id")
mkdir -p "$OUT/cli"
for r in $(seq 1 "$CLI_RUNS"); do
  say "CLI round $r/$CLI_RUNS"
  timed "$OUT/cli" "graph-$r" "$Q" --db "$DB" chain graph
  timed "$OUT/cli" "disrupt-$r" "$Q" --db "$DB" chain disrupt --enterprise "$SUP"
  for c in $chains; do
    timed "$OUT/cli" "health-$c-$r" "$Q" --db "$DB" chain health "$c"
  done
  timed "$OUT/cli" "critical-$r" "$Q" --db "$DB" chain critical "$BUY"
done

peers "$OUT/full" "$NX"
if [ "$NX" = 1 ] && [ "$NX_SMALL" = 1 ] && ! grep -q '^networkx	[^	]*	[^	]*	[^	]*	[^	]*	0$' "$OUT/full/stages.tsv"; then
  say "NetworkX did not finish at full size: running all peers at $((ENTS / 10)) / $NX_SMALL_RELS"
  FULL_DB=$DB FULL_SUP=$SUP FULL_BUY=$BUY FULL_REG=$REG
  prepare "$((ENTS / 10))" "$NX_SMALL_RELS"
  mkdir -p "$OUT/small"
  cp "$DATA/stages.tsv" "$OUT/small/load-stages.tsv"
  pick "$OUT/small"
  NX_REPEAT=$REPEAT peers "$OUT/small" 1
  DB=$FULL_DB SUP=$FULL_SUP BUY=$FULL_BUY REG=$FULL_REG
fi
echo "uptime_after=$(uptime | sed 's/^ *//')" >>"$OUT/meta.txt"

"$PYTHON" - "$OUT" "$ENTS" "$RELS" "$SEED" "$NX_MEM_GB" "$NX_TIMEOUT" <<'EOF' | tee "$OUT/report.md" >&3
import json, os, statistics, sys
out, ents, rels, seed, nx_mem, nx_timeout = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
meta = dict(l.rstrip("\n").split("=", 1) for l in open(f"{out}/meta.txt") if "=" in l)

def stages(path):
    rows = {}
    if os.path.exists(path):
        for l in open(path):
            n, wall, rss, others, load, st = l.rstrip("\n").split("\t")
            rows[n] = dict(wall=float(wall), rss=int(rss), others=float(others), load=load, status=int(st))
    return rows

def last_json(path):
    try:
        lines = [l for l in open(path) if l.strip().startswith("{")]
        return json.loads(lines[-1]) if lines else None
    except (OSError, ValueError):
        return None

med = lambda xs: statistics.median(xs) if xs else float("nan")
mib = lambda kib: kib / 1024
def fmt_ms(x):
    if x != x:
        return "—"
    return f"{x:.3f} ms" if x < 1 else f"{x:.2f} ms" if x < 10 else f"{x:,.1f} ms" if x < 10000 else f"{x / 1000:,.1f} s"
def fmt_mem(kib): return f"{kib / 1048576:.2f} GiB" if kib >= 1048576 else f"{kib / 1024:,.0f} MiB"

def sorted_lines(p):
    try:
        return sorted(open(p).read().split("\n"))
    except OSError:
        return None

def check(d, a, b, sets_only=False):
    x, y = sorted_lines(f"{d}/dump/{a}"), sorted_lines(f"{d}/dump/{b}")
    if x is None or y is None:
        return "not run"
    if sets_only:
        x, y = sorted(l.split(" ")[0] for l in x), sorted(l.split(" ")[0] for l in y)
    return "**match**" if x == y else "**DIFFER**"

load = stages(f"{out}/load-stages.tsv")
cli = stages(f"{out}/cli/stages.tsv")
full = stages(f"{out}/full/stages.tsv")
drv = last_json(f"{out}/full/driver.out")
ig = last_json(f"{out}/full/igraph.out")
nxr = last_json(f"{out}/full/networkx.out")
sup = open(f"{out}/supplier.txt").read().split()
buy = open(f"{out}/buyer.txt").read().split()

def cli_json(name):
    try:
        return json.load(open(f"{out}/cli/{name}.out"))
    except (OSError, ValueError):
        return None

runs = sorted({int(n.rsplit("-", 1)[1]) for n in cli if n.startswith("graph-")})
chains = drv["chains"] if drv else []
g_build = [cli_json(f"graph-{r}")["build_ms"] for r in runs if cli_json(f"graph-{r}")]
g_rss = [cli[f"graph-{r}"]["rss"] for r in runs]
g_wall = [cli[f"graph-{r}"]["wall"] for r in runs]
d_comp = [cli_json(f"disrupt-{r}")["compute_ms"] for r in runs if cli_json(f"disrupt-{r}")]
d_wall = [cli[f"disrupt-{r}"]["wall"] for r in runs]
h_comp = [sum(cli_json(f"health-{c}-{r}")["compute_ms"] for c in chains) for r in runs]
h_wall = [sum(cli[f"health-{c}-{r}"]["wall"] for c in chains) for r in runs]
c_comp = [cli_json(f"critical-{r}")["compute_ms"] for r in runs if cli_json(f"critical-{r}")]
c_wall = [cli[f"critical-{r}"]["wall"] for r in runs]
loads = sorted(float(s["load"]) for s in list(cli.values()) + list(full.values()))

print(f"## Chain analytics at {ents:,} enterprises / {rels:,} relations ({meta['date']})\n")
print(f"- commit {meta['commit']}" + (f" + {meta['dirty']} uncommitted src/ changes of other engineers in the tree" if meta['dirty'] != '0' else "") +
      f"; binary {meta['binary']} (Release, built {meta['built']})")
print(f"- machine: {meta['cpu']}, {meta['cores']} cores, {meta['ram']}, {meta['kernel']}; igraph {meta['igraph']}, Python {meta['python']}, SQLite {meta['sqlite']}")
print(f"- uptime before: `{meta['uptime_before']}`; after: `{meta['uptime_after']}`; 1-min load at the start of each step: "
      f"{loads[0]:.2f}–{loads[-1]:.2f} (median {med(loads):.2f}); the machine is shared with other engineers' builds")
print(f"- data: `qilian gen chain --enterprises {ents} --relations {rels} --seed {seed}` ({meta['data']}), loaded {open(f'{out}/load-date.txt').read().strip()}:")
for n, s in load.items():
    print(f"  - `{n}`: {s['wall']:.1f} s wall, peak RSS {fmt_mem(s['rss'])} (load {s['load']}, other processes {s['others']} cores)")
print(f"- supplier with the most relations: {sup[0]} ({int(sup[1]):,} buyers); buyer with the most: {buy[0]} ({int(buy[1]):,} relations)")
print(f"- driver (`bench/chain_driver.c`, links libqilian_core.a, one snapshot, {len(drv['disrupt']['compute_ms']) if drv else 0} rounds, median) "
      f"vs `bench/igraph_chain.c` (igraph C) and `bench/networkx_chain.py`; CLI: `qilian --db DB chain …`, {len(runs)} runs each, median\n")

if not drv:
    print("driver failed: see", f"{out}/full/driver.err")
    sys.exit(0)

build_ms = drv["graph"]["build_ms"]
casc = med(drv["disrupt"]["compute_ms"]); casc_wall = med(drv["disrupt"]["wall_ms"])
health = med(drv["health_all_chains"]["compute_ms"])
crit = med(drv["critical"]["compute_ms"]); crit_wall = med(drv["critical"]["wall_ms"])
rss_peak = med(g_rss)
nx_ok = nxr is not None and "cascade_ms" in nxr and full.get("networkx", {}).get("status") == 0
if nxr is None:  # NetworkX stopped early: its progress lines on stderr hold what it finished
    nxr = last_json(f"{out}/full/networkx.err")
nx_part = "" if nx_ok else " (did not finish: partial, see below)"
def yes(b): return "**met**" if b else "**not met**"
def ahead(a, b): return "ahead" if a < b else "**behind**"

reg = open(f"{out}/region.txt").read().split()
dr = drv.get("disrupt_region")
print(f"| Measure | Qilian | Goal | Goal met | igraph (C) | Qilian vs igraph | NetworkX{nx_part} |")
print("|---|---|---|---|---|---|---|")
nx_load = f"{fmt_ms(nxr['load_ms'])} (DiGraph from SQLite)" if nxr and "load_ms" in nxr else "—"
ig_load = (f"{fmt_ms(ig['load_ms'])} (SQL read {fmt_ms(ig['sql_read_ms'])}, igraph_create {fmt_ms(ig['create_ms'])}, "
           f"segment totals {fmt_ms(ig['segment_totals_ms'])}, attributes {fmt_ms(ig['attributes_ms'])})") if ig else "failed"
print(f"| Snapshot build (SQL read included) | {fmt_ms(build_ms)} (CPU {fmt_ms(drv.get('build_cpu_ms', float('nan')))}; CLI `chain graph`: {fmt_ms(med(g_build))}) | — | — | {ig_load} | "
      f"{ahead(build_ms, ig['load_ms']) if ig else '—'} | {nx_load} |")
ig_mem = (f"graph + 3 edge attributes {fmt_mem(ig['rss_kib_graph_with_attributes'])}; peak while loading {fmt_mem(ig['hwm_kib_after_load'])}; "
          f"process peak {fmt_mem(full['igraph']['rss'])} (with the dominator graph)") if ig else "—"
nx_mem_s = f"{fmt_mem(nxr['rss_kib_after_load'])} after load" if nxr and "rss_kib_after_load" in nxr else "—"
print(f"| Snapshot memory | `chain graph` process peak RSS {fmt_mem(rss_peak)}; after the build {fmt_mem(drv['rss_kib_after_build'])} "
      f"(`bytes` {drv['graph']['bytes'] / 1048576:,.0f} MiB) | ≤ 1 GiB | {yes(rss_peak <= 1048576)} | {ig_mem} | "
      + (f"peak {ahead(rss_peak, ig['hwm_kib_after_load'])}, steady {ahead(drv['rss_kib_after_build'], ig['rss_kib_graph_with_attributes'])}" if ig else "—")
      + f" | {nx_mem_s} |")
ig_c = (f"{fmt_ms(ig['cascade_ms']['median'])} (BFS {fmt_ms(ig['bfs_simple_ms']['median'])} reaching {ig['reachable_from_supplier']:,} + threshold "
        f"{fmt_ms(ig['cascade_threshold_only_ms']['median'])}); totals computed per query: {fmt_ms(ig['cascade_lazy_totals_ms']['median'])}; "
        f"plain `igraph_bfs` alone {fmt_ms(ig['bfs_full_ms']['median'])}") if ig else "failed"
nx_c = f"{fmt_ms(nxr['cascade_ms']['median'])} (descendants {fmt_ms(nxr['descendants_bfs_ms']['median'])})" if nxr and "cascade_ms" in nxr else "did not get there"
print(f"| Cascade from the largest supplier ({drv['disrupt']['knocked_out']:,} knocked out, {drv['disrupt']['partially_affected']:,} partially) | "
      f"{fmt_ms(casc)} compute; {fmt_ms(casc_wall)} with the JSON report; CLI {med(d_wall):.1f} s wall incl. its snapshot | ≤ 50 ms | {yes(casc <= 50)} | {ig_c} | "
      f"{ahead(casc, ig['cascade_ms']['median']) if ig else '—'} | {nx_c} |")
if dr:
    ig_r = (f"{fmt_ms(ig['region_cascade_ms']['median'])} (BFS from {ig['region_seeds']:,} roots {fmt_ms(ig['region_bfs_ms'])} + threshold {fmt_ms(ig['region_threshold_only_ms'])})"
            if ig and "region_cascade_ms" in ig else "—")
    nx_r = f"{fmt_ms(nxr['region_cascade_ms']['median'])} (threshold only)" if nxr and "region_cascade_ms" in nxr else "—"
    print(f"| (extra) Cascade from region {reg[0]} ({int(reg[1]):,} enterprises; {dr['knocked_out']:,} knocked out, {dr['partially_affected']:,} partially) | "
          f"{fmt_ms(med(dr['compute_ms']))} compute; {fmt_ms(med(dr['wall_ms']))} with the JSON report | — (the 50 ms goal is for one supplier) | — | {ig_r} | "
          f"{ahead(med(dr['compute_ms']), ig['region_cascade_ms']['median']) if ig and 'region_cascade_ms' in ig else '—'} | {nx_r} |")
print(f"| Health scan, all {len(chains)} chains | {fmt_ms(health)} (sum of compute_ms; process CPU time {fmt_ms(med(drv['health_all_chains'].get('cpu_ms', [])))}); CLI {len(chains)} commands {med(h_wall):.1f} s wall incl. snapshots | ≤ 2 s | {yes(health <= 2000)} | — (no igraph peer) | — | — |")
if ig:
    ig_d = f"{fmt_ms(ig['dominator_tree_all_segments_ms']['median'])} for {ig['critical_segments']} dominator trees + {fmt_ms(ig['critical_prep_ms'])} to build the rooted graph"
else:
    ig_d = "failed"
nx_d = (f"{fmt_ms(nxr['immediate_dominators_all_segments_ms']['median'])} + {fmt_ms(nxr['critical_prep_ms'])} prep"
        if nxr and "immediate_dominators_all_segments_ms" in nxr else "did not finish (below)")
print(f"| Critical enterprises of the largest buyer | {fmt_ms(crit)} compute; {fmt_ms(crit_wall)} with the JSON report; CLI {med(c_wall):.1f} s wall incl. its snapshot | ≤ 1 s | {yes(crit <= 1000)} | {ig_d} | "
      f"{ahead(crit, ig['dominator_tree_all_segments_ms']['median']) if ig else '—'} | {nx_d} |")
print()

print("Cross-checks (sorted line sets of `bench/out/…/dump/*`):\n")
d = f"{out}/full"
print(f"- cascade, knocked-out enterprises with their tiers: Qilian vs igraph {check(d, 'qilian-cascade.txt', 'igraph-cascade.txt')}"
      f", vs NetworkX {check(d, 'qilian-cascade.txt', 'networkx-cascade.txt')}; from the region: igraph {check(d, 'qilian-region-cascade.txt', 'igraph-region-cascade.txt')}"
      f", NetworkX {check(d, 'qilian-region-cascade.txt', 'networkx-region-cascade.txt')}")
print(f"- critical enterprises of the largest buyer per segment, igraph dominator tree (T's dominators) vs Qilian: "
      f"{check(d, 'qilian-critical.txt', 'igraph-critical.txt')}; NetworkX immediate_dominators vs Qilian: {check(d, 'qilian-critical.txt', 'networkx-critical.txt')}")
cb = drv.get("check_buyers", {})
print(f"- {len(cb.get('buyers', []))} more buyers with non-empty critical lists (found among {cb.get('tried', 0)} tried, deepest critical enterprise at depth {cb.get('max_depth', 0)}): "
      f"igraph vs Qilian {check(d, 'qilian-critical-extra.txt', 'igraph-critical-extra.txt')}")
print()
print("| Segment of the largest buyer | direct suppliers | Qilian critical | igraph critical | igraph dominator tree |")
print("|---|---|---|---|---|")
for code, s in drv["critical"]["segments"].items():
    i = (ig or {}).get("critical_per_segment", {}).get(code, {})
    print(f"| {code} | {s['direct_suppliers']:,} | {s['critical']} | {i.get('critical', '—')} | {fmt_ms(i['dominator_tree_ms']) if i else '—'} |")
print()
print("| Health per chain (driver, median compute_ms) | " + " | ".join(chains) + " |")
print("|---|" + "---|" * len(chains))
print("| ms | " + " | ".join(f"{med(drv['health_all_chains']['per_chain'][c]['compute_ms']):.1f}" for c in chains) + " |")
print()
print(f"Processes (peak RSS from `/usr/bin/time -v`; 'others' = CPU cores busy with other processes meanwhile):\n")
print("| Step | wall | peak RSS | load before | others | exit |")
print("|---|---|---|---|---|---|")
for name, s in list(full.items()) + [(f"cli {k}", v) for k, v in cli.items() if k.endswith("-1")]:
    print(f"| {name} | {s['wall']:.1f} s | {fmt_mem(s['rss'])} | {s['load']} | {s['others']} | {s['status']} |")
print()
if full.get("networkx") and not nx_ok:
    st = full["networkx"]
    why = "killed by the timeout" if st["status"] == 124 else f"exit {st['status']} (MemoryError under the {nx_mem} GiB cap?)" if st["status"] else "no result"
    print(f"NetworkX at full size: {why} after {st['wall']:.0f} s, peak RSS {fmt_mem(st['rss'])}; last progress: "
          f"`{open(f'{out}/full/networkx.err').read().strip().splitlines()[-1][:300] if os.path.getsize(f'{out}/full/networkx.err') else 'none'}`\n")
sm = f"{out}/small"
if os.path.isdir(sm):
    sd, si, sn = last_json(f"{sm}/driver.out"), last_json(f"{sm}/igraph.out"), last_json(f"{sm}/networkx.out")
    ss = stages(f"{sm}/stages.tsv")
    print(f"Smaller size for NetworkX ({ents // 10:,} enterprises; {open(f'{sm}/supplier.txt').read().split()[0]} / {open(f'{sm}/buyer.txt').read().split()[0]}):\n")
    print("| Measure | Qilian | igraph | NetworkX |")
    print("|---|---|---|---|")
    if sd and si:
        print(f"| Load / snapshot | {fmt_ms(sd['graph']['build_ms'])} | {fmt_ms(si['load_ms'])} | {fmt_ms(sn['load_ms']) if sn else 'failed'} |")
        print(f"| Memory after load | {fmt_mem(sd['rss_kib_after_build'])} | {fmt_mem(si['rss_kib_after_load'])} | {fmt_mem(sn['rss_kib_after_load']) if sn else '—'} |")
        print(f"| Cascade ({sd['disrupt']['knocked_out']} knocked out) | {fmt_ms(med(sd['disrupt']['compute_ms']))} | {fmt_ms(si['cascade_ms']['median'])} | {fmt_ms(sn['cascade_ms']['median']) if sn else '—'} |")
        print(f"| Critical (dominators) | {fmt_ms(med(sd['critical']['compute_ms']))} | {fmt_ms(si['dominator_tree_all_segments_ms']['median'])} + {fmt_ms(si['critical_prep_ms'])} prep | "
              f"{fmt_ms(sn['immediate_dominators_all_segments_ms']['median']) + ' + ' + fmt_ms(sn['critical_prep_ms']) + ' prep' if sn and 'immediate_dominators_all_segments_ms' in sn else '—'} |")
    print(f"\nCross-checks at this size: cascade igraph {check(sm, 'qilian-cascade.txt', 'igraph-cascade.txt')}, NetworkX {check(sm, 'qilian-cascade.txt', 'networkx-cascade.txt')}; "
          f"critical igraph {check(sm, 'qilian-critical.txt', 'igraph-critical.txt')}, NetworkX {check(sm, 'qilian-critical.txt', 'networkx-critical.txt')}, extra buyers igraph {check(sm, 'qilian-critical-extra.txt', 'igraph-critical-extra.txt')}\n")
print(f"Raw outputs: `bench/out/{os.path.basename(out)}/`")
EOF
say "report saved to $OUT/report.md"
