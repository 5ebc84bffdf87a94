/*
 * talent.c - talent posts, matching by Chinese words (text/rank.h, the
 * market's weighting), contact requests and secondments. An expert's name
 * and contact stay hidden from other organisations until the expert's
 * organisation approves their contact request.
 */
#include "services/talent.h"

#include <stdlib.h>
#include <string.h>
#include "chainmap/chainmap.h"
#include "platform/audit.h"
#include "platform/enterprise_ref.h"
#include "registry/region.h"
#include "registry/uscc.h"
#include "services/services_int.h"
#include "text/rank.h"

#define END_FIELDS                                                                                                     \
	{                                                                                                              \
		NULL, 0, false, 0, 0, NULL, NULL                                                                       \
	}
#define TALENT_MAX_CANDIDATES 20000

static const char *const kinds[] = {"expert", "need", NULL};
static const char *const modes[] = {"secondment", "consulting", "training", NULL};

const struct jfield talent_post_fields[] = {
    {"kind", JF_STRING, true, 0, 0, kinds, "expert (offered by a large enterprise or a provider) or need (an SME's)"},
    {"title", JF_STRING, true, 1, 200, NULL, "e.g. 高级电机控制工程师 / 需要IATF16949体系辅导"},
    {"mode", JF_STRING, true, 0, 0, modes, "secondment (共享用工), consulting or training"},
    {"skills", JF_STRING, false, 0, 1000, NULL, "skills, words separated by spaces or commas"},
    {"description", JF_STRING, false, 0, 5000, NULL, "experience, or what the need is"},
    {"person_name", JF_STRING, false, 0, 100, NULL, "expert only: shown after an approved contact request"},
    {"contact", JF_STRING, false, 0, 200, NULL, "phone or e-mail: an expert's only after an approved contact request"},
    {"enterprise", JF_STRING, false, 18, 36, NULL, "USCC of the caller's enterprise the post is for"},
    {"chain", JF_STRING, false, 0, 32, NULL, "chain id"},
    {"segment", JF_STRING, false, 0, 32, NULL, "segment code in chain"},
    {"region", JF_STRING, false, 6, 6, NULL, "GB/T 2260 county code"},
    {"availability", JF_STRING, false, 0, 500, NULL, "e.g. 2026年1-6月, 每周2天"},
    {"terms", JF_STRING, false, 0, 1000, NULL, "fees, cost sharing, insurance"},
    END_FIELDS,
};
const struct jfield talent_contact_fields[] = {
    {"message", JF_STRING, false, 0, 2000, NULL, "why the contact is wanted"},
    {"need_id", JF_INT, false, 1, INT64_MAX, NULL, "the caller's need it is for"},
    END_FIELDS,
};
const struct jfield talent_secondment_fields[] = {
    {"start_date", JF_STRING, true, 10, 10, NULL, "YYYY-MM-DD"},
    {"end_date", JF_STRING, true, 10, 10, NULL, "YYYY-MM-DD"},
    {"terms", JF_STRING, false, 0, 2000, NULL, "pay, cost sharing, insurance, working place"},
    END_FIELDS,
};
const struct jfield talent_consent_fields[] = {
    {"person_name", JF_STRING, true, 1, 100, NULL, "the seconded person's name, as in the post"},
    {"confirm", JF_BOOL, true, 0, 0, NULL, "true: the person agreed to the secondment"},
    END_FIELDS,
};

static enum qerr not_found(struct qerror *err, const char *what, int64_t id)
{
	char slug[48];
	snprintf(slug, sizeof slug, "%s_not_found", what);
	return qerr_set(err, QERR_NOT_FOUND, slug, "id", "%s %lld 不存在 (no %s %lld)", what, (long long)id, what,
			(long long)id);
}

static bool in_list(const char *const *l, const char *s)
{
	for (; s && *l; l++)
		if (strcmp(*l, s) == 0)
			return true;
	return false;
}

static enum qerr audit(struct db *db, const struct actor *a, const char *action, const char *type, int64_t id,
		       const json_t *detail, struct qerror *err)
{
	char oid[24];
	snprintf(oid, sizeof oid, "%lld", (long long)id);
	return audit_record(db, a, action, type, oid, detail, err);
}

/* ---- posts ---- */

#define POST_COLS                                                                                                      \
	"p.id,p.kind,p.org_id,o.name,o.type,p.title,p.person_name,p.contact,p.skills,p.description,p.chain_id,"        \
	"p.segment,p.region,p.mode,p.availability,p.terms,p.status,p.created_at,p.updated_at,e.uscc,e.name,"           \
	"(SELECT count(*) FROM talent_contacts c WHERE c.expert_id=p.id AND c.requester_org_id=?1 AND "                \
	"c.status='approved')"
#define POST_FROM " FROM talent_posts p JOIN orgs o ON o.id=p.org_id LEFT JOIN enterprises e ON e.id=p.enterprise_id"

