/*
 * challenge_eval.c - after the deadline: evaluation by the panel
 * (declarations of conflicts, scores, the reviewer's page), the weighted
 * results, the shortlist, the winner and its consent to publication, and
 * the milestones accepted one by one with the reward each pays.
 */
#include "sharing/challenge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/money.h"
#include "platform/inbox.h"
#include "sharing/challenge_int.h"

#define ELIGIBLE "(status='submitted' OR status='shortlisted' OR status='winner')"
#define ELIGIBLE_P "(p.status='submitted' OR p.status='shortlisted' OR p.status='winner')"

/* A proposal's challenge and status, for the evaluation writes. */
static enum qerr proposal_of(struct db *db, int64_t proposal_id, int64_t *challenge_id, char status[24],
			     int64_t *lead_enterprise, int64_t *lead_org, struct qerror *err)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT challenge_id,status,lead_enterprise_id,lead_org_id FROM challenge_proposals WHERE id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, proposal_id);
	if (db_one(st, err)) {
		if (err->code == QERR_NOT_FOUND)
			qerr_set(err, QERR_NOT_FOUND, "proposal_not_found", "id", "方案不存在 (no proposal %lld)",
				 (long long)proposal_id);
		return err->code;
	}
	*challenge_id = db_col_int64(st, 0);
	snprintf(status, 24, "%s", db_col_text(st, 1));
	*lead_enterprise = db_col_int64(st, 2);
	*lead_org = db_col_int64(st, 3);
	db_reset(st);
	return QERR_OK;
}

static bool eligible(const char *status)
{
	return strcmp(status, "submitted") == 0 || strcmp(status, "shortlisted") == 0 || strcmp(status, "winner") == 0;
}

enum qerr challenge_evaluate(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
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
			 "只有发榜方可以启动评审 (only the poster starts the evaluation)");
		return chl_fail(db, err);
	}
	if (strcmp(c.effective, "closed") != 0) {
		chl_wrong_state(err, &c, "closed (the deadline passed)");
		return chl_fail(db, err);
	}
	int64_t panel = 0;
	struct db_stmt *st = db_prepare(db, "SELECT count(*) FROM challenge_panel WHERE challenge_id=?", err);
	if (!st || (db_bind_int64(st, 1, id), db_scalar_int64(st, &panel, err)))
		return chl_fail(db, err);
	if (panel < 2) {
		qerr_set(err, QERR_CONFLICT, "panel_too_small", "panel",
			 "评审组至少两人 (name a panel of two reviewers at least)");
		return chl_fail(db, err);
	}
	if (chl_set_status(db, id, "evaluating", err) ||
	    chl_audit(db, a, "challenge.evaluate", "challenge", id, NULL, err))
		return chl_fail(db, err);
	/* Tell the panel: each reviewer's organisation (a reviewer's institute often owns no enterprise). */
	st = db_prepare(db,
			"SELECT DISTINCT u.org_id FROM challenge_panel p JOIN users u ON u.id=p.user_id"
			" WHERE p.challenge_id=? ORDER BY u.org_id",
			err);
	if (!st)
		return chl_fail(db, err);
	db_bind_int64(st, 1, id);
	int64_t ents[200];
	size_t n = 0;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW && n < 200)
		ents[n++] = db_col_int64(st, 0);
	db_reset(st);
	if (rc < 0)
		return chl_fail(db, err);
	for (size_t i = 0; i < n; i++)
		if (inbox_notify_org(db, ents[i], "challenge_review", id,
				     "揭榜挂帅方案待评审 (proposals await your review)", NULL, err))
			return chl_fail(db, err);
	if (db_commit(db, err))
		return chl_fail(db, err);
	return challenge_get(db, a, id, out, err);
}

