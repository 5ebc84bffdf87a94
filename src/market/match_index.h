/*
 * match_index.h - the in-memory inverted index that ranks listings (internal
 * to src/market; match.h is the public face).
 *
 * One index per listing kind, shared by every thread of the process:
 *  - a term dictionary (words from tokenizer.h, index mode) with a posting
 *    list per term: document numbers ascending and each one's weighted
 *    frequency (title hits × MI_TITLE_WEIGHT + description hits), cut in
 *    blocks of MI_BLOCK postings that remember their last document, their
 *    highest frequency and their shortest document, so a cursor can skip a
 *    block in one step and a block's best possible bm25 is known;
 *  - a posting list per segment;
 *  - per document: listing id, enterprise, segment, regions, certification
 *    ids, its length in words, and a static score (专精特新 level and the
 *    supplier's scorecard).
 * Document numbers only grow: a changed listing is killed and appended
 * again, so lists stay sorted without moving anything. When a third of the
 * documents are dead the next refresh rebuilds from scratch.
 *
 * Search is document-at-a-time MaxScore: lists are ordered by their score
 * bound; once the k-th best score so far is above what the low lists plus
 * the largest region and static bonus could add, those lists stop
 * producing candidates and are only probed (with block skipping) for
 * documents the others found. The result is exactly the top k of scoring
 * every document, which test_match.c checks against brute force and
 * against FTS5's own bm25().
 */
#ifndef QILIAN_MARKET_MATCH_INDEX_H
#define QILIAN_MARKET_MATCH_INDEX_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/qerr.h"
#include "store/db.h"

enum mi_kind { MI_SUPPLIES, MI_DEMANDS };

#define MI_TITLE_WEIGHT 2  /* a title hit counts twice (bm25 column weight) */
#define MI_MAX_TERMS 64    /* query words considered (a bit each in the matched mask) */
#define MI_MAX_CERTS 32

/* Ranking weights, documented in docs/market.md. */
/*
 * Ranking weights, documented in docs/market.md. Text relevance leads: the
 * bonuses reorder suppliers of about equally relevant listings (a local
 * 小巨人 first) but are too small to lift a listing of another product
 * over the asked one (with region 1/2/3 a local bolt maker outranked nut
 * makers for a nut demand; bench/RESULTS.md).
 */
#define MI_W_SEGMENT 3.0
#define MI_W_REGION_PROVINCE 0.5
#define MI_W_REGION_CITY 1.0
#define MI_W_REGION_COUNTY 1.5
#define MI_W_LEVEL_INNOVATIVE 0.25
#define MI_W_LEVEL_PROVINCIAL 0.5
#define MI_W_LEVEL_MAX 0.75 /* 国家级专精特新"小巨人" */
#define MI_W_SCORECARD 0.5
/*
 * A query without a segment: the segments its words' listings are in
 * (sampled from each word's postings, weighted by the word's weight and
 * idf) give the listings of each segment holding at least
 * MI_INFER_MIN_SHARE of that mass a bonus of MI_W_SEGMENT_INFER times the
 * share (at most MI_INFER_SEGMENTS segments).
 */
#define MI_W_SEGMENT_INFER 1.5
#define MI_INFER_MIN_SHARE 0.25
#define MI_INFER_SEGMENTS 3

/*
 * The query's terms are the text's words and sub-words (index mode) and
 * their vocabulary expansions (text/vocab.h: each with a weight that
 * multiplies its bm25) that the index knows, at most MI_MAX_TERMS (the
 * heaviest weight x idf kept). Listings are indexed with the vocabulary's
 * compounds too (text_vocab_tokenize), and an index built with one set of
 * vocabulary keys is rebuilt when the set changes. Single Chinese
 * characters count too: trade terms the dictionary lacks (级进模, 斜齿,
 * 壳体) segment into them, and dropping them lost the spec family that
 * tells 级进模 from 拉伸模 (nDCG@10 0.993 without them, bench/RESULTS.md).
 */
struct mi_query {
	const char *text;         /* tokenized in index mode: words and sub-words */
	size_t text_len;
	uint32_t sid;             /* 0: no segment wish */
	const char *region;       /* delivery region (query of supplies) or the supplier's regions (';'-joined) */
	const char *certs;        /* ';'-joined normalised tags */
	bool certs_held;          /* false: docs must hold every cert of the query (supplies);
	                             true: the query holds certs and a doc's required ones must be among them (demands) */
	int64_t exclude_enterprise;
	int64_t now;              /* demands: skip those whose deadline is before now (epoch seconds) */
	int k;
	bool literal;             /* true: the text's words only, no vocabulary expansion, no segment inference */
};

