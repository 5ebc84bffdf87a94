#!/usr/bin/env bash
# Market matching benchmark (issue 4): top-10 supplies for 1,000 demands over 1,000,000 supply
# listings with Qilian's matcher (market_match_top, in-memory word index with top-k pruning), then
# the same queries on PostgreSQL 15 in the same run (pg_trgm with a GIN trigram index, and full-text
# search over text pre-segmented by Qilian's tokenizer with a GIN tsvector index), and relevance
# (nDCG@10, precision@10) of all of them on the labelled demands of `qilian gen listings`.
# Prints a markdown report on stdout (also bench/out/market-*/report.md); progress on stderr.
#
# Usage: bench/market.sh path/to/qilian
#   The binary's build directory must hold libqilian_core.a and CMakeFiles/qilian.dir/link.txt
#   (bench/market_driver.c is linked with them, as bench/chain.sh does). Needs postgresql (15),
#   postgresql-contrib's pg_trgm, libpq-dev, sqlite3, python3 and /usr/bin/time
#   (scripts/bootstrap --bench).
# Environment:
#   N (1000000) DEMANDS (1000) LABELLED (200) SEED (7)   data set, generated under bench/data/ once;
#                     loaded into a Qilian DB and a private PostgreSQL cluster once (timed, kept)
#   QUERIES (1000)    demands run through Qilian's matcher (labelled ones first)
#   PG_QUERIES (QUERIES) PG_BUDGET (900)   demands per PostgreSQL mode, and a time budget in seconds
#                     per mode after which it stops (it reports how many ran)
#   PG_MODES ("fts trgm")  fts, trgm, wtrgm (see bench/pg_market.c)
#   TRGM_THRESHOLD (0.1)   pg_trgm.similarity_threshold: at the default 0.3 a whole demand text is
#                     similar to almost no supply and `%` returns nothing
#   PG_PORT (55432)   the private cluster listens on a unix socket in its data directory only
#   BUILD (dir of the qilian binary)
set -euo pipefail
Q=$(realpath "${1:?usage: bench/market.sh path/to/qilian}")
BUILD=$(realpath "${BUILD:-$(dirname "$Q")}")
N=${N:-1000000}
DEMANDS=${DEMANDS:-1000}
LABELLED=${LABELLED:-200}
SEED=${SEED:-7}
QUERIES=${QUERIES:-1000}
PG_QUERIES=${PG_QUERIES:-$QUERIES}
PG_BUDGET=${PG_BUDGET:-900}
PG_MODES=${PG_MODES:-fts trgm}
TRGM_THRESHOLD=${TRGM_THRESHOLD:-0.1}
PG_PORT=${PG_PORT:-55432}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/out/market-$(date -u +%Y%m%dT%H%M%SZ)
DATA=$HERE/data/market-$N-$DEMANDS-s$SEED
DB=$DATA/market.db
mkdir -p "$OUT" "$DATA"

say() { echo "market.sh: $*" >&2; }
for tool in sqlite3 /usr/bin/time cc pkg-config python3 psql "$PGBIN/initdb" "$PGBIN/pg_ctl"; do
  command -v "$tool" >/dev/null || { say "needs $tool (scripts/bootstrap --bench)"; exit 1; }
done
pkg-config --exists libpq || { say "needs libpq-dev"; exit 1; }
[ -f "$BUILD/libqilian_core.a" ] && [ -f "$BUILD/CMakeFiles/qilian.dir/link.txt" ] ||
  { say "$BUILD has no libqilian_core.a / CMakeFiles/qilian.dir/link.txt (set BUILD=)"; exit 1; }

# shellcheck source=bench/timed.sh
. "$HERE/timed.sh"

say "building bench programs into $OUT"
link=$(sed -e 's#^.* -o qilian ##' "$BUILD/CMakeFiles/qilian.dir/link.txt")
(cd "$BUILD" && cc -O2 -D_GNU_SOURCE -I"$HERE/../src" "$HERE/market_driver.c" -o "$OUT/market_driver" $link)
# shellcheck disable=SC2046
cc -O2 "$HERE/pg_market.c" -o "$OUT/pg_market" $(pkg-config --cflags --libs libpq)

# ---- data: generated once per (N, DEMANDS, SEED) ----
if [ ! -f "$DATA/gen.done" ]; then
  say "generating $N supplies, $DEMANDS demands (seed $SEED) in $DATA"
  rm -f "$DATA/stages.tsv" "$DATA/load.done" "$DATA/pg.done"
  timed "$DATA" gen "$Q" gen listings "$N" --demands "$DEMANDS" --labelled "$LABELLED" --seed "$SEED" --output-dir "$DATA"
  touch "$DATA/gen.done"