/* A panel member acting on an eligible proposal of a challenge under evaluation. */
static enum qerr reviewer_write(struct db *db, const struct actor *a, int64_t proposal_id, struct challenge_row *c,
				struct qerror *err)
{
	int64_t cid, lead_e, lead_o;
	char status[24];
	if (proposal_of(db, proposal_id, &cid, status, &lead_e, &lead_o, err) || chl_load(db, cid, c, err))
		return err->code;
	bool panel;
	if (chl_on_panel(db, a, cid, &panel, err))
		return err->code;
	if (!panel)
		return qerr_set(err, QERR_FORBIDDEN, "not_on_panel", NULL,
				"您不是本榜单的评审 (you are not on this challenge's panel)");
	if (strcmp(c->status, "evaluating") != 0)
		return chl_wrong_state(err, c, "evaluating");
	if (!eligible(status))
		return qerr_set(err, QERR_CONFLICT, "not_eligible", "id", "该方案不参与评审 (the proposal is %s)",
				status);
	return QERR_OK;
}

enum qerr challenge_declare(struct db *db, const struct actor *a, int64_t proposal_id, bool conflict, const char *note,
			    json_t **out, struct qerror *err)
{
	*out = NULL;
	if (db_begin_write(db, err))
		return err->code;
	struct challenge_row c;
	if (reviewer_write(db, a, proposal_id, &c, err))
		return chl_fail(db, err);
	/* A reviewer whose own organisation is in the consortium has a conflict, whatever it declares. */
	struct db_stmt *st =
	    db_prepare(db, "SELECT count(*) FROM challenge_proposal_members WHERE proposal_id=? AND org_id=?", err);
	int64_t own = 0;
	if (!st || (db_bind_int64(st, 1, proposal_id), db_bind_int64(st, 2, a->org_id), db_scalar_int64(st, &own, err)))
		return chl_fail(db, err);
	if (own && !conflict) {
		qerr_set(
		    err, QERR_CONFLICT, "conflict_of_interest", "conflict",
		    "您所在组织是该方案的成员,须回避 (your organisation is in this proposal: declare the conflict)");
		return chl_fail(db, err);
	}
	char now[QTIME_ISO_LEN];
	chl_now(now);
	st = db_prepare(
	    db,
	    "INSERT INTO challenge_reviews(proposal_id,user_id,conflict,conflict_note,declared_at) VALUES(?,?,?,?,?)",
	    err);
	if (!st)
		return chl_fail(db, err);
	db_bind_int64(st, 1, proposal_id);
	db_bind_int64(st, 2, a->user_id);
	db_bind_int(st, 3, conflict ? 1 : 0);
	db_bind_text(st, 4, note ? note : "");
	db_bind_text(st, 5, now);
	if (db_run(st, err)) {
		if (err->code == QERR_CONFLICT)
			qerr_set(err, QERR_CONFLICT, "already_declared", "id",
				 "已就该方案作出声明 (you have declared for this proposal)");
		return chl_fail(db, err);
	}
	json_t *d = json_pack("{s:b}", "conflict", conflict);
	enum qerr rc = chl_audit(db, a, "challenge.declare", "challenge_proposal", proposal_id, d, err);
	json_decref(d);
	if (rc || db_commit(db, err))
		return chl_fail(db, err);
	*out = json_pack("{s:I,s:b,s:s}", "proposal_id", (json_int_t)proposal_id, "conflict", conflict, "declared_at",
			 now);
	return QERR_OK;
}

