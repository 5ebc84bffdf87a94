/*
 * challenge.c - posting a challenge (揭榜挂帅): the innovation clock, the
 * pure helpers (receipt hashes, canonical proposals, score aggregation,
 * milestone shares), drafts with their terms, opening (which freezes the
 * terms), reading, the panel, solver registration and the Q&A broadcast to
 * registered solvers. Proposals are challenge_proposal.c's, evaluation
 * challenge_eval.c's.
 */
#include "sharing/challenge.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/util.h"
#include "platform/audit.h"
#include "platform/enterprise_ref.h"
#include "platform/inbox.h"
#include "registry/uscc.h"
#include "sharing/challenge_int.h"

#define END_FIELDS                                                                                                     \
	{                                                                                                              \
		NULL, 0, false, 0, 0, NULL, NULL                                                                       \
	}

const struct jfield challenge_fields[] = {
    {"title", JF_STRING, true, 1, 200, NULL, "the challenge in a line"},
    {"problem", JF_STRING, true, 1, 20000, NULL, "problem statement"},
    {"enterprise", JF_STRING, false, 18, 36, NULL, "USCC of the posting enterprise (the caller's; default its first)"},
    {"chain", JF_STRING, false, 1, 32, NULL, "chain id (with segment)"},
    {"segment", JF_STRING, false, 1, 64, NULL, "segment code in the chain"},
    {"capabilities", JF_STRING_ARRAY, false, 0, 0, NULL, "required capabilities"},
    {"eligibility", JF_STRING, false, 0, 4000, NULL, "who may take the challenge"},
    {"reward_fen", JF_INT, true, 1, CHALLENGE_MAX_REWARD_FEN, NULL, "reward in fen, paid by milestones"},
    {"deadline", JF_STRING, true, 10, 25, NULL, "submission deadline (UTC ISO-8601, +08:00 offsets accepted)"},
    {"milestones", JF_STRING_ARRAY, true, 0, 0, NULL,
     "[{\"title\", \"share_bp\"}]: 1-20 milestones whose shares (basis points) sum to exactly 10000"},
    {"criteria", JF_STRING_ARRAY, true, 0, 0, NULL,
     "[{\"name\", \"weight\"}]: 1-20 evaluation criteria, weight 1-10000"},
    END_FIELDS,
};
const struct jfield challenge_panel_fields[] = {
    {"reviewers", JF_STRING_ARRAY, true, 0, 0, NULL,
     "the reviewers, replacing the panel: user e-mails, or \"org:ID\" for every admin of an organisation (2-30 "
     "entries, two people at least)"},
    END_FIELDS,
};
const struct jfield challenge_register_fields[] = {
    {"enterprise", JF_STRING, true, 18, 36, NULL, "USCC of the caller's enterprise registering as a solver"},
    END_FIELDS,
};
const struct jfield challenge_question_fields[] = {
    {"question", JF_STRING, true, 1, 4000, NULL, "the question"},
    END_FIELDS,
};
const struct jfield challenge_answer_fields[] = {
    {"answer", JF_STRING, true, 1, 8000, NULL, "the answer, broadcast to every registered solver"},
    END_FIELDS,
};
const struct jfield challenge_proposal_fields[] = {
    {"enterprise", JF_STRING, true, 18, 36, NULL, "USCC of the lead enterprise (the caller's)"},
    {"members", JF_STRING_ARRAY, false, 0, 0, NULL, "USCCs of up to four consortium members (each confirms)"},
    {"title", JF_STRING, true, 1, 200, NULL, "proposal title"},
    {"summary", JF_STRING, true, 1, 4000, NULL, "summary"},
    {"approach", JF_STRING, true, 1, 50000, NULL, "technical approach"},
    {"budget_fen", JF_INT, false, 0, CHALLENGE_MAX_REWARD_FEN, NULL, "budget asked, fen"},
    {"duration_days", JF_INT, false, 1, 3650, NULL, "days to deliver"},
    END_FIELDS,
};
const struct jfield challenge_declaration_fields[] = {
    {"conflict", JF_BOOL, true, 0, 0, NULL, "true: a conflict of interest (the reviewer is excluded)"},
    {"note", JF_STRING, false, 0, 1000, NULL, "what the conflict is"},
    END_FIELDS,
};
const struct jfield challenge_scores_fields[] = {
    {"scores", JF_STRING_ARRAY, true, 0, 0, NULL, "integers 0-100, one per criterion in order"},
    {"comment", JF_STRING, false, 0, 4000, NULL, "the reviewer's comment"},
    END_FIELDS,
};
const struct jfield challenge_shortlist_fields[] = {
    {"proposals", JF_STRING_ARRAY, true, 0, 0, NULL, "ids (integers) of the shortlisted proposals"},
    END_FIELDS,
};
const struct jfield challenge_award_fields[] = {
    {"proposal", JF_INT, true, 1, INT64_MAX, NULL, "id of the winning proposal (from the shortlist)"},
    END_FIELDS,
};
const struct jfield challenge_milestone_fields[] = {
    {"note", JF_STRING, false, 0, 2000, NULL, "acceptance note"},
    END_FIELDS,
};
const struct jfield challenge_receipt_fields[] = {
    {"sha256", JF_STRING, true, 64, 64, NULL, "the receipt's hash"},
    END_FIELDS,
};

/* ---- the clock ---- */

int64_t challenge_clock_now(void)
{
	const char *path = getenv("QILIAN_TEST_CLOCK_FILE");
	if (path && *path) {
		FILE *f = fopen(path, "r");
		if (f) {
			char buf[64] = {0};
			size_t n = fread(buf, 1, sizeof buf - 1, f);
			fclose(f);
			while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
				buf[--n] = 0;
			int64_t t;
			if (qtime_parse(buf, QTIME_OFFSET, &t, NULL))
				return t;
		}
	}
	return qtime_now();
}

/* ---- pure helpers ---- */

void challenge_sha256_hex(const char *text, size_t len, char hex[CHALLENGE_SHA256_HEX])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)text, len);
	sodium_bin2hex(hex, CHALLENGE_SHA256_HEX, h, sizeof h);
}

bool challenge_receipt_matches(const char *canonical, const char *hex)
{
	if (!canonical || !hex || strlen(hex) != CHALLENGE_SHA256_HEX - 1)
		return false;
	char mine[CHALLENGE_SHA256_HEX];
	challenge_sha256_hex(canonical, strlen(canonical), mine);
	char lower[CHALLENGE_SHA256_HEX];
	for (size_t i = 0; i < CHALLENGE_SHA256_HEX; i++)
		lower[i] = (char)(hex[i] >= 'A' && hex[i] <= 'F' ? hex[i] - 'A' + 'a' : hex[i]);
	return sodium_memcmp(mine, lower, CHALLENGE_SHA256_HEX - 1) == 0;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(json_string_value(*(json_t *const *)x), json_string_value(*(json_t *const *)y));
}