fi

# ---- Qilian DB: migrate, enterprises, segments, supplies, demands (timed, once) ----
if [ ! -f "$DATA/load.done" ] || [ ! -f "$DB" ]; then
  say "loading the Qilian DB $DB"
  rm -f "$DB" "$DB-wal" "$DB-shm"
  grep -v -e '^import-' -e '^migrate' "$DATA/stages.tsv" >"$DATA/stages.tmp" 2>/dev/null || true
  mv "$DATA/stages.tmp" "$DATA/stages.tsv"
  timed "$DATA" migrate "$Q" --db "$DB" migrate
  for t in enterprises segments supplies demands; do
    # (not `| grep -q`: with pipefail, grep quitting early makes the pipeline fail at random)
    if [[ "$("$Q" help 2>&1)" == *"import $t"* ]]; then
      timed "$DATA" "import-$t" "$Q" --db "$DB" import "$t" "$DATA/$t.csv"
    else # the CLI command is not wired yet: the same domain function through the driver
      say "qilian has no 'import $t': importing with market_driver (market_import_$t)"
      timed "$DATA" "import-$t" "$OUT/market_driver" import "$DB" "$t" "$DATA/$t.csv"
      echo "market_driver" >"$DATA/import-$t.via"
    fi
  done
  sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
  date -u '+%Y-%m-%d %H:%M UTC' >"$DATA/load.done"
fi
sqlite3 -separator ' ' "$DB" "SELECT name, sum(pgsize) FROM dbstat WHERE name LIKE 'supplies%' GROUP BY name" >"$OUT/sqlite-sizes.txt"
echo "total $(stat -c %s "$DB")" >>"$OUT/sqlite-sizes.txt"

# ---- Qilian matcher ----
say "Qilian: $QUERIES demands through market_match_top"
timed "$OUT" qilian "$OUT/market_driver" match "$DB" "$DATA/demands.csv" "$QUERIES" "$OUT/qilian.tsv" 10

# ---- PostgreSQL 15: a private cluster under the data directory, unix socket only ----
PGDIR=$DATA/pg
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_stop() { as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast stop >/dev/null 2>&1 || true; }
if [ ! -f "$DATA/pg.done" ]; then
  say "tokenizing supplies and demands for PostgreSQL"
  timed "$DATA" pg-export-supplies "$OUT/market_driver" supplies "$DATA/supplies.csv" "$DATA/pg-supplies.tsv"
  timed "$DATA" pg-export-demands "$OUT/market_driver" demands "$DATA/demands.csv" "$DATA/pg-demands.tsv"
  pg_stop
  rm -rf "$PGDIR"
  mkdir -p "$PGDIR"
  [ "$(id -u)" -eq 0 ] && chown postgres "$PGDIR" && chmod o+rx "$DATA" && chmod o+r "$DATA/pg-supplies.tsv"
  as_pg "$PGBIN/initdb" -D "$PGDIR/data" -E UTF8 --locale=C.UTF-8 -A trust -U postgres >"$OUT/initdb.log"
fi
trap pg_stop EXIT
# shared_buffers large enough to hold the table and both indexes; everything else as shipped.
as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
  -o "-k $PGDIR -c listen_addresses= -p $PG_PORT -c shared_buffers=4GB -c maintenance_work_mem=1GB" start >/dev/null
PSQL=(psql -h "$PGDIR" -p "$PG_PORT" -U postgres -X -q -v ON_ERROR_STOP=1)
if [ ! -f "$DATA/pg.done" ]; then
  say "loading PostgreSQL"
  "${PSQL[@]}" -c "CREATE DATABASE market"
  "${PSQL[@]}" -d market -c "CREATE EXTENSION pg_trgm" -c "CREATE TABLE supplies(line int PRIMARY KEY,
    title text NOT NULL, description text NOT NULL, title_words text NOT NULL, desc_words text NOT NULL,
    chain text, segment text, certs text[] NOT NULL, regions text[] NOT NULL,
    body text GENERATED ALWAYS AS (title || ' ' || description) STORED,
    tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('simple', title_words), 'A') || to_tsvector('simple', desc_words)) STORED)"
  timed "$DATA" pg-copy "${PSQL[@]}" -d market -c "\\copy supplies(line,title,description,title_words,desc_words,chain,segment,certs,regions) FROM '$DATA/pg-supplies.tsv'"
  timed "$DATA" pg-index-trgm "${PSQL[@]}" -d market -c "CREATE INDEX supplies_trgm ON supplies USING gin (body gin_trgm_ops)"
  timed "$DATA" pg-index-fts "${PSQL[@]}" -d market -c "CREATE INDEX supplies_tsv ON supplies USING gin (tsv)"
  timed "$DATA" pg-vacuum "${PSQL[@]}" -d market -c "VACUUM ANALYZE supplies"
  date -u '+%Y-%m-%d %H:%M UTC' >"$DATA/pg.done"