enum qerr challenge_score(struct db *db, const struct actor *a, int64_t proposal_id, const json_t *scores,
			  const char *comment, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (db_begin_write(db, err))
		return err->code;
	struct challenge_row c;
	if (reviewer_write(db, a, proposal_id, &c, err))
		return chl_fail(db, err);
	struct db_stmt *st = db_prepare(
	    db, "SELECT conflict,submitted_at FROM challenge_reviews WHERE proposal_id=? AND user_id=?", err);
	if (!st)
		return chl_fail(db, err);
	db_bind_int64(st, 1, proposal_id);
	db_bind_int64(st, 2, a->user_id);
	int rc = db_step(st, err);
	int conflict = rc == DB_ROW ? db_col_int(st, 0) : -1;
	bool submitted = rc == DB_ROW && !db_col_is_null(st, 1);
	db_reset(st);
	if (rc < 0)
		return chl_fail(db, err);
	if (conflict == 1) {
		qerr_set(err, QERR_FORBIDDEN, "conflicted", NULL,
			 "已声明利益冲突,不能评分 (you declared a conflict for this proposal)");
		return chl_fail(db, err);
	}
	if (conflict < 0) {
		qerr_set(err, QERR_CONFLICT, "declare_first", "conflict",
			 "评分前请先声明有无利益冲突 (declare whether you have a conflict first)");
		return chl_fail(db, err);
	}
	if (submitted) {
		qerr_set(err, QERR_CONFLICT, "already_scored", "scores", "评分已提交 (your scores are in)");
		return chl_fail(db, err);
	}
	int64_t w[CHALLENGE_MAX_CRITERIA];
	size_t n;
	if (chl_weights(db, c.id, w, &n, err))
		return chl_fail(db, err);
	if (!json_is_array(scores) || json_array_size(scores) != n) {
		qerr_set(err, QERR_INVALID, "invalid_scores", "scores",
			 "须为每项评审标准各打一个分 (one score per criterion: %zu)", n);
		return chl_fail(db, err);
	}
	int s[CHALLENGE_MAX_CRITERIA];
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(scores, i);
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 100) {
			qerr_set(err, QERR_INVALID, "invalid_score", "scores",
				 "分数为0至100的整数 (scores are integers 0-100)");
			return chl_fail(db, err);
		}
		s[i] = (int)json_integer_value(v);
	}
	int64_t total;
	if (challenge_aggregate(s, 1, w, n, &total, err))
		return chl_fail(db, err);
	char *text = json_dumps(scores, JSON_COMPACT);
	char now[QTIME_ISO_LEN];
	chl_now(now);
	st = db_prepare(
	    db, "UPDATE challenge_reviews SET scores=?,comment=?,submitted_at=? WHERE proposal_id=? AND user_id=?",
	    err);
	if (!st) {
		free(text);
		return chl_fail(db, err);
	}
	db_bind_text(st, 1, text);
	db_bind_text(st, 2, comment ? comment : "");
	db_bind_text(st, 3, now);
	db_bind_int64(st, 4, proposal_id);
	db_bind_int64(st, 5, a->user_id);
	free(text);
	if (db_run(st, err) || chl_audit(db, a, "challenge.score", "challenge_proposal", proposal_id, NULL, err) ||
	    db_commit(db, err))
		return chl_fail(db, err);
	*out = json_pack("{s:I,s:O,s:I,s:s}", "proposal_id", (json_int_t)proposal_id, "scores", scores,
			 "total_hundredths", (json_int_t)total, "submitted_at", now);
	return QERR_OK;
}

/* The submitted, non-conflicted reviews of a proposal: scores into s[r*n+i], reviewers' names into names. */
static enum qerr reviews_of(struct db *db, int64_t proposal_id, size_t n, int *s, size_t max, size_t *count,
			    json_t *list, struct qerror *err)
{
	*count = 0;
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT r.user_id,u.name,r.scores,r.comment FROM challenge_reviews r JOIN users u"
		       " ON u.id=r.user_id WHERE r.proposal_id=? AND r.conflict=0 AND r.submitted_at IS NOT NULL"
		       " ORDER BY r.user_id",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, proposal_id);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW && *count < max) {
		json_error_t je;
		json_t *arr = json_loads(db_col_text(st, 2), 0, &je);
		for (size_t i = 0; i < n; i++)
			s[*count * n + i] = (int)json_integer_value(json_array_get(arr, i));
		if (list)
			json_array_append_new(list,
					      json_pack("{s:I,s:s,s:o,s:s}", "user_id", (json_int_t)db_col_int64(st, 0),
							"reviewer", db_col_text(st, 1), "scores",
							arr ? arr : json_array(), "comment", db_col_text(st, 3)));
		else
			json_decref(arr);
		(*count)++;
	}
	db_reset(st);
	return rc < 0 ? err->code : QERR_OK;
}

