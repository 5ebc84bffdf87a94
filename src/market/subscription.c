/*
 * subscription.c - subscriptions CRUD and the matching of a published
 * demand against all of them (subscription.h has the rules).
 *
 * Matching many subscriptions fast: the subscriptions are read and their
 * keywords tokenized once into a process-wide cache, which is rebuilt when
 * the "subscriptions" or "enterprises" change counter moves (read inside
 * the demand's write transaction, so the cache is never older than what
 * that transaction sees). A demand's text is tokenized once into a hash set
 * of its terms; each subscription then costs integer and prefix compares
 * and one set lookup per keyword word.
 */
#include "market/subscription.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "base/util.h"
#include "market/listing_int.h"
#include "platform/audit.h"
#include "platform/inbox.h"
#include "text/tokenizer.h"
#include "registry/enterprise.h"

#define END_FIELDS {NULL, 0, false, 0, 0, NULL, NULL}

const struct jfield market_subscription_fields[] = {
    {"enterprise", JF_STRING, true, 18, 36, NULL, "USCC of the subscribing enterprise (of the caller's organisation); spaces or hyphens between its groups are dropped"},
    {"name", JF_STRING, false, 0, 100, NULL, "a name for the subscription"},
    {"segments", JF_STRING_ARRAY, false, 0, 0, NULL, "\"chain/segment\" codes, e.g. nev/motor"},
    {"keywords", JF_STRING_ARRAY, false, 0, 0, NULL, "words to find in a demand's title or description, e.g. 电机"},
    {"regions", JF_STRING_ARRAY, false, 0, 0, NULL, "GB/T 2260 codes (2, 4 or 6 digits) containing the delivery region"},
    END_FIELDS,
};

static enum qerr oom(struct qerror *err)
{
	return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
}

/* ---------- CRUD ---------- */

#define SUB_COLS "s.id,e.uscc,e.name,s.name,s.segments,s.keywords,s.regions,s.created_at,coalesce(e.org_id,0)"

/* "12;15" (sids) -> ["nev/motor", ...] in the stored order. */
static json_t *segments_json(struct db *db, const char *sids, struct qerror *err)
{
	json_t *arr = json_array();
	struct db_stmt *st = db_prepare(db, "SELECT chain_id||'/'||code FROM segments WHERE sid=?", err);
	const char *p = sids;
	while (st && p && *p) {
		int64_t sid = strtoll(p, NULL, 10);
		db_bind_int64(st, 1, sid);
		if (db_step(st, err) == DB_ROW)
			json_array_append_new(arr, json_string(db_col_text(st, 0)));
		db_reset(st);
		const char *semi = strchr(p, ';');
		p = semi ? semi + 1 : NULL;
	}
	return arr;
}

static json_t *subscription_row(struct db *db, struct db_stmt *st, struct qerror *err)
{
	json_t *o =
	    json_pack("{s:I,s:{s:s,s:s},s:s,s:o,s:o,s:o,s:s}", "id", (json_int_t)db_col_int64(st, 0), "enterprise",
		      "uscc", db_col_text(st, 1), "name", db_col_text(st, 2), "name", db_col_text(st, 3), "segments",
		      segments_json(db, db_col_text(st, 4), err), "keywords", listing_list_json(db_col_text(st, 5)),
		      "regions", listing_list_json(db_col_text(st, 6)), "created_at", db_col_text(st, 7));
	return o;
}

static int count_terms(void *ctx, const struct text_token *tok)
{
	(void)tok;
	(*(size_t *)ctx)++;
	return 0;
}

