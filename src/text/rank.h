/*
 * rank.h - ranking a small set of documents against a query by Chinese words.
 *
 * The market's search (src/market/match_index.h) keeps an inverted index of
 * a million listings. Other chains search a few hundred to a few tens of
 * thousands of things (shared resources, talents, challenges) that they
 * read from the database on each request; for them this module scores
 * every candidate by brute force, with the same words and the same
 * weighting as the market:
 *  - documents and the query are tokenized with tokenizer.h in index mode
 *    (words and their sub-words), so 电机 finds 永磁同步电机 and never
 *    电视机, 轴承 finds 深沟球轴承, M8 and iatf16949 are words of their own;
 *  - a document's frequency of a term is title hits × TEXT_RANK_TITLE_WEIGHT
 *    plus description hits (the market's MI_TITLE_WEIGHT); its length is
 *    its number of words (sub-words do not count);
 *  - score = Σ over query terms of weight × idf × bm25 saturation, with
 *    k1 = 1.2, b = 0.75 (the market's). idf is Lucene's
 *    ln(1 + (N − n + 0.5) / (n + 0.5)), always positive: with only a few
 *    candidates the classic form goes negative for a word most of them
 *    share, and a document matching it would then rank below one that
 *    matches nothing.
 * Only documents matching at least one term are returned, best first, ties
 * by lower document index. Each hit says which query terms it matched, for
 * explanations ("matched: 盐雾, 试验箱").
 *
 * Two steps, so a caller can change the terms in between (a vocabulary may
 * add synonyms with a lower weight, or drop terms):
 *   struct text_rank_terms t;
 *   text_rank_prepare("盐雾试验箱", &t, &err);   // words of the query
 *   ...add or reweight t.term[i]...
 *   text_rank_score(&t, docs, ndocs, k, hits, &nhits, &err);
 * text_rank() does both. Thread-safe (the tokenizer is); no allocation
 * visible to the caller.
 */
#ifndef QILIAN_TEXT_RANK_H
#define QILIAN_TEXT_RANK_H
#include <stddef.h>
#include <stdint.h>
#include "base/qerr.h"
#include "text/tokenizer.h"

#define TEXT_RANK_TITLE_WEIGHT 2 /* a title hit counts twice, as the market's MI_TITLE_WEIGHT */
#define TEXT_RANK_MAX_TERMS 64	 /* query terms kept (a bit each in text_rank_hit.matched) */

/* A candidate: NUL-terminated UTF-8 texts, either may be NULL (empty). Not copied. */
struct text_rank_doc {
	const char *title;
	const char *description;
};

/* The query's terms: distinct words in query order, at most TEXT_RANK_MAX_TERMS. */
struct text_rank_terms {
	int n;
	struct text_rank_term {
		char word[TEXT_TOKEN_MAX + 1]; /* folded as the tokenizer folds it */
		double weight;		       /* 1.0 from text_rank_prepare; a synonym may carry less */
		double idf;		       /* filled by text_rank_score from the candidates */
	} term[TEXT_RANK_MAX_TERMS];
};

struct text_rank_hit {
	size_t doc;	  /* index into the docs array */
	double score;	  /* > 0 */
	uint64_t matched; /* bit i set: terms.term[i] occurs in the document */
};

/*
 * Fills *terms with the words of query (index mode: words and sub-words,
 * each once; a query of more than TEXT_RANK_MAX_TERMS distinct words keeps
 * the first ones). A query without any word gives terms->n == 0 (then
 * nothing matches). Errors: QERR_INTERNAL "tokenizer_unavailable".
 */
enum qerr text_rank_prepare(const char *query, struct text_rank_terms *terms, struct qerror *err);

/*
 * Scores docs[0..ndocs) against terms (setting terms->term[i].idf) and
 * writes the best min(k, matching) hits to hits[0..*nhits), best first.
 * hits must have room for k entries. Errors: QERR_INTERNAL
 * "tokenizer_unavailable" or "out_of_memory".
 */
enum qerr text_rank_score(struct text_rank_terms *terms, const struct text_rank_doc *docs, size_t ndocs, size_t k,
			  struct text_rank_hit *hits, size_t *nhits, struct qerror *err);

/* text_rank_prepare then text_rank_score; terms may be NULL when the caller needs no matched words. */
enum qerr text_rank(const char *query, const struct text_rank_doc *docs, size_t ndocs, size_t k,
		    struct text_rank_hit *hits, size_t *nhits, struct text_rank_terms *terms, struct qerror *err);

/*
 * Points words[0..return) at the matched words of hit (in query order, at
 * most max of them); the strings live in terms.
 */
size_t text_rank_matched_words(const struct text_rank_terms *terms, const struct text_rank_hit *hit, const char **words,
			       size_t max);

#endif