static json_t *post_row(struct db_stmt *st, int64_t viewer_org)
{
	bool own = viewer_org && db_col_int64(st, 2) == viewer_org;
	bool expert = strcmp(db_col_text(st, 1), "expert") == 0;
	bool visible = own || !expert || db_col_int64(st, 21) > 0;
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_col_int64(st, 0)));
	json_object_set_new(o, "kind", json_string(db_col_text(st, 1)));
	json_object_set_new(o, "org",
			    json_pack("{s:I,s:s,s:s}", "id", (json_int_t)db_col_int64(st, 2), "name",
				      db_col_text(st, 3), "type", db_col_text(st, 4)));
	json_object_set_new(o, "title", json_string(db_col_text(st, 5)));
	json_object_set_new(o, "person_name", visible ? json_string(db_col_text(st, 6)) : json_null());
	json_object_set_new(o, "contact", visible ? json_string(db_col_text(st, 7)) : json_null());
	json_object_set_new(o, "contact_visible", json_boolean(visible));
	static const char *const cols[] = {"skills",	   "description", "chain",  "segment",	  "region",    "mode",
					   "availability", "terms",	  "status", "created_at", "updated_at"};
	for (int i = 0; i < 11; i++)
		json_object_set_new(o, cols[i], json_string(db_col_text(st, 8 + i)));
	json_object_set_new(o, "enterprise",
			    db_col_is_null(st, 19)
				? json_null()
				: json_pack("{s:s,s:s}", "uscc", db_col_text(st, 19), "name", db_col_text(st, 20)));
	json_object_set_new(o, "own", json_boolean(own));
	return o;
}

static enum qerr post_json(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, "SELECT " POST_COLS POST_FROM " WHERE p.id=?2", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, a->org_id);
	db_bind_int64(st, 2, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return not_found(err, "post", id);
	if (rc)
		return rc;
	*out = post_row(st, a->org_id);
	db_reset(st);
	return QERR_OK;
}

struct post_head {
	int64_t id, org_id;
	char kind[8], status[8], person_name[128];
};

static enum qerr post_head(struct db *db, int64_t id, struct post_head *p, struct qerror *err)
{
	struct db_stmt *st =
	    db_prepare(db, "SELECT id,org_id,kind,status,person_name FROM talent_posts WHERE id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return not_found(err, "post", id);
	if (rc)
		return rc;
	p->id = db_col_int64(st, 0);
	p->org_id = db_col_int64(st, 1);
	snprintf(p->kind, sizeof p->kind, "%s", db_col_text(st, 2));
	snprintf(p->status, sizeof p->status, "%s", db_col_text(st, 3));
	snprintf(p->person_name, sizeof p->person_name, "%s", db_col_text(st, 4));
	db_reset(st);
	return QERR_OK;
}

enum qerr talent_post_create(struct db *db, const struct actor *a, const json_t *body, json_t **out, struct qerror *err)
{
	*out = NULL;
	const char *kind = json_str(body, "kind", ""), *mode = json_str(body, "mode", "");
	if (!in_list(kinds, kind))
		return qerr_set(err, QERR_INVALID, "invalid_kind", "kind", "kind must be expert or need");
	if (!in_list(modes, mode))
		return qerr_set(err, QERR_INVALID, "invalid_mode", "mode",
				"mode must be secondment, consulting or training");
	bool expert = strcmp(kind, "expert") == 0;
	if (expert && a->org_type != ORG_LARGE && a->org_type != ORG_PROVIDER)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", "kind",
				"专家由大企业或服务机构发布 (experts are offered by large enterprises and providers)");
	if (!expert && a->org_type != ORG_SME)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", "kind",
				"人才需求由中小企业发布 (needs are posted by SMEs)");
	const char *region = json_str(body, "region", "");
	if (region[0] && !region_find(region))
		return qerr_set(err, QERR_INVALID, "invalid_region", "region", "%s is not a GB/T 2260 code", region);
	if (expert && !json_str(body, "person_name", "")[0])
		return qerr_set(err, QERR_INVALID, "missing_field", "person_name", "an expert post names the person");
	const char *chain = json_str(body, "chain", ""), *segment = json_str(body, "segment", "");
	if (db_begin_write(db, err))
		return err->code;
	if (segment[0] || chain[0]) {
		int64_t sid;
		if (!chain[0] || !segment[0]) {
			qerr_set(err, QERR_INVALID, "invalid_segment", chain[0] ? "segment" : "chain",
				 "chain and segment go together");
			return svc_fail(db, err);
		}
		if (chainmap_find_segment(db, chain, segment, QERR_INVALID, &sid, err))
			return svc_fail(db, err);
	}
	int64_t eid = 0;
	const char *uscc = json_str(body, "enterprise", NULL);
	if (uscc) {
		char canon[USCC_LEN + 1];
		struct enterprise_ref ref;
		if (uscc_check(uscc, canon, err)) {
			snprintf(err->field, sizeof err->field, "enterprise");
			return svc_fail(db, err);
		}
		if (enterprise_ref_by_uscc(db, canon, &ref, err))
			return svc_fail(db, err);
		if (ref.org_id != a->org_id) {
			qerr_set(err, QERR_FORBIDDEN, "not_your_enterprise", "enterprise",
				 "%s is not an enterprise of your organisation", canon);
			return svc_fail(db, err);
		}
		eid = ref.id;
	}
	char now[SVC_TIME_LEN];
	svc_now(now);
	struct db_stmt *st = db_prepare(
	    db,
	    "INSERT INTO talent_posts(kind,org_id,enterprise_id,title,person_name,contact,skills,description,chain_id,"
	    "segment,region,mode,availability,terms,status,created_by,created_at,updated_at)"
	    " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,'open',?,?,?) RETURNING id",
	    err);
	if (!st)
		return svc_fail(db, err);
	static const char *const text[] = {"title",   "person_name", "contact", "skills",	"description", "chain",
					   "segment", "region",	     "mode",	"availability", "terms"};
	db_bind_text(st, 1, kind);
	db_bind_int64(st, 2, a->org_id);
	db_bind_opt_int64(st, 3, eid != 0, eid);
	for (int i = 0; i < 11; i++)
		db_bind_text(st, 4 + i, json_str(body, text[i], ""));
	db_bind_int64(st, 15, a->user_id);
	db_bind_text(st, 16, now);
	db_bind_text(st, 17, now);
	int64_t id;
	if (db_scalar_int64(st, &id, err))
		return svc_fail(db, err);
	json_t *detail = json_pack("{s:s,s:s}", "kind", kind, "title", json_str(body, "title", ""));
	enum qerr rc = audit(db, a, "talent.post", "talent_post", id, detail, err);
	json_decref(detail);
	if (rc || db_commit(db, err))
		return svc_fail(db, err);
	return post_json(db, a, id, out, err);
}