#define MAX_REVIEWS 60

static void total_text(int64_t hundredths, char out[24])
{
	snprintf(out, 24, "%lld.%02lld", (long long)(hundredths / 100), (long long)(hundredths % 100));
}

enum qerr challenge_evaluation(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct challenge_row c;
	if (chl_load(db, id, &c, err))
		return err->code;
	if (!chl_readable(a, &c))
		return chl_not_found(err, id);
	bool panel;
	if (chl_on_panel(db, a, id, &panel, err))
		return err->code;
	bool poster = chl_is_poster(a, &c);
	if (!panel && !poster)
		return qerr_set(err, QERR_FORBIDDEN, "not_on_panel", NULL,
				"您不是本榜单的评审 (you are not on this challenge's panel)");
	if (strcmp(c.status, "draft") == 0 || strcmp(c.status, "open") == 0)
		return qerr_set(err, QERR_CONFLICT, "not_evaluating", "status",
				"评审尚未开始 (the evaluation has not started)");
	int64_t w[CHALLENGE_MAX_CRITERIA];
	size_t n;
	if (chl_weights(db, id, w, &n, err))
		return err->code;
	json_t *items = json_array();
	struct db_stmt *st =
	    db_prepare(db, "SELECT id FROM challenge_proposals WHERE challenge_id=? AND " ELIGIBLE " ORDER BY id", err);
	if (!st)
		goto fail;
	db_bind_int64(st, 1, id);
	int64_t ids[1000];
	size_t np = 0;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW && np < 1000)
		ids[np++] = db_col_int64(st, 0);
	db_reset(st);
	if (rc < 0)
		goto fail;
	for (size_t k = 0; k < np; k++) {
		json_t *p = NULL;
		if (challenge_proposal_get(db, a, ids[k], &p, err))
			goto fail;
		int mine_conflict = -1;
		json_t *mine_scores = json_null();
		bool mine_submitted = false;
		if (panel) {
			st = db_prepare(db,
					"SELECT conflict,scores,submitted_at FROM challenge_reviews WHERE "
					"proposal_id=? AND user_id=?",
					err);
			if (!st) {
				json_decref(p);
				goto fail;
			}
			db_bind_int64(st, 1, ids[k]);
			db_bind_int64(st, 2, a->user_id);
			if ((rc = db_step(st, err)) == DB_ROW) {
				json_error_t je;
				mine_conflict = db_col_int(st, 0);
				mine_submitted = !db_col_is_null(st, 2);
				if (!db_col_is_null(st, 1)) {
					json_decref(mine_scores);
					mine_scores = json_loads(db_col_text(st, 1), 0, &je);
				}
			}
			db_reset(st);
			if (rc < 0) {
				json_decref(p);
				goto fail;
			}
		}
		int s[MAX_REVIEWS * CHALLENGE_MAX_CRITERIA];
		size_t count;
		json_t *list = json_array();
		if (reviews_of(db, ids[k], n, s, MAX_REVIEWS, &count, list, err)) {
			json_decref(p);
			json_decref(list);
			json_decref(mine_scores);
			goto fail;
		}
		/*
		 * A panel member (the poster's own staff and the operator's included) sees the others only after its
		 * own scores are in; the poster off the panel once the proposal has two.
		 */
		bool show = panel ? mine_submitted : poster && count >= 2;
		json_t *total = json_null();
		if (show && count) {
			int64_t t;
			if (!challenge_aggregate(s, count, w, n, &t, err)) {
				char txt[24];
				total_text(t, txt);
				total = json_pack("{s:I,s:s}", "hundredths", (json_int_t)t, "text", txt);
			}
		}
		json_array_append_new(items,
				      json_pack("{s:o,s:{s:o,s:o,s:b},s:I,s:o,s:o}", "proposal", p, "mine", "conflict",
						mine_conflict < 0 ? json_null() : json_boolean(mine_conflict), "scores",
						mine_scores, "submitted", mine_submitted, "reviews", (json_int_t)count,
						"others", show ? list : json_null(), "total", total));
		if (!show)
			json_decref(list);
	}
	json_t *criteria = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(criteria, json_integer(w[i]));
	*out = json_pack("{s:I,s:s,s:b,s:b,s:o,s:o}", "challenge_id", (json_int_t)id, "status", c.effective, "on_panel",
			 panel, "is_poster", poster, "weights", criteria, "items", items);
	return QERR_OK;