char *challenge_canonical(const json_t *proposal)
{
	json_t *copy = json_deep_copy(proposal);
	if (!copy)
		return NULL;
	json_t *members = json_object_get(copy, "members");
	if (json_is_array(members) && json_array_size(members) > 1) {
		size_t n = json_array_size(members);
		json_t **v = calloc(n, sizeof *v);
		if (!v) {
			json_decref(copy);
			return NULL;
		}
		for (size_t i = 0; i < n; i++)
			v[i] = json_incref(json_array_get(members, i));
		qsort(v, n, sizeof *v, cmp_str);
		json_t *sorted = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(sorted, v[i]);
		free(v);
		json_object_set_new(copy, "members", sorted);
	}
	char *s = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(copy);
	return s;
}

enum qerr challenge_aggregate(const int *scores, size_t reviews, const int64_t *weights, size_t n, int64_t *hundredths,
			      struct qerror *err)
{
	if (reviews == 0 || n == 0 || n > CHALLENGE_MAX_CRITERIA || reviews > 1000)
		return qerr_set(err, QERR_INVALID, "invalid_scores", "scores",
				"no reviews or no criteria to aggregate");
	int64_t wsum = 0, num = 0;
	for (size_t i = 0; i < n; i++) {
		if (weights[i] < 1 || weights[i] > 10000)
			return qerr_set(err, QERR_INVALID, "invalid_weight", "criteria", "weights are 1-10000");
		wsum += weights[i];
	}
	for (size_t r = 0; r < reviews; r++)
		for (size_t i = 0; i < n; i++) {
			int s = scores[r * n + i];
			if (s < 0 || s > 100)
				return qerr_set(err, QERR_INVALID, "invalid_score", "scores", "scores are 0-100");
			num += (int64_t)s * weights[i];
		}
	/* mean over reviews of Σ s×w / Σ w, in hundredths: num × 100 / (reviews × wsum), half up. */
	int64_t den = (int64_t)reviews * wsum;
	*hundredths = (num * 100 * 2 + den) / (2 * den);
	return QERR_OK;
}

bool challenge_shares_complete(const int64_t *share_bp, size_t n)
{
	int64_t sum = 0;
	for (size_t i = 0; i < n; i++) {
		if (share_bp[i] < 1 || share_bp[i] > 10000)
			return false;
		sum += share_bp[i];
	}
	return n > 0 && sum == 10000;
}

/* ---- shared with the other challenge files (challenge_int.h) ---- */

void chl_now(char out[QTIME_ISO_LEN])
{
	qtime_format(challenge_clock_now(), out);
}

enum qerr chl_fail(struct db *db, struct qerror *err)
{
	db_rollback(db);
	return err->code ? err->code : QERR_INTERNAL;
}

bool chl_is_operator(const struct actor *a)
{
	return a->user_id == 0 || a->org_type == ORG_OPERATOR;
}

bool chl_is_poster(const struct actor *a, const struct challenge_row *c)
{
	return chl_is_operator(a) || (a->org_id && a->org_id == c->poster_org_id);
}

bool chl_readable(const struct actor *a, const struct challenge_row *c)
{
	return strcmp(c->status, "draft") != 0 || chl_is_poster(a, c);
}

enum qerr chl_not_found(struct qerror *err, int64_t id)
{
	return qerr_set(err, QERR_NOT_FOUND, "challenge_not_found", "id", "榜单不存在 (no challenge %lld)",
			(long long)id);
}

enum qerr chl_wrong_state(struct qerror *err, const struct challenge_row *c, const char *needed)
{
	return qerr_set(err, QERR_CONFLICT, "wrong_state", "status",
			"榜单状态为 %s,需要 %s (the challenge is %s, needs %s)", c->effective, needed, c->effective,
			needed);
}

enum qerr chl_load(struct db *db, int64_t id, struct challenge_row *c, struct qerror *err)
{
	memset(c, 0, sizeof *c);
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT id,poster_org_id,coalesce(poster_enterprise_id,0),coalesce(sid,0),reward_fen,"
		       "coalesce(winner_proposal_id,0),winner_consent,status,deadline,title FROM challenges WHERE id=?",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	if (db_one(st, err)) {
		if (err->code == QERR_NOT_FOUND)
			return chl_not_found(err, id);
		return err->code;
	}
	c->id = db_col_int64(st, 0);
	c->poster_org_id = db_col_int64(st, 1);
	c->poster_enterprise_id = db_col_int64(st, 2);
	c->sid = db_col_int64(st, 3);
	c->reward_fen = db_col_int64(st, 4);
	c->winner_proposal_id = db_col_int64(st, 5);
	c->winner_consent = db_col_int(st, 6) != 0;
	snprintf(c->status, sizeof c->status, "%s", db_col_text(st, 7));
	snprintf(c->deadline, sizeof c->deadline, "%s", db_col_text(st, 8));
	snprintf(c->title, sizeof c->title, "%s", db_col_text(st, 9));
	db_reset(st);
	int64_t dl = 0;
	qtime_parse(c->deadline, QTIME_STRICT, &dl, NULL);
	c->past_deadline = challenge_clock_now() >= dl;
	snprintf(c->effective, sizeof c->effective, "%s",
		 strcmp(c->status, "open") == 0 && c->past_deadline ? "closed" : c->status);
	return QERR_OK;
}