enum qerr talent_post_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	return post_json(db, a, id, out, err);
}

enum qerr talent_post_close(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (db_begin_write(db, err))
		return err->code;
	struct post_head p;
	if (post_head(db, id, &p, err))
		return svc_fail(db, err);
	if (p.org_id != a->org_id) {
		qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
			 "只有发布者可以关闭 (only the posting organisation closes it)");
		return svc_fail(db, err);
	}
	char now[SVC_TIME_LEN];
	svc_now(now);
	struct db_stmt *st = db_prepare(db, "UPDATE talent_posts SET status='closed',updated_at=? WHERE id=?", err);
	if (!st)
		return svc_fail(db, err);
	db_bind_text(st, 1, now);
	db_bind_int64(st, 2, id);
	if (db_run(st, err) || audit(db, a, "talent.close", "talent_post", id, NULL, err) || db_commit(db, err))
		return svc_fail(db, err);
	return post_json(db, a, id, out, err);
}

/* Candidates read for ranking: JSON rows plus the texts the ranking reads. */
struct cand {
	json_t *row;
	char *title, *text;
	char region[8], chain[40], segment[40];
};

static void free_cands(struct cand *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		json_decref(c[i].row);
		free(c[i].title);
		free(c[i].text);
	}
	free(c);
}

/* Open posts of kind (NULL both), mode, region prefix, the caller's own only with mine; newest first. */
static enum qerr read_cands(struct db *db, const struct actor *a, const char *kind, const char *mode,
			    const char *region, int mine, int64_t exclude_org, size_t max, struct cand **out, size_t *n,
			    struct qerror *err)
{
	*out = NULL;
	*n = 0;
	struct db_stmt *st = db_prepare(db,
					"SELECT " POST_COLS POST_FROM " WHERE (CAST(?2 AS TEXT) IS NULL OR p.kind=?2)"
					" AND (CAST(?3 AS TEXT) IS NULL OR p.mode=?3)"
					" AND (CAST(?4 AS TEXT) IS NULL OR p.region LIKE CAST(?4 AS TEXT) || '%')"
					" AND ((?5=1 AND p.org_id=?1) OR (?5=0 AND p.status='open')) AND p.org_id<>?6"
					" ORDER BY p.id DESC LIMIT ?7",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, a->org_id);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, mode);
	db_bind_text(st, 4, region);
	db_bind_int(st, 5, mine ? 1 : 0);
	db_bind_int64(st, 6, exclude_org);
	db_bind_int64(st, 7, (int64_t)max);
	size_t cap = 0;
	struct cand *c = NULL;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			struct cand *g = realloc(c, cap * sizeof *c);
			if (!g) {
				db_reset(st);
				free_cands(c, *n);
				return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
			}
			c = g;
		}
		struct cand *x = &c[(*n)++];
		memset(x, 0, sizeof *x);
		x->row = post_row(st, a->org_id);
		x->title = strdup(db_col_text(st, 5));
		size_t len = strlen(db_col_text(st, 8)) + strlen(db_col_text(st, 9)) + 2;
		x->text = malloc(len);
		if (x->text)
			snprintf(x->text, len, "%s %s", db_col_text(st, 8), db_col_text(st, 9));
		snprintf(x->region, sizeof x->region, "%s", db_col_text(st, 12));
		snprintf(x->chain, sizeof x->chain, "%s", db_col_text(st, 10));
		snprintf(x->segment, sizeof x->segment, "%s", db_col_text(st, 11));
	}
	db_reset(st);
	if (rc < 0) {
		free_cands(c, *n);
		*n = 0;
		return err->code;
	}
	*out = c;
	return QERR_OK;
}