fail:
	json_decref(items);
	return err->code;
}

struct ranked {
	int64_t id, total, lead;
	size_t reviews;
	char status[24];
};

static int by_total(const void *x, const void *y)
{
	const struct ranked *a = x, *b = y;
	if (a->total != b->total)
		return a->total > b->total ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* Every eligible proposal's total; QERR_CONFLICT results_incomplete while one has fewer than two reviews. */
static enum qerr rank(struct db *db, int64_t id, struct ranked *r, size_t max, size_t *nr, struct qerror *err)
{
	*nr = 0;
	int64_t w[CHALLENGE_MAX_CRITERIA];
	size_t n;
	if (chl_weights(db, id, w, &n, err))
		return err->code;
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT id,lead_enterprise_id,status FROM challenge_proposals WHERE challenge_id=? AND " ELIGIBLE
		       " ORDER BY id",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW && *nr < max) {
		r[*nr].id = db_col_int64(st, 0);
		r[*nr].lead = db_col_int64(st, 1);
		snprintf(r[*nr].status, sizeof r[*nr].status, "%s", db_col_text(st, 2));
		(*nr)++;
	}
	db_reset(st);
	if (rc < 0)
		return err->code;
	for (size_t k = 0; k < *nr; k++) {
		int s[MAX_REVIEWS * CHALLENGE_MAX_CRITERIA];
		if (reviews_of(db, r[k].id, n, s, MAX_REVIEWS, &r[k].reviews, NULL, err))
			return err->code;
		if (r[k].reviews < 2)
			return qerr_set(err, QERR_CONFLICT, "results_incomplete", "reviews",
					"方案 %lld 的有效评审不足两份 (proposal %lld has %zu non-conflicted reviews; "
					"two are needed)",
					(long long)r[k].id, (long long)r[k].id, r[k].reviews);
		if (challenge_aggregate(s, r[k].reviews, w, n, &r[k].total, err))
			return err->code;
	}
	qsort(r, *nr, sizeof *r, by_total);
	return QERR_OK;
}

enum qerr challenge_results(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct challenge_row c;
	if (chl_load(db, id, &c, err))
		return err->code;
	if (!chl_readable(a, &c))
		return chl_not_found(err, id);
	bool panel;
	if (chl_on_panel(db, a, id, &panel, err))
		return err->code;
	if (!panel && !chl_is_poster(a, &c))
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				"评审结果仅对发榜方与评审可见 (results are the poster's and the panel's)");
	if (strcmp(c.status, "draft") == 0 || strcmp(c.status, "open") == 0)
		return qerr_set(err, QERR_CONFLICT, "not_evaluating", "status",
				"评审尚未开始 (the evaluation has not started)");
	if (panel) {
		/* A reviewer reads the totals (made of the others' scores) only when its own work is done. */
		struct db_stmt *st = db_prepare(
		    db,
		    "SELECT count(*) FROM challenge_proposals p WHERE p.challenge_id=? AND " ELIGIBLE_P
		    " AND NOT EXISTS(SELECT 1 FROM challenge_reviews r WHERE r.proposal_id=p.id AND r.user_id=?"
		    " AND (r.conflict=1 OR r.submitted_at IS NOT NULL))",
		    err);
		int64_t pending = 0;
		if (!st ||
		    (db_bind_int64(st, 1, id), db_bind_int64(st, 2, a->user_id), db_scalar_int64(st, &pending, err)))
			return err->code;
		if (pending)
			return qerr_set(
			    err, QERR_CONFLICT, "scores_pending", "scores",
			    "请先完成您的 %lld 份评审 (declare and score your %lld remaining proposals first)",
			    (long long)pending, (long long)pending);
	}
	static __thread struct ranked r[1000]; /* per thread: the server runs requests on several */
	size_t nr;
	if (rank(db, id, r, 1000, &nr, err))
		return err->code;
	json_t *items = json_array();
	for (size_t k = 0; k < nr; k++) {
		char txt[24];
		total_text(r[k].total, txt);
		json_array_append_new(items, json_pack("{s:I,s:I,s:o,s:s,s:I,s:s,s:I}", "rank", (json_int_t)k + 1,
						       "proposal_id", (json_int_t)r[k].id, "lead",
						       chl_enterprise_json(db, r[k].lead), "status", r[k].status,
						       "total_hundredths", (json_int_t)r[k].total, "total", txt,
						       "reviews", (json_int_t)r[k].reviews));
	}
	*out = json_pack("{s:I,s:s,s:o}", "challenge_id", (json_int_t)id, "status", c.effective, "items", items);
	return QERR_OK;
}

