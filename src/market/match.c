/*
 * match.c - market matching as the API and the CLI see it: turns a demand,
 * a supply or a typed query into an index query (match_index.h), re-checks
 * the winners against the database (visibility, current 专精特新 level and
 * scorecard), and explains every result factor by factor.
 *
 * The index keeps each supplier's level and scorecard as they were when the
 * listing was indexed; they only steer which candidates make the pool. The
 * pool (the limit plus MATCH_POOL_EXTRA) is then re-scored with today's
 * values, so what a user sees is never stale.
 */
#include "market/match.h"

#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/util.h"
#include "market/listing.h"
#include "market/match_index.h"
#include "platform/enterprise_ref.h"
#include "registry/region.h"
#include "text/vocab.h"

#define MATCH_POOL_EXTRA 20
#define MATCH_DEFAULT_LIMIT 10

static const char *const region_level_names[] = {NULL, "province", "city", "county"};

struct pool {
	struct mi_hit hits[MARKET_MATCH_MAX_LIMIT + MATCH_POOL_EXTRA];
	int n;
	struct mi_terms terms;
	double level[MARKET_MATCH_MAX_LIMIT + MATCH_POOL_EXTRA];
	const char *level_name[MARKET_MATCH_MAX_LIMIT + MATCH_POOL_EXTRA];
	struct scorecard {
		int64_t orders, delivered, on_time, accepted, rejected;
		double bonus;
	} card[MARKET_MATCH_MAX_LIMIT + MATCH_POOL_EXTRA];
};

static int clamp_limit(int limit)
{
	if (limit <= 0)
		return MATCH_DEFAULT_LIMIT;
	return limit > MARKET_MATCH_MAX_LIMIT ? MARKET_MATCH_MAX_LIMIT : limit;
}

/* Today's level and scorecard of a supplier; false when the enterprise is gone. */
static bool fresh_static(struct db *db, int64_t enterprise_id, const char **level_name, double *level,
			 struct scorecard *card, struct qerror *err)
{
	static const char *const names[] = {"none", "innovative", "provincial", "little_giant"};
	char lv[ENTERPRISE_REF_LEVEL_SIZE];
	if (enterprise_ref_level(db, enterprise_id, lv, err)) {
		if (err->code == QERR_NOT_FOUND)
			qerr_clear(err);
		return false;
	}
	*level_name = names[0];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(lv, names[i]) == 0)
			*level_name = names[i];
	*level = mi_level_weight(*level_name);
	struct db_stmt *st = db_prepare(
	    db,
	    "SELECT count(*), count(delivered_at),"
	    " coalesce(sum(CASE WHEN delivered_at IS NOT NULL AND delivered_at <= due_at THEN 1 ELSE 0 END),0),"
	    " coalesce(sum(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END),0),"
	    " coalesce(sum(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END),0)"
	    " FROM orders WHERE supplier_id=?",
	    err);
	if (!st)
		return false;
	db_bind_int64(st, 1, enterprise_id);
	memset(card, 0, sizeof *card);
	if (db_step(st, err) == DB_ROW) {
		card->orders = db_col_int64(st, 0);
		card->delivered = db_col_int64(st, 1);
		card->on_time = db_col_int64(st, 2);
		card->accepted = db_col_int64(st, 3);
		card->rejected = db_col_int64(st, 4);
	}
	db_reset(st);
	card->bonus = mi_scorecard_bonus(card->orders, card->delivered, card->on_time, card->accepted, card->rejected);
	return true;
}

static int cmp_score(const struct mi_hit *a, const struct mi_hit *b)
{
	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	return a->id > b->id ? 1 : a->id < b->id ? -1 : 0;
}

