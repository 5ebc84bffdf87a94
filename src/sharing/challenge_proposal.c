/*
 * challenge_proposal.c - sealed proposals: submission with a sha256
 * receipt of the canonical text, consortium confirmation, withdrawal, and
 * the one sealing rule every read of a proposal goes through
 * (proposal_view): members always see their own; the poster, the operator
 * and the panel only after the deadline (the panel's content only where it
 * declared no conflict); other submitters never.
 */
#include "sharing/challenge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "platform/enterprise_ref.h"
#include "platform/inbox.h"
#include "registry/uscc.h"
#include "sharing/challenge_int.h"

/* How the actor stands to one proposal. */
enum view { VIEW_NONE, VIEW_NAMES, VIEW_FULL };

struct proposal_row {
	int64_t id, challenge_id, lead_enterprise_id, lead_org_id;
	char status[24], sha256[CHALLENGE_SHA256_HEX], submitted_at[QTIME_ISO_LEN];
};

static enum qerr load_proposal(struct db *db, int64_t id, struct proposal_row *p, struct qerror *err)
{
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT id,challenge_id,lead_enterprise_id,lead_org_id,status,sha256,submitted_at"
		       " FROM challenge_proposals WHERE id=?",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	if (db_one(st, err)) {
		if (err->code == QERR_NOT_FOUND)
			qerr_set(err, QERR_NOT_FOUND, "proposal_not_found", "id", "方案不存在 (no proposal %lld)",
				 (long long)id);
		return err->code;
	}
	p->id = db_col_int64(st, 0);
	p->challenge_id = db_col_int64(st, 1);
	p->lead_enterprise_id = db_col_int64(st, 2);
	p->lead_org_id = db_col_int64(st, 3);
	snprintf(p->status, sizeof p->status, "%s", db_col_text(st, 4));
	snprintf(p->sha256, sizeof p->sha256, "%s", db_col_text(st, 5));
	snprintf(p->submitted_at, sizeof p->submitted_at, "%s", db_col_text(st, 6));
	db_reset(st);
	return QERR_OK;
}