enum qerr chl_on_panel(struct db *db, const struct actor *a, int64_t challenge_id, bool *yes, struct qerror *err)
{
	*yes = false;
	if (!a->user_id)
		return QERR_OK;
	struct db_stmt *st =
	    db_prepare(db, "SELECT count(*) FROM challenge_panel WHERE challenge_id=? AND user_id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, challenge_id);
	db_bind_int64(st, 2, a->user_id);
	int64_t n = 0;
	if (db_scalar_int64(st, &n, err))
		return err->code;
	*yes = n > 0;
	return QERR_OK;
}

enum qerr chl_audit(struct db *db, const struct actor *a, const char *action, const char *type, int64_t id,
		    const json_t *detail, struct qerror *err)
{
	char s[24];
	snprintf(s, sizeof s, "%lld", (long long)id);
	return audit_record(db, a, action, type, s, detail, err);
}

enum qerr chl_set_status(struct db *db, int64_t id, const char *status, struct qerror *err)
{
	char now[QTIME_ISO_LEN];
	chl_now(now);
	struct db_stmt *st = db_prepare(db, "UPDATE challenges SET status=?,updated_at=? WHERE id=?", err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, status);
	db_bind_text(st, 2, now);
	db_bind_int64(st, 3, id);
	return db_run(st, err);
}

enum qerr chl_notify_poster(struct db *db, const struct challenge_row *c, const char *kind, int64_t object,
			    const char *title, struct qerror *err)
{
	if (!c->poster_enterprise_id)
		return QERR_OK;
	json_t *d = json_pack("{s:I,s:s}", "challenge_id", (json_int_t)c->id, "challenge", c->title);
	enum qerr rc = inbox_renotify(db, c->poster_enterprise_id, kind, object, title, d, err);
	json_decref(d);
	return rc;
}

enum qerr chl_weights(struct db *db, int64_t id, int64_t *w, size_t *n, struct qerror *err)
{
	*n = 0;
	struct db_stmt *st =
	    db_prepare(db, "SELECT weight FROM challenge_criteria WHERE challenge_id=? ORDER BY seq", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW && *n < CHALLENGE_MAX_CRITERIA)
		w[(*n)++] = db_col_int64(st, 0);
	db_reset(st);
	return rc < 0 ? err->code : QERR_OK;
}

json_t *chl_enterprise_json(struct db *db, int64_t id)
{
	struct enterprise_ref e;
	struct qerror err = {0};
	if (!id || enterprise_ref_by_id(db, id, &e, &err))
		return json_null();
	return json_pack("{s:s,s:s,s:s}", "uscc", e.uscc, "name", e.name, "region", e.region);
}

/* ---- the terms ---- */

/* Checks body against challenge_fields by hand: milestones and criteria are arrays of objects jsonio cannot describe.
 */
static enum qerr check_terms(const json_t *body, bool partial, struct qerror *err)
{
	if (!json_is_object(body))
		return qerr_set(err, QERR_BAD_REQUEST, "malformed_json", NULL, "request body must be a JSON object");
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)body, key, v)
	{
		const struct jfield *f = challenge_fields;
		while (f->name && strcmp(f->name, key) != 0)
			f++;
		if (!f->name)
			return qerr_set(err, QERR_INVALID, "unknown_field", key, "unknown field %s", key);
		if (json_is_null(v) && !f->required)
			continue;
		if (f->type == JF_STRING) {
			if (!json_is_string(v))
				return qerr_set(err, QERR_INVALID, "invalid_type", key, "%s must be a string", key);
			size_t len = util_utf8_len(json_string_value(v));
			if ((int64_t)len < f->min || (int64_t)len > f->max)
				return qerr_set(err, QERR_INVALID, "invalid_length", key,
						"%s must be %lld-%lld characters", key, (long long)f->min,
						(long long)f->max);
		} else if (f->type == JF_INT) {
			if (!json_is_integer(v) || json_integer_value(v) < f->min || json_integer_value(v) > f->max)
				return qerr_set(err, QERR_INVALID, "out_of_range", key,
						"%s must be an integer %lld-%lld", key, (long long)f->min,
						(long long)f->max);
		} else if (!json_is_array(v)) {
			return qerr_set(err, QERR_INVALID, "invalid_type", key, "%s must be an array", key);
		}
	}
	for (const struct jfield *f = challenge_fields; f->name && !partial; f++)
		if (f->required && !json_object_get(body, f->name))
			return qerr_set(err, QERR_INVALID, "missing_field", f->name, "%s is required", f->name);
	json_t *caps = json_object_get(body, "capabilities");
	size_t i;
	json_array_foreach(caps, i, v)
	{
		if (!json_is_string(v) || util_utf8_len(json_string_value(v)) > 100 || i >= 30)
			return qerr_set(err, QERR_INVALID, "invalid_capabilities", "capabilities",
					"capabilities are at most 30 strings of 1-100 characters");
	}
	json_t *ms = json_object_get(body, "milestones");
	if (ms) {
		size_t n = json_array_size(ms);
		int64_t shares[CHALLENGE_MAX_MILESTONES];
		if (n == 0 || n > CHALLENGE_MAX_MILESTONES)
			return qerr_set(err, QERR_INVALID, "invalid_milestones", "milestones", "1-%d milestones",
					CHALLENGE_MAX_MILESTONES);
		json_array_foreach(ms, i, v)
		{
			json_t *t = json_object_get(v, "title"), *s = json_object_get(v, "share_bp");
			if (!json_is_object(v) || json_object_size(v) != 2 || !json_is_string(t) ||
			    util_utf8_len(json_string_value(t)) < 1 || util_utf8_len(json_string_value(t)) > 200 ||
			    !json_is_integer(s))
				return qerr_set(
				    err, QERR_INVALID, "invalid_milestones", "milestones",
				    "milestone %zu must be {\"title\": 1-200 characters, \"share_bp\": integer}",
				    i + 1);
			shares[i] = json_integer_value(s);
		}
		if (!challenge_shares_complete(shares, n))
			return qerr_set(err, QERR_INVALID, "shares_not_100", "milestones",
					"里程碑比例之和须为100%% (milestone shares must be 1-10000 bp each and sum to "
					"exactly 10000 bp)");
	}
	json_t *cr = json_object_get(body, "criteria");
	if (cr) {
		size_t n = json_array_size(cr);
		if (n == 0 || n > CHALLENGE_MAX_CRITERIA)
			return qerr_set(err, QERR_INVALID, "invalid_criteria", "criteria", "1-%d criteria",
					CHALLENGE_MAX_CRITERIA);
		json_array_foreach(cr, i, v)
		{
			json_t *nm = json_object_get(v, "name"), *w = json_object_get(v, "weight");
			if (!json_is_object(v) || json_object_size(v) != 2 || !json_is_string(nm) ||
			    util_utf8_len(json_string_value(nm)) < 1 || util_utf8_len(json_string_value(nm)) > 200 ||
			    !json_is_integer(w) || json_integer_value(w) < 1 || json_integer_value(w) > 10000)
				return qerr_set(
				    err, QERR_INVALID, "invalid_criteria", "criteria",
				    "criterion %zu must be {\"name\": 1-200 characters, \"weight\": 1-10000}", i + 1);
		}
	}
	return QERR_OK;
}

/* The deadline as canonical UTC text. */
static enum qerr parse_deadline(const char *s, char out[QTIME_ISO_LEN], struct qerror *err)
{
	int64_t t;
	if (!s || !qtime_parse(s, QTIME_OFFSET, &t, NULL) || !qtime_format(t, out))
		return qerr_set(err, QERR_INVALID, "invalid_time", "deadline",
				"截止时间格式应为 ISO-8601 (deadline must be like 2026-06-30T16:00:00Z)");
	return QERR_OK;
}

/* The segment's sid for chain + segment (0 for none). */
static enum qerr resolve_segment(struct db *db, const char *chain, const char *segment, int64_t *sid,
				 struct qerror *err)
{
	*sid = 0;
	if ((!chain || !*chain) && (!segment || !*segment))
		return QERR_OK;
	if (!chain || !*chain || !segment || !*segment)
		return qerr_set(err, QERR_INVALID, "invalid_segment", segment && *segment ? "chain" : "segment",
				"chain and segment go together");
	struct db_stmt *st = db_prepare(db, "SELECT sid FROM segments WHERE chain_id=? AND code=?", err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, chain);
	db_bind_text(st, 2, segment);
	if (db_scalar_int64(st, sid, err)) {
		if (err->code == QERR_NOT_FOUND)
			return qerr_set(err, QERR_INVALID, "segment_not_found", "segment",
					"产业链环节不存在 (no segment %s in chain %s)", segment, chain);
		return err->code;
	}
	return QERR_OK;
}

