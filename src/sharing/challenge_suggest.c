/*
 * challenge_suggest.c - solvers to invite for a challenge. Three signals,
 * each explained in the answer:
 *  - capability: the enterprise declares the challenge's segment in the
 *    chain map (capabilities table);
 *  - listings: its active supplies in the market (read through
 *    market/listing.h) ranked by the challenge's words with text/rank.h, the
 *    market's Chinese-aware word ranking (电机 finds 永磁同步电机, never 电视机);
 *  - past results: proposals of its that won or were shortlisted in other
 *    challenges.
 * score = 10 × capability + 6 × wins + 3 × shortlists + the best listing's
 * word score; the poster's own enterprises are left out.
 */
#include "sharing/challenge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "market/listing.h"
#include "sharing/challenge_int.h"
#include "text/rank.h"

#define SUGGEST_MAX 400

struct candidate {
	int64_t id;
	char uscc[19];
	char name[256];
	bool capable;
	int wins, shortlists;
	double text;
	char listing[256];
	char words[256];
	double score;
};

struct pool {
	struct candidate c[SUGGEST_MAX];
	size_t n;
};

static struct candidate *find_or_add(struct pool *p, int64_t id, const char *uscc, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->c[i].id == id || (uscc && strcmp(p->c[i].uscc, uscc) == 0))
			return &p->c[i];
	if (p->n >= SUGGEST_MAX)
		return NULL;
	struct candidate *c = &p->c[p->n++];
	memset(c, 0, sizeof *c);
	c->id = id;
	snprintf(c->uscc, sizeof c->uscc, "%s", uscc ? uscc : "");
	snprintf(c->name, sizeof c->name, "%s", name ? name : "");
	return c;
}

static int by_score(const void *x, const void *y)
{
	const struct candidate *a = x, *b = y;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return strcmp(a->uscc, b->uscc);
}

/* The challenge's words: title, problem and capabilities. Caller frees. */
static char *challenge_query(struct db *db, int64_t id, char chain[33], char segment[65], struct qerror *err)
{
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT c.title,c.problem,c.capabilities,coalesce(c.chain_id,''),coalesce(s.code,'')"
		       " FROM challenges c LEFT JOIN segments s ON s.sid=c.sid WHERE c.id=?",
		       err);
	if (!st)
		return NULL;
	db_bind_int64(st, 1, id);
	if (db_one(st, err))
		return NULL;
	size_t n = strlen(db_col_text(st, 0)) + strlen(db_col_text(st, 1)) + strlen(db_col_text(st, 2)) + 3;
	char *q = malloc(n);
	if (q)
		snprintf(q, n, "%s %s %s", db_col_text(st, 0), db_col_text(st, 2), db_col_text(st, 1));
	snprintf(chain, 33, "%s", db_col_text(st, 3));
	snprintf(segment, 65, "%s", db_col_text(st, 4));
	db_reset(st);
	return q;
}