/* Whether an enterprise of the actor's organisation is a member (or the lead) of the proposal. */
static enum qerr is_member(struct db *db, const struct actor *a, int64_t proposal_id, bool *yes, struct qerror *err)
{
	*yes = false;
	if (!a->org_id)
		return QERR_OK;
	struct db_stmt *st =
	    db_prepare(db, "SELECT count(*) FROM challenge_proposal_members WHERE proposal_id=? AND org_id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, proposal_id);
	db_bind_int64(st, 2, a->org_id);
	int64_t n = 0;
	if (db_scalar_int64(st, &n, err))
		return err->code;
	*yes = n > 0;
	return QERR_OK;
}

/* The reviewer's declaration for a proposal: -1 none yet, 0 no conflict, 1 conflict. */
static enum qerr declaration(struct db *db, const struct actor *a, int64_t proposal_id, int *conflict,
			     struct qerror *err)
{
	*conflict = -1;
	struct db_stmt *st =
	    db_prepare(db, "SELECT conflict FROM challenge_reviews WHERE proposal_id=? AND user_id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, proposal_id);
	db_bind_int64(st, 2, a->user_id);
	int rc = db_step(st, err);
	if (rc == DB_ROW)
		*conflict = db_col_int(st, 0);
	db_reset(st);
	return rc < 0 ? err->code : QERR_OK;
}

/* The sealing rule. */
static enum qerr proposal_view(struct db *db, const struct actor *a, const struct challenge_row *c,
			       const struct proposal_row *p, enum view *v, struct qerror *err)
{
	*v = VIEW_NONE;
	bool member;
	if (is_member(db, a, p->id, &member, err))
		return err->code;
	if (member) {
		*v = VIEW_FULL;
		return QERR_OK;
	}
	if (!c->past_deadline || strcmp(p->status, "withdrawn") == 0)
		return QERR_OK; /* sealed: nobody else, the poster included */
	if (chl_is_poster(a, c)) {
		*v = VIEW_FULL;
		return QERR_OK;
	}
	bool panel;
	if (chl_on_panel(db, a, c->id, &panel, err))
		return err->code;
	if (!panel || strcmp(c->status, "draft") == 0 || strcmp(c->status, "open") == 0)
		return QERR_OK; /* the panel reads once evaluation started; other submitters never */
	int conflict;
	if (declaration(db, a, p->id, &conflict, err))
		return err->code;
	*v = conflict == 0 ? VIEW_FULL : VIEW_NAMES;
	return QERR_OK;
}

static json_t *members_json(struct db *db, int64_t proposal_id, struct qerror *err)
{
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT e.uscc,e.name,m.is_lead,m.confirmed_at FROM challenge_proposal_members m"
		       " JOIN enterprises e ON e.id=m.enterprise_id WHERE m.proposal_id=?"
		       " ORDER BY m.is_lead DESC, e.uscc",
		       err);
	if (!st)
		return NULL;
	db_bind_int64(st, 1, proposal_id);
	json_t *arr = json_array();
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		json_array_append_new(arr, json_pack("{s:s,s:s,s:b,s:b,s:o}", "uscc", db_col_text(st, 0), "name",
						     db_col_text(st, 1), "lead", db_col_int(st, 2) != 0, "confirmed",
						     !db_col_is_null(st, 3), "confirmed_at", db_col_json_text(st, 3)));
	db_reset(st);
	if (rc < 0) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

static json_t *proposal_json(struct db *db, const struct proposal_row *p, enum view v, struct qerror *err)
{
	json_t *members = members_json(db, p->id, err);
	if (!members)
		return NULL;
	json_t *j =
	    json_pack("{s:I,s:I,s:s,s:o,s:o,s:s}", "id", (json_int_t)p->id, "challenge_id", (json_int_t)p->challenge_id,
		      "status", p->status, "lead", chl_enterprise_json(db, p->lead_enterprise_id), "members", members,
		      "submitted_at", p->submitted_at);
	if (v == VIEW_FULL) {
		struct db_stmt *st = db_prepare(db, "SELECT title,content FROM challenge_proposals WHERE id=?", err);
		if (!st) {
			json_decref(j);
			return NULL;
		}
		db_bind_int64(st, 1, p->id);
		if (db_one(st, err)) {
			json_decref(j);
			return NULL;
		}
		json_error_t je;
		json_t *content = json_loads(db_col_text(st, 1), 0, &je);
		json_object_set_new(j, "title", db_col_json_text(st, 0));
		json_object_set_new(j, "content", content ? content : json_null());
		json_object_set_new(j, "sha256", json_string(p->sha256));
		db_reset(st);
	}
	json_object_set_new(j, "sealed", json_boolean(v != VIEW_FULL));
	return j;
}

static json_t *receipt_json(struct db *db, int64_t id, struct qerror *err)
{
	struct db_stmt *st = db_prepare(
	    db, "SELECT challenge_id,status,sha256,content,submitted_at FROM challenge_proposals WHERE id=?", err);
	if (!st || (db_bind_int64(st, 1, id), db_one(st, err)))
		return NULL;
	json_t *r =
	    json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s}", "proposal_id", (json_int_t)id, "challenge_id",
		      (json_int_t)db_col_int64(st, 0), "status", db_col_text(st, 1), "sha256", db_col_text(st, 2),
		      "canonical", db_col_text(st, 3), "submitted_at", db_col_text(st, 4), "algorithm", "sha256");
	db_reset(st);
	return r;
}

/* An enterprise named in a proposal: exists, has an organisation, is not the poster's. */
static enum qerr solver_enterprise(struct db *db, const struct challenge_row *c, const char *uscc, const char *field,
				   int64_t *eid, int64_t *org, char canon[USCC_LEN + 1], struct qerror *err)
{
	if (uscc_check(uscc, canon, err)) {
		snprintf(err->field, sizeof err->field, "%s", field);
		return err->code;
	}
	if (enterprise_ref_owner(db, canon, eid, org, err))
		return err->code;
	if (!*eid)
		return enterprise_ref_not_registered(err, QERR_INVALID, field, canon);
	if (!*org)
		return qerr_set(err, QERR_INVALID, "no_organisation", field,
				"企业 %s 未在平台注册组织,无法确认 (the enterprise has no organisation to confirm)",
				canon);
	if (*org == c->poster_org_id)
		return qerr_set(err, QERR_INVALID, "own_challenge", field,
				"发榜方不能揭榜 (the poster cannot take its own challenge)");
	return QERR_OK;
}