/* Re-scores the pool's supplies with today's level and scorecard, drops vanished enterprises, re-sorts. */
static enum qerr rescore_supplies(struct db *db, struct pool *p, struct qerror *err)
{
	int kept = 0;
	for (int i = 0; i < p->n; i++) {
		struct mi_hit h = p->hits[i];
		const char *name = NULL;
		double level = 0;
		struct scorecard card;
		if (!fresh_static(db, h.enterprise_id, &name, &level, &card, err)) {
			if (err->code)
				return err->code;
			continue;
		}
		h.static_score = level + card.bonus;
		h.score = round((h.text + h.segment + h.region + h.static_score + h.inferred) * 1e9) / 1e9;
		p->hits[kept] = h;
		p->level[kept] = level;
		p->level_name[kept] = name;
		p->card[kept] = card;
		kept++;
	}
	p->n = kept;
	/* insertion sort keeps the side arrays aligned; the pool is small */
	for (int i = 1; i < p->n; i++)
		for (int j = i; j > 0 && cmp_score(&p->hits[j - 1], &p->hits[j]) > 0; j--) {
			struct mi_hit th = p->hits[j];
			p->hits[j] = p->hits[j - 1];
			p->hits[j - 1] = th;
			double tl = p->level[j];
			p->level[j] = p->level[j - 1];
			p->level[j - 1] = tl;
			const char *tn = p->level_name[j];
			p->level_name[j] = p->level_name[j - 1];
			p->level_name[j - 1] = tn;
			struct scorecard tc = p->card[j];
			p->card[j] = p->card[j - 1];
			p->card[j - 1] = tc;
		}
	return QERR_OK;
}

static json_t *rate(int64_t num, int64_t den)
{
	return den > 0 ? json_real((double)num / (double)den) : json_null();
}

static const char *const origin_names[] = {"query", "part", "compound", "vocabulary"};

/* "chain/segment" and the segment's name of a sid, into the caller's buffers; false when unknown. */
static bool segment_of(struct db *db, uint32_t sid, char *code, size_t ncode, char *name, size_t nname)
{
	struct qerror e = {0};
	struct db_stmt *st = db_prepare(db, "SELECT chain_id, code, name FROM segments WHERE sid=?", &e);
	if (!st)
		return false;
	db_bind_int64(st, 1, sid);
	bool ok = db_step(st, &e) == DB_ROW;
	if (ok) {
		snprintf(code, ncode, "%s/%s", db_col_text(st, 0), db_col_text(st, 1));
		snprintf(name, nname, "%s", db_col_text(st, 2));
	}
	db_reset(st);
	return ok;
}

/*
 * How the query was understood: its terms with their weights and where
 * they came from (the vocabulary's explanation for an expansion), and the
 * segments inferred from the listings its words occur in.
 */
static json_t *understood(struct db *db, const struct mi_terms *t)
{
	json_t *terms = json_array(), *segs = json_array();
	for (int i = 0; i < t->n; i++) {
		json_t *o = json_pack("{s:s,s:s,s:f,s:s}", "term", t->display[i][0] ? t->display[i] : t->term[i], "key",
				      t->term[i], "weight", round(t->weight[i] * 1000) / 1000, "origin",
				      origin_names[t->origin[i] >= 0 && t->origin[i] < 4 ? t->origin[i] : 0]);
		if (o && t->kind[i] >= 0 && t->kind[i] < TEXT_VOCAB_KIND_COUNT)
			json_object_set_new(o, "kind", json_string(text_vocab_kind_names[t->kind[i]]));
		if (o && t->explain[i][0])
			json_object_set_new(o, "explain", json_string(t->explain[i]));
		json_array_append_new(terms, o);
	}
	for (int i = 0; i < t->ninferred; i++) {
		char code[160], name[160];
		if (!segment_of(db, t->inferred_sid[i], code, sizeof code, name, sizeof name))
			continue;
		json_array_append_new(segs, json_pack("{s:s,s:s,s:f,s:f}", "segment", code, "name", name, "share",
						      round(t->inferred_share[i] * 1000) / 1000, "bonus",
						      round(MI_W_SEGMENT_INFER * t->inferred_share[i] * 1e6) / 1e6));
	}
	return json_pack("{s:o,s:o}", "terms", terms, "segments", segs);
}