/* 3 same county, 2 same city, 1 same province, 0 otherwise. */
static int nearness(const char *a, const char *b)
{
	if (strlen(a) < 6 || strlen(b) < 6)
		return 0;
	return strncmp(a, b, 6) == 0 ? 3 : strncmp(a, b, 4) == 0 ? 2 : strncmp(a, b, 2) == 0 ? 1 : 0;
}

struct ranked {
	size_t cand;
	double score;
	int near;
	bool segment;
	uint64_t matched;
};

static int cmp_ranked(const void *x, const void *y)
{
	const struct ranked *a = x, *b = y;
	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	if (a->segment != b->segment)
		return a->segment ? -1 : 1;
	if (a->near != b->near)
		return a->near < b->near ? 1 : -1;
	return a->cand < b->cand ? -1 : a->cand > b->cand;
}

/*
 * Ranks cands by query (the post's words or the search text); region,
 * chain and segment of the asking post (may be "") break ties and explain.
 */
static enum qerr rank_cands(const char *query, struct cand *c, size_t n, const char *region, const char *chain,
			    const char *segment, int limit, json_t **items, struct qerror *err)
{
	*items = json_array();
	if (!n)
		return QERR_OK;
	struct text_rank_doc *docs = calloc(n, sizeof *docs);
	struct text_rank_hit *hits = calloc(n, sizeof *hits);
	struct ranked *r = calloc(n, sizeof *r);
	struct text_rank_terms *terms = calloc(1, sizeof *terms);
	enum qerr rc = QERR_OK;
	if (!docs || !hits || !r || !terms) {
		rc = qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		docs[i] = (struct text_rank_doc){c[i].title, c[i].text};
	size_t nhits = 0;
	if ((rc = text_rank(query, docs, n, n, hits, &nhits, terms, err)))
		goto out;
	for (size_t i = 0; i < nhits; i++) {
		struct cand *x = &c[hits[i].doc];
		r[i] = (struct ranked){.cand = hits[i].doc,
				       .score = hits[i].score,
				       .near = nearness(region, x->region),
				       .segment = segment[0] && strcmp(chain, x->chain) == 0 &&
						  strcmp(segment, x->segment) == 0,
				       .matched = hits[i].matched};
	}
	qsort(r, nhits, sizeof *r, cmp_ranked);
	for (size_t i = 0; i < nhits && (int)i < limit; i++) {
		const char *words[TEXT_RANK_MAX_TERMS];
		struct text_rank_hit h = {.matched = r[i].matched};
		size_t nw = text_rank_matched_words(terms, &h, words, TEXT_RANK_MAX_TERMS);
		json_t *why = json_array();
		for (size_t w = 0; w < nw; w++)
			json_array_append_new(why, json_string(words[w]));
		static const char *const near_words[] = {"other", "province", "city", "county"};
		json_t *o = json_incref(c[r[i].cand].row);
		json_object_set_new(o, "score", json_real(r[i].score));
		json_object_set_new(o, "why",
				    json_pack("{s:o,s:b,s:s}", "matched", why, "same_segment", r[i].segment, "region",
					      near_words[r[i].near]));
		json_array_append_new(*items, o);
	}
out:
	free(docs);
	free(hits);
	free(r);
	free(terms);
	if (rc) {
		json_decref(*items);
		*items = NULL;
	}
	return rc;
}

enum qerr talent_post_list(struct db *db, const struct actor *a, const struct talent_filter *f, json_t **out,
			   struct qerror *err)
{
	*out = NULL;
	if (f->kind && f->kind[0] && !in_list(kinds, f->kind))
		return qerr_set(err, QERR_INVALID, "invalid_kind", "kind", "kind must be expert or need");
	if (f->mode && f->mode[0] && !in_list(modes, f->mode))
		return qerr_set(err, QERR_INVALID, "invalid_mode", "mode",
				"mode must be secondment, consulting or training");
	if (f->region && f->region[0]) {
		size_t n = strlen(f->region);
		bool digits = n <= 6;
		for (size_t i = 0; digits && i < n; i++)
			digits = f->region[i] >= '0' && f->region[i] <= '9';
		if (!digits)
			return qerr_set(err, QERR_INVALID, "invalid_region", "region",
					"region is a GB/T 2260 code or prefix");
	}
	int limit = f->limit > 0 && f->limit <= 500 ? f->limit : 50;
	bool ranked = f->q && f->q[0];
	struct cand *c;
	size_t n;
	if (read_cands(db, a, f->kind && f->kind[0] ? f->kind : NULL, f->mode && f->mode[0] ? f->mode : NULL,
		       f->region && f->region[0] ? f->region : NULL, f->mine, -1,
		       ranked ? TALENT_MAX_CANDIDATES : (size_t)limit, &c, &n, err))
		return err->code;
	json_t *items;
	if (ranked) {
		if (rank_cands(f->q, c, n, "", "", "", limit, &items, err)) {
			free_cands(c, n);
			return err->code;
		}
	} else {
		items = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append(items, c[i].row);
	}
	free_cands(c, n);
	*out = json_pack("{s:o}", "items", items);
	return QERR_OK;
}

enum qerr talent_match(struct db *db, const struct actor *a, int64_t id, int limit, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st = db_prepare(db,
					"SELECT kind,title,skills,description,region,chain_id,segment,org_id,status"
					" FROM talent_posts WHERE id=?",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return not_found(err, "post", id);
	if (rc)
		return rc;
	bool expert = strcmp(db_col_text(st, 0), "expert") == 0;
	size_t qlen = strlen(db_col_text(st, 1)) * 2 + strlen(db_col_text(st, 2)) + strlen(db_col_text(st, 3)) + 4;
	char *query = malloc(qlen);
	char region[8], chain[40], segment[40];
	int64_t org = db_col_int64(st, 7);
	if (query) /* the title twice: its words weigh as the title does in the documents */
		snprintf(query, qlen, "%s %s %s %s", db_col_text(st, 1), db_col_text(st, 1), db_col_text(st, 2),
			 db_col_text(st, 3));
	snprintf(region, sizeof region, "%s", db_col_text(st, 4));
	snprintf(chain, sizeof chain, "%s", db_col_text(st, 5));
	snprintf(segment, sizeof segment, "%s", db_col_text(st, 6));
	db_reset(st);
	if (!query)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	struct cand *c;
	size_t n;
	json_t *items = NULL;
	if (read_cands(db, a, expert ? "need" : "expert", NULL, NULL, 0, org, TALENT_MAX_CANDIDATES, &c, &n, err)) {
		free(query);
		return err->code;
	}
	rc = rank_cands(query, c, n, region, chain, segment, limit > 0 && limit <= 100 ? limit : 10, &items, err);
	free_cands(c, n);
	free(query);
	if (rc)
		return rc;
	*out = json_pack("{s:I,s:s,s:o}", "post_id", (json_int_t)id, "matching", expert ? "need" : "expert", "items",
			 items);
	return QERR_OK;
}

/* ---- contact requests ---- */

static json_t *contact_row(struct db_stmt *st)
{
	return json_pack("{s:I,s:I,s:s,s:o,s:I,s:s,s:s,s:s,s:s,s:o}", "id", (json_int_t)db_col_int64(st, 0),
			 "expert_id", (json_int_t)db_col_int64(st, 1), "expert_title", db_col_text(st, 2), "need_id",
			 db_col_json_int(st, 3), "requester_org_id", (json_int_t)db_col_int64(st, 4), "requester_name",
			 db_col_text(st, 5), "message", db_col_text(st, 6), "status", db_col_text(st, 7),
			 "requested_at", db_col_text(st, 8), "decided_at", db_col_json_text(st, 9));
}

#define CONTACT_SELECT                                                                                                 \
	"SELECT c.id,c.expert_id,p.title,c.need_id,c.requester_org_id,o.name,c.message,c.status,c.requested_at,"       \
	"c.decided_at,p.org_id FROM talent_contacts c JOIN talent_posts p ON p.id=c.expert_id"                         \
	" JOIN orgs o ON o.id=c.requester_org_id"

static enum qerr contact_json(struct db *db, int64_t id, json_t **out, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, CONTACT_SELECT " WHERE c.id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return not_found(err, "contact", id);
	if (rc)
		return rc;
	*out = contact_row(st);
	db_reset(st);
	return QERR_OK;
}

enum qerr talent_contact_request(struct db *db, const struct actor *a, int64_t expert_id, const json_t *body,
				 json_t **out, struct qerror *err)
{
	*out = NULL;
	if (!a->org_id)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL, "an organisation asks for a contact");
	if (db_begin_write(db, err))
		return err->code;
	struct post_head p;
	if (post_head(db, expert_id, &p, err))
		return svc_fail(db, err);
	if (strcmp(p.kind, "expert") != 0 || strcmp(p.status, "open") != 0) {
		qerr_set(err, QERR_CONFLICT, "not_an_open_expert", "id",
			 "只能联系开放中的专家 (post %lld is not an open expert)", (long long)expert_id);
		return svc_fail(db, err);
	}
	if (p.org_id == a->org_id) {
		qerr_set(err, QERR_INVALID, "own_expert", "id",
			 "本组织的专家无需申请 (the expert is your organisation's)");
		return svc_fail(db, err);
	}
	int64_t need = json_int(body, "need_id", 0);
	if (need) {
		struct post_head n;
		if (post_head(db, need, &n, err))
			return svc_fail(db, err);
		if (n.org_id != a->org_id || strcmp(n.kind, "need") != 0) {
			qerr_set(err, QERR_INVALID, "invalid_need", "need_id",
				 "need_id must be a need of your organisation");
			return svc_fail(db, err);
		}
	}
	char now[SVC_TIME_LEN];
	svc_now(now);
	struct db_stmt *st = db_prepare(db,
					"INSERT INTO talent_contacts(expert_id,need_id,requester_org_id,message,status,"
					"requested_by,requested_at) VALUES(?,?,?,?,'pending',?,?) RETURNING id",
					err);
	if (!st)
		return svc_fail(db, err);
	db_bind_int64(st, 1, expert_id);
	db_bind_opt_int64(st, 2, need != 0, need);
	db_bind_int64(st, 3, a->org_id);
	db_bind_text(st, 4, json_str(body, "message", ""));
	db_bind_int64(st, 5, a->user_id);
	db_bind_text(st, 6, now);
	int64_t id;
	enum qerr rc = db_scalar_int64(st, &id, err);
	if (rc == QERR_CONFLICT)
		qerr_set(err, QERR_CONFLICT, "contact_exists", "id",
			 "已申请过联系该专家 (your organisation asked already)");
	if (rc || audit(db, a, "talent.contact_request", "talent_contact", id, NULL, err) ||
	    svc_notify_org(db, p.org_id, "talent_contact", id, "人才对接:有组织申请联系贵单位专家", err) ||
	    db_commit(db, err))
		return svc_fail(db, err);
	return contact_json(db, id, out, err);
}

enum qerr talent_contact_decide(struct db *db, const struct actor *a, int64_t id, bool approve, json_t **out,
				struct qerror *err)
{
	*out = NULL;
	if (db_begin_write(db, err))
		return err->code;
	struct db_stmt *st = db_prepare(db, CONTACT_SELECT " WHERE c.id=?", err);
	if (!st)
		return svc_fail(db, err);
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		not_found(err, "contact", id);
	if (rc)
		return svc_fail(db, err);
	int64_t expert_org = db_col_int64(st, 10), requester = db_col_int64(st, 4);
	bool pending = strcmp(db_col_text(st, 7), "pending") == 0;
	db_reset(st);
	if (expert_org != a->org_id) {
		if (requester == a->org_id)
			qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				 "由专家所在组织审批 (the expert's organisation approves a contact request)");
		else
			not_found(err, "contact", id);
		return svc_fail(db, err);
	}
	if (!pending) {
		qerr_set(err, QERR_CONFLICT, "contact_decided", "status",
			 "该申请已处理 (the request was decided already)");
		return svc_fail(db, err);
	}
	char now[SVC_TIME_LEN];
	svc_now(now);
	st = db_prepare(db, "UPDATE talent_contacts SET status=?,decided_by=?,decided_at=? WHERE id=?", err);
	if (!st)
		return svc_fail(db, err);
	db_bind_text(st, 1, approve ? "approved" : "declined");
	db_bind_int64(st, 2, a->user_id);
	db_bind_text(st, 3, now);
	db_bind_int64(st, 4, id);
	if (db_run(st, err) ||
	    audit(db, a, approve ? "talent.contact_approve" : "talent.contact_decline", "talent_contact", id, NULL,
		  err) ||
	    svc_notify_org(db, requester, "talent_contact", id,
			   approve ? "人才对接:联系申请已通过,可查看联系方式" : "人才对接:联系申请未通过", err) ||
	    db_commit(db, err))
		return svc_fail(db, err);
	return contact_json(db, id, out, err);
}