/* Keywords: trimmed, 1-50 characters without ';', each with at least one word; repeats dropped, order kept. */
static enum qerr keywords_norm(const json_t *arr, struct buf *out, struct qerror *err)
{
	struct listing_str items[SUBSCRIPTION_MAX_ITEMS + 1];
	size_t n;
	if (!listing_json_items(arr, items, SUBSCRIPTION_MAX_ITEMS, &n))
		return qerr_set(err, QERR_INVALID, "too_many", "keywords", "at most %d keywords", SUBSCRIPTION_MAX_ITEMS);
	for (size_t i = 0; i < n; i++) {
		const char *s = items[i].s;
		size_t len = items[i].n;
		while (len && (*s == ' ' || *s == '\t'))
			s++, len--;
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		char kw[SUBSCRIPTION_KEYWORD_MAX * 4 + 1];
		if (len == 0 || len >= sizeof kw)
			return qerr_set(err, QERR_INVALID, "invalid_keyword", "keywords",
					"关键词应为1至%d个字符 (each keyword needs 1 to %d characters)",
					SUBSCRIPTION_KEYWORD_MAX, SUBSCRIPTION_KEYWORD_MAX);
		memcpy(kw, s, len);
		kw[len] = 0;
		if (listing_check_text(kw, "keywords", 1, SUBSCRIPTION_KEYWORD_MAX, false, err))
			return err->code;
		if (strchr(kw, ';'))
			return qerr_set(err, QERR_INVALID, "invalid_keyword", "keywords", "a keyword must not contain ';'");
		size_t terms = 0;
		if (text_tokenize_query(kw, len, count_terms, &terms) != 0)
			return qerr_set(err, QERR_UNAVAILABLE, "tokenizer_unavailable", "keywords",
					"the word segmenter is not available");
		if (!terms)
			return qerr_set(err, QERR_INVALID, "invalid_keyword", "keywords",
					"关键词须含有文字 (keyword '%s' has no words)", kw);
		bool repeat = false;
		for (size_t j = 0; j < i && !repeat; j++)
			repeat = items[j].n == len && memcmp(items[j].s, s, len) == 0;
		items[i] = (struct listing_str){s, len};
		if (repeat)
			continue;
		if ((out->len && !buf_puts(out, ";")) || !buf_append(out, s, len))
			return oom(err);
	}
	return QERR_OK;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* ["chain/segment", ...] -> "sid;sid" sorted, unique. */
static enum qerr segments_norm(struct db *db, const json_t *arr, struct buf *out, struct qerror *err)
{
	int64_t sids[SUBSCRIPTION_MAX_ITEMS];
	size_t n = 0, i;
	json_t *v;
	if (json_array_size(arr) > SUBSCRIPTION_MAX_ITEMS)
		return qerr_set(err, QERR_INVALID, "too_many", "segments", "at most %d segments", SUBSCRIPTION_MAX_ITEMS);
	json_array_foreach(arr, i, v)
	{
		const char *s = json_string_value(v), *slash = strchr(s, '/');
		char chain[LISTING_CODE_MAX + 2] = "";
		if (slash && (size_t)(slash - s) <= LISTING_CODE_MAX) {
			memcpy(chain, s, (size_t)(slash - s));
			chain[slash - s] = 0;
		}
		if (!slash || !chain[0] || listing_segment(db, chain, slash + 1, &sids[n], err)) {
			qerr_clear(err);
			return qerr_set(err, QERR_INVALID, "segment_not_found", "segments",
					"环节应写作 产业链/环节 且须存在 (segments are \"chain/segment\" codes that exist; "
					"'%.60s' is not)",
					s);
		}
		n++;
	}
	qsort(sids, n, sizeof sids[0], cmp_i64);
	for (i = 0; i < n; i++) {
		if (i && sids[i] == sids[i - 1])
			continue;
		if (!buf_printf(out, "%s%lld", out->len ? ";" : "", (long long)sids[i]))
			return oom(err);
	}
	return QERR_OK;
}

enum qerr market_subscription_create(struct db *db, const struct actor *a, const json_t *body, json_t **out,
				     struct qerror *err)
{
	*out = NULL;
	struct buf segs = {0}, kws = {0}, regions = {0};
	const char *name = json_str(body, "name", "");
	if (listing_check_text(name, "name", 0, 100, false, err))
		return err->code;
	db_hot(db, "subscriptions");
	if (db_begin_write(db, err))
		return err->code;
	int64_t eid, owner;
	if (listing_enterprise(db, json_str(body, "enterprise", ""), "enterprise", QERR_INVALID, &eid, &owner, err))
		goto fail;
	if (!enterprise_may_write(a, owner)) {
		qerr_set(err, QERR_FORBIDDEN, "not_owner", "enterprise",
			 "只能为本组织的企业订阅 (subscribe for an enterprise of your own organisation)");
		goto fail;
	}
	json_t *v;
	if ((v = json_object_get(body, "segments")) && json_is_array(v) && segments_norm(db, v, &segs, err))
		goto fail;
	if ((v = json_object_get(body, "keywords")) && json_is_array(v) && keywords_norm(v, &kws, err))
		goto fail;
	if ((v = json_object_get(body, "regions")) && json_is_array(v)) {
		struct listing_str items[LISTING_MAX_REGIONS + 1];
		size_t n;
		if (!listing_json_items(v, items, LISTING_MAX_REGIONS + 1, &n))
			n = LISTING_MAX_REGIONS + 1;
		if (listing_norm_regions(items, n, false, "regions", &regions, err))
			goto fail;
	}
	char ts[32];
	util_now_iso(ts, sizeof ts);
	struct db_stmt *st =
	    db_prepare(db,
		       "INSERT INTO subscriptions(enterprise_id,name,segments,keywords,regions,created_at)"
		       " VALUES(?,?,?,?,?,?) RETURNING id",
		       err);
	if (!st)
		goto fail;
	db_bind_int64(st, 1, eid);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, segs.data ? segs.data : "");
	db_bind_text(st, 4, kws.data ? kws.data : "");
	db_bind_text(st, 5, regions.data ? regions.data : "");
	db_bind_text(st, 6, ts);
	int64_t id;
	if (db_scalar_int64(st, &id, err))
		goto fail;
	char object[24];
	snprintf(object, sizeof object, "%lld", (long long)id);
	if (db_touch(db, "subscriptions", err) ||
	    audit_record(db, a, "subscription.create", "subscription", object, body, err))
		goto fail;
	st = db_prepare(
	    db, "SELECT " SUB_COLS " FROM subscriptions s JOIN enterprises e ON e.id=s.enterprise_id WHERE s.id=?",
	    err);
	if (!st)
		goto fail;
	db_bind_int64(st, 1, id);
	if (db_one(st, err))
		goto fail;
	json_t *res = subscription_row(db, st, err);
	db_reset(st);
	if (db_commit(db, err)) {
		json_decref(res);
		goto fail;
	}
	buf_free(&segs);
	buf_free(&kws);
	buf_free(&regions);
	*out = res;
	return QERR_OK;
fail:
	buf_free(&segs);
	buf_free(&kws);
	buf_free(&regions);
	db_rollback(db);
	return err->code ? err->code : QERR_INTERNAL;
}