static char *join_caps(const json_t *caps)
{
	struct buf b = {0};
	size_t i;
	json_t *v;
	json_array_foreach(caps, i, v)
	{
		if (i)
			buf_puts(&b, ";");
		buf_puts(&b, json_string_value(v));
	}
	buf_puts(&b, "");
	return b.data ? b.data : strdup("");
}

/* Replaces milestones and criteria from the body (those present). */
static enum qerr write_lists(struct db *db, int64_t id, const json_t *body, struct qerror *err)
{
	json_t *ms = json_object_get(body, "milestones"), *cr = json_object_get(body, "criteria"), *v;
	size_t i;
	struct db_stmt *st;
	if (ms) {
		if (!(st = db_prepare(db, "DELETE FROM challenge_milestones WHERE challenge_id=?", err)))
			return err->code;
		db_bind_int64(st, 1, id);
		if (db_run(st, err))
			return err->code;
		json_array_foreach(ms, i, v)
		{
			st = db_prepare(db,
					"INSERT INTO challenge_milestones(challenge_id,seq,title,share_bp,status) "
					"VALUES(?,?,?,?,'pending')",
					err);
			if (!st)
				return err->code;
			db_bind_int64(st, 1, id);
			db_bind_int64(st, 2, (int64_t)i + 1);
			db_bind_text(st, 3, json_string_value(json_object_get(v, "title")));
			db_bind_int64(st, 4, json_integer_value(json_object_get(v, "share_bp")));
			if (db_run(st, err))
				return err->code;
		}
	}
	if (cr) {
		if (!(st = db_prepare(db, "DELETE FROM challenge_criteria WHERE challenge_id=?", err)))
			return err->code;
		db_bind_int64(st, 1, id);
		if (db_run(st, err))
			return err->code;
		json_array_foreach(cr, i, v)
		{
			st = db_prepare(
			    db, "INSERT INTO challenge_criteria(challenge_id,seq,name,weight) VALUES(?,?,?,?)", err);
			if (!st)
				return err->code;
			db_bind_int64(st, 1, id);
			db_bind_int64(st, 2, (int64_t)i + 1);
			db_bind_text(st, 3, json_string_value(json_object_get(v, "name")));
			db_bind_int64(st, 4, json_integer_value(json_object_get(v, "weight")));
			if (db_run(st, err))
				return err->code;
		}
	}
	return QERR_OK;
}

/* The posting enterprise: the named one (the actor's), else the organisation's first; 0 for the operator without one.
 */
static enum qerr poster_enterprise(struct db *db, const struct actor *a, const char *uscc, int64_t *eid,
				   struct qerror *err)
{
	*eid = 0;
	if (uscc && *uscc) {
		char canon[USCC_LEN + 1];
		if (uscc_check(uscc, canon, err)) {
			snprintf(err->field, sizeof err->field, "enterprise");
			return err->code;
		}
		int64_t org;
		if (enterprise_ref_owner(db, canon, eid, &org, err))
			return err->code;
		if (!*eid)
			return enterprise_ref_not_registered(err, QERR_INVALID, "enterprise", canon);
		if (!chl_is_operator(a) && org != a->org_id)
			return qerr_set(err, QERR_FORBIDDEN, "forbidden", "enterprise",
					"只能以本组织的企业发榜 (the enterprise is not your organisation's)");
		return QERR_OK;
	}
	struct db_stmt *st = db_prepare(db, "SELECT coalesce(min(id),0) FROM enterprises WHERE org_id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, a->org_id);
	return db_scalar_int64(st, eid, err);
}

enum qerr challenge_create(struct db *db, const struct actor *a, const json_t *body, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (!chl_is_operator(a) && a->org_type != ORG_LARGE)
		return qerr_set(
		    err, QERR_FORBIDDEN, "forbidden", NULL,
		    "只有大企业或运营方可以发榜 (only a large enterprise or the operator posts challenges)");
	if (check_terms(body, false, err))
		return err->code;
	char deadline[QTIME_ISO_LEN], now[QTIME_ISO_LEN];
	if (parse_deadline(json_str(body, "deadline", NULL), deadline, err))
		return err->code;
	if (db_begin_write(db, err))
		return err->code;
	int64_t sid, eid;
	if (resolve_segment(db, json_str(body, "chain", NULL), json_str(body, "segment", NULL), &sid, err) ||
	    poster_enterprise(db, a, json_str(body, "enterprise", NULL), &eid, err))
		return chl_fail(db, err);
	chl_now(now);
	char *caps = join_caps(json_object_get(body, "capabilities"));
	struct db_stmt *st = db_prepare(
	    db,
	    "INSERT INTO "
	    "challenges(poster_org_id,poster_enterprise_id,title,problem,chain_id,sid,capabilities,eligibility,"
	    "reward_fen,deadline,status,created_at,updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,'draft',?,?) RETURNING id",
	    err);
	if (!st) {
		free(caps);
		return chl_fail(db, err);
	}
	db_bind_int64(st, 1, a->org_id);
	db_bind_opt_int64(st, 2, eid != 0, eid);
	db_bind_text(st, 3, json_str(body, "title", ""));
	db_bind_text(st, 4, json_str(body, "problem", ""));
	db_bind_text_or_null(st, 5, sid ? json_str(body, "chain", NULL) : NULL);
	db_bind_opt_int64(st, 6, sid != 0, sid);
	db_bind_text(st, 7, caps);
	db_bind_text(st, 8, json_str(body, "eligibility", ""));
	db_bind_int64(st, 9, json_int(body, "reward_fen", 0));
	db_bind_text(st, 10, deadline);
	db_bind_text(st, 11, now);
	db_bind_text(st, 12, now);
	free(caps);
	int64_t id;
	if (db_scalar_int64(st, &id, err) || write_lists(db, id, body, err) ||
	    chl_audit(db, a, "challenge.create", "challenge", id, NULL, err))
		return chl_fail(db, err);
	if (db_commit(db, err))
		return chl_fail(db, err);
	return challenge_get(db, a, id, out, err);
}

enum qerr challenge_update(struct db *db, const struct actor *a, int64_t id, const json_t *body, json_t **out,
			   struct qerror *err)
{
	*out = NULL;
	if (db_begin_write(db, err))
		return err->code;
	struct challenge_row c;
	if (chl_load(db, id, &c, err))
		return chl_fail(db, err);
	if (!chl_readable(a, &c)) {
		chl_not_found(err, id);
		return chl_fail(db, err);
	}
	if (!chl_is_poster(a, &c)) {
		qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
			 "只有发榜方可以修改 (only the poster changes a challenge)");
		return chl_fail(db, err);
	}
	if (strcmp(c.status, "draft") != 0) {
		qerr_set(err, QERR_CONFLICT, "terms_frozen", "status",
			 "榜单发布后条款不可修改 (the terms are frozen once the challenge is open)");
		return chl_fail(db, err);
	}
	if (check_terms(body, true, err))
		return chl_fail(db, err);
	char deadline[QTIME_ISO_LEN] = "", now[QTIME_ISO_LEN];
	const char *dl = json_str(body, "deadline", NULL);
	if (dl && parse_deadline(dl, deadline, err))
		return chl_fail(db, err);
	int64_t sid = c.sid;
	bool seg = json_object_get(body, "chain") || json_object_get(body, "segment");
	if (seg && resolve_segment(db, json_str(body, "chain", NULL), json_str(body, "segment", NULL), &sid, err))
		return chl_fail(db, err);
	chl_now(now);
	json_t *capsv = json_object_get(body, "capabilities");
	char *caps = capsv ? join_caps(capsv) : NULL;
	struct db_stmt *st = db_prepare(
	    db,
	    "UPDATE challenges SET title=coalesce(CAST(? AS TEXT),title),problem=coalesce(CAST(? AS TEXT),problem),"
	    "eligibility=coalesce(CAST(? AS TEXT),eligibility),reward_fen=coalesce(CAST(? AS BIGINT),reward_fen),"
	    "deadline=coalesce(CAST(? AS TEXT),deadline),capabilities=coalesce(CAST(? AS TEXT),capabilities),"
	    "chain_id=CASE WHEN CAST(? AS BIGINT)=1 THEN CAST(? AS TEXT) ELSE chain_id END,"
	    "sid=CASE WHEN CAST(? AS BIGINT)=1 THEN CAST(? AS BIGINT) ELSE sid END,updated_at=? WHERE id=?",
	    err);
	if (!st) {
		free(caps);
		return chl_fail(db, err);
	}
	db_bind_text(st, 1, json_str(body, "title", NULL));
	db_bind_text(st, 2, json_str(body, "problem", NULL));
	db_bind_text(st, 3, json_str(body, "eligibility", NULL));
	db_bind_opt_int64(st, 4, json_object_get(body, "reward_fen") != NULL, json_int(body, "reward_fen", 0));
	db_bind_text_or_null(st, 5, deadline);
	db_bind_text(st, 6, caps);
	db_bind_int(st, 7, seg ? 1 : 0);
	db_bind_text_or_null(st, 8, sid ? json_str(body, "chain", NULL) : NULL);
	db_bind_int(st, 9, seg ? 1 : 0);
	db_bind_opt_int64(st, 10, sid != 0, sid);
	db_bind_text(st, 11, now);
	db_bind_int64(st, 12, id);
	free(caps);
	if (db_run(st, err) || write_lists(db, id, body, err) ||
	    chl_audit(db, a, "challenge.update", "challenge", id, NULL, err) || db_commit(db, err))
		return chl_fail(db, err);
	return challenge_get(db, a, id, out, err);
}