static json_t *explain(const struct pool *p, int i, bool supplies)
{
	const struct mi_hit *h = &p->hits[i];
	json_t *terms = json_array(), *why = json_array();
	for (int t = 0; t < p->terms.n; t++)
		if (h->matched & (1ull << t)) {
			json_array_append_new(terms, json_string(p->terms.term[t]));
			bool seen = false;
			for (size_t k = 0; k < json_array_size(why); k++)
				if (strcmp(json_string_value(json_array_get(why, k)), p->terms.explain[t]) == 0)
					seen = true;
			if (p->terms.explain[t][0] && !seen)
				json_array_append_new(why, json_string(p->terms.explain[t]));
		}
	json_t *e = json_pack("{s:{s:f,s:o,s:o},s:f,s:f,s:{s:o,s:f}}", "text", "score", h->text, "terms", terms, "why",
			      why, "segment", h->segment, "segment_inferred", h->inferred, "region", "level",
			      h->region_level ? json_string(region_level_names[h->region_level]) : json_null(), "score",
			      h->region);
	if (supplies && e) {
		const struct scorecard *c = &p->card[i];
		json_object_set_new(e, "level", json_pack("{s:s,s:f}", "value", p->level_name[i], "score", p->level[i]));
		json_object_set_new(e, "scorecard",
				    json_pack("{s:f,s:o,s:o,s:I}", "score", c->bonus, "on_time_rate",
					      rate(c->on_time, c->delivered), "acceptance_rate",
					      rate(c->accepted, c->accepted + c->rejected), "orders", (json_int_t)c->orders));
	}
	return e;
}

static double elapsed_ms(int64_t t0)
{
	return (double)(util_mono_us() - t0) / 1000.0;
}

/* results[] for the pool's first limit supplies, rendered as the listing API renders them. */
static enum qerr supply_results(struct db *db, const struct actor *a, const struct pool *p, int limit, json_t *results,
				struct qerror *err)
{
	for (int i = 0; i < p->n && (int)json_array_size(results) < limit; i++) {
		json_t *supply = NULL;
		enum qerr rc = market_supply_get(db, a, p->hits[i].id, &supply, err);
		if (rc == QERR_NOT_FOUND) {
			memset(err, 0, sizeof *err);
			continue;
		}
		if (rc)
			return rc;
		json_array_append_new(results, json_pack("{s:I,s:f,s:o,s:o}", "rank", (json_int_t)json_array_size(results) + 1,
							 "score", p->hits[i].score, "supply", supply, "explain",
							 explain(p, i, true)));
	}
	return QERR_OK;
}

/* {uscc, name, region, level, size} of a ranked enterprise; NULL with err clear when it is gone, set on error. */
static json_t *enterprise_brief(struct db *db, int64_t id, struct qerror *err)
{
	struct enterprise_ref ref;
	if (enterprise_ref_by_id(db, id, &ref, err)) {
		if (err->code == QERR_NOT_FOUND)
			qerr_clear(err);
		return NULL;
	}
	return json_pack("{s:s,s:s,s:s,s:s,s:s}", "uscc", ref.uscc, "name", ref.name, "region", ref.region, "level",
			 ref.level, "size", ref.size);
}

struct ent_score {
	int64_t id;
	double score;
	int64_t supply_id;
	int region_level;
};

static int cmp_ent(const void *x, const void *y)
{
	const struct ent_score *a = x, *b = y;
	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	return a->id > b->id ? 1 : a->id < b->id ? -1 : 0;
}

/*
 * Enterprises for a demand: the best supply of each supplier in the pool,
 * merged with enterprises declaring the demand's segment as a capability
 * (scored as a segment match plus region and level, without text).
 */