enum qerr market_subscription_list(struct db *db, const struct actor *a, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT " SUB_COLS " FROM subscriptions s JOIN enterprises e ON e.id=s.enterprise_id"
		       " WHERE ?1=0 OR e.org_id=?1 ORDER BY s.id LIMIT 1000",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, a->org_type == ORG_OPERATOR ? 0 : (a->org_id ? a->org_id : -1));
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(items, subscription_row(db, st, err));
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return err->code;
	}
	*out = json_pack("{s:o}", "items", items);
	return QERR_OK;
}

enum qerr market_subscription_delete(struct db *db, const struct actor *a, int64_t id, struct qerror *err)
{
	db_hot(db, "subscriptions");
	if (db_begin_write(db, err))
		return err->code;
	struct db_stmt *st = db_prepare(db,
					"SELECT coalesce(e.org_id,0) FROM subscriptions s JOIN enterprises e ON"
					" e.id=s.enterprise_id WHERE s.id=?",
					err);
	if (!st)
		goto fail;
	db_bind_int64(st, 1, id);
	int rc = db_step(st, err);
	int64_t owner = rc == DB_ROW ? db_col_int64(st, 0) : 0;
	db_reset(st);
	if (rc < 0)
		goto fail;
	if (rc != DB_ROW || !enterprise_may_write(a, owner)) {
		qerr_set(err, QERR_NOT_FOUND, "subscription_not_found", "id", "订阅不存在 (no subscription %lld)",
			 (long long)id);
		goto fail;
	}
	st = db_prepare(db, "DELETE FROM subscriptions WHERE id=?", err);
	if (!st)
		goto fail;
	db_bind_int64(st, 1, id);
	char object[24];
	snprintf(object, sizeof object, "%lld", (long long)id);
	if (db_run(st, err) || db_touch(db, "subscriptions", err) ||
	    audit_record(db, a, "subscription.delete", "subscription", object, NULL, err) || db_commit(db, err))
		goto fail;
	return QERR_OK;
fail:
	db_rollback(db);
	return err->code ? err->code : QERR_INTERNAL;
}