enum qerr challenge_open(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (db_begin_write(db, err))
		return err->code;
	struct challenge_row c;
	if (chl_load(db, id, &c, err))
		return chl_fail(db, err);
	if (!chl_readable(a, &c)) {
		chl_not_found(err, id);
		return chl_fail(db, err);
	}
	if (!chl_is_poster(a, &c)) {
		qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
			 "只有发榜方可以发布 (only the poster opens a challenge)");
		return chl_fail(db, err);
	}
	if (strcmp(c.status, "draft") != 0) {
		chl_wrong_state(err, &c, "draft");
		return chl_fail(db, err);
	}
	if (c.past_deadline) {
		qerr_set(err, QERR_CONFLICT, "deadline_passed", "deadline",
			 "截止时间已过,请先修改 (the deadline %s has passed)", c.deadline);
		return chl_fail(db, err);
	}
	char now[QTIME_ISO_LEN];
	chl_now(now);
	struct db_stmt *st =
	    db_prepare(db, "UPDATE challenges SET status='open',opened_at=?,updated_at=? WHERE id=?", err);
	if (!st)
		return chl_fail(db, err);
	db_bind_text(st, 1, now);
	db_bind_text(st, 2, now);
	db_bind_int64(st, 3, id);
	if (db_run(st, err) || chl_audit(db, a, "challenge.open", "challenge", id, NULL, err) || db_commit(db, err))
		return chl_fail(db, err);
	return challenge_get(db, a, id, out, err);
}

/* ---- reading ---- */

static json_t *challenge_summary(struct db_stmt *st, const struct challenge_row *c)
{
	return json_pack("{s:I,s:s,s:s,s:o,s:o,s:I,s:s,s:s,s:{s:I,s:s},s:s}", "id", (json_int_t)c->id, "title",
			 c->title, "status", c->effective, "chain", db_col_json_text(st, 1), "segment_name",
			 db_col_json_text(st, 2), "reward_fen", (json_int_t)c->reward_fen, "deadline", c->deadline,
			 "problem", db_col_text(st, 3), "poster", "org_id", (json_int_t)c->poster_org_id, "name",
			 db_col_text(st, 4), "created_at", db_col_text(st, 5));
}

enum qerr challenge_list(struct db *db, const struct actor *a, const char *status, bool mine, json_t **out,
			 struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st = db_prepare(db,
					"SELECT c.id,c.chain_id,s.name,c.problem,o.name,c.created_at FROM challenges c"
					" JOIN orgs o ON o.id=c.poster_org_id LEFT JOIN segments s ON s.sid=c.sid"
					" WHERE (c.status<>'draft' OR c.poster_org_id=? OR CAST(? AS BIGINT)=1)"
					" AND (CAST(? AS BIGINT)=0 OR c.poster_org_id=?) ORDER BY c.id DESC LIMIT 500",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, a->org_id);
	db_bind_int(st, 2, chl_is_operator(a) ? 1 : 0);
	db_bind_int(st, 3, mine ? 1 : 0);
	db_bind_int64(st, 4, a->org_id);
	int64_t ids[500];
	size_t n = 0;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW && n < 500)
		ids[n++] = db_col_int64(st, 0);
	db_reset(st);
	if (rc < 0)
		return err->code;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		struct challenge_row c;
		if (chl_load(db, ids[i], &c, err)) {
			json_decref(items);
			return err->code;
		}
		if (status && *status && strcmp(status, c.effective) != 0)
			continue;
		struct db_stmt *one =
		    db_prepare(db,
			       "SELECT c.id,c.chain_id,s.name,c.problem,o.name,c.created_at FROM challenges c"
			       " JOIN orgs o ON o.id=c.poster_org_id LEFT JOIN segments s ON s.sid=c.sid"
			       " WHERE c.id=?",
			       err);
		if (!one) {
			json_decref(items);
			return err->code;
		}
		db_bind_int64(one, 1, c.id);
		if (db_one(one, err)) {
			json_decref(items);
			return err->code;
		}
		json_array_append_new(items, challenge_summary(one, &c));
		db_reset(one);
	}
	*out = json_pack("{s:o}", "items", items);
	return QERR_OK;
}