static enum qerr enterprise_results(struct db *db, const struct pool *p, uint32_t sid, const char *region,
				    int64_t exclude, int limit, json_t *out, struct qerror *err)
{
	size_t cap = (size_t)p->n + 64, n = 0;
	struct ent_score *e = malloc(cap * sizeof *e);
	if (!e)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	for (int i = 0; i < p->n; i++) {
		size_t j = 0;
		while (j < n && e[j].id != p->hits[i].enterprise_id)
			j++;
		if (j == n)
			e[n++] = (struct ent_score){p->hits[i].enterprise_id, p->hits[i].score, p->hits[i].id,
						    p->hits[i].region_level};
	}
	size_t from_supplies = n;
	enum qerr rc = QERR_OK;
	if (sid) {
		struct db_stmt *st = db_prepare(db,
						"SELECT c.enterprise_id, e.region, e.level FROM capabilities c"
						" JOIN enterprises e ON e.id = c.enterprise_id WHERE c.sid=?",
						err);
		if (!st) {
			free(e);
			return err->code;
		}
		db_bind_int64(st, 1, sid);
		int step;
		while ((step = db_step(st, err)) == DB_ROW) {
			int64_t id = db_col_int64(st, 0);
			if (id == exclude)
				continue;
			const char *r = db_col_text(st, 1);
			int lv = region && *region ? mi_region_level(region, strlen(region), r, strlen(r)) : 0;
			double score =
			    round((MI_W_SEGMENT + mi_region_weight(lv) + mi_level_weight(db_col_text(st, 2))) * 1e9) /
			    1e9;
			size_t j = 0;
			while (j < from_supplies && e[j].id != id)
				j++;
			if (j < from_supplies)
				continue; /* its supply already speaks for it, with text relevance */
			if (n == cap) {
				struct ent_score *ne = realloc(e, (cap *= 2) * sizeof *e);
				if (!ne) {
					rc = qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
					break;
				}
				e = ne;
			}
			e[n++] = (struct ent_score){id, score, 0, lv};
		}
		db_reset(st);
		if (!rc && step < 0)
			rc = err->code;
	}
	if (!rc) {
		qsort(e, n, sizeof *e, cmp_ent);
		for (size_t i = 0; i < n && (int)json_array_size(out) < limit; i++) {
			json_t *brief = enterprise_brief(db, e[i].id, err);
			if (!brief) {
				if (err->code) {
					rc = err->code;
					break;
				}
				continue;
			}
			json_array_append_new(out, json_pack("{s:o,s:f,s:s,s:o,s:o}", "enterprise", brief, "score", e[i].score,
							     "source", e[i].supply_id ? "supply" : "capability", "supply_id",
							     e[i].supply_id ? json_integer(e[i].supply_id) : json_null(),
							     "region_level",
							     e[i].region_level ? json_string(region_level_names[e[i].region_level])
									       : json_null()));
		}
	}
	free(e);
	return rc;
}

struct listing_row {
	char *text;
	uint32_t sid;
	char *region;
	char *certs;
	int64_t enterprise_id;
	char status[16];
};

static void listing_row_free(struct listing_row *r)
{
	free(r->text);
	free(r->region);
	free(r->certs);
	r->text = r->region = r->certs = NULL;
}

static char *joined(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 2);
	if (s) {
		memcpy(s, a, la);
		s[la] = '\n';
		memcpy(s + la + 1, b, lb + 1);
	}
	return s;
}

/* Reads what matching needs of a listing; false (err clear) when it does not exist. */
static bool load_listing(struct db *db, bool demand, int64_t id, struct listing_row *r, struct qerror *err)
{
	struct db_stmt *st =
	    demand ? db_prepare(db,
				"SELECT title, description, coalesce(sid,0), coalesce(region,''), certifications,"
				" enterprise_id, status FROM demands WHERE id=?",
				err)
		   : db_prepare(db,
				"SELECT s.title, s.description, coalesce(s.sid,0),"
				" e.region || CASE WHEN s.regions = '' THEN '' ELSE ';' || s.regions END,"
				" s.certifications, s.enterprise_id, s.status"
				" FROM supplies s JOIN enterprises e ON e.id = s.enterprise_id WHERE s.id=?",
				err);
	if (!st)
		return false;
	db_bind_int64(st, 1, id);
	bool found = db_step(st, err) == DB_ROW;
	if (found) {
		r->text = joined(db_col_text(st, 0), db_col_text(st, 1));
		r->sid = (uint32_t)db_col_int64(st, 2);
		r->region = strdup(db_col_text(st, 3));
		r->certs = strdup(db_col_text(st, 4));
		r->enterprise_id = db_col_int64(st, 5);
		snprintf(r->status, sizeof r->status, "%s", db_col_text(st, 6));
		if (!r->text || !r->region || !r->certs) {
			listing_row_free(r);
			found = false;
			qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		}
	}
	db_reset(st);
	return found;
}

