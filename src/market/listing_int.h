/*
 * listing_int.h - helpers shared by the listing files (listing.c CRUD,
 * listing_csv.c import/export, listing_util.c) and subscription.c. Not a
 * public API: front ends use listing.h.
 */
#ifndef QILIAN_MARKET_LISTING_INT_H
#define QILIAN_MARKET_LISTING_INT_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/qerr.h"
#include "base/util.h"
#include "store/db.h"

#define LISTING_TITLE_MAX 200	  /* characters */
#define LISTING_DESC_MAX 5000	  /* characters */
#define LISTING_UNIT_MAX 20	  /* characters */
#define LISTING_TAG_MAX 64	  /* bytes of one certification tag */
#define LISTING_MAX_TAGS 32	  /* certifications per listing */
#define LISTING_MAX_REGIONS 64	  /* regions served per supply, regions per subscription */
#define LISTING_CODE_MAX 32	  /* chain ids and segment codes */

/* A piece of text that need not be NUL-terminated. */
struct listing_str {
	const char *s;
	size_t n;
};

/* QERR_INVALID naming field unless text has min..max characters and no control characters (tab and newline are
 * allowed when multiline). */
enum qerr listing_check_text(const char *text, const char *field, size_t min, size_t max, bool multiline,
			     struct qerror *err);

/*
 * Normalises a region code (2, 4 or 6 digits of a known GB/T 2260 division)
 * to its significant prefix in out: "320000" -> "32", "320500" -> "3205",
 * "3205" -> "3205", "320505" -> "320505". QERR_INVALID naming field otherwise.
 */
enum qerr listing_region_norm(const char *code, size_t len, const char *field, char out[7], struct qerror *err);

/*
 * Normalises a list of region codes (listing_region_norm each) or of
 * certification tags (trimmed, ASCII upper-cased, 1-64 bytes without ';',
 * ',' or control characters) into the stored form: sorted, unique,
 * ';'-joined, appended to out (which the caller zero-initialises and frees).
 * skip_empty: entries that are empty after trimming are dropped (CSV) rather
 * than refused (JSON).
 */
enum qerr listing_norm_regions(const struct listing_str *items, size_t n, bool skip_empty, const char *field,
			       struct buf *out, struct qerror *err);
enum qerr listing_norm_tags(const struct listing_str *items, size_t n, bool skip_empty, const char *field,
			    struct buf *out, struct qerror *err);

/* Splits text at ';' into at most max pieces; false when there are more. */
bool listing_split(const char *text, struct listing_str *items, size_t max, size_t *n);

/* The pieces of a JSON array of strings (borrowed pointers); false when it has more than max. */
bool listing_json_items(const json_t *arr, struct listing_str *items, size_t max, size_t *n);

/* A stored ';'-joined list as a JSON array of strings (new reference; [] for ""). */
json_t *listing_list_json(const char *joined);

/*
 * Checks a deadline "YYYY-MM-DDTHH:MM:SSZ" (UTC, a real date and time),
 * and that it lies in the future when future is true.
 */
enum qerr listing_check_deadline(const char *text, const char *field, bool future, struct qerror *err);


/*
 * The enterprise with this USCC: *id and *org_id (0 = no owner). missing is
 * the error code when none is registered (404 for a path, 422 for a body).
 */
enum qerr listing_enterprise(struct db *db, const char *uscc, const char *field, enum qerr missing, int64_t *id,
			     int64_t *org_id, struct qerror *err);

/*
 * Resolves chain and segment of a body: both absent (or null) gives
 * *sid = 0; one without the other, an unknown chain or segment is
 * QERR_INVALID naming the field.
 */
enum qerr listing_segment(struct db *db, const char *chain, const char *segment, int64_t *sid, struct qerror *err);

/* Inside a write transaction: bumps counter name and returns its new value (the seq for the rows written). */
enum qerr listing_next_seq(struct db *db, const char *name, int64_t *seq, struct qerror *err);


/* Matches a new or changed public demand against every subscription (subscription.c). */
enum qerr market_subscriptions_notify(struct db *db, int64_t demand_id, struct qerror *err);

/*
 * per-backend: PostgreSQL's word index (0003_market.pg.sql). Writes the
 * words of a listing's title and description - our tokenizer's document
 * terms, sub-words included, as SQLite's FTS5 tables index them - as the
 * tsvector of supplies_fts / demands_fts for listing id, in the caller's
 * transaction. Nothing on SQLite, where triggers keep the FTS5 tables.
 */
enum qerr listing_words_write(struct db *db, bool demand, int64_t id, const char *title, size_t title_len,
			      const char *description, size_t description_len, struct qerror *err);

/* Appends term to b as one quoted tsvector/tsquery lexeme ('' and \\ escaped). */
bool listing_lexeme(struct buf *b, const char *term, size_t len);

#endif