enum qerr talent_contacts(struct db *db, const struct actor *a, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st = db_prepare(
	    db, CONTACT_SELECT " WHERE c.requester_org_id=?1 OR p.org_id=?1 ORDER BY c.id DESC LIMIT 500", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, a->org_id);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		json_t *o = contact_row(st);
		json_object_set_new(o, "direction",
				    json_string(db_col_int64(st, 10) == a->org_id ? "received" : "sent"));
		json_array_append_new(items, o);
	}
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return err->code;
	}
	*out = json_pack("{s:o}", "items", items);
	return QERR_OK;
}

/* ---- secondments ---- */

#define SEC_SELECT                                                                                                     \
	"SELECT s.id,s.expert_id,p.title,s.host_org_id,h.name,s.home_org_id,m.name,s.start_date,s.end_date,s.terms,"   \
	"s.host_agreed_at,s.home_agreed_at,s.person_consent_at,s.person_consent_by,s.status,s.created_at"              \
	" FROM talent_secondments s JOIN talent_posts p ON p.id=s.expert_id JOIN orgs h ON h.id=s.host_org_id"         \
	" JOIN orgs m ON m.id=s.home_org_id"

static json_t *sec_row(struct db_stmt *st)
{
	return json_pack("{s:I,s:I,s:s,s:{s:I,s:s},s:{s:I,s:s},s:s,s:s,s:s,s:{s:o,s:o,s:o,s:o},s:s,s:s}", "id",
			 (json_int_t)db_col_int64(st, 0), "expert_id", (json_int_t)db_col_int64(st, 1), "expert_title",
			 db_col_text(st, 2), "host", "org_id", (json_int_t)db_col_int64(st, 3), "name",
			 db_col_text(st, 4), "home", "org_id", (json_int_t)db_col_int64(st, 5), "name",
			 db_col_text(st, 6), "start_date", db_col_text(st, 7), "end_date", db_col_text(st, 8), "terms",
			 db_col_text(st, 9), "agreement", "host_agreed_at", db_col_json_text(st, 10), "home_agreed_at",
			 db_col_json_text(st, 11), "person_consent_at", db_col_json_text(st, 12), "person_consent_by",
			 db_col_json_text(st, 13), "status", db_col_text(st, 14), "created_at", db_col_text(st, 15));
}