struct mi_hit {
	int64_t id;               /* listing id */
	int64_t enterprise_id;
	double score;
	double text;              /* bm25 part */
	double segment;
	double inferred;          /* the inferred-segment bonus (0 when the query named a segment) */
	uint32_t sid;             /* the listing's segment (0: none) */
	double region;
	int region_level;         /* 0 none, 1 province, 2 city, 3 county */
	double static_score;      /* level + scorecard as indexed */
	uint64_t matched;         /* bit i: query term i found */
	bool is_public;           /* demands: visibility public */
};

/* The query's terms (after mi_search), for naming matched words: term i of the mask. */
struct mi_terms {
	int n;
	char term[MI_MAX_TERMS][64];
	double idf[MI_MAX_TERMS];
	double weight[MI_MAX_TERMS];       /* the term's weight in the query (text/vocab.h) */
	int origin[MI_MAX_TERMS];          /* enum text_vocab_origin */
	int kind[MI_MAX_TERMS];            /* enum text_vocab_kind of an expansion, -1 otherwise */
	char display[MI_MAX_TERMS][64];    /* as written */
	char explain[MI_MAX_TERMS][200];   /* "马达 → 电机 (俗称)"; "" for the query's own words */
	/* the inferred segments (query without a segment) and their bonus */
	int ninferred;
	uint32_t inferred_sid[MI_INFER_SEGMENTS];
	double inferred_share[MI_INFER_SEGMENTS];
	/* what the search did (benchmarks; MI_TERMS_COUNTERS says these fields exist) */
#define MI_TERMS_COUNTERS 1
	int expanded;	    /* terms of the query's expansion (text/vocab.h), before the index lookup */
	int lists;	    /* posting lists searched (terms the index holds, plus the segment list) */
	int64_t candidates; /* documents an essential list produced */
	int64_t probes;	    /* seeks into non-essential lists */
};

/*
 * Brings the kind's index up to date with db (building it on first use) and
 * returns the top q->k hits in hits[0..*n), best first (ties: lower listing
 * id first), with the query's terms in terms (may be NULL). The read lock
 * is taken and released inside. Errors: database errors; QERR_INTERNAL
 * when the tokenizer or memory fails.
 */
enum qerr mi_search(struct db *db, enum mi_kind kind, const struct mi_query *q, struct mi_hit *hits, int *n,
		    struct mi_terms *terms, struct qerror *err);

/* The same ranking by scoring every document (tests and benchmarks compare it with mi_search). */
enum qerr mi_search_exhaustive(struct db *db, enum mi_kind kind, const struct mi_query *q, struct mi_hit *hits,
			       int *n, struct mi_terms *terms, struct qerror *err);

/* Refreshes the index and describes it: {"docs","alive","terms","postings","bytes","build_ms","version"}. */
enum qerr mi_stats(struct db *db, enum mi_kind kind, json_t **out, struct qerror *err);

/*
 * A supplier's scorecard bonus (0..MI_W_SCORECARD) from its order counts:
 * the mean of the on-time and acceptance rates (0.5 for a rate without
 * data), scaled down below five orders; 0 without orders.
 */
double mi_scorecard_bonus(int64_t orders, int64_t delivered, int64_t on_time, int64_t accepted, int64_t rejected);

/* While on, index builds stop early with an error (a server shutting down does not wait for one). */
void mi_cancel_builds(bool on);

/* The weight of a 专精特新 level ("none", "innovative", "provincial", "little_giant"; unknown: 0). */
double mi_level_weight(const char *level);

/* The weight of a region proximity level (0 none .. 3 county). */
double mi_region_weight(int level);

/*
 * Searches bound every posting list per chunk of 2^MI_CHUNK_SHIFT document
 * numbers (the list's best posting there), skipping chunks that cannot
 * reach the k-th score. mi_set_chunk_shift drops both indexes and builds
 * the next ones with chunks of 2^shift (tests: small chunks on small data).
 */
#define MI_CHUNK_SHIFT 12
void mi_set_chunk_shift(unsigned shift);

/* Drops both indexes (tests that reopen another database; never while a search runs). */
void mi_reset(void);

/* Region proximity level of two GB/T 2260 codes (2, 4 or 6 digits): 3 county, 2 city, 1 province, 0 none. */
int mi_region_level(const char *a, size_t alen, const char *b, size_t blen);

#endif
