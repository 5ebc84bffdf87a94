/*
 * fuzz_tokenizer.c - libFuzzer harness for the Chinese word tokenizer that
 * every listing, match query and search text goes through: over any bytes,
 * text_tokenize and text_tokenize_query return 0 and every term is
 * 1..TEXT_TOKEN_MAX bytes, NUL-terminated, valid UTF-8, with a byte range
 * inside the input in non-decreasing order; sub-words only in index mode,
 * never first, and inside the range of the word before them.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "text/tokenizer.h"

struct check {
	size_t len;
	size_t last_start;
	size_t word_start, word_end;
	int words;
	int query;
};

static int on_token(void *ctx, const struct text_token *t)
{
	struct check *c = ctx;
	if (t->len == 0 || t->len > TEXT_TOKEN_MAX || t->term[t->len] != '\0' || strlen(t->term) != t->len ||
	    !util_utf8_valid(t->term, t->len))
		abort();
	if (t->start >= t->end || t->end > c->len)
		abort();
	if (t->flags & TEXT_TOKEN_SUBWORD) {
		if (c->query || c->words == 0 || t->start < c->word_start || t->end > c->word_end)
			abort();
	} else {
		if (t->start < c->last_start)
			abort();
		c->last_start = t->start;
		c->word_start = t->start;
		c->word_end = t->end;
		c->words++;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int query = 0; query < 2; query++) {
		struct check c = {.len = size, .query = query};
		int rc = query ? text_tokenize_query((const char *)data, size, on_token, &c)
			       : text_tokenize((const char *)data, size, on_token, &c);
		if (rc != 0)
			abort();
	}
	return 0;
}
