#!/usr/bin/env bash
# Vocabulary benchmark (issue 14): relevance of market matching on queries written the way buyers
# type (colloquial names, synonyms, abbreviations, English, model numbers with typos) over
# listings written the way sellers do (bench/vocab/: catalog.py → build_set.py → listings.csv,
# queries.tsv, qrels.tsv), for one or more Qilian binaries (e.g. main before the vocabulary and this
# tree after it) and for PostgreSQL 15 full-text search and pg_trgm on the same queries and data.
# Prints a markdown table (also bench/out/vocab-*/report.md); progress on stderr.
#
# Usage: bench/vocab.sh NAME=path/to/qilian [NAME=path/to/qilian ...]
#   The first binary's build directory also tokenizes the text for PostgreSQL. Each binary's build
#   directory must hold libqilian_core.a and CMakeFiles/qilian.dir/link.txt (market_driver is linked
#   with them, as bench/market.sh does). Needs postgresql (15) with pg_trgm, libpq-dev, python3.
# Environment: PG_MODES ("fts trgm"), TRGM_THRESHOLD (0.1), PG_PORT (55433), PGBIN.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: bench/vocab.sh NAME=path/to/qilian ..." >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
SET=$HERE/vocab
OUT=$HERE/out/vocab-$(date -u +%Y%m%dT%H%M%SZ)
PG_MODES=${PG_MODES:-fts trgm}
TRGM_THRESHOLD=${TRGM_THRESHOLD:-0.1}
PG_PORT=${PG_PORT:-55433}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
mkdir -p "$OUT"
say() { echo "vocab.sh: $*" >&2; }
NQ=$(($(wc -l <"$SET/queries.tsv") - 1))
args=()
first_driver=
for spec in "$@"; do
  name=${spec%%=*}
  Q=$(realpath "${spec#*=}")
  BUILD=$(dirname "$Q")
  say "$name: building market_driver from $BUILD"
  link=$(sed -e 's#^.* -o qilian ##' "$BUILD/CMakeFiles/qilian.dir/link.txt")
  (cd "$BUILD" && cc -O2 -D_GNU_SOURCE -I"$HERE/../src" "$HERE/market_driver.c" -o "$OUT/driver-$name" $link)
  [ -n "$first_driver" ] || first_driver=$OUT/driver-$name
  DB=$OUT/$name.db
  "$Q" --db "$DB" migrate >"$OUT/$name-migrate.json"
  for t in segments enterprises; do "$Q" --db "$DB" import "$t" "$SET/$t.csv" >/dev/null; done
  "$Q" --db "$DB" import supplies "$SET/listings.csv" >/dev/null
  say "$name: $NQ queries"
  "$OUT/driver-$name" match "$DB" "$SET/queries.csv" "$NQ" "$OUT/$name.tsv" 10 >"$OUT/$name.json"
  args+=("$name=$OUT/$name.tsv")
done

# ---- PostgreSQL 15: a private cluster in a temp directory, unix socket only ----
PGDIR=$(mktemp -d /tmp/qilian-vocab-pg.XXXXXX)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_stop() { as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$PGDIR"; }
trap pg_stop EXIT
"$first_driver" supplies "$SET/listings.csv" "$OUT/pg-supplies.tsv" 2>/dev/null
"$first_driver" demands "$SET/queries.csv" "$OUT/pg-queries.tsv" 2>/dev/null
[ "$(id -u)" -eq 0 ] && chown postgres "$PGDIR" && chmod o+rx "$OUT" && chmod o+r "$OUT/pg-supplies.tsv"
as_pg "$PGBIN/initdb" -D "$PGDIR/data" -E UTF8 --locale=C.UTF-8 -A trust -U postgres >"$OUT/initdb.log"
as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -o "-k $PGDIR -c listen_addresses= -p $PG_PORT" start >/dev/null
PSQL=(psql -h "$PGDIR" -p "$PG_PORT" -U postgres -X -q -v ON_ERROR_STOP=1)
"${PSQL[@]}" -c "CREATE DATABASE market"
"${PSQL[@]}" -d market -c "CREATE EXTENSION pg_trgm" -c "CREATE TABLE supplies(line int PRIMARY KEY,
  title text NOT NULL, description text NOT NULL, title_words text NOT NULL, desc_words text NOT NULL,
  chain text, segment text, certs text[] NOT NULL, regions text[] NOT NULL,
  body text GENERATED ALWAYS AS (title || ' ' || description) STORED,
  tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('simple', title_words), 'A') || to_tsvector('simple', desc_words)) STORED)"