static enum qerr add_member(struct db *db, const struct challenge_row *c, int64_t proposal_id, int64_t eid, int64_t org,
			    bool lead, const char *now, struct qerror *err)
{
	struct db_stmt *st =
	    db_prepare(db,
		       "INSERT INTO challenge_proposal_members(proposal_id,challenge_id,enterprise_id,org_id,"
		       "is_lead,live,confirmed_at) VALUES(?,?,?,?,?,1,?)",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, proposal_id);
	db_bind_int64(st, 2, c->id);
	db_bind_int64(st, 3, eid);
	db_bind_int64(st, 4, org);
	db_bind_int(st, 5, lead ? 1 : 0);
	db_bind_text_or_null(st, 6, lead ? now : NULL);
	if (db_run(st, err)) {
		if (err->code == QERR_CONFLICT)
			qerr_set(err, QERR_CONFLICT, "already_proposed", lead ? "enterprise" : "members",
				 "该企业已在本榜单的另一份方案中 (an enterprise is already in another proposal for "
				 "this challenge)");
		return err->code;
	}
	st = db_prepare(db,
			"INSERT INTO challenge_solvers(challenge_id,enterprise_id,registered_at) VALUES(?,?,?)"
			" ON CONFLICT (challenge_id,enterprise_id) DO NOTHING",
			err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, c->id);
	db_bind_int64(st, 2, eid);
	db_bind_text(st, 3, now);
	return db_run(st, err);
}