struct sec_head {
	int64_t id, expert_id, host, home;
	bool host_agreed, home_agreed, consented;
	char status[12];
};

static enum qerr sec_head(struct db *db, int64_t id, struct sec_head *s, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db,
					"SELECT id,expert_id,host_org_id,home_org_id,host_agreed_at,home_agreed_at,"
					"person_consent_at,status FROM talent_secondments WHERE id=?",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return not_found(err, "secondment", id);
	if (rc)
		return rc;
	s->id = id;
	s->expert_id = db_col_int64(st, 1);
	s->host = db_col_int64(st, 2);
	s->home = db_col_int64(st, 3);
	s->host_agreed = !db_col_is_null(st, 4);
	s->home_agreed = !db_col_is_null(st, 5);
	s->consented = !db_col_is_null(st, 6);
	snprintf(s->status, sizeof s->status, "%s", db_col_text(st, 7));
	db_reset(st);
	return QERR_OK;
}

static enum qerr sec_json(struct db *db, int64_t id, json_t **out, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, SEC_SELECT " WHERE s.id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return not_found(err, "secondment", id);
	if (rc)
		return rc;
	*out = sec_row(st);
	db_reset(st);
	return QERR_OK;
}

enum qerr talent_secondment_propose(struct db *db, const struct actor *a, int64_t expert_id, const json_t *body,
				    json_t **out, struct qerror *err)
{
	*out = NULL;
	struct qdate s, e;
	if (!qdate_parse(json_str(body, "start_date", ""), &s))
		return qerr_set(err, QERR_INVALID, "invalid_date", "start_date", "start_date must be YYYY-MM-DD");
	if (!qdate_parse(json_str(body, "end_date", ""), &e) || qdate_compare(e, s) < 0)
		return qerr_set(err, QERR_INVALID, "invalid_date", "end_date",
				"end_date must be a date on or after start_date");
	if (db_begin_write(db, err))
		return err->code;
	struct post_head p;
	if (post_head(db, expert_id, &p, err))
		return svc_fail(db, err);
	if (strcmp(p.kind, "expert") != 0 || strcmp(p.status, "open") != 0) {
		qerr_set(err, QERR_CONFLICT, "not_an_open_expert", "id", "post %lld is not an open expert",
			 (long long)expert_id);
		return svc_fail(db, err);
	}
	struct db_stmt *st = db_prepare(db,
					"SELECT count(*) FROM talent_contacts WHERE expert_id=? AND requester_org_id=?"
					" AND status='approved'",
					err);
	int64_t approved = 0;
	if (!st)
		return svc_fail(db, err);
	db_bind_int64(st, 1, expert_id);
	db_bind_int64(st, 2, a->org_id);
	if (db_scalar_int64(st, &approved, err))
		return svc_fail(db, err);
	if (!approved) {
		qerr_set(
		    err, QERR_FORBIDDEN, "contact_not_approved", "id",
		    "需先经专家所在组织同意联系 (the expert's organisation must approve your contact request first)");
		return svc_fail(db, err);
	}
	char now[SVC_TIME_LEN];
	svc_now(now);
	st = db_prepare(
	    db,
	    "INSERT INTO talent_secondments(expert_id,host_org_id,home_org_id,start_date,end_date,terms,"
	    "host_agreed_at,host_agreed_by,status,created_at) VALUES(?,?,?,?,?,?,?,?,'proposed',?) RETURNING id",
	    err);
	if (!st)
		return svc_fail(db, err);
	db_bind_int64(st, 1, expert_id);
	db_bind_int64(st, 2, a->org_id);
	db_bind_int64(st, 3, p.org_id);
	db_bind_text(st, 4, json_str(body, "start_date", ""));
	db_bind_text(st, 5, json_str(body, "end_date", ""));
	db_bind_text(st, 6, json_str(body, "terms", ""));
	db_bind_text(st, 7, now);
	db_bind_int64(st, 8, a->user_id);
	db_bind_text(st, 9, now);
	int64_t id;
	if (db_scalar_int64(st, &id, err) ||
	    audit(db, a, "talent.secondment_propose", "talent_secondment", id, body, err) ||
	    svc_notify_org(db, p.org_id, "talent_secondment", id, "共享用工:收到借调协议,待贵单位同意并记录本人意愿",
			   err) ||
	    db_commit(db, err))
		return svc_fail(db, err);
	return sec_json(db, id, out, err);
}

