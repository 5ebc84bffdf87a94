/*
 * rank.c - brute-force bm25 over a small candidate set (rank.h says what and why).
 *
 * One pass tokenizes every document once, counting its words (its length)
 * and, for each query term it contains, the weighted frequency; only the
 * (document, term, frequency) triples that occur are kept, so memory is
 * proportional to the matches, not to documents × terms. Document
 * frequencies and the mean length then give each triple its bm25 part.
 */
#include "text/rank.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RANK_K1 1.2
#define RANK_B 0.75

struct prep {
	struct text_rank_terms *t;
};

static int add_query_term(void *ctx, const struct text_token *tok)
{
	struct text_rank_terms *t = ((struct prep *)ctx)->t;
	for (int i = 0; i < t->n; i++)
		if (strcmp(t->term[i].word, tok->term) == 0)
			return 0;
	if (t->n == TEXT_RANK_MAX_TERMS)
		return 1;
	struct text_rank_term *nt = &t->term[t->n++];
	memcpy(nt->word, tok->term, tok->len);
	nt->word[tok->len] = '\0';
	nt->weight = 1.0;
	nt->idf = 0;
	return 0;
}

static enum qerr tokenizer_error(struct qerror *err, int rc)
{
	if (rc == TEXT_TOKENIZE_NOMEM)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	return qerr_set(err, QERR_INTERNAL, "tokenizer_unavailable", NULL,
			"the Chinese word segmenter could not be loaded (see /etc/friso/friso.ini)");
}

enum qerr text_rank_prepare(const char *query, struct text_rank_terms *terms, struct qerror *err)
{
	terms->n = 0;
	if (!query)
		return QERR_OK;
	struct prep p = {terms};
	int rc = text_tokenize(query, strlen(query), add_query_term, &p);
	if (rc < 0)
		return tokenizer_error(err, rc);
	return QERR_OK;
}

struct match {
	size_t doc;
	int term;
	int freq;
};

struct scan {
	const struct text_rank_terms *t;
	int freq[TEXT_RANK_MAX_TERMS]; /* this document's weighted frequencies */
	int weight;		       /* of the field being read */
	long len;		       /* this document's words */
};

static int count_term(void *ctx, const struct text_token *tok)
{
	struct scan *s = ctx;
	if (!(tok->flags & TEXT_TOKEN_SUBWORD))
		s->len++;
	for (int i = 0; i < s->t->n; i++)
		if (strcmp(s->t->term[i].word, tok->term) == 0) {
			s->freq[i] += s->weight;
			break;
		}
	return 0;
}

static int scan_field(struct scan *s, const char *text, int weight)
{
	if (!text || !*text)
		return 0;
	s->weight = weight;
	return text_tokenize(text, strlen(text), count_term, s);
}

static int cmp_hit(const void *a, const void *b)
{
	const struct text_rank_hit *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->doc < y->doc ? -1 : x->doc > y->doc;
}

enum qerr text_rank_score(struct text_rank_terms *terms, const struct text_rank_doc *docs, size_t ndocs, size_t k,
			  struct text_rank_hit *hits, size_t *nhits, struct qerror *err)
{
	*nhits = 0;
	if (terms->n == 0 || ndocs == 0 || k == 0)
		return QERR_OK;
	enum qerr rc = QERR_OK;
	struct match *m = NULL;
	size_t nm = 0, cap = 0;
	long *lens = calloc(ndocs, sizeof *lens);
	struct text_rank_hit *all = NULL;
	size_t nall = 0;
	long df[TEXT_RANK_MAX_TERMS] = {0};
	double total_len = 0;
	if (!lens)
		goto oom;
	for (size_t d = 0; d < ndocs; d++) {
		struct scan s = {.t = terms};
		int trc = scan_field(&s, docs[d].title, TEXT_RANK_TITLE_WEIGHT);
		if (trc == 0)
			trc = scan_field(&s, docs[d].description, 1);
		if (trc < 0) {
			rc = tokenizer_error(err, trc);
			goto out;
		}
		lens[d] = s.len;
		total_len += (double)s.len;
		for (int i = 0; i < terms->n; i++) {
			if (!s.freq[i])
				continue;
			if (nm == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				struct match *nmv = realloc(m, ncap * sizeof *m);
				if (!nmv)
					goto oom;
				m = nmv;
				cap = ncap;
			}
			m[nm++] = (struct match){d, i, s.freq[i]};
			df[i]++;
		}
	}
	double N = (double)ndocs;
	double avgdl = total_len > 0 ? total_len / N : 1.0;
	for (int i = 0; i < terms->n; i++)
		terms->term[i].idf = log(1.0 + (N - (double)df[i] + 0.5) / ((double)df[i] + 0.5));
	/* Triples come grouped by document in document order: one hit per group. */
	all = malloc((nm ? nm : 1) * sizeof *all);
	if (!all)
		goto oom;
	for (size_t j = 0; j < nm; j++) {
		const struct match *x = &m[j];
		if (nall == 0 || all[nall - 1].doc != x->doc)
			all[nall++] = (struct text_rank_hit){.doc = x->doc};
		double f = x->freq;
		double norm = 1.0 - RANK_B + RANK_B * (double)lens[x->doc] / avgdl;
		const struct text_rank_term *t = &terms->term[x->term];
		all[nall - 1].score += t->weight * t->idf * (f * (RANK_K1 + 1.0)) / (f + RANK_K1 * norm);
		all[nall - 1].matched |= UINT64_C(1) << x->term;
	}
	qsort(all, nall, sizeof *all, cmp_hit);
	for (size_t j = 0; j < nall && *nhits < k; j++)
		if (all[j].score > 0)
			hits[(*nhits)++] = all[j];
	goto out;
oom:
	rc = qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
out:
	free(all);
	free(m);
	free(lens);
	return rc;
}

enum qerr text_rank(const char *query, const struct text_rank_doc *docs, size_t ndocs, size_t k,
		    struct text_rank_hit *hits, size_t *nhits, struct text_rank_terms *terms, struct qerror *err)
{
	struct text_rank_terms local = {0};
	struct text_rank_terms *t = terms ? terms : &local;
	*nhits = 0;
	enum qerr rc = text_rank_prepare(query, t, err);
	if (rc)
		return rc;
	return text_rank_score(t, docs, ndocs, k, hits, nhits, err);
}

size_t text_rank_matched_words(const struct text_rank_terms *terms, const struct text_rank_hit *hit, const char **words,
			       size_t max)
{
	size_t n = 0;
	for (int i = 0; i < terms->n && n < max; i++)
		if (hit->matched & (UINT64_C(1) << i))
			words[n++] = terms->term[i].word;
	return n;
}