enum qerr challenge_submit(struct db *db, const struct actor *a, int64_t id, const json_t *body, json_t **out,
			   struct qerror *err)
{
	*out = NULL;
	if (!chl_is_operator(a) && a->org_type != ORG_SME && a->org_type != ORG_LARGE)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				"只有企业可以揭榜 (only enterprises submit proposals)");
	json_t *members = json_object_get(body, "members");
	size_t nm = json_array_size(members);
	if (nm > CHALLENGE_MAX_MEMBERS - 1)
		return qerr_set(
		    err, QERR_INVALID, "consortium_too_large", "members",
		    "联合体最多五家企业 (a consortium has at most five enterprises: the lead and four members)");
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
		if (strcmp(c.effective, "closed") == 0)
			qerr_set(err, QERR_CONFLICT, "deadline_passed", "deadline",
				 "揭榜已截止 (submissions closed at %s)", c.deadline);
		else
			chl_wrong_state(err, &c, "open");
		return chl_fail(db, err);
	}
	char lead_uscc[USCC_LEN + 1];
	int64_t lead_id, lead_org;
	if (solver_enterprise(db, &c, json_str(body, "enterprise", ""), "enterprise", &lead_id, &lead_org, lead_uscc,
			      err))
		return chl_fail(db, err);
	if (!chl_is_operator(a) && lead_org != a->org_id) {
		qerr_set(err, QERR_FORBIDDEN, "forbidden", "enterprise",
			 "只能以本组织的企业揭榜 (not your organisation's enterprise)");
		return chl_fail(db, err);
	}
	int64_t mid[CHALLENGE_MAX_MEMBERS], morg[CHALLENGE_MAX_MEMBERS];
	json_t *member_usccs = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(members, i, v)
	{
		char canon[USCC_LEN + 1];
		if (solver_enterprise(db, &c, json_string_value(v), "members", &mid[i], &morg[i], canon, err))
			goto fail;
		for (size_t k = 0; k < i; k++)
			if (mid[k] == mid[i])
				goto dup;
		if (mid[i] == lead_id)
			goto dup;
		json_array_append_new(member_usccs, json_string(canon));
	}
	char now[QTIME_ISO_LEN];
	chl_now(now);
	json_t *proposal =
	    json_pack("{s:I,s:s,s:O,s:s,s:s,s:s,s:s}", "challenge_id", (json_int_t)id, "lead", lead_uscc, "members",
		      member_usccs, "title", json_str(body, "title", ""), "summary", json_str(body, "summary", ""),
		      "approach", json_str(body, "approach", ""), "submitted_at", now);
	if (json_object_get(body, "budget_fen"))
		json_object_set_new(proposal, "budget_fen", json_integer(json_int(body, "budget_fen", 0)));
	if (json_object_get(body, "duration_days"))
		json_object_set_new(proposal, "duration_days", json_integer(json_int(body, "duration_days", 0)));
	char *canonical = challenge_canonical(proposal);
	json_decref(proposal);
	if (!canonical) {
		qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		goto fail;
	}
	char hex[CHALLENGE_SHA256_HEX];
	challenge_sha256_hex(canonical, strlen(canonical), hex);
	struct db_stmt *st =
	    db_prepare(db,
		       "INSERT INTO challenge_proposals(challenge_id,lead_enterprise_id,lead_org_id,title,content,"
		       "sha256,status,submitted_at) VALUES(?,?,?,?,?,?,?,?) RETURNING id",
		       err);
	if (!st) {
		free(canonical);
		goto fail;
	}
	db_bind_int64(st, 1, id);
	db_bind_int64(st, 2, lead_id);
	db_bind_int64(st, 3, lead_org);
	db_bind_text(st, 4, json_str(body, "title", ""));
	db_bind_text(st, 5, canonical);
	db_bind_text(st, 6, hex);
	db_bind_text(st, 7, nm ? "awaiting_members" : "submitted");
	db_bind_text(st, 8, now);
	free(canonical);
	int64_t pid;
	if (db_scalar_int64(st, &pid, err) || add_member(db, &c, pid, lead_id, lead_org, true, now, err))
		goto fail;
	for (i = 0; i < nm; i++) {
		if (add_member(db, &c, pid, mid[i], morg[i], false, now, err))
			goto fail;
		json_t *d =
		    json_pack("{s:I,s:s,s:s}", "challenge_id", (json_int_t)id, "challenge", c.title, "lead", lead_uscc);
		enum qerr rc =
		    inbox_notify(db, mid[i], "challenge_consortium", pid,
				 "受邀加入揭榜联合体,请确认 (confirm your part in a consortium proposal)", d, err);
		json_decref(d);
		if (rc)
			goto fail;
	}
	json_t *d = json_pack("{s:I,s:s}", "challenge_id", (json_int_t)id, "sha256", hex);
	enum qerr rc = chl_audit(db, a, "challenge.submit", "challenge_proposal", pid, d, err);
	json_decref(d);
	if (rc || chl_notify_poster(db, &c, "challenge_proposal", c.id,
				    "揭榜挂帅收到密封方案 (a sealed proposal arrived)", err))
		goto fail;
	*out = receipt_json(db, pid, err);
	if (!*out || db_commit(db, err)) {
		json_decref(*out);
		*out = NULL;
		goto fail;
	}
	json_decref(member_usccs);
	return QERR_OK;
dup:
	qerr_set(err, QERR_INVALID, "duplicate_member", "members", "联合体成员重复 (an enterprise appears twice)");
fail:
	json_decref(member_usccs);
	return chl_fail(db, err);
}

/* Loads proposal and challenge for a write by a member organisation before the deadline. */
static enum qerr member_write(struct db *db, const struct actor *a, int64_t proposal_id, struct proposal_row *p,
			      struct challenge_row *c, struct qerror *err)
{
	if (load_proposal(db, proposal_id, p, err) || chl_load(db, p->challenge_id, c, err))
		return err->code;
	bool member;
	if (is_member(db, a, p->id, &member, err))
		return err->code;
	if (!member && !chl_is_operator(a))
		return qerr_set(err, QERR_NOT_FOUND, "proposal_not_found", "id", "方案不存在 (no proposal %lld)",
				(long long)proposal_id);
	if (c->past_deadline || strcmp(c->status, "open") != 0)
		return qerr_set(err, QERR_CONFLICT, "deadline_passed", "deadline",
				"揭榜已截止 (submissions closed at %s)", c->deadline);
	return QERR_OK;
}