static enum qerr rows_json(struct db *db, const char *sql, int64_t id, json_t *(*row)(struct db_stmt *), json_t **out,
			   struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, sql, err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	json_t *arr = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(arr, row(st));
	db_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return err->code;
	}
	*out = arr;
	return QERR_OK;
}

static json_t *milestone_row(struct db_stmt *st)
{
	return json_pack("{s:I,s:s,s:I,s:s,s:o,s:o,s:s}", "seq", (json_int_t)db_col_int64(st, 0), "title",
			 db_col_text(st, 1), "share_bp", (json_int_t)db_col_int64(st, 2), "status", db_col_text(st, 3),
			 "paid_fen", db_col_json_int(st, 4), "accepted_at", db_col_json_text(st, 5), "note",
			 db_col_text(st, 6));
}

static json_t *criterion_row(struct db_stmt *st)
{
	return json_pack("{s:I,s:s,s:I}", "seq", (json_int_t)db_col_int64(st, 0), "name", db_col_text(st, 1), "weight",
			 (json_int_t)db_col_int64(st, 2));
}

static json_t *panel_row(struct db_stmt *st)
{
	return json_pack("{s:I,s:s,s:s,s:s}", "user_id", (json_int_t)db_col_int64(st, 0), "name", db_col_text(st, 1),
			 "email", db_col_text(st, 2), "org", db_col_text(st, 3));
}

static json_t *split_caps(const char *s)
{
	json_t *arr = json_array();
	while (s && *s) {
		const char *e = strchr(s, ';');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n)
			json_array_append_new(arr, json_stringn(s, n));
		s = e ? e + 1 : NULL;
	}
	return arr;
}

enum qerr challenge_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct challenge_row c;
	if (chl_load(db, id, &c, err))
		return err->code;
	if (!chl_readable(a, &c))
		return chl_not_found(err, id);
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT c.problem,c.chain_id,s.code,s.name,c.capabilities,c.eligibility,o.name,"
		       "c.opened_at,c.created_at,c.published_at,"
		       " (SELECT count(*) FROM challenge_proposals p WHERE p.challenge_id=c.id"
		       "  AND p.status<>'withdrawn'),"
		       " (SELECT count(*) FROM challenge_solvers r WHERE r.challenge_id=c.id),"
		       " (SELECT count(*) FROM challenge_solvers r JOIN enterprises e ON e.id=r.enterprise_id"
		       "  WHERE r.challenge_id=c.id AND e.org_id=?)"
		       " FROM challenges c JOIN orgs o ON o.id=c.poster_org_id LEFT JOIN segments s ON s.sid=c.sid"
		       " WHERE c.id=?",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, a->org_id);
	db_bind_int64(st, 2, id);
	if (db_one(st, err))
		return err->code;
	bool poster = chl_is_poster(a, &c);
	json_t *j = json_pack(
	    "{s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:s,s:I,s:s,s:{s:I,s:s,s:o},s:o,s:s,s:o,s:I,s:b,s:b}", "id",
	    (json_int_t)c.id, "title", c.title, "status", c.effective, "problem", db_col_text(st, 0), "chain",
	    db_col_json_text(st, 1), "segment", db_col_json_text(st, 2), "segment_name", db_col_json_text(st, 3),
	    "capabilities", split_caps(db_col_text(st, 4)), "eligibility", db_col_text(st, 5), "reward_fen",
	    (json_int_t)c.reward_fen, "deadline", c.deadline, "poster", "org_id", (json_int_t)c.poster_org_id, "name",
	    db_col_text(st, 6), "enterprise", chl_enterprise_json(db, c.poster_enterprise_id), "opened_at",
	    db_col_json_text(st, 7), "created_at", db_col_text(st, 8), "proposals",
	    chl_is_poster(a, &c) ? json_integer(db_col_int64(st, 10)) : json_null(), "solvers",
	    (json_int_t)db_col_int64(st, 11), "registered", db_col_int64(st, 12) > 0, "is_poster", poster);
	json_t *published = db_col_json_text(st, 9);
	db_reset(st);
	json_t *ms = NULL, *cr = NULL, *panel = NULL;
	if (rows_json(db,
		      "SELECT seq,title,share_bp,status,paid_fen,accepted_at,note FROM challenge_milestones"
		      " WHERE challenge_id=? ORDER BY seq",
		      id, milestone_row, &ms, err) ||
	    rows_json(db, "SELECT seq,name,weight FROM challenge_criteria WHERE challenge_id=? ORDER BY seq", id,
		      criterion_row, &cr, err)) {
		json_decref(j);
		json_decref(published);
		return err->code;
	}
	json_object_set_new(j, "milestones", ms);
	json_object_set_new(j, "criteria", cr);
	bool on_panel = false;
	if (chl_on_panel(db, a, id, &on_panel, err)) {
		json_decref(j);
		json_decref(published);
		return err->code;
	}
	json_object_set_new(j, "on_panel", json_boolean(on_panel));
	if (poster || on_panel) {
		if (rows_json(db,
			      "SELECT u.id,u.name,u.email,o.name FROM challenge_panel p JOIN users u ON u.id=p.user_id"
			      " JOIN orgs o ON o.id=u.org_id WHERE p.challenge_id=? ORDER BY u.id",
			      id, panel_row, &panel, err)) {
			json_decref(j);
			json_decref(published);
			return err->code;
		}
		json_object_set_new(j, "panel", panel);
	}
	/* The result: the winner is named once it consented (published); the poster sees it at once. */
	json_t *result = json_null();
	if (c.winner_proposal_id && (c.winner_consent || poster)) {
		struct db_stmt *w =
		    db_prepare(db, "SELECT lead_enterprise_id,title FROM challenge_proposals WHERE id=?", err);
		if (w) {
			db_bind_int64(w, 1, c.winner_proposal_id);
			if (db_one(w, err) == QERR_OK) {
				int64_t lead = db_col_int64(w, 0);
				json_t *title = db_col_json_text(w, 1);
				db_reset(w);
				result =
				    json_pack("{s:I,s:o,s:o,s:b,s:O}", "proposal_id", (json_int_t)c.winner_proposal_id,
					      "winner", chl_enterprise_json(db, lead), "title", title, "published",
					      c.winner_consent, "published_at", published);
			}
		}
		qerr_clear(err);
	} else if (c.winner_proposal_id) {
		result = json_pack("{s:b,s:n}", "published", false, "winner");
	}
	json_decref(published);
	json_object_set_new(j, "result", result);
	*out = j;
	return QERR_OK;
}

/* ---- the panel and solvers ---- */

