/*
 * fts.c - registers the market tokenizer with SQLite FTS5 (v1 tokenizer API,
 * as SQLite 3.40.1 has it) and translates between the two callback styles.
 *
 * The tokenizer holds no per-table state (the segmenter is per process, the
 * friso task per thread), so xCreate hands out one static instance.
 */
#include "market/fts.h"

#include <stddef.h>
#include "base/log.h"
#include "market/tokenizer.h"

struct fts_tokenizer {
	int unused;
};
static struct fts_tokenizer fts_instance;

static int fts_create(void *user, const char **args, int nargs, Fts5Tokenizer **out)
{
	*out = NULL;
	if (nargs != 0) {
		log_error("fts5 tokenizer %s takes no options (%d given)", MARKET_FTS_TOKENIZER, nargs);
		return SQLITE_ERROR;
	}
	struct qerror err;
	qerr_clear(&err);
	if (market_tokenizer_init(NULL, &err) != QERR_OK) {
		log_error("fts5 tokenizer %s: %s", MARKET_FTS_TOKENIZER, err.message);
		return SQLITE_ERROR;
	}
	*out = (Fts5Tokenizer *)&fts_instance;
	return SQLITE_OK;
}

static void fts_delete(Fts5Tokenizer *tok) {}

struct fts_bridge {
	void *ctx;
	int (*token)(void *ctx, int tflags, const char *token, int ntoken, int start, int end);
};

static int fts_token(void *p, const struct market_token *t)
{
	struct fts_bridge *b = p;
	int tflags = (t->flags & MARKET_TOKEN_SUBWORD) ? FTS5_TOKEN_COLOCATED : 0;
	/* Lengths and offsets fit: FTS5 gave us the text as an int-sized buffer. */
	return b->token(b->ctx, tflags, t->term, (int)t->len, (int)t->start, (int)t->end);
}

static int fts_tokenize(Fts5Tokenizer *tok, void *ctx, int flags, const char *text, int len,
			int (*token)(void *ctx, int tflags, const char *token, int ntoken, int start, int end))
{
	if (!text || len <= 0)
		return SQLITE_OK;
	struct fts_bridge b = {.ctx = ctx, .token = token};
	/* Documents and auxiliary functions get sub-words (colocated); MATCH text gets words only. */
	int rc = (flags & FTS5_TOKENIZE_QUERY) ? market_tokenize_query(text, (size_t)len, fts_token, &b)
					       : market_tokenize(text, (size_t)len, fts_token, &b);
	if (rc == MARKET_TOKENIZE_NOMEM)
		return SQLITE_NOMEM;
	if (rc < 0)
		return SQLITE_ERROR;
	return rc; /* SQLITE_OK, or what FTS5's callback returned to stop us */
}

static fts5_tokenizer fts_methods = {
    .xCreate = fts_create,
    .xDelete = fts_delete,
    .xTokenize = fts_tokenize,
};

enum qerr market_fts_register(sqlite3 *db, struct qerror *err)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK || !api || api->iVersion < 2)
		return qerr_set(err, QERR_INTERNAL, "fts5_unavailable", NULL, "SQLite FTS5 is not available (%s)",
				rc ? sqlite3_errmsg(db) : "no fts5_api");
	rc = api->xCreateTokenizer(api, MARKET_FTS_TOKENIZER, NULL, &fts_methods, NULL);
	if (rc != SQLITE_OK)
		return qerr_set(err, QERR_INTERNAL, "fts5_unavailable", NULL, "cannot register the %s tokenizer: %s",
				MARKET_FTS_TOKENIZER, sqlite3_errstr(rc));
	return QERR_OK;
}