/*
 * What matching a listing starts with: the listing as the actor may see it
 * (*listing; QERR_NOT_FOUND when it may not), what the index query needs of
 * it (*r), an empty pool and an empty results list. The caller frees all
 * four, also on failure.
 */
static enum qerr begin_match(struct db *db, const struct actor *a, bool demand, int64_t id, json_t **listing,
			     struct listing_row *r, struct pool **p, json_t **results, struct qerror *err)
{
	enum qerr rc = demand ? market_demand_get(db, a, id, listing, err) : market_supply_get(db, a, id, listing, err);
	if (rc)
		return rc;
	if (!load_listing(db, demand, id, r, err))
		return err->code ? err->code
				 : qerr_set(err, QERR_NOT_FOUND, demand ? "demand_not_found" : "supply_not_found", "id",
					    "%s %lld not found", demand ? "demand" : "supply", (long long)id);
	*p = calloc(1, sizeof **p);
	*results = json_array();
	if (!*p || !*results)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	return QERR_OK;
}

enum qerr market_match_demand(struct db *db, const struct actor *a, int64_t demand_id, int limit, json_t **out,
			      struct qerror *err)
{
	int64_t t0 = util_mono_us();
	*out = NULL;
	limit = clamp_limit(limit);
	json_t *demand = NULL, *results = NULL, *enterprises = json_array();
	struct listing_row r = {0};
	struct pool *p = NULL;
	enum qerr rc = begin_match(db, a, true, demand_id, &demand, &r, &p, &results, err);
	if (!rc && !enterprises)
		rc = qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	if (rc)
		goto out;
	struct mi_query q = {
		.text = r.text,
		.text_len = strlen(r.text),
		.sid = r.sid,
		.region = r.region,
		.certs = r.certs,
		.exclude_enterprise = r.enterprise_id,
		.k = limit + MATCH_POOL_EXTRA,
	};
	rc = mi_search(db, MI_SUPPLIES, &q, p->hits, &p->n, &p->terms, err);
	if (!rc)
		rc = rescore_supplies(db, p, err);
	if (!rc)
		rc = supply_results(db, a, p, limit, results, err);
	if (!rc)
		rc = enterprise_results(db, p, r.sid, r.region, r.enterprise_id, limit, enterprises, err);
	if (!rc) {
		*out = json_pack("{s:O,s:O,s:O,s:o,s:f}", "demand", demand, "results", results, "enterprises",
				 enterprises, "understood", understood(db, &p->terms), "took_ms", elapsed_ms(t0));
		if (!*out)
			rc = qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	}
out:
	json_decref(demand);
	json_decref(results);
	json_decref(enterprises);
	listing_row_free(&r);
	free(p);
	return rc;
}

enum qerr market_match_supply(struct db *db, const struct actor *a, int64_t supply_id, int limit, json_t **out,
			      struct qerror *err)
{
	int64_t t0 = util_mono_us();
	*out = NULL;
	limit = clamp_limit(limit);
	json_t *supply = NULL, *results = NULL;
	struct listing_row r = {0};
	struct pool *p = NULL;
	enum qerr rc = begin_match(db, a, false, supply_id, &supply, &r, &p, &results, err);
	if (rc)
		goto out;
	/* Invited demands the caller may not read are dropped after the search: ask for more. */
	struct mi_query q = {
		.text = r.text,
		.text_len = strlen(r.text),
		.sid = r.sid,
		.region = r.region,
		.certs = r.certs,
		.certs_held = true,
		.exclude_enterprise = r.enterprise_id,
		.now = util_now_unix(),
		.k = limit + MATCH_POOL_EXTRA,
	};
	rc = mi_search(db, MI_DEMANDS, &q, p->hits, &p->n, &p->terms, err);
	for (int i = 0; !rc && i < p->n && (int)json_array_size(results) < limit; i++) {
		json_t *demand = NULL;
		enum qerr g = market_demand_get(db, a, p->hits[i].id, &demand, err);
		if (g == QERR_NOT_FOUND) {
			memset(err, 0, sizeof *err);
			continue;
		}
		if (g) {
			rc = g;
			break;
		}
		if (strcmp(json_string_value(json_object_get(demand, "status")) ?: "", "open") != 0) {
			json_decref(demand);
			continue;
		}
		json_array_append_new(results, json_pack("{s:I,s:f,s:o,s:o}", "rank", (json_int_t)json_array_size(results) + 1,
							 "score", p->hits[i].score, "demand", demand, "explain",
							 explain(p, i, false)));
	}
	if (!rc) {
		*out = json_pack("{s:O,s:O,s:o,s:f}", "supply", supply, "results", results, "understood",
				 understood(db, &p->terms), "took_ms", elapsed_ms(t0));
		if (!*out)
			rc = qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	}
out:
	json_decref(supply);
	json_decref(results);
	listing_row_free(&r);
	free(p);
	return rc;
}