enum qerr challenge_suggest(struct db *db, const struct actor *a, int64_t id, int limit, json_t **out,
			    struct qerror *err)
{
	*out = NULL;
	if (limit < 1 || limit > 100)
		limit = 20;
	struct challenge_row c;
	if (chl_load(db, id, &c, err))
		return err->code;
	if (!chl_readable(a, &c))
		return chl_not_found(err, id);
	if (!chl_is_poster(a, &c))
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				"推荐揭榜方仅对发榜方可见 (suggestions are the poster's)");
	struct pool *p = calloc(1, sizeof *p);
	if (!p)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	char chain[33], segment[65];
	char *query = challenge_query(db, id, chain, segment, err);
	json_t *supplies = NULL;
	struct text_rank_doc *docs = NULL;
	struct text_rank_hit *hits = NULL;
	enum qerr rc = QERR_OK;
	if (!query) {
		rc = err->code ? err->code : QERR_INTERNAL;
		goto out;
	}
	/* Capability: declared in the chain map for the segment. */
	if (c.sid) {
		struct db_stmt *st = db_prepare(
		    db,
		    "SELECT e.id,e.uscc,e.name FROM capabilities k JOIN enterprises e ON e.id=k.enterprise_id"
		    " WHERE k.sid=? AND coalesce(e.org_id,0)<>? ORDER BY e.id LIMIT 200",
		    err);
		if (!st) {
			rc = err->code;
			goto out;
		}
		db_bind_int64(st, 1, c.sid);
		db_bind_int64(st, 2, c.poster_org_id);
		int s;
		while ((s = db_step(st, err)) == DB_ROW) {
			struct candidate *k =
			    find_or_add(p, db_col_int64(st, 0), db_col_text(st, 1), db_col_text(st, 2));
			if (k)
				k->capable = true;
		}
		db_reset(st);
		if (s < 0) {
			rc = err->code;
			goto out;
		}
	}
	/* Past results in other challenges. */
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT e.id,e.uscc,e.name,p.status FROM challenge_proposals p JOIN enterprises e"
		       " ON e.id=p.lead_enterprise_id WHERE p.challenge_id<>? AND (p.status='winner' OR"
		       " p.status='shortlisted') AND coalesce(e.org_id,0)<>? ORDER BY p.id LIMIT 1000",
		       err);
	if (!st) {
		rc = err->code;
		goto out;
	}
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, c.poster_org_id);
	int s;
	while ((s = db_step(st, err)) == DB_ROW) {
		struct candidate *k = find_or_add(p, db_col_int64(st, 0), db_col_text(st, 1), db_col_text(st, 2));
		if (!k)
			continue;
		if (strcmp(db_col_text(st, 3), "winner") == 0)
			k->wins++;
		else
			k->shortlists++;
	}
	db_reset(st);
	if (s < 0) {
		rc = err->code;
		goto out;
	}
	/* Listings: active supplies of the segment (every active supply without one), ranked by the challenge's words.
	 */
	struct listing_filter f = {
	    .chain = chain[0] ? chain : NULL, .segment = segment[0] ? segment : NULL, .status = "active", .limit = 500};
	if ((rc = market_supply_list(db, a, &f, &supplies, err)))
		goto out;
	json_t *items = json_object_get(supplies, "items");
	size_t nd = json_array_size(items);
	if (nd) {
		docs = calloc(nd, sizeof *docs);
		hits = calloc(nd, sizeof *hits);
		if (!docs || !hits) {
			rc = qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < nd; i++) {
			json_t *it = json_array_get(items, i);
			docs[i].title = json_string_value(json_object_get(it, "title"));
			docs[i].description = json_string_value(json_object_get(it, "description"));
		}
		struct text_rank_terms terms;
		size_t nh = 0;
		if ((rc = text_rank(query, docs, nd, nd, hits, &nh, &terms, err)))
			goto out;
		for (size_t h = 0; h < nh; h++) {
			json_t *it = json_array_get(items, hits[h].doc);
			json_t *e = json_object_get(it, "enterprise");
			const char *uscc = json_string_value(json_object_get(e, "uscc"));
			/* The poster's own supplies are not suggestions. */
			struct db_stmt *o =
			    db_prepare(db, "SELECT id,coalesce(org_id,0) FROM enterprises WHERE uscc=?", err);
			if (!o) {
				rc = err->code;
				goto out;
			}
			db_bind_text(o, 1, uscc);
			int64_t eid = 0, org = 0;
			if (db_one(o, err) == QERR_OK) {
				eid = db_col_int64(o, 0);
				org = db_col_int64(o, 1);
				db_reset(o);
			}
			qerr_clear(err);
			if (!eid || org == c.poster_org_id)
				continue;
			struct candidate *k = find_or_add(p, eid, uscc, json_string_value(json_object_get(e, "name")));
			if (!k || k->text >= hits[h].score)
				continue;
			k->text = hits[h].score;
			snprintf(k->listing, sizeof k->listing, "%s", docs[hits[h].doc].title);
			const char *words[8];
			size_t nw = text_rank_matched_words(&terms, &hits[h], words, 8);
			k->words[0] = 0;
			for (size_t w = 0; w < nw; w++) {
				size_t len = strlen(k->words);
				snprintf(k->words + len, sizeof k->words - len, "%s%s", w ? ", " : "", words[w]);
			}
		}
	}
	for (size_t i = 0; i < p->n; i++)
		p->c[i].score =
		    (p->c[i].capable ? 10 : 0) + 6.0 * p->c[i].wins + 3.0 * p->c[i].shortlists + p->c[i].text;
	qsort(p->c, p->n, sizeof p->c[0], by_score);
	json_t *arr = json_array();
	for (size_t i = 0; i < p->n && (int)i < limit; i++) {
		struct candidate *k = &p->c[i];
		json_t *why = json_array();
		if (k->capable)
			json_array_append_new(why, json_pack("{s:s,s:s}", "kind", "capability", "text", segment));
		if (k->text > 0)
			json_array_append_new(
			    why, json_pack("{s:s,s:s,s:s}", "kind", "listing", "text", k->listing, "words", k->words));
		if (k->wins || k->shortlists)
			json_array_append_new(why, json_pack("{s:s,s:i,s:i}", "kind", "past_results", "wins", k->wins,
							     "shortlists", k->shortlists));
		json_array_append_new(arr, json_pack("{s:{s:s,s:s},s:f,s:o}", "enterprise", "uscc", k->uscc, "name",
						     k->name, "score", k->score, "why", why));
	}
	*out = json_pack("{s:I,s:o}", "challenge_id", (json_int_t)id, "items", arr);
out:
	free(query);
	free(docs);
	free(hits);
	json_decref(supplies);
	free(p);
	return rc;
}
