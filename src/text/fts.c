/*
 * fts.c - the word tokenizer offered to the store's full-text indexes
 * through the seam's tokenizer interface (db_register_tokenizer), so the
 * store never includes text/ and text/ never sees SQLite.
 */
#include "text/fts.h"

#include "text/tokenizer.h"

static enum qerr fts_init(struct qerror *err) { return text_tokenizer_init(NULL, err); }

struct fts_bridge {
	db_token_fn fn;
	void *ctx;
};

static int fts_token(void *p, const struct text_token *t)
{
	const struct fts_bridge *b = p;
	struct db_token dt = {
	    .term = t->term,
	    .len = t->len,
	    .start = t->start,
	    .end = t->end,
	    .colocated = (t->flags & TEXT_TOKEN_SUBWORD) != 0,
	};
	return b->fn(b->ctx, &dt);
}

static int fts_tokenize(const char *text, size_t len, bool query, db_token_fn fn, void *ctx)
{
	struct fts_bridge b = {.fn = fn, .ctx = ctx};
	int rc = query ? text_tokenize_query(text, len, fts_token, &b) : text_tokenize(text, len, fts_token, &b);
	if (rc == TEXT_TOKENIZE_NOMEM)
		return DB_TOKENIZE_NOMEM;
	if (rc < 0)
		return DB_TOKENIZE_ERROR;
	return rc;
}

static const struct db_tokenizer fts_tokenizer = {
    .name = TEXT_FTS_TOKENIZER,
    .init = fts_init,
    .tokenize = fts_tokenize,
};

enum qerr text_fts_register(struct db *db, struct qerror *err) { return db_register_tokenizer(db, &fts_tokenizer, err); }

void text_fts_install(void) { db_add_open_hook(text_fts_register); }