/* Makes a secondment active when both organisations agreed and the person consented. */
static enum qerr maybe_activate(struct db *db, int64_t id, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db,
					"UPDATE talent_secondments SET status='active' WHERE id=? AND status='proposed'"
					" AND host_agreed_at IS NOT NULL AND home_agreed_at IS NOT NULL"
					" AND person_consent_at IS NOT NULL",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	return db_run(st, err);
}

static enum qerr sec_party(struct db *db, const struct actor *a, int64_t id, struct sec_head *s, struct qerror *err)
{
	if (sec_head(db, id, s, err))
		return err->code;
	if (a->org_id != s->host && a->org_id != s->home)
		return not_found(err, "secondment", id);
	if (strcmp(s->status, "proposed") != 0)
		return qerr_set(err, QERR_CONFLICT, "secondment_not_proposed", "status",
				"借调协议已%s (the secondment is %s)", s->status, s->status);
	return QERR_OK;
}

enum qerr talent_secondment_agree(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (db_begin_write(db, err))
		return err->code;
	struct sec_head s;
	if (sec_party(db, a, id, &s, err))
		return svc_fail(db, err);
	bool host = a->org_id == s.host;
	if (host ? s.host_agreed : s.home_agreed) {
		qerr_set(err, QERR_CONFLICT, "already_agreed", NULL, "贵单位已同意 (your organisation agreed already)");
		return svc_fail(db, err);
	}
	char now[SVC_TIME_LEN];
	svc_now(now);
	struct db_stmt *st =
	    db_prepare(db,
		       host ? "UPDATE talent_secondments SET host_agreed_at=?,host_agreed_by=? WHERE id=?"
			    : "UPDATE talent_secondments SET home_agreed_at=?,home_agreed_by=? WHERE id=?",
		       err);
	if (!st)
		return svc_fail(db, err);
	db_bind_text(st, 1, now);
	db_bind_int64(st, 2, a->user_id);
	db_bind_int64(st, 3, id);
	if (db_run(st, err) || maybe_activate(db, id, err) ||
	    audit(db, a, "talent.secondment_agree", "talent_secondment", id, NULL, err) ||
	    svc_notify_org(db, host ? s.home : s.host, "talent_secondment", id, "共享用工:对方单位已同意借调协议",
			   err) ||
	    db_commit(db, err))
		return svc_fail(db, err);
	return sec_json(db, id, out, err);
}