/* ---------- the cache of tokenized subscriptions ---------- */

struct sub_keyword {
	char *text;   /* as typed */
	char **terms; /* query-mode words */
	size_t nterms;
};

struct sub_entry {
	int64_t id, enterprise_id;
	char *name;
	int64_t *sids;
	size_t nsids;
	char (*regions)[7];
	size_t nregions;
	struct sub_keyword *keywords;
	size_t nkeywords;
};

static struct {
	pthread_mutex_t lock;
	char *path;
	int64_t subs_version, enterprises_version;
	bool loaded;
	struct sub_entry *subs;
	size_t n;
} cache = {PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0, false, NULL, 0};

static void cache_clear(void)
{
	for (size_t i = 0; i < cache.n; i++) {
		struct sub_entry *s = &cache.subs[i];
		for (size_t k = 0; k < s->nkeywords; k++) {
			for (size_t t = 0; t < s->keywords[k].nterms; t++)
				free(s->keywords[k].terms[t]);
			free(s->keywords[k].terms);
			free(s->keywords[k].text);
		}
		free(s->keywords);
		free(s->sids);
		free(s->regions);
		free(s->name);
	}
	free(cache.subs);
	free(cache.path);
	cache.subs = NULL;
	cache.path = NULL;
	cache.n = 0;
	cache.loaded = false;
}

static void cache_atexit(void)
{
	pthread_mutex_lock(&cache.lock);
	cache_clear();
	pthread_mutex_unlock(&cache.lock);
}

static size_t count_parts(const char *s)
{
	if (!*s)
		return 0;
	size_t n = 1;
	for (; *s; s++)
		n += *s == ';';
	return n;
}

struct term_list {
	char **terms;
	size_t n, cap;
	bool oom;
};

static int collect_term(void *ctx, const struct text_token *tok)
{
	struct term_list *l = ctx;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		char **t = realloc(l->terms, cap * sizeof *t);
		if (!t) {
			l->oom = true;
			return 1;
		}
		l->terms = t;
		l->cap = cap;
	}
	if (!(l->terms[l->n] = strndup(tok->term, tok->len))) {
		l->oom = true;
		return 1;
	}
	l->n++;
	return 0;
}