enum qerr challenge_confirm(struct db *db, const struct actor *a, int64_t proposal_id, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (db_begin_write(db, err))
		return err->code;
	struct proposal_row p;
	struct challenge_row c;
	if (member_write(db, a, proposal_id, &p, &c, err))
		return chl_fail(db, err);
	if (strcmp(p.status, "awaiting_members") != 0 && strcmp(p.status, "submitted") != 0) {
		qerr_set(err, QERR_CONFLICT, "illegal_transition", "status", "方案状态为 %s (the proposal is %s)",
			 p.status, p.status);
		return chl_fail(db, err);
	}
	char now[QTIME_ISO_LEN];
	chl_now(now);
	struct db_stmt *st =
	    db_prepare(db,
		       "UPDATE challenge_proposal_members SET confirmed_at=? WHERE proposal_id=? AND org_id=?"
		       " AND confirmed_at IS NULL",
		       err);
	if (!st)
		return chl_fail(db, err);
	db_bind_text(st, 1, now);
	db_bind_int64(st, 2, proposal_id);
	db_bind_int64(st, 3, a->org_id);
	if (db_run(st, err))
		return chl_fail(db, err);
	int64_t pending = 0;
	st = db_prepare(
	    db, "SELECT count(*) FROM challenge_proposal_members WHERE proposal_id=? AND confirmed_at IS NULL", err);
	if (!st || (db_bind_int64(st, 1, proposal_id), db_scalar_int64(st, &pending, err)))
		return chl_fail(db, err);
	if (!pending) {
		st = db_prepare(
		    db, "UPDATE challenge_proposals SET status='submitted' WHERE id=? AND status='awaiting_members'",
		    err);
		if (!st || (db_bind_int64(st, 1, proposal_id), db_run(st, err)))
			return chl_fail(db, err);
	}
	if (chl_audit(db, a, "challenge.confirm", "challenge_proposal", proposal_id, NULL, err) || db_commit(db, err))
		return chl_fail(db, err);
	return challenge_proposal_get(db, a, proposal_id, out, err);
}

enum qerr challenge_withdraw(struct db *db, const struct actor *a, int64_t proposal_id, json_t **out,
			     struct qerror *err)
{
	*out = NULL;
	if (db_begin_write(db, err))
		return err->code;
	struct proposal_row p;
	struct challenge_row c;
	if (member_write(db, a, proposal_id, &p, &c, err))
		return chl_fail(db, err);
	if (!chl_is_operator(a) && a->org_id != p.lead_org_id) {
		qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL, "只有牵头企业可以撤回 (only the lead withdraws)");
		return chl_fail(db, err);
	}
	if (strcmp(p.status, "withdrawn") == 0) {
		qerr_set(err, QERR_CONFLICT, "illegal_transition", "status", "方案已撤回 (already withdrawn)");
		return chl_fail(db, err);
	}
	struct db_stmt *st = db_prepare(db, "UPDATE challenge_proposals SET status='withdrawn' WHERE id=?", err);
	if (!st || (db_bind_int64(st, 1, proposal_id), db_run(st, err)))
		return chl_fail(db, err);
	/* Its enterprises may join another proposal. */
	st = db_prepare(db, "UPDATE challenge_proposal_members SET live=0 WHERE proposal_id=?", err);
	if (!st || (db_bind_int64(st, 1, proposal_id), db_run(st, err)) ||
	    chl_audit(db, a, "challenge.withdraw", "challenge_proposal", proposal_id, NULL, err) || db_commit(db, err))
		return chl_fail(db, err);
	return challenge_proposal_get(db, a, proposal_id, out, err);
}