enum qerr challenge_set_panel(struct db *db, const struct actor *a, int64_t id, const json_t *emails, json_t **out,
			      struct qerror *err)
{
	*out = NULL;
	size_t n = json_array_size(emails);
	if (n < 1 || n > 30)
		return qerr_set(err, QERR_INVALID, "invalid_panel", "reviewers",
				"评审组须有2至30人 (a panel has 2-30 reviewers)");
	if (db_begin_write(db, err))
		return err->code;
	struct challenge_row c;
	if (chl_load(db, id, &c, err))
		return chl_fail(db, err);
	if (!chl_readable(a, &c)) {
		chl_not_found(err, id);
		return chl_fail(db, err);
	}
	if (!chl_is_poster(a, &c)) {
		qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
			 "只有发榜方可以指定评审 (only the poster names the panel)");
		return chl_fail(db, err);
	}
	if (strcmp(c.status, "draft") != 0 && strcmp(c.status, "open") != 0) {
		chl_wrong_state(err, &c, "draft, open or closed");
		return chl_fail(db, err);
	}
	struct db_stmt *st = db_prepare(db, "DELETE FROM challenge_panel WHERE challenge_id=?", err);
	if (!st)
		return chl_fail(db, err);
	db_bind_int64(st, 1, id);
	if (db_run(st, err))
		return chl_fail(db, err);
	char now[QTIME_ISO_LEN];
	chl_now(now);
	size_t i;
	json_t *v;
	json_array_foreach(emails, i, v)
	{
		/*
		 * "someone@x" names one user; "org:ID" names an organisation,
		 * whose admins all sit on the panel (each declares and scores
		 * for itself).
		 */
		const char *who = json_string_value(v);
		int64_t org = 0;
		bool by_org = who && strncmp(who, "org:", 4) == 0;
		if (by_org && !util_parse_i64(who + 4, 1, INT64_MAX, &org)) {
			qerr_set(err, QERR_INVALID, "invalid_panel", "reviewers",
				 "org:ID needs an organisation id (%s)", who);
			return chl_fail(db, err);
		}
		st = by_org ? db_prepare(
				  db,
				  "INSERT INTO challenge_panel(challenge_id,user_id,added_at) SELECT CAST(? AS "
				  "BIGINT),id,CAST(? AS TEXT) FROM users"
				  " WHERE org_id=? AND role='admin' AND disabled=0 ON CONFLICT (challenge_id,user_id) "
				  "DO NOTHING",
				  err)
			    : db_prepare(db,
					 "INSERT INTO challenge_panel(challenge_id,user_id,added_at) SELECT CAST(? AS "
					 "BIGINT),id,CAST(? AS TEXT) FROM users"
					 " WHERE email=? AND disabled=0 ON CONFLICT (challenge_id,user_id) DO NOTHING",
					 err);
		if (!st)
			return chl_fail(db, err);
		db_bind_int64(st, 1, id);
		db_bind_text(st, 2, now);
		if (by_org)
			db_bind_int64(st, 3, org);
		else
			db_bind_text(st, 3, who);
		if (db_run(st, err))
			return chl_fail(db, err);
		/* Nothing added and not already there: nobody answers to that name. */
		struct db_stmt *chk =
		    by_org ? db_prepare(db, "SELECT count(*) FROM users WHERE org_id=? AND role='admin' AND disabled=0",
					err)
			   : db_prepare(db, "SELECT count(*) FROM users WHERE email=? AND disabled=0", err);
		int64_t known = 0;
		if (!chk)
			return chl_fail(db, err);
		if (by_org)
			db_bind_int64(chk, 1, org);
		else
			db_bind_text(chk, 1, who);
		if (db_scalar_int64(chk, &known, err))
			return chl_fail(db, err);
		if (!known) {
			qerr_set(err, QERR_INVALID, "user_not_found", "reviewers",
				 "没有该用户或组织 (no user or organisation %s)", who);
			return chl_fail(db, err);
		}
	}
	int64_t members = 0;
	st = db_prepare(db, "SELECT count(*) FROM challenge_panel WHERE challenge_id=?", err);
	if (!st || (db_bind_int64(st, 1, id), db_scalar_int64(st, &members, err)))
		return chl_fail(db, err);
	if (members < 2) {
		qerr_set(err, QERR_INVALID, "invalid_panel", "reviewers",
			 "评审组须有至少2名不同的评审 (two distinct reviewers at least)");
		return chl_fail(db, err);
	}
	json_t *d = json_pack("{s:O}", "reviewers", emails);
	enum qerr rc = chl_audit(db, a, "challenge.panel", "challenge", id, d, err);
	json_decref(d);
	if (rc || db_commit(db, err))
		return chl_fail(db, err);
	return challenge_get(db, a, id, out, err);
}

enum qerr challenge_register(struct db *db, const struct actor *a, int64_t id, const char *uscc, json_t **out,
			     struct qerror *err)
{
	*out = NULL;
	char canon[USCC_LEN + 1];
	if (uscc_check(uscc, canon, err)) {
		snprintf(err->field, sizeof err->field, "enterprise");
		return err->code;
	}
	if (db_begin_write(db, err))
		return err->code;
	struct challenge_row c;
	if (chl_load(db, id, &c, err))
		return chl_fail(db, err);
	if (!chl_readable(a, &c)) {
		chl_not_found(err, id);
		return chl_fail(db, err);
	}
	if (strcmp(c.effective, "open") != 0) {
		chl_wrong_state(err, &c, "open");
		return chl_fail(db, err);
	}
	int64_t eid, org;
	if (enterprise_ref_owner(db, canon, &eid, &org, err))
		return chl_fail(db, err);
	if (!eid) {
		enterprise_ref_not_registered(err, QERR_INVALID, "enterprise", canon);
		return chl_fail(db, err);
	}
	if (!chl_is_operator(a) && org != a->org_id) {
		qerr_set(err, QERR_FORBIDDEN, "forbidden", "enterprise",
			 "只能登记本组织的企业 (not your organisation's enterprise)");
		return chl_fail(db, err);
	}
	if (org == c.poster_org_id) {
		qerr_set(err, QERR_INVALID, "own_challenge", "enterprise",
			 "发榜方不能揭榜 (the poster cannot take its own challenge)");
		return chl_fail(db, err);
	}
	char now[QTIME_ISO_LEN];
	chl_now(now);
	struct db_stmt *st =
	    db_prepare(db,
		       "INSERT INTO challenge_solvers(challenge_id,enterprise_id,registered_at) VALUES(?,?,?)"
		       " ON CONFLICT (challenge_id,enterprise_id) DO NOTHING",
		       err);
	if (!st)
		return chl_fail(db, err);
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, eid);
	db_bind_text(st, 3, now);
	if (db_run(st, err) || chl_audit(db, a, "challenge.register", "challenge", id, NULL, err) || db_commit(db, err))
		return chl_fail(db, err);
	return challenge_get(db, a, id, out, err);
}