/* Fills e from a subscriptions row (id, enterprise_id, name, segments, keywords, regions). */
static bool entry_load(struct sub_entry *e, struct db_stmt *st)
{
	memset(e, 0, sizeof *e);
	e->id = db_col_int64(st, 0);
	e->enterprise_id = db_col_int64(st, 1);
	if (!(e->name = strdup(db_col_text(st, 2))))
		return false;
	const char *segs = db_col_text(st, 3), *kws = db_col_text(st, 4), *regs = db_col_text(st, 5);
	size_t ns = count_parts(segs), nk = count_parts(kws), nr = count_parts(regs);
	e->sids = calloc(ns + 1, sizeof *e->sids);
	e->keywords = calloc(nk + 1, sizeof *e->keywords);
	e->regions = calloc(nr + 1, sizeof *e->regions);
	if (!e->sids || !e->keywords || !e->regions)
		return false;
	for (const char *p = segs; *p;) {
		e->sids[e->nsids++] = strtoll(p, NULL, 10);
		const char *semi = strchr(p, ';');
		p = semi ? semi + 1 : p + strlen(p);
	}
	for (const char *p = regs; *p;) {
		const char *semi = strchr(p, ';');
		size_t len = semi ? (size_t)(semi - p) : strlen(p);
		if (len < 7) {
			memcpy(e->regions[e->nregions], p, len);
			e->regions[e->nregions++][len] = 0;
		}
		p = semi ? semi + 1 : p + len;
	}
	for (const char *p = kws; *p;) {
		const char *semi = strchr(p, ';');
		size_t len = semi ? (size_t)(semi - p) : strlen(p);
		struct sub_keyword *k = &e->keywords[e->nkeywords++];
		struct term_list l = {0};
		if (!(k->text = strndup(p, len)) || text_tokenize_query(p, len, collect_term, &l) != 0 || l.oom) {
			for (size_t t = 0; t < l.n; t++)
				free(l.terms[t]);
			free(l.terms);
			return false;
		}
		k->terms = l.terms;
		k->nterms = l.n;
		p = semi ? semi + 1 : p + len;
	}
	return true;
}

/* With cache.lock held: makes the cache current for db (inside the caller's transaction). */
static enum qerr cache_refresh(struct db *db, struct qerror *err)
{
	int64_t vs, ve;
	if (db_counter(db, "subscriptions", &vs, err) || db_counter(db, "enterprises", &ve, err))
		return err->code;
	if (cache.loaded && cache.subs_version == vs && cache.enterprises_version == ve && cache.path &&
	    strcmp(cache.path, db_path(db)) == 0)
		return QERR_OK;
	static bool registered;
	if (!registered) {
		registered = true;
		atexit(cache_atexit);
	}
	cache_clear();
	int64_t count;
	if (db_query_int64(db, "SELECT count(*) FROM subscriptions", &count, err))
		return err->code ? err->code : QERR_INTERNAL;
	size_t total = (size_t)count;
	cache.subs = calloc(total + 1, sizeof *cache.subs);
	if (!cache.subs)
		return oom(err);
	struct db_stmt *st = db_prepare(db,
					"SELECT id,enterprise_id,name,segments,keywords,regions FROM subscriptions"
					" ORDER BY enterprise_id,id",
					err);
	if (!st)
		return err->code;
	int rc;
	while (cache.n < total && (rc = db_step(st, err)) == DB_ROW) {
		bool ok = entry_load(&cache.subs[cache.n], st);
		cache.n++; /* even a half-loaded entry, so cache_clear frees it */
		if (!ok) {
			db_reset(st);
			cache_clear();
			return oom(err);
		}
	}
	db_reset(st);
	if (err->code) {
		cache_clear();
		return err->code;
	}
	if (!(cache.path = strdup(db_path(db)))) {
		cache_clear();
		return oom(err);
	}
	cache.subs_version = vs;
	cache.enterprises_version = ve;
	cache.loaded = true;
	return QERR_OK;
}

/* ---------- matching one demand ---------- */

/* The demand's terms as an open-addressing set of strings (keys point into one arena). */
struct term_set {
	struct buf arena;
	size_t *slots; /* offset+1 into arena, 0 = empty */
	size_t cap, n;
	bool oom;
};