/* Checks a free-text query and resolves its segment; fills mq. */
static enum qerr text_query(struct db *db, const struct market_match_query *q, struct mi_query *mq, struct qerror *err)
{
	if (!q->text || !*q->text)
		return qerr_set(err, QERR_INVALID, "required", "q", "q: the words to match are required");
	if (strlen(q->text) > 4000 || !util_utf8_valid(q->text, strlen(q->text)))
		return qerr_set(err, QERR_INVALID, "invalid_text", "q", "q: at most 4000 bytes of UTF-8 text");
	if (q->region && *q->region && region_check(q->region, "region", err))
		return err->code;
	if ((q->chain && *q->chain) != (q->segment && *q->segment))
		return qerr_set(err, QERR_INVALID, "segment_incomplete", q->chain && *q->chain ? "segment" : "chain",
				"chain and segment go together");
	memset(mq, 0, sizeof *mq);
	if (q->chain && *q->chain) {
		struct db_stmt *st = db_prepare(db, "SELECT sid FROM segments WHERE chain_id=? AND code=?", err);
		if (!st)
			return err->code;
		db_bind_text(st, 1, q->chain);
		db_bind_text(st, 2, q->segment);
		int step = db_step(st, err);
		if (step == DB_ROW)
			mq->sid = (uint32_t)db_col_int64(st, 0);
		db_reset(st);
		if (step < 0)
			return err->code;
		if (step != DB_ROW)
			return qerr_set(err, QERR_INVALID, "unknown_segment", "segment", "no segment %s in chain %s",
					q->segment, q->chain);
	}
	if (q->limit < 0 || q->limit > MARKET_MATCH_MAX_LIMIT)
		return qerr_set(err, QERR_INVALID, "invalid_limit", "limit", "limit: 1 to %d", MARKET_MATCH_MAX_LIMIT);
	mq->text = q->text;
	mq->text_len = strlen(q->text);
	mq->region = q->region;
	mq->certs = q->certifications;
	mq->k = clamp_limit(q->limit);
	return QERR_OK;
}

enum qerr market_match_text(struct db *db, const struct market_match_query *q, json_t **out, struct qerror *err)
{
	int64_t t0 = util_mono_us();
	*out = NULL;
	struct mi_query mq;
	enum qerr rc = text_query(db, q, &mq, err);
	if (rc)
		return rc;
	int limit = mq.k;
	mq.k = limit + MATCH_POOL_EXTRA;
	struct pool *p = calloc(1, sizeof *p);
	json_t *results = json_array();
	struct actor cli;
	actor_cli(&cli); /* supplies are public: rendering needs no caller */
	if (!p || !results) {
		rc = qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		goto out;
	}
	rc = mi_search(db, MI_SUPPLIES, &mq, p->hits, &p->n, &p->terms, err);
	if (!rc)
		rc = rescore_supplies(db, p, err);
	if (!rc)
		rc = supply_results(db, &cli, p, limit, results, err);
	if (!rc) {
		*out = json_pack("{s:{s:s,s:s?,s:s?,s:s?,s:s?},s:o,s:O,s:f}", "query", "q", q->text, "region", q->region,
				 "chain", q->chain, "segment", q->segment, "certifications", q->certifications,
				 "understood", understood(db, &p->terms), "results", results, "took_ms", elapsed_ms(t0));
		if (!*out)
			rc = qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	}
out:
	json_decref(results);
	free(p);
	return rc;
}