enum qerr talent_secondment_consent(struct db *db, const struct actor *a, int64_t id, const json_t *body, json_t **out,
				    struct qerror *err)
{
	*out = NULL;
	if (!json_is_true(json_object_get(body, "confirm")))
		return qerr_set(err, QERR_INVALID, "confirmation_required", "confirm",
				"须确认本人同意 (confirm must be true: the person agreed)");
	if (db_begin_write(db, err))
		return err->code;
	struct sec_head s;
	if (sec_party(db, a, id, &s, err))
		return svc_fail(db, err);
	if (a->org_id != s.home) {
		qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
			 "本人意愿由其所在单位记录 (the person's own organisation records their consent)");
		return svc_fail(db, err);
	}
	struct post_head p;
	if (post_head(db, s.expert_id, &p, err))
		return svc_fail(db, err);
	const char *name = json_str(body, "person_name", "");
	if (strcmp(name, p.person_name) != 0) {
		qerr_set(err, QERR_INVALID, "person_mismatch", "person_name",
			 "姓名与专家信息不符 (the name is not the posted expert's)");
		return svc_fail(db, err);
	}
	char now[SVC_TIME_LEN];
	svc_now(now);
	struct db_stmt *st =
	    db_prepare(db, "UPDATE talent_secondments SET person_consent_at=?,person_consent_by=? WHERE id=?", err);
	if (!st)
		return svc_fail(db, err);
	db_bind_text(st, 1, now);
	db_bind_text(st, 2, name);
	db_bind_int64(st, 3, id);
	if (db_run(st, err) || maybe_activate(db, id, err) ||
	    audit(db, a, "talent.secondment_consent", "talent_secondment", id, NULL, err) || db_commit(db, err))
		return svc_fail(db, err);
	return sec_json(db, id, out, err);
}

enum qerr talent_secondment_cancel(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (db_begin_write(db, err))
		return err->code;
	struct sec_head s;
	if (sec_party(db, a, id, &s, err))
		return svc_fail(db, err);
	struct db_stmt *st = db_prepare(db, "UPDATE talent_secondments SET status='cancelled' WHERE id=?", err);
	if (!st)
		return svc_fail(db, err);
	db_bind_int64(st, 1, id);
	if (db_run(st, err) || audit(db, a, "talent.secondment_cancel", "talent_secondment", id, NULL, err) ||
	    db_commit(db, err))
		return svc_fail(db, err);
	return sec_json(db, id, out, err);
}

enum qerr talent_secondments(struct db *db, const struct actor *a, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st = db_prepare(
	    db, SEC_SELECT " WHERE ?2=1 OR s.host_org_id=?1 OR s.home_org_id=?1 ORDER BY s.id DESC LIMIT 500", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, a->org_id);
	db_bind_int(st, 2, svc_is_operator(a) ? 1 : 0);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(items, sec_row(st));
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return err->code;
	}
	*out = json_pack("{s:o}", "items", items);
	return QERR_OK;
}