static uint64_t hash_n(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static size_t *set_probe(struct term_set *s, const char *t, size_t n)
{
	size_t j = hash_n(t, n) & (s->cap - 1);
	while (s->slots[j]) {
		const char *k = s->arena.data + s->slots[j] - 1;
		if (strlen(k) == n && memcmp(k, t, n) == 0)
			break;
		j = (j + 1) & (s->cap - 1);
	}
	return &s->slots[j];
}

static int add_to_set(void *ctx, const struct text_token *tok)
{
	struct term_set *s = ctx;
	if ((s->n + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 128;
		size_t *slots = calloc(cap, sizeof *slots), *old = s->slots, oldcap = s->cap;
		if (!slots) {
			s->oom = true;
			return 1;
		}
		s->slots = slots;
		s->cap = cap;
		for (size_t i = 0; i < oldcap; i++)
			if (old[i]) {
				const char *k = s->arena.data + old[i] - 1;
				*set_probe(s, k, strlen(k)) = old[i];
			}
		free(old);
	}
	size_t *slot = set_probe(s, tok->term, tok->len);
	if (*slot)
		return 0;
	size_t off = s->arena.len;
	if (!buf_append(&s->arena, tok->term, tok->len + 1)) { /* with its NUL */
		s->oom = true;
		return 1;
	}
	*slot = off + 1;
	s->n++;
	return 0;
}

static bool set_has(struct term_set *s, const char *t)
{
	return s->cap && *set_probe(s, t, strlen(t)) != 0;
}

struct demand_text {
	int64_t id, enterprise_id, sid;
	char region[8];
	char *title;
};

static bool entry_matches(const struct sub_entry *e, const struct demand_text *d, struct term_set *terms, json_t *kws)
{
	if (e->nsids) {
		bool ok = false;
		for (size_t i = 0; i < e->nsids && !ok; i++)
			ok = d->sid && e->sids[i] == d->sid;
		if (!ok)
			return false;
	}
	if (e->nregions) {
		bool ok = false;
		for (size_t i = 0; i < e->nregions && !ok; i++)
			ok = d->region[0] && strncmp(d->region, e->regions[i], strlen(e->regions[i])) == 0;
		if (!ok)
			return false;
	}
	if (!e->nkeywords)
		return true;
	bool any = false;
	for (size_t k = 0; k < e->nkeywords; k++) {
		bool all = e->keywords[k].nterms > 0;
		for (size_t t = 0; t < e->keywords[k].nterms && all; t++)
			all = set_has(terms, e->keywords[k].terms[t]);
		if (all) {
			any = true;
			json_array_append_new(kws, json_string(e->keywords[k].text));
		}
	}
	return any;
}

#define DETAIL_MAX_SUBSCRIPTIONS 20 /* matching subscriptions named in one notification */

/* One subscriber to notify: its enterprise and the detail JSON. */
struct hit {
	int64_t enterprise_id;
	json_t *detail;
};

/* With cache.lock held: the subscribers matching d, one per enterprise (subscriptions are in enterprise order). */
static enum qerr collect_hits(const struct demand_text *d, struct term_set *terms, struct hit **hits, size_t *nhits,
			      struct qerror *err)
{
	*hits = NULL;
	*nhits = 0;
	size_t cap = 0;
	for (size_t i = 0; i < cache.n; i++) {
		const struct sub_entry *e = &cache.subs[i];
		if (e->enterprise_id == d->enterprise_id)
			continue;
		/* An enterprise already notified with DETAIL_MAX_SUBSCRIPTIONS reasons needs no more. */
		if (*nhits && (*hits)[*nhits - 1].enterprise_id == e->enterprise_id &&
		    json_array_size(json_object_get((*hits)[*nhits - 1].detail, "subscriptions")) >= DETAIL_MAX_SUBSCRIPTIONS)
			continue;
		json_t *kws = json_array();
		if (!entry_matches(e, d, terms, kws)) {
			json_decref(kws);
			continue;
		}
		json_t *sub = json_pack("{s:I,s:s,s:o}", "id", (json_int_t)e->id, "name", e->name, "keywords", kws);
		if (*nhits && (*hits)[*nhits - 1].enterprise_id == e->enterprise_id) {
			json_t *detail = (*hits)[*nhits - 1].detail;
			json_array_append_new(json_object_get(detail, "subscriptions"), sub);
			continue;
		}
		if (*nhits == cap) {
			cap = cap ? cap * 2 : 16;
			struct hit *h = realloc(*hits, cap * sizeof *h);
			if (!h) {
				json_decref(sub);
				return oom(err);
			}
			*hits = h;
		}
		(*hits)[(*nhits)++] = (struct hit){e->enterprise_id,
						   json_pack("{s:I,s:I,s:[o]}", "demand", (json_int_t)d->id,
							     "subscription", (json_int_t)e->id, "subscriptions", sub)};
	}
	return QERR_OK;
}

/* Adds the union of the matched keywords of every subscription in detail as "keywords". */
static void detail_keywords(json_t *detail)
{
	json_t *all = json_array(), *sub, *kw;
	size_t i, j, k;
	json_array_foreach(json_object_get(detail, "subscriptions"), i, sub)
	{
		json_array_foreach(json_object_get(sub, "keywords"), j, kw)
		{
			bool seen = false;
			json_t *x;
			json_array_foreach(all, k, x) seen = seen || json_equal(x, kw);
			if (!seen)
				json_array_append(all, kw);
		}
	}
	json_object_set_new(detail, "keywords", all);
}

enum qerr market_subscriptions_notify(struct db *db, int64_t demand_id, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db,
					"SELECT enterprise_id,coalesce(sid,0),coalesce(region,''),title,description,"
					"visibility='public' AND status='open' FROM demands WHERE id=?",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, demand_id);
	int rc = db_step(st, err);
	if (rc != DB_ROW) {
		db_reset(st);
		return rc < 0 ? err->code : QERR_OK;
	}
	struct demand_text d = {.id = demand_id, .enterprise_id = db_col_int64(st, 0), .sid = db_col_int64(st, 1)};
	snprintf(d.region, sizeof d.region, "%s", db_col_text(st, 2));
	bool eligible = db_col_bool(st, 5);
	struct term_set terms = {0};
	d.title = strdup(db_col_text(st, 3));
	if (eligible && d.title) {
		/* Title and description separately: a word never spans the two. */
		const char *desc = db_col_text(st, 4);
		if (text_tokenize(d.title, strlen(d.title), add_to_set, &terms) < 0 ||
		    text_tokenize(desc, strlen(desc), add_to_set, &terms) < 0)
			terms.oom = true;
	}
	db_reset(st);
	if (!d.title || terms.oom) {
		free(d.title);
		buf_free(&terms.arena);
		free(terms.slots);
		return oom(err);
	}
	struct hit *hits = NULL;
	size_t nhits = 0;
	enum qerr qrc = QERR_OK;
	if (eligible) {
		pthread_mutex_lock(&cache.lock);
		qrc = cache_refresh(db, err);
		if (!qrc)
			qrc = collect_hits(&d, &terms, &hits, &nhits, err);
		pthread_mutex_unlock(&cache.lock);
	}
	char title[LISTING_TITLE_MAX * 4 + 64];
	snprintf(title, sizeof title, "新需求：%s", d.title);
	for (size_t i = 0; i < nhits; i++) {
		detail_keywords(hits[i].detail);
		if (!qrc)
			qrc = inbox_notify(db, hits[i].enterprise_id, "demand_match", demand_id, title, hits[i].detail, err);
		json_decref(hits[i].detail);
	}
	free(hits);
	free(d.title);
	buf_free(&terms.arena);
	free(terms.slots);
	return qrc;
}