enum qerr market_match_top(struct db *db, const struct market_match_query *q, int64_t *ids, double *scores, int *n,
			   struct qerror *err)
{
	*n = 0;
	struct mi_query mq;
	enum qerr rc = text_query(db, q, &mq, err);
	if (rc)
		return rc;
	struct mi_hit hits[MARKET_MATCH_MAX_LIMIT];
	rc = mi_search(db, MI_SUPPLIES, &mq, hits, n, NULL, err);
	for (int i = 0; !rc && i < *n; i++) {
		ids[i] = hits[i].id;
		if (scores)
			scores[i] = hits[i].score;
	}
	return rc;
}

enum qerr market_match_index_stats(struct db *db, json_t **out, struct qerror *err)
{
	json_t *s = NULL, *d = NULL;
	enum qerr rc = mi_stats(db, MI_SUPPLIES, &s, err);
	if (!rc)
		rc = mi_stats(db, MI_DEMANDS, &d, err);
	if (rc) {
		json_decref(s);
		return rc;
	}
	*out = json_pack("{s:o,s:o}", "supplies", s, "demands", d);
	return *out ? QERR_OK : qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
}

enum qerr market_match_count(struct db *db, const char *region, const char *chain, int results, struct qerror *err)
{
	char day[24], province[7] = "";
	util_now_iso(day, sizeof day);
	day[10] = '\0';
	if (region && strlen(region) >= 2) {
		province[0] = region[0];
		province[1] = region[1];
		province[2] = '\0';
	}
	enum qerr rc = db_begin_write(db, err);
	if (rc)
		return rc;
	struct db_stmt *st =
	    db_prepare(db,
		       "INSERT INTO match_impressions(day,province,chain_id,requests,results) VALUES(?,?,?,1,?)"
		       " ON CONFLICT(day,province,chain_id) DO UPDATE SET"
		       " requests=match_impressions.requests+1,"
		       " results=match_impressions.results+excluded.results",
		       err);
	if (!st) {
		db_rollback(db);
		return err->code;
	}
	db_bind_text(st, 1, day);
	db_bind_text(st, 2, province);
	db_bind_text(st, 3, chain ? chain : "");
	db_bind_int(st, 4, results);
	if (db_run(st, err)) {
		db_rollback(db);
		return err->code;
	}
	return db_commit(db, err);
}

/* ---- warming the indexes when a server starts ---- */

static pthread_t warm_thread;
static bool warm_running;

static void *warm(void *arg)
{
	char *path = arg;
	struct qerror e = {0};
	struct db *db = db_open(path, false, &e);
	if (db) {
		int64_t t0 = util_mono_us();
		json_t *stats = NULL;
		if (market_match_index_stats(db, &stats, &e) == QERR_OK)
			log_info("match indexes ready in %.1f s: %lld supplies, %lld demands",
				 (double)(util_mono_us() - t0) / 1e6,
				 (long long)json_integer_value(json_object_get(json_object_get(stats, "supplies"), "alive")),
				 (long long)json_integer_value(json_object_get(json_object_get(stats, "demands"), "alive")));
		else if (strcmp(e.slug, "shutting_down") != 0)
			log_error("match indexes not built at start: %s", e.message);
		json_decref(stats);
		db_close(db);
	} else {
		log_error("match indexes not built at start: %s", e.message);
	}
	free(path);
	return NULL;
}

void market_match_warm_start(const char *db_path)
{
	char *path = strdup(db_path);
	mi_cancel_builds(false);
	/* The thread starts with every signal blocked: SIGINT/SIGTERM are the server's main thread's to take. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (path && pthread_create(&warm_thread, NULL, warm, path) == 0)
		warm_running = true;
	else
		free(path);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void market_match_warm_stop(void)
{
	if (!warm_running)
		return;
	mi_cancel_builds(true);
	pthread_join(warm_thread, NULL);
	warm_running = false;
	mi_cancel_builds(false);
}