enum qerr challenge_shortlist(struct db *db, const struct actor *a, int64_t id, const json_t *proposal_ids,
			      json_t **out, struct qerror *err)
{
	*out = NULL;
	size_t n = json_array_size(proposal_ids);
	if (!json_is_array(proposal_ids) || n == 0 || n > 50)
		return qerr_set(err, QERR_INVALID, "invalid_proposals", "proposals", "proposals: 1-50 proposal ids");
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
		qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL, "只有发榜方可以确定入围 (only the poster shortlists)");
		return chl_fail(db, err);
	}
	if (strcmp(c.status, "evaluating") != 0) {
		chl_wrong_state(err, &c, "evaluating");
		return chl_fail(db, err);
	}
	static __thread struct ranked r[1000]; /* per thread: the server runs requests on several */
	size_t nr;
	if (rank(db, id, r, 1000, &nr, err))
		return chl_fail(db, err);
	size_t i;
	json_t *v;
	json_array_foreach(proposal_ids, i, v)
	{
		bool ok = false;
		for (size_t k = 0; k < nr && json_is_integer(v); k++)
			ok = ok || r[k].id == json_integer_value(v);
		if (!ok) {
			qerr_set(err, QERR_INVALID, "not_eligible", "proposals",
				 "方案 %lld 不在评审范围内 (not an evaluated proposal of this challenge)",
				 (long long)json_integer_value(v));
			return chl_fail(db, err);
		}
		struct db_stmt *st =
		    db_prepare(db, "UPDATE challenge_proposals SET status='shortlisted' WHERE id=?", err);
		if (!st || (db_bind_int64(st, 1, json_integer_value(v)), db_run(st, err)))
			return chl_fail(db, err);
		struct db_stmt *l =
		    db_prepare(db, "SELECT lead_enterprise_id FROM challenge_proposals WHERE id=?", err);
		int64_t lead;
		if (!l || (db_bind_int64(l, 1, json_integer_value(v)), db_scalar_int64(l, &lead, err)) ||
		    inbox_notify(db, lead, "challenge_shortlist", json_integer_value(v),
				 "揭榜方案已入围 (your proposal is shortlisted)", NULL, err))
			return chl_fail(db, err);
	}
	json_t *d = json_pack("{s:O}", "proposals", proposal_ids);
	enum qerr rc = chl_set_status(db, id, "shortlisted", err);
	if (!rc)
		rc = chl_audit(db, a, "challenge.shortlist", "challenge", id, d, err);
	json_decref(d);
	if (rc || db_commit(db, err))
		return chl_fail(db, err);
	return challenge_get(db, a, id, out, err);
}