/* ---- questions and answers ---- */

static json_t *question_row(struct db_stmt *st)
{
	return json_pack("{s:I,s:s,s:o,s:s,s:o}", "id", (json_int_t)db_col_int64(st, 0), "question", db_col_text(st, 1),
			 "answer", db_col_json_text(st, 2), "asked_at", db_col_text(st, 3), "answered_at",
			 db_col_json_text(st, 4));
}

enum qerr challenge_questions(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct challenge_row c;
	if (chl_load(db, id, &c, err))
		return err->code;
	if (!chl_readable(a, &c))
		return chl_not_found(err, id);
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT id,question,answer,created_at,answered_at FROM challenge_questions"
		       " WHERE challenge_id=? AND (answer IS NOT NULL OR CAST(? AS BIGINT)=1 OR asker_org_id=?)"
		       " ORDER BY id",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	db_bind_int(st, 2, chl_is_poster(a, &c) ? 1 : 0);
	db_bind_int64(st, 3, a->org_id);
	json_t *items = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(items, question_row(st));
	db_reset(st);
	if (rc < 0) {
		json_decref(items);
		return err->code;
	}
	*out = json_pack("{s:o}", "items", items);
	return QERR_OK;
}

enum qerr challenge_ask(struct db *db, const struct actor *a, int64_t id, const char *question, json_t **out,
			struct qerror *err)
{
	*out = NULL;
	if (db_begin_write(db, err))
		return err->code;
	struct challenge_row c;
	if (chl_load(db, id, &c, err))
		return chl_fail(db, err);
	if (!chl_readable(a, &c)) {
		chl_not_found(err, id);
		return chl_fail(db, err);
	}
	if (strcmp(c.effective, "open") != 0) {
		chl_wrong_state(err, &c, "open");
		return chl_fail(db, err);
	}
	if (a->org_id == c.poster_org_id) {
		qerr_set(err, QERR_INVALID, "own_challenge", NULL,
			 "发榜方不能提问 (the poster answers, it does not ask)");
		return chl_fail(db, err);
	}
	char now[QTIME_ISO_LEN];
	chl_now(now);
	struct db_stmt *st = db_prepare(db,
					"INSERT INTO challenge_questions(challenge_id,asker_org_id,question,created_at)"
					" VALUES(?,?,?,?) RETURNING id",
					err);
	if (!st)
		return chl_fail(db, err);
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, a->org_id);
	db_bind_text(st, 3, question);
	db_bind_text(st, 4, now);
	int64_t qid;
	if (db_scalar_int64(st, &qid, err) || chl_audit(db, a, "challenge.ask", "challenge_question", qid, NULL, err) ||
	    chl_notify_poster(db, &c, "challenge_question", qid,
			      "揭榜挂帅收到新提问 (a new question on your challenge)", err))
		return chl_fail(db, err);
	*out = json_pack("{s:I,s:s,s:n,s:s,s:n}", "id", (json_int_t)qid, "question", question, "answer", "asked_at",
			 now, "answered_at");
	if (db_commit(db, err)) {
		json_decref(*out);
		*out = NULL;
		return chl_fail(db, err);
	}
	return QERR_OK;
}

enum qerr challenge_answer(struct db *db, const struct actor *a, int64_t question_id, const char *answer, json_t **out,
			   struct qerror *err)
{
	*out = NULL;
	if (db_begin_write(db, err))
		return err->code;
	struct db_stmt *st =
	    db_prepare(db, "SELECT challenge_id,question,answer FROM challenge_questions WHERE id=?", err);
	if (!st)
		return chl_fail(db, err);
	db_bind_int64(st, 1, question_id);
	if (db_one(st, err)) {
		if (err->code == QERR_NOT_FOUND)
			qerr_set(err, QERR_NOT_FOUND, "question_not_found", "id", "问题不存在 (no question %lld)",
				 (long long)question_id);
		return chl_fail(db, err);
	}
	int64_t cid = db_col_int64(st, 0);
	bool answered = !db_col_is_null(st, 2);
	char *question = strdup(db_col_text(st, 1));
	db_reset(st);
	struct challenge_row c;
	if (!question || chl_load(db, cid, &c, err)) {
		free(question);
		return chl_fail(db, err);
	}
	if (!chl_readable(a, &c) || !chl_is_poster(a, &c)) {
		free(question);
		if (!chl_readable(a, &c))
			qerr_set(err, QERR_NOT_FOUND, "question_not_found", "id", "问题不存在 (no question %lld)",
				 (long long)question_id);
		else
			qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				 "只有发榜方可以答复 (only the poster answers)");
		return chl_fail(db, err);
	}
	if (answered) {
		free(question);
		qerr_set(err, QERR_CONFLICT, "already_answered", "id", "该问题已答复 (already answered)");
		return chl_fail(db, err);
	}
	char now[QTIME_ISO_LEN];
	chl_now(now);
	st = db_prepare(db, "UPDATE challenge_questions SET answer=?,answered_at=? WHERE id=?", err);
	if (!st) {
		free(question);
		return chl_fail(db, err);
	}
	db_bind_text(st, 1, answer);
	db_bind_text(st, 2, now);
	db_bind_int64(st, 3, question_id);
	if (db_run(st, err) || chl_audit(db, a, "challenge.answer", "challenge_question", question_id, NULL, err)) {
		free(question);
		return chl_fail(db, err);
	}
	/* The broadcast: every registered solver's enterprise gets the answer in its inbox. */
	st = db_prepare(db, "SELECT enterprise_id FROM challenge_solvers WHERE challenge_id=? ORDER BY enterprise_id",
			err);
	if (!st) {
		free(question);
		return chl_fail(db, err);
	}
	db_bind_int64(st, 1, cid);
	int64_t ents[1000];
	size_t n = 0;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW && n < 1000)
		ents[n++] = db_col_int64(st, 0);
	db_reset(st);
	if (rc < 0) {
		free(question);
		return chl_fail(db, err);
	}
	json_t *detail = json_pack("{s:I,s:s,s:s,s:s}", "challenge_id", (json_int_t)cid, "challenge", c.title,
				   "question", question, "answer", answer);
	char title[480];
	snprintf(title, sizeof title, "揭榜挂帅答疑:%s", c.title);
	for (size_t i = 0; i < n; i++)
		if (inbox_notify(db, ents[i], "challenge_answer", question_id, title, detail, err)) {
			json_decref(detail);
			free(question);
			return chl_fail(db, err);
		}
	json_decref(detail);
	*out = json_pack("{s:I,s:s,s:s,s:s,s:I}", "id", (json_int_t)question_id, "question", question, "answer", answer,
			 "answered_at", now, "notified", (json_int_t)n);
	free(question);
	if (db_commit(db, err)) {
		json_decref(*out);
		*out = NULL;
		return chl_fail(db, err);
	}
	return QERR_OK;
}