fi
"${PSQL[@]}" -d market -At -F ' ' -c "SELECT 'table', pg_relation_size('supplies') UNION ALL
  SELECT 'trgm_index', pg_relation_size('supplies_trgm') UNION ALL SELECT 'fts_index', pg_relation_size('supplies_tsv')
  UNION ALL SELECT 'total', pg_total_relation_size('supplies') UNION ALL SELECT 'rows', count(*) FROM supplies" >"$OUT/pg-sizes.txt"
"${PSQL[@]}" -d market -At -c "SELECT version()" >"$OUT/pg-version.txt"
# Warm the caches once (the Qilian side queries a warm in-memory index): read table and indexes.
"${PSQL[@]}" -d market -At -c "SELECT count(*) FROM supplies WHERE body LIKE '%zz%' OR length(tsv::text) < 0" >/dev/null
CONN="host=$PGDIR port=$PG_PORT user=postgres dbname=market options='-c pg_trgm.similarity_threshold=$TRGM_THRESHOLD -c pg_trgm.word_similarity_threshold=$TRGM_THRESHOLD'"
for m in $PG_MODES; do
  say "PostgreSQL $m: up to $PG_QUERIES demands, budget $PG_BUDGET s"
  timed "$OUT" "pg-$m" "$OUT/pg_market" "$CONN" "$DATA/pg-demands.tsv" "$PG_QUERIES" "$m" "$OUT/pg-$m.tsv" 10 "$PG_BUDGET" || true
done
pg_stop
trap - EXIT

# ---- relevance and report ----
args=("qilian=$OUT/qilian.tsv")
for m in $PG_MODES; do
  ran=$(python3 -c 'import json,sys; print(json.loads([l for l in open(sys.argv[1]) if l.startswith("{")][-1])["queries"])' "$OUT/pg-$m.out" 2>/dev/null || echo 0)
  args+=("pg-$m=$OUT/pg-$m.tsv:$ran" "qilian@pg-$m=$OUT/qilian.tsv:$ran")
done
python3 "$HERE/market_score.py" "$DATA/labels.csv" "$LABELLED" "${args[@]}" >"$OUT/relevance.jsonl"
{
  echo "commit=$(git -C "$HERE/.." rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "dirty=$(git -C "$HERE/.." status --porcelain --untracked-files=no -- src 2>/dev/null | wc -l)"
  echo "binary=$Q"
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $NCPU cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
  echo "loaded=$(cat "$DATA/load.done") / pg $(cat "$DATA/pg.done")"
  echo "uptime=$(uptime | sed 's/^ *//')"
  echo "import_via=$(cat "$DATA"/import-*.via 2>/dev/null | head -1)"
} >"$OUT/meta.txt"
python3 - "$OUT" "$DATA" "$N" "$DEMANDS" "$LABELLED" "$SEED" "$TRGM_THRESHOLD" <<'EOF' | tee "$OUT/report.md"
import json, os, sys
out, data, n, demands, labelled, seed, th = sys.argv[1:8]
meta = dict(l.rstrip("\n").split("=", 1) for l in open(f"{out}/meta.txt") if "=" in l)
def stages(p):
    r = {}
    if os.path.exists(p):
        for l in open(p):
            nm, wall, rss, others, load, st = l.rstrip("\n").split("\t")
            r[nm] = dict(wall=float(wall), rss=int(rss), others=others, load=load, st=int(st))
    return r
def last_json(p):
    try:
        ls = [l for l in open(p) if l.startswith("{")]
        return json.loads(ls[-1]) if ls else None
    except OSError:
        return None
ld, run = stages(f"{data}/stages.tsv"), stages(f"{out}/stages.tsv")
q = last_json(f"{out}/qilian.out")
rel = {j["system"]: j for j in map(json.loads, open(f"{out}/relevance.jsonl"))}
sq = dict(l.split() for l in open(f"{out}/sqlite-sizes.txt"))
pg = dict(l.split() for l in open(f"{out}/pg-sizes.txt"))
mib = lambda b: f"{int(b) / 1048576:,.0f} MiB"
print(f"## Market matching at {int(n):,} supplies ({meta['date']})\n")
print(f"- commit {meta['commit']}" + (f" + {meta['dirty']} uncommitted src/ files of other engineers" if meta['dirty'] != '0' else "") + f"; binary {meta['binary']}")
print(f"- machine: {meta['machine']}; {meta['uptime']}; {open(out + '/pg-version.txt').read().split(' on ')[0]}")
print(f"- data: `qilian gen listings {n} --demands {demands} --labelled {labelled} --seed {seed}` ({ld.get('gen', {}).get('wall', 0):.1f} s), loaded {meta['loaded']}")
for k, v in ld.items():
    if k != "gen":
        print(f"  - `{k}`: {v['wall']:.1f} s wall, peak RSS {v['rss'] / 1024:,.0f} MiB (load {v['load']}, others {v['others']} cores)")