enum qerr challenge_award(struct db *db, const struct actor *a, int64_t id, int64_t proposal_id, json_t **out,
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
			 "只有发榜方可以确定揭榜方 (only the poster names the winner)");
		return chl_fail(db, err);
	}
	if (strcmp(c.status, "shortlisted") != 0) {
		chl_wrong_state(err, &c, "shortlisted");
		return chl_fail(db, err);
	}
	int64_t cid, lead_e, lead_o;
	char status[24];
	if (proposal_of(db, proposal_id, &cid, status, &lead_e, &lead_o, err))
		return chl_fail(db, err);
	if (cid != id || strcmp(status, "shortlisted") != 0) {
		qerr_set(err, QERR_INVALID, "not_shortlisted", "proposal",
			 "揭榜方须在入围名单中 (the winner must be shortlisted)");
		return chl_fail(db, err);
	}
	struct db_stmt *st = db_prepare(db, "UPDATE challenge_proposals SET status='winner' WHERE id=?", err);
	if (!st || (db_bind_int64(st, 1, proposal_id), db_run(st, err)))
		return chl_fail(db, err);
	char now[QTIME_ISO_LEN];
	chl_now(now);
	st = db_prepare(db, "UPDATE challenges SET status='awarded',winner_proposal_id=?,updated_at=? WHERE id=?", err);
	if (!st ||
	    (db_bind_int64(st, 1, proposal_id), db_bind_text(st, 2, now), db_bind_int64(st, 3, id), db_run(st, err)))
		return chl_fail(db, err);
	json_t *d = json_pack("{s:I}", "proposal", (json_int_t)proposal_id);
	enum qerr rc = chl_audit(db, a, "challenge.award", "challenge", id, d, err);
	if (!rc)
		rc =
		    inbox_notify(db, lead_e, "challenge_award", proposal_id,
				 "恭喜揭榜成功,请确认是否同意公示 (you won: consent to publishing the result)", d, err);
	json_decref(d);
	if (rc || db_commit(db, err))
		return chl_fail(db, err);
	return challenge_get(db, a, id, out, err);
}

enum qerr challenge_consent(struct db *db, const struct actor *a, int64_t proposal_id, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (db_begin_write(db, err))
		return err->code;
	int64_t cid, lead_e, lead_o;
	char status[24];
	if (proposal_of(db, proposal_id, &cid, status, &lead_e, &lead_o, err))
		return chl_fail(db, err);
	if (a->org_id != lead_o) {
		qerr_set(err, QERR_NOT_FOUND, "proposal_not_found", "id", "方案不存在 (no proposal %lld)",
			 (long long)proposal_id);
		return chl_fail(db, err);
	}
	struct challenge_row c;
	if (chl_load(db, cid, &c, err))
		return chl_fail(db, err);
	if (strcmp(status, "winner") != 0 || c.winner_consent) {
		qerr_set(err, QERR_CONFLICT, c.winner_consent ? "already_published" : "not_winner", "id",
			 c.winner_consent ? "结果已公示 (the result is already published)"
					  : "该方案未中榜 (the proposal is not the winner)");
		return chl_fail(db, err);
	}
	char now[QTIME_ISO_LEN];
	chl_now(now);
	struct db_stmt *st =
	    db_prepare(db, "UPDATE challenges SET winner_consent=1,published_at=?,updated_at=? WHERE id=?", err);
	if (!st || (db_bind_text(st, 1, now), db_bind_text(st, 2, now), db_bind_int64(st, 3, cid), db_run(st, err)))
		return chl_fail(db, err);
	st = db_prepare(db, "UPDATE challenge_proposals SET consent_at=? WHERE id=?", err);
	if (!st || (db_bind_text(st, 1, now), db_bind_int64(st, 2, proposal_id), db_run(st, err)) ||
	    chl_audit(db, a, "challenge.consent", "challenge_proposal", proposal_id, NULL, err) ||
	    chl_notify_poster(db, &c, "challenge_published", cid, "揭榜结果已公示 (the result is published)", err) ||
	    db_commit(db, err))
		return chl_fail(db, err);
	return challenge_get(db, a, cid, out, err);
}