enum qerr challenge_receipt(struct db *db, const struct actor *a, int64_t proposal_id, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct proposal_row p;
	if (load_proposal(db, proposal_id, &p, err))
		return err->code;
	bool member;
	if (is_member(db, a, p.id, &member, err))
		return err->code;
	if (!member)
		return qerr_set(err, QERR_NOT_FOUND, "proposal_not_found", "id", "方案不存在 (no proposal %lld)",
				(long long)proposal_id);
	*out = receipt_json(db, proposal_id, err);
	return *out ? QERR_OK : err->code;
}

enum qerr challenge_verify_receipt(struct db *db, const struct actor *a, int64_t id, const char *sha256, json_t **out,
				   struct qerror *err)
{
	*out = NULL;
	struct challenge_row c;
	if (chl_load(db, id, &c, err))
		return err->code;
	if (!chl_readable(a, &c))
		return chl_not_found(err, id);
	char lower[CHALLENGE_SHA256_HEX] = {0};
	for (size_t i = 0; i < CHALLENGE_SHA256_HEX - 1 && sha256[i]; i++)
		lower[i] = (char)(sha256[i] >= 'A' && sha256[i] <= 'F' ? sha256[i] - 'A' + 'a' : sha256[i]);
	struct db_stmt *st =
	    db_prepare(db, "SELECT id,submitted_at FROM challenge_proposals WHERE challenge_id=? AND sha256=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	db_bind_text(st, 2, lower);
	int rc = db_step(st, err);
	if (rc < 0)
		return err->code;
	if (rc == DB_ROW)
		*out = json_pack("{s:b,s:I,s:s,s:s}", "found", 1, "proposal_id", (json_int_t)db_col_int64(st, 0),
				 "submitted_at", db_col_text(st, 1), "sha256", lower);
	else
		*out = json_pack("{s:b,s:s}", "found", 0, "sha256", lower);
	db_reset(st);
	return QERR_OK;
}

enum qerr challenge_proposals(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct challenge_row c;
	if (chl_load(db, id, &c, err))
		return err->code;
	if (!chl_readable(a, &c))
		return chl_not_found(err, id);
	struct db_stmt *st = db_prepare(db, "SELECT id FROM challenge_proposals WHERE challenge_id=? ORDER BY id", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	int64_t ids[1000];
	size_t n = 0;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW && n < 1000)
		ids[n++] = db_col_int64(st, 0);
	db_reset(st);
	if (rc < 0)
		return err->code;
	json_t *items = json_array();
	int64_t live = 0;
	for (size_t i = 0; i < n; i++) {
		struct proposal_row p;
		enum view v;
		if (load_proposal(db, ids[i], &p, err) || proposal_view(db, a, &c, &p, &v, err))
			goto fail;
		if (strcmp(p.status, "withdrawn") != 0)
			live++;
		if (v == VIEW_NONE)
			continue;
		json_t *j = proposal_json(db, &p, v, err);
		if (!j)
			goto fail;
		json_array_append_new(items, j);
	}
	bool sealed = !c.past_deadline;
	/* The count is the poster's and the operator's to know while sealed; then it is the list's. */
	*out =
	    json_pack("{s:b,s:o,s:o,s:s}", "sealed", sealed, "count",
		      chl_is_poster(a, &c) ? json_integer(live) : json_null(), "items", items, "deadline", c.deadline);
	return QERR_OK;
fail:
	json_decref(items);
	return err->code;
}

enum qerr challenge_proposal_get(struct db *db, const struct actor *a, int64_t proposal_id, json_t **out,
				 struct qerror *err)
{
	*out = NULL;
	struct proposal_row p;
	struct challenge_row c;
	enum view v;
	if (load_proposal(db, proposal_id, &p, err) || chl_load(db, p.challenge_id, &c, err) ||
	    proposal_view(db, a, &c, &p, &v, err))
		return err->code;
	if (v == VIEW_NONE)
		return qerr_set(err, QERR_NOT_FOUND, "proposal_not_found", "id", "方案不存在 (no proposal %lld)",
				(long long)proposal_id);
	*out = proposal_json(db, &p, v, err);
	return *out ? QERR_OK : err->code;
}