if meta.get("import_via"):
    print("  - supplies/demands imported through `market_import_supplies|demands` (bench/market_driver.c import): `qilian import supplies` was not wired in this tree")
fts = sum(int(v) for k, v in sq.items() if k.startswith("supplies_fts"))
print(f"- SQLite: supplies table {mib(sq.get('supplies', 0))}, FTS5 index (supplies_fts_*) {mib(fts)}, DB file {mib(sq['total'])}; "
      f"PostgreSQL: table {mib(pg['table'])}, GIN trigram {mib(pg['trgm_index'])}, GIN tsvector {mib(pg['fts_index'])}, total {mib(pg['total'])}\n")
if not q:
    print(f"Qilian driver failed: see {out}/qilian.err\n")
    sys.exit(0)
ix = q["index"]["supplies"]
print(f"Qilian in-memory index: built on the first call in {ix['build_ms'] / 1000:.1f} s (first call {q['first_call_ms'] / 1000:.1f} s), "
      f"{ix['docs']:,} docs, {ix['terms']:,} terms, {ix['postings']:,} postings, {mib(ix['bytes'])}; driver RSS after {q['rss_kib_after'] / 1024:,.0f} MiB\n")
print("| system | queries | p50 | p99 | mean | max | empty | nDCG@10 | P@10 | P@10 (grade 2) | MRR |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
def row(name, j, r):
    print(f"| {name} | {j['queries']} | {j['p50_ms']:.2f} ms | {j['p99_ms']:.2f} ms | {j['mean_ms']:.2f} ms | {j['max_ms']:.2f} ms | {j['empty_results']} | "
          f"{r['ndcg10']:.3f} | {r['p10']:.3f} | {r['p10_exact']:.3f} | {r['mrr']:.3f} |")
row("Qilian `market_match_top`", q, rel["qilian"])
pgs = {}
for name in rel:
    if name.startswith("pg-"):
        j = last_json(f"{out}/{name}.out")
        if j:
            pgs[name] = j
            label = {"pg-fts": "PG 15 FTS ('simple', pre-segmented, ts_rank)", "pg-trgm": f"PG 15 pg_trgm (`%`, threshold {th}, similarity)",
                     "pg-wtrgm": f"PG 15 pg_trgm (`<%`, word_similarity {th})"}.get(name, name)
            row(label, j, rel[name])
            if j["queries"] < q["queries"]:
                row(f"Qilian on the same {j['queries']} demands (relevance only; latency from all)", q, rel[f"qilian@{name}"])
print()
for name, j in pgs.items():
    print(f"- Qilian vs {name}: p50 {j['p50_ms'] / q['p50_ms']:,.0f}× faster, p99 {j['p99_ms'] / q['p99_ms']:,.0f}×, mean {j['mean_ms'] / q['mean_ms']:,.0f}×"
          + (f" (PostgreSQL ran {j['queries']} of the demands within its time budget)" if j['queries'] < q['queries'] else ""))
r = rel["qilian"]
print(f"- relevance over {r['judged']} labelled demands ({r['judged_pairs']:,} judged relevant pairs; {r['no_relevant']} labelled demands without any relevant supply skipped); "
      "each PostgreSQL row is scored on the labelled demands among those it ran, next to Qilian on the same ones")
print(f"- goals: p99 ≤ 10 ms: {'met' if q['p99_ms'] <= 10 else 'NOT met'} ({q['p99_ms']:.2f} ms); ≥ 20× faster than PostgreSQL: "
      + ", ".join(f"{k} {'met' if j['p50_ms'] / q['p50_ms'] >= 20 and j['p99_ms'] / q['p99_ms'] >= 20 else 'NOT met'}" for k, j in pgs.items())
      + "; relevance at least equal (same demands): " + ", ".join(f"{k} {'met' if rel['qilian@' + k]['ndcg10'] >= rel[k]['ndcg10'] - 1e-9 else 'NOT met'}" for k in pgs))
print(f"\nRaw outputs: `bench/out/{os.path.basename(out)}/`")
EOF
say "report saved to $OUT/report.md"
