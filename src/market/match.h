/*
 * match.h - ranked matching between demands and supplies (供需匹配).
 *
 * A match query is a text (a demand's title and description, a supply's,
 * or what a user typed) plus structured wishes: a segment, a delivery
 * region, required certifications. Candidates are ranked by
 *     score = bm25(text) + segment + region + 专精特新 level + scorecard
 * where bm25 is FTS5's formula (k1 1.2, b 0.75, title words weighted
 * MARKET_MATCH_TITLE_WEIGHT) over word tokens (tokenizer.h), the segment
 * term counts when the candidate is in the asked segment, region counts by
 * the closest level shared (county > city > province), and certifications
 * are a hard filter: a supply lacking one required tag is never returned.
 * Every result carries each factor's contribution and the matched words.
 *
 * The ranking runs on an in-memory inverted index per listing kind (one
 * per process, shared by threads), kept fresh by each listing's seq column
 * (0003_market.sql): a query first applies the rows written since the
 * index last looked. Top-k search prunes with per-term score bounds
 * (MaxScore over block-max posting lists), so it does not score every
 * candidate that shares a word.
 */
#ifndef QILIAN_MARKET_MATCH_H
#define QILIAN_MARKET_MATCH_H
#include <jansson.h>
#include <stdint.h>
#include "base/qerr.h"
#include "registry/account.h"
#include "store/db.h"

#define MARKET_MATCH_MAX_LIMIT 100

/* A free-text query (qilian match text, GET /api/v1/match). Unset strings are NULL. */
struct market_match_query {
	const char *text;           /* required, words are what is matched */
	const char *region;         /* delivery region, 2/4/6-digit GB/T 2260 code */
	const char *chain;          /* with segment: the segment asked for */
	const char *segment;
	const char *certifications; /* ';' or ','-separated required tags */
	int limit;                  /* 1..MARKET_MATCH_MAX_LIMIT, 0 = 10 */
};

/*
 * Ranked active supplies for an open demand the actor may read, and the
 * enterprises behind them merged with enterprises that declare the
 * demand's segment as a capability. *out (caller decrefs):
 *   {"demand": {...}, "results": [{"rank", "score", "supply", "explain"}],
 *    "enterprises": [{"enterprise", "score", "source", "supply_id"}], "took_ms"}
 * QERR_NOT_FOUND when the demand does not exist or is not visible.
 */
enum qerr market_match_demand(struct db *db, const struct actor *a, int64_t demand_id, int limit, json_t **out,
			      struct qerror *err);

/* Ranked open demands the actor may read for a supply: {"supply", "results": [{"rank","score","demand","explain"}]}. */
enum qerr market_match_supply(struct db *db, const struct actor *a, int64_t supply_id, int limit, json_t **out,
			      struct qerror *err);

/* Ranked active supplies for a free-text query: {"query", "results": [...], "took_ms"}. */
enum qerr market_match_text(struct db *db, const struct market_match_query *q, json_t **out, struct qerror *err);

/*
 * The bare ranking, for benchmarks and tests: fills ids[0..*n) and
 * scores with the top supplies for q (at most q->limit), best first, no
 * JSON and no enterprise lookups. Brings the index up to date first.
 */
enum qerr market_match_top(struct db *db, const struct market_match_query *q, int64_t *ids, double *scores, int *n,
			   struct qerror *err);

/*
 * Counts matches shown (platform statistics): one request and its number of
 * results, by day, the province of region and chain. Runs its own write
 * transaction, so the caller must not be inside one.
 */
enum qerr market_match_count(struct db *db, const char *region, const char *chain, int results, struct qerror *err);

/* Index statistics: {"supplies": {"docs", "terms", "postings", "bytes", "build_ms"}, "demands": {...}}. */
enum qerr market_match_index_stats(struct db *db, json_t **out, struct qerror *err);

/*
 * Builds both indexes in a background thread (its own connection to
 * db_path), so the first match after a server starts does not wait for
 * them; a match arriving earlier waits on the index lock instead.
 * market_match_warm_stop() cancels a build still running and joins the
 * thread; call it before the process exits.
 */
void market_match_warm_start(const char *db_path);
void market_match_warm_stop(void);

#endif
