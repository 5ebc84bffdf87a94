/*
 * graph.h - the in-memory supply graph snapshot and the chain analytics
 * computed on it (definitions in DESIGN.md §4).
 *
 * A snapshot is immutable: compact arrays (CSR adjacency both ways, by
 * buyer and by supplier, with the amount and segment of every relation)
 * built from the store in one pass. graph_acquire() hands out the current
 * snapshot, rebuilding it when graph_version changed; readers keep theirs
 * until they release it, so a rebuild never blocks a running query.
 *
 * Every analytics function returns JSON (new reference in *out) that the
 * CLI prints and the API returns unchanged. Enterprises are identified by
 * USCC in inputs and outputs. Shares are fractions 0..1; amounts are fen.
 */
#ifndef QILIAN_GRAPH_H
#define QILIAN_GRAPH_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/qerr.h"
#include "registry/account.h"
#include "store/db.h"

struct graph;

/* Builds a snapshot from the store. NULL with err on failure. */
struct graph *graph_build(struct db *db, struct qerror *err);
void graph_free(struct graph *g);

/* The shared current snapshot (rebuilt if the store's graph_version moved). Release when done. */
struct graph *graph_acquire(struct db *db, struct qerror *err);
void graph_release(struct graph *g);

/* Sizes, build time and memory of a snapshot: {enterprises, relations, segments, build_ms, bytes, version}. */
json_t *graph_stats(const struct graph *g);

struct health_options {
	const char *region;     /* supplier region prefix (2/4/6 digits) or NULL */
	int min_suppliers;      /* weak when active suppliers <= this (default 2) */
	double max_hhi;         /* weak when supply or province HHI >= this (default 0.25) */
	int64_t only_buyer_org; /* > 0: only relations whose buyer this organisation owns (a chain leader's supply base) */
};

/*
 * Per segment of chain: capable, active_suppliers, amount_fen, hhi,
 * province_hhi, zjtx_share (专精特新 share of amount), weak, weak_rules.
 */
enum qerr graph_health(struct graph *g, struct db *db, const char *chain, const struct health_options *o, json_t **out,
		       struct qerror *err);

/* Per segment the buyer buys: suppliers with amounts and shares, hhi, single_source. chain may be NULL. */
enum qerr graph_suppliers(struct graph *g, struct db *db, const char *buyer_uscc, const char *chain, json_t **out,
			  struct qerror *err);

enum region_level { REGION_PROVINCE = 2, REGION_CITY = 4, REGION_COUNTY = 6 };

/* Local supporting rate (周边配套率) of the buyer at a level, overall and per segment. */
enum qerr graph_local_rate(struct graph *g, struct db *db, const char *buyer_uscc, enum region_level level,
			   json_t **out, struct qerror *err);

struct disrupt_options {
	const char *const *enterprises; /* USCCs knocked out at tier 0 (NULL-terminated), or NULL */
	const char *region;             /* or every enterprise in this region (prefix) */
	double threshold;               /* default 0.5 */
	int max_tier;                   /* 0 = unlimited */
};

/*
 * The disruption cascade: affected [{uscc, name, tier, lost:[{chain, segment, share, amount_fen}]}],
 * partially_affected (lost below the threshold), totals per tier and per segment.
 */
enum qerr graph_disrupt(struct graph *g, struct db *db, const struct disrupt_options *o, json_t **out,
			struct qerror *err);

struct fill_options {
	const char *buyer;  /* USCC: exclude its current suppliers, rank proximity to it */
	const char *region; /* or rank proximity to this region */
	int limit;          /* default 20 */
};

/* Ranked gap-filling candidates for a segment with the reasons for each rank (精准补链). */
enum qerr graph_fill(struct graph *g, struct db *db, const char *chain, const char *segment,
		     const struct fill_options *o, json_t **out, struct qerror *err);

/*
 * Critical enterprises of a buyer: per segment it buys, the enterprises that
 * every supply path of that segment into the buyer passes through (common
 * dominators of all the path sources, by Cooper-Harvey-Kennedy), nearest first.
 */
enum qerr graph_critical(struct graph *g, struct db *db, const char *buyer_uscc, json_t **out, struct qerror *err);

/* Authorisation for buyer-scoped analytics: the operator, or the organisation owning the buyer. */
enum qerr graph_check_buyer_access(struct db *db, const struct actor *a, const char *buyer_uscc, struct qerror *err);

#endif