"${PSQL[@]}" -d market -c "\\copy supplies(line,title,description,title_words,desc_words,chain,segment,certs,regions) FROM '$OUT/pg-supplies.tsv'"
"${PSQL[@]}" -d market -c "CREATE INDEX ON supplies USING gin (body gin_trgm_ops)" -c "CREATE INDEX ON supplies USING gin (tsv)" -c "VACUUM ANALYZE supplies"
"${PSQL[@]}" -d market -At -c "SELECT version()" >"$OUT/pg-version.txt"
CONN="host=$PGDIR port=$PG_PORT user=postgres dbname=market options='-c pg_trgm.similarity_threshold=$TRGM_THRESHOLD'"
for m in $PG_MODES; do
  say "PostgreSQL $m: $NQ queries"
  [ -x "$OUT/pg_market" ] || cc -O2 "$HERE/pg_market.c" -o "$OUT/pg_market" $(pkg-config --cflags --libs libpq)
  "$OUT/pg_market" "$CONN" "$OUT/pg-queries.tsv" "$NQ" "$m" "$OUT/pg-$m.tsv" 10 >"$OUT/pg-$m.json" 2>"$OUT/pg-$m.err"
  args+=("pg-$m=$OUT/pg-$m.tsv")
done
pg_stop
trap - EXIT

python3 "$HERE/market_score.py" "$SET/labels.csv" "$NQ" "${args[@]}" >"$OUT/relevance.jsonl"
python3 - "$OUT" "$NQ" "$(grep -c . "$SET/listings.csv")" "$(($(wc -l <"$SET/qrels.tsv") - 1))" "$SET" <<'PY' | tee "$OUT/report.md"
import json, sys
out, nq, nl, pairs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) - 1, int(sys.argv[4])
rows = [json.loads(l) for l in open(f"{out}/relevance.jsonl")]
pgv = open(f"{out}/pg-version.txt").read().split(" on ")[0]
print(f"{nq} queries over {nl:,} listings, {pairs:,} judged pairs; {pgv}\n")
print("| system | nDCG@10 | recall@10 (capped) | P@10 | MRR | p50 | p99 |")
print("|---|---|---|---|---|---|---|")
for r in rows:
    name = r["system"]
    try:
        j = json.loads([l for l in open(f"{out}/{name}.json") if l.startswith("{")][-1])
        lat = f"{j['p50_ms']:.2f} ms | {j['p99_ms']:.2f} ms"
    except (OSError, IndexError, KeyError):
        lat = "– | –"
    print(f"| {name} | {r['ndcg10']:.3f} | {r['recall10']:.3f} | {r['p10']:.3f} | {r['mrr']:.3f} | {lat} |")
# By query kind: "literal" when the query's words all occur in a name sellers use for a product it
# asks for (catalog.py), else "paraphrase" (synonym, slang, English, another spec spelling).
sys.path.insert(0, sys.argv[5])
import catalog, math, collections
names = {c["key"]: " ".join(c["names"]).lower() for c in catalog.CONCEPTS}
kind = {}
for i, q in enumerate(catalog.QUERIES, 1):
    targets = [k for k, g in q["grades"].items() if g == 2]
    words = q["text"].lower().split()
    kind[i + 1] = "literal" if any(all(w in names[k] for w in words) for k in targets) else "paraphrase"
grades = collections.defaultdict(dict)
for l in list(open(f"{sys.argv[5]}/labels.csv"))[1:]:
    d, s_, g = map(int, l.split(",")); grades[d][s_] = g
def ndcg(path):
    ranked = collections.defaultdict(list)
    for l in open(path):
        d, r, s_, _ = l.split("\t"); ranked[int(d)].append(int(s_))
    acc = collections.defaultdict(list)
    for d in grades:
        g = [grades[d].get(s_, 0) for s_ in ranked.get(d, [])[:10]]
        ideal = sorted(grades[d].values(), reverse=True)[:10]
        dcg = sum((2 ** x - 1) / math.log2(i + 2) for i, x in enumerate(g))
        acc[kind[d]].append(dcg / sum((2 ** x - 1) / math.log2(i + 2) for i, x in enumerate(ideal)))
    return {k: sum(v) / len(v) for k, v in acc.items()}
counts = collections.Counter(kind.values())
print(f"\nnDCG@10 by query kind (literal: {counts['literal']} queries whose words all occur in a seller's name of the product; paraphrase: {counts['paraphrase']}):\n")
print("| system | literal | paraphrase |")
print("|---|---|---|")
for r in rows:
    k = ndcg(f"{out}/{r['system']}.tsv")
    print(f"| {r['system']} | {k.get('literal', 0):.3f} | {k.get('paraphrase', 0):.3f} |")
print(f"\nRaw outputs: `bench/out/{out.rsplit('/', 1)[1]}/`")
PY