enum qerr challenge_accept_milestone(struct db *db, const struct actor *a, int64_t id, int64_t seq, const char *note,
				     json_t **out, struct qerror *err)
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
			 "只有发榜方可以验收 (only the poster accepts milestones)");
		return chl_fail(db, err);
	}
	if (strcmp(c.status, "awarded") != 0) {
		chl_wrong_state(err, &c, "awarded");
		return chl_fail(db, err);
	}
	int64_t shares[CHALLENGE_MAX_MILESTONES], parts[CHALLENGE_MAX_MILESTONES];
	char mstatus[CHALLENGE_MAX_MILESTONES][12];
	size_t n = 0;
	struct db_stmt *st =
	    db_prepare(db, "SELECT share_bp,status FROM challenge_milestones WHERE challenge_id=? ORDER BY seq", err);
	if (!st)
		return chl_fail(db, err);
	db_bind_int64(st, 1, id);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW && n < CHALLENGE_MAX_MILESTONES) {
		shares[n] = db_col_int64(st, 0);
		snprintf(mstatus[n], sizeof mstatus[n], "%s", db_col_text(st, 1));
		n++;
	}
	db_reset(st);
	if (rc < 0)
		return chl_fail(db, err);
	if (seq < 1 || (size_t)seq > n) {
		qerr_set(err, QERR_NOT_FOUND, "milestone_not_found", "seq", "里程碑不存在 (no milestone %lld)",
			 (long long)seq);
		return chl_fail(db, err);
	}
	size_t next = 0;
	while (next < n && strcmp(mstatus[next], "accepted") == 0)
		next++;
	if ((size_t)seq - 1 != next) {
		qerr_set(err, QERR_CONFLICT, "out_of_order", "seq",
			 "里程碑须依次验收,下一个是第%zu个 (milestones are accepted in order: next is %zu)", next + 1,
			 next + 1);
		return chl_fail(db, err);
	}
	/* The reward split by the shares, largest remainder: the parts add up to the reward to the fen. */
	if (money_split_weighted(c.reward_fen, shares, n, parts, err))
		return chl_fail(db, err);
	char now[QTIME_ISO_LEN];
	chl_now(now);
	st =
	    db_prepare(db,
		       "UPDATE challenge_milestones SET status='accepted',paid_fen=?,accepted_at=?,accepted_by=?,note=?"
		       " WHERE challenge_id=? AND seq=? AND status='pending'",
		       err);
	if (!st)
		return chl_fail(db, err);
	db_bind_int64(st, 1, parts[seq - 1]);
	db_bind_text(st, 2, now);
	db_bind_opt_int64(st, 3, a->user_id != 0, a->user_id);
	db_bind_text(st, 4, note ? note : "");
	db_bind_int64(st, 5, id);
	db_bind_int64(st, 6, seq);
	if (db_run(st, err))
		return chl_fail(db, err);
	if ((size_t)seq == n && chl_set_status(db, id, "completed", err))
		return chl_fail(db, err);
	json_t *d = json_pack("{s:I,s:I}", "seq", (json_int_t)seq, "paid_fen", (json_int_t)parts[seq - 1]);
	enum qerr r2 = chl_audit(db, a, "challenge.milestone", "challenge", id, d, err);
	int64_t cid, lead_e = 0, lead_o;
	char pstatus[24];
	if (!r2)
		r2 = proposal_of(db, c.winner_proposal_id, &cid, pstatus, &lead_e, &lead_o, err);
	if (!r2)
		r2 = inbox_renotify(db, lead_e, "challenge_milestone", id,
				    "里程碑已验收,奖励已记录 (a milestone was accepted and its reward recorded)", d,
				    err);
	json_decref(d);
	if (r2 || db_commit(db, err))
		return chl_fail(db, err);
	return challenge_get(db, a, id, out, err);
}
