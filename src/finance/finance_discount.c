/*
 * finance_discount.c - discount applications to a bank (贴现): apply with
 * held pieces (they become pending_discount), the bank's approval at a rate
 * within its credit limits for each issuer (the pieces pass to the bank as
 * 'discounted'), rejection, the applicant's withdrawal, expiry; and the
 * release of pending transfers and applications when a certificate is
 * settled.
 */
#include "finance/finance_int.h"

#include <stdlib.h>
#include "platform/inbox.h"

struct app_row {
	int64_t id, applicant_id, applicant_org, bank_org, amount;
	char status[12], expires_at[FIN_TIME_LEN];
};

static enum qerr load_app(struct db *db, int64_t id, struct app_row *r, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db,
					"SELECT id,applicant_id,applicant_org,bank_org,amount_fen,status,expires_at"
					" FROM finance_applications WHERE id=?",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_NOT_FOUND, "application_not_found", "id",
				"贴现申请不存在 (no application %lld)", (long long)id);
	if (rc)
		return rc;
	*r = (struct app_row){db_col_int64(st, 0),
			      db_col_int64(st, 1),
			      db_col_int64(st, 2),
			      db_col_int64(st, 3),
			      db_col_int64(st, 4),
			      "",
			      ""};
	snprintf(r->status, sizeof r->status, "%s", db_col_text(st, 5));
	snprintf(r->expires_at, sizeof r->expires_at, "%s", db_col_text(st, 6));
	db_reset(st);
	return QERR_OK;
}

/* Every pending_discount piece of the application back to held. */
static enum qerr release_pieces(struct fin_tx *tx, int64_t app, struct qerror *err)
{
	struct db_stmt *st = db_prepare(tx->db,
					"UPDATE finance_pieces SET state='held',application_id=NULL,updated_at=?"
					" WHERE application_id=? AND state='pending_discount'",
					err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, tx->now_iso);
	db_bind_int64(st, 2, app);
	return db_run(st, err);
}

/* Ends a pending application (status), releasing its pieces, with a log entry of kind. */
static enum qerr end_application(struct fin_tx *tx, const struct app_row *r, const char *status, const char *kind,
				 const char *reason, struct qerror *err)
{
	enum qerr rc = release_pieces(tx, r->id, err);
	if (rc)
		return rc;
	struct db_stmt *st = db_prepare(tx->db,
					"UPDATE finance_applications SET status=?,reason=?,decided_at=?"
					" WHERE id=? AND status='pending'",
					err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, status);
	db_bind_text(st, 2, reason);
	db_bind_text(st, 3, tx->now_iso);
	db_bind_int64(st, 4, r->id);
	if ((rc = db_run(st, err)))
		return rc;
	if (db_changes(tx->db) != 1)
		return qerr_set(err, QERR_CONFLICT, "application_not_pending", "status",
				"申请已被处理 (the application was decided)");
	json_t *detail = json_pack("{s:I,s:s,s:I,s:I}", "application_id", (json_int_t)r->id, "status", status,
				   "bank_org", (json_int_t)r->bank_org, "amount_fen", (json_int_t)r->amount);
	if (reason)
		json_object_set_new(detail, "reason", json_string(reason));
	rc = fin_log(tx, kind, 0, detail, NULL, err);
	if (!rc)
		rc = fin_audit(tx, "finance.discount_end", "application", r->id, detail, err);
	json_decref(detail);
	char title[160];
	snprintf(title, sizeof title, "贴现申请 %lld 已%s (discount application %s)", (long long)r->id,
		 strcmp(status, "rejected") == 0  ? "被拒绝"
		 : strcmp(status, "expired") == 0 ? "过期"
						  : "撤回或取消",
		 status);
	if (!rc)
		rc = inbox_renotify(tx->db, r->applicant_id, "finance_discount", r->id, title, NULL, err);
	return rc;
}

enum qerr fin_expire_applications(struct fin_tx *tx, int64_t *n, struct qerror *err)
{
	if (n)
		*n = 0;
	for (;;) {
		struct db_stmt *st =
		    db_prepare(tx->db,
			       "SELECT id FROM finance_applications WHERE status='pending' AND expires_at<?"
			       " ORDER BY id LIMIT 100",
			       err);
		if (!st)
			return err->code;
		db_bind_text(st, 1, tx->now_iso);
		int64_t ids[100];
		int count = 0, r;
		while ((r = db_step(st, err)) == DB_ROW)
			ids[count++] = db_col_int64(st, 0);
		db_reset(st);
		if (r < 0)
			return err->code;
		for (int i = 0; i < count; i++) {
			struct app_row a;
			enum qerr rc = load_app(tx->db, ids[i], &a, err);
			if (!rc)
				rc = end_application(tx, &a, "expired", "discount_expire", NULL, err);
			if (rc)
				return rc;
		}
		if (n)
			*n += count;
		if (count < 100)
			return QERR_OK;
	}
}

enum qerr fin_cancel_pending(struct fin_tx *tx, int64_t certificate_id, struct qerror *err)
{
	/* Pending transfers: the offered piece stays with the sender, who is paid. */
	struct db_stmt *st = db_prepare(
	    tx->db, "SELECT id,piece_id FROM finance_transfers WHERE certificate_id=? AND status='pending' ORDER BY id",
	    err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, certificate_id);
	enum qerr rc = QERR_OK;
	int r;
	for (;;) {
		int64_t ids[64][2];
		int count = 0;
		db_bind_int64(st, 1, certificate_id);
		while (count < 64 && (r = db_step(st, err)) == DB_ROW) {
			ids[count][0] = db_col_int64(st, 0);
			ids[count][1] = db_col_int64(st, 1);
			count++;
		}
		db_reset(st);
		if (r < 0)
			return err->code;
		for (int i = 0; !rc && i < count; i++) {
			rc = fin_piece_move(tx, ids[i][1], "pending_transfer", "held", 0, 0, err);
			struct db_stmt *u =
			    rc ? NULL
			       : db_prepare(tx->db,
					    "UPDATE finance_transfers SET status='cancelled',reason=?,decided_at=?"
					    " WHERE id=? AND status='pending'",
					    err);
			if (!rc && !u)
				rc = err->code;
			if (!rc) {
				db_bind_text(u, 1, "凭证已兑付 (the certificate was settled)");
				db_bind_text(u, 2, tx->now_iso);
				db_bind_int64(u, 3, ids[i][0]);
				rc = db_run(u, err);
			}
		}
		if (rc || count < 64)
			break;
		st = db_prepare(
		    tx->db,
		    "SELECT id,piece_id FROM finance_transfers WHERE certificate_id=? AND status='pending' ORDER BY id",
		    err);
		if (!st)
			return err->code;
	}
	if (rc)
		return rc;
	/* Pending applications holding a piece of it: cancelled whole (their other pieces are freed too). */
	st = db_prepare(tx->db,
			"SELECT DISTINCT a.id FROM finance_applications a JOIN finance_application_pieces ap"
			" ON ap.application_id=a.id WHERE ap.certificate_id=? AND a.status='pending' ORDER BY a.id",
			err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, certificate_id);
	int64_t apps[FINANCE_MAX_APPLICATION_PIECES * 4];
	int count = 0;
	while (count < (int)(sizeof apps / sizeof apps[0]) && (r = db_step(st, err)) == DB_ROW)
		apps[count++] = db_col_int64(st, 0);
	db_reset(st);
	if (r < 0)
		return err->code;
	for (int i = 0; !rc && i < count; i++) {
		struct app_row a;
		rc = load_app(tx->db, apps[i], &a, err);
		if (!rc)
			rc = end_application(tx, &a, "cancelled", "discount_cancel",
					     "凭证已兑付 (the certificate was settled)", err);
	}
	return rc;
}

/* ---- apply ---- */

enum qerr fin_apply(struct fin_tx *tx, const json_t *body, json_t **out, struct qerror *err)
{
	int64_t bank = json_int(body, "bank_id", 0);
	enum org_type type;
	enum qerr rc = fin_org(tx->db, bank, "bank_id", &type, NULL, 0, err);
	if (rc)
		return rc;
	if (type != ORG_BANK)
		return qerr_set(err, QERR_INVALID, "not_a_bank", "bank_id",
				"机构 %lld 不是银行 (organisation %lld is not a bank)", (long long)bank,
				(long long)bank);
	const json_t *ids = json_object_get(body, "pieces");
	size_t n = json_array_size(ids);
	if (n < 1 || n > FINANCE_MAX_APPLICATION_PIECES)
		return qerr_set(err, QERR_INVALID, "invalid_pieces", "pieces", "pieces must list 1 to %d piece ids",
				FINANCE_MAX_APPLICATION_PIECES);
	struct fin_piece pieces[FINANCE_MAX_APPLICATION_PIECES];
	int64_t total = 0, applicant = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t id = json_integer_value(json_array_get(ids, i));
		for (size_t j = 0; j < i; j++)
			/* cppcheck-suppress uninitvar ; pieces[0..i) were filled by the earlier iterations */
			if (pieces[j].id == id)
				return qerr_set(err, QERR_INVALID, "duplicate_piece", "pieces",
						"凭证分片 %lld 重复 (piece %lld is listed twice)", (long long)id,
						(long long)id);
		struct fin_piece *p = &pieces[i];
		struct fin_cert c;
		if ((rc = fin_piece_load(tx->db, id, p, err)) ||
		    (rc = fin_cert_load(tx->db, p->certificate_id, &c, err)))
			return rc;
		if (p->holder_org != tx->a->org_id || !p->holder_id)
			return qerr_set(err, QERR_NOT_FOUND, "piece_not_found", "pieces",
					"凭证分片不存在 (no piece %lld)", (long long)id);
		if (applicant && p->holder_id != applicant)
			return qerr_set(
			    err, QERR_INVALID, "mixed_holders", "pieces",
			    "一次申请的分片须属同一企业 (the pieces of one application belong to one enterprise)");
		applicant = p->holder_id;
		if (strcmp(p->state, "held") != 0)
			return qerr_set(err, QERR_CONFLICT, "piece_not_held", "pieces",
					"凭证分片 %lld 处于 %s 状态 (piece %lld is %s, not held)", (long long)id,
					p->state, (long long)id, p->state);
		if (strcmp(c.status, "active") != 0)
			return qerr_set(err, QERR_CONFLICT, "certificate_not_active", "pieces", "凭证 %lld 状态为 %s",
					(long long)c.id, c.status);
		if (qdate_compare(tx->today, c.maturity_date) >= 0)
			return qerr_set(err, QERR_CONFLICT, "certificate_matured", "pieces",
					"凭证 %lld 已到期,不能贴现 (certificate %lld has matured)", (long long)c.id,
					(long long)c.id);
		if ((rc = money_add(total, fin_piece_amount(p), &total, err)))
			return rc;
	}
	int64_t fee_bp, ttl;
	if ((rc = fin_settings(tx->db, &fee_bp, &ttl, err)))
		return rc;
	char expires[FIN_TIME_LEN];
	fin_iso(tx->now + ttl * 86400, expires);
	struct db_stmt *st =
	    db_prepare(tx->db,
		       "INSERT INTO finance_applications(applicant_id,applicant_org,bank_org,status,amount_fen,"
		       "created_at,expires_at) VALUES(?,?,?,'pending',?,?,?) RETURNING id",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, applicant);
	db_bind_int64(st, 2, tx->a->org_id);
	db_bind_int64(st, 3, bank);
	db_bind_int64(st, 4, total);
	db_bind_text(st, 5, tx->now_iso);
	db_bind_text(st, 6, expires);
	int64_t app;
	if ((rc = db_scalar_int64(st, &app, err)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		struct fin_piece *p = &pieces[i];
		if ((rc = fin_piece_move(tx, p->id, "held", "pending_discount", 0, app, err)))
			return rc;
		st = db_prepare(
		    tx->db,
		    "INSERT INTO finance_application_pieces(application_id,piece_id,certificate_id,amount_fen)"
		    " VALUES(?,?,?,?)",
		    err);
		if (!st)
			return err->code;
		db_bind_int64(st, 1, app);
		db_bind_int64(st, 2, p->id);
		db_bind_int64(st, 3, p->certificate_id);
		db_bind_int64(st, 4, fin_piece_amount(p));
		if ((rc = db_run(st, err)))
			return rc;
	}
	json_t *detail =
	    json_pack("{s:I,s:I,s:I,s:I,s:O}", "application_id", (json_int_t)app, "bank_org", (json_int_t)bank,
		      "applicant_id", (json_int_t)applicant, "amount_fen", (json_int_t)total, "pieces", ids);
	rc = fin_log(tx, "discount_apply", 0, detail, NULL, err);
	if (!rc)
		rc = fin_audit(tx, "finance.discount_apply", "application", app, detail, err);
	json_decref(detail);
	char title[160];
	snprintf(title, sizeof title, "收到贴现申请 %.2f 元 (a discount application)", (double)total / 100.0);
	if (!rc)
		rc = fin_notify_org(tx->db, bank, "finance_discount", app, title, NULL, err);
	return rc ? rc : fin_application_json(tx->db, app, tx->now, out, err);
}

/* ---- the bank decides ---- */

/* The application as the bank (or, for withdraw, the applicant) may act on it. */
static enum qerr load_for(struct fin_tx *tx, int64_t id, bool bank, struct app_row *r, struct qerror *err)
{
	enum qerr rc = load_app(tx->db, id, r, err);
	if (rc)
		return rc;
	int64_t org = tx->a->org_id;
	bool is_bank = org && org == r->bank_org, is_applicant = org && org == r->applicant_org;
	if (bank ? !is_bank : !is_applicant) {
		if (is_bank || is_applicant)
			return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
					bank ? "只有受理银行可以审批 (only the bank applied to may decide)"
					     : "只有申请方可以撤回 (only the applicant may withdraw)");
		return qerr_set(err, QERR_NOT_FOUND, "application_not_found", "id",
				"贴现申请不存在 (no application %lld)", (long long)id);
	}
	if (strcmp(r->status, "expired") == 0)
		return qerr_set(err, QERR_CONFLICT, "application_expired", "status",
				"贴现申请已于 %s 过期 (the application expired at %s)", r->expires_at, r->expires_at);
	if (strcmp(r->status, "pending") != 0)
		return qerr_set(err, QERR_CONFLICT, "application_not_pending", "status",
				"贴现申请已%s (the application is %s)", r->status, r->status);
	return QERR_OK;
}

struct approve_piece {
	struct fin_piece p;
	int64_t issuer_id, days, interest, net, bank_piece;
};

enum qerr fin_approve(struct fin_tx *tx, int64_t id, const json_t *body, json_t **out, struct qerror *err)
{
	struct app_row r;
	enum qerr rc = load_for(tx, id, true, &r, err);
	if (rc)
		return rc;
	int64_t rate = json_int(body, "rate_bp", 0);
	int64_t fee_bp, ttl;
	if ((rc = fin_settings(tx->db, &fee_bp, &ttl, err)))
		return rc;
	struct db_stmt *st = db_prepare(
	    tx->db, "SELECT piece_id FROM finance_application_pieces WHERE application_id=? ORDER BY piece_id", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	struct approve_piece ps[FINANCE_MAX_APPLICATION_PIECES];
	int n = 0, s;
	while ((s = db_step(st, err)) == DB_ROW && n < FINANCE_MAX_APPLICATION_PIECES)
		ps[n++].p.id = db_col_int64(st, 0);
	db_reset(st);
	if (s < 0)
		return err->code;
	int64_t interest = 0, net = 0;
	for (int i = 0; i < n; i++) {
		struct approve_piece *a = &ps[i];
		struct fin_cert c;
		if ((rc = fin_piece_load(tx->db, a->p.id, &a->p, err)) ||
		    (rc = fin_cert_load(tx->db, a->p.certificate_id, &c, err)))
			return rc;
		if (strcmp(a->p.state, "pending_discount") != 0 || a->p.application_id != id)
			return qerr_set(err, QERR_INTERNAL, "state_inconsistent", NULL,
					"piece %lld of application %lld is %s", (long long)a->p.id, (long long)id,
					a->p.state);
		if (strcmp(c.status, "active") != 0 || qdate_compare(tx->today, c.maturity_date) >= 0)
			return qerr_set(err, QERR_CONFLICT, "certificate_matured", "id",
					"凭证 %lld 已到期,不能贴现 (certificate %lld has matured)", (long long)c.id,
					(long long)c.id);
		struct finance_interest fi;
		if ((rc =
			 finance_interest_calc(fin_piece_amount(&a->p), rate, tx->today, c.maturity_date, 0, &fi, err)))
			return rc;
		a->issuer_id = c.issuer_id;
		a->days = fi.days;
		a->interest = fi.interest_fen;
		a->net = fi.net_fen;
		if ((rc = money_add(interest, fi.interest_fen, &interest, err)) ||
		    (rc = money_add(net, fi.net_fen, &net, err)))
			return rc;
	}
	/* The limit of every issuer involved: used + this application's pieces of it <= limit. */
	for (int i = 0; i < n; i++) {
		bool seen = false;
		int64_t sum = 0;
		for (int j = 0; j < i; j++)
			seen = seen || ps[j].issuer_id == ps[i].issuer_id;
		if (seen)
			continue;
		for (int j = i; j < n; j++)
			if (ps[j].issuer_id == ps[i].issuer_id &&
			    (rc = money_add(sum, fin_piece_amount(&ps[j].p), &sum, err)))
				return rc;
		st = db_prepare(tx->db,
				"SELECT limit_fen,used_fen FROM finance_limits WHERE bank_org=? AND issuer_id=?", err);
		if (!st)
			return err->code;
		db_bind_int64(st, 1, r.bank_org);
		db_bind_int64(st, 2, ps[i].issuer_id);
		int q = db_step(st, err);
		int64_t limit = q == DB_ROW ? db_col_int64(st, 0) : 0, used = q == DB_ROW ? db_col_int64(st, 1) : 0;
		db_reset(st);
		if (q < 0)
			return err->code;
		int64_t after;
		if (money_add(used, sum, &after, NULL) || after > limit)
			return qerr_set(err, QERR_CONFLICT, "credit_limit_exceeded", "id",
					"超出对开立方的授信额度:可用 %lld 分,本次 %lld 分 (beyond the credit limit for "
					"the issuer: %lld "
					"fen available, %lld fen asked)",
					(long long)(limit - used), (long long)sum, (long long)(limit - used),
					(long long)sum);
		st = db_prepare(
		    tx->db,
		    "UPDATE finance_limits SET used_fen=used_fen+?,updated_at=? WHERE bank_org=? AND issuer_id=?"
		    " AND used_fen=?",
		    err);
		if (!st)
			return err->code;
		db_bind_int64(st, 1, sum);
		db_bind_text(st, 2, tx->now_iso);
		db_bind_int64(st, 3, r.bank_org);
		db_bind_int64(st, 4, ps[i].issuer_id);
		db_bind_int64(st, 5, used);
		if ((rc = db_run(st, err)))
			return rc;
		if (db_changes(tx->db) != 1)
			return qerr_set(err, QERR_CONFLICT, "credit_limit_exceeded", "id",
					"额度已变化 (the limit changed)");
	}
	int64_t fee, after_fee;
	if ((rc = money_interest_bp(r.amount, fee_bp, MONEY_DAYS_PER_YEAR, &fee, err)) ||
	    (rc = money_sub(net, fee, &after_fee, err)))
		return rc;
	json_t *lines = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(lines, json_pack("{s:I,s:I,s:I,s:I,s:I}", "piece_id", (json_int_t)ps[i].p.id,
						       "amount_fen", (json_int_t)fin_piece_amount(&ps[i].p), "days",
						       (json_int_t)ps[i].days, "interest_fen",
						       (json_int_t)ps[i].interest, "net_fen", (json_int_t)ps[i].net));
	json_t *detail =
	    json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:o}", "application_id", (json_int_t)id, "bank_org",
		      (json_int_t)r.bank_org, "rate_bp", (json_int_t)rate, "amount_fen", (json_int_t)r.amount,
		      "interest_fen", (json_int_t)interest, "net_fen", (json_int_t)net, "fee_fen", (json_int_t)fee,
		      "discount_date", tx->today_text, "pieces", lines);
	int64_t seq;
	rc = fin_log(tx, "discount_approve", 0, detail, &seq, err);
	for (int i = 0; !rc && i < n; i++) {
		struct approve_piece *a = &ps[i];
		int64_t x = fin_piece_amount(&a->p);
		rc = fin_piece_move(tx, a->p.id, "pending_discount", "transferred", 0, 0, err);
		if (!rc)
			rc = fin_piece_insert(tx, a->p.certificate_id, a->p.id, a->p.lo, a->p.hi, r.bank_org, 0,
					      "discounted", &a->bank_piece, err);
		if (!rc)
			rc = fin_post(tx, seq, r.bank_org, "receivable", x, a->p.certificate_id, err);
		if (!rc)
			rc = fin_post(tx, seq, r.applicant_org, "receivable", -x, a->p.certificate_id, err);
		if (!rc)
			rc = fin_post(tx, seq, r.applicant_org, "cash", a->net, a->p.certificate_id, err);
		if (!rc)
			rc = fin_post(tx, seq, r.applicant_org, "interest_expense", a->interest, a->p.certificate_id,
				      err);
		if (!rc)
			rc = fin_post(tx, seq, r.bank_org, "cash", -a->net, a->p.certificate_id, err);
		if (!rc)
			rc = fin_post(tx, seq, r.bank_org, "interest_income", -a->interest, a->p.certificate_id, err);
		if (!rc) {
			st = db_prepare(
			    tx->db,
			    "UPDATE finance_application_pieces SET days=?,interest_fen=?,net_fen=?,bank_piece_id=?"
			    " WHERE application_id=? AND piece_id=?",
			    err);
			if (!st)
				rc = err->code;
			else {
				db_bind_int64(st, 1, a->days);
				db_bind_int64(st, 2, a->interest);
				db_bind_int64(st, 3, a->net);
				db_bind_int64(st, 4, a->bank_piece);
				db_bind_int64(st, 5, id);
				db_bind_int64(st, 6, a->p.id);
				rc = db_run(st, err);
			}
		}
	}
	if (!rc) {
		st = db_prepare(
		    tx->db,
		    "UPDATE finance_applications SET status='approved',decided_at=?,rate_bp=?,discount_date=?,"
		    "interest_fen=?,net_fen=?,fee_bp=?,fee_fen=? WHERE id=? AND status='pending'",
		    err);
		if (!st)
			rc = err->code;
		else {
			db_bind_text(st, 1, tx->now_iso);
			db_bind_int64(st, 2, rate);
			db_bind_text(st, 3, tx->today_text);
			db_bind_int64(st, 4, interest);
			db_bind_int64(st, 5, net);
			db_bind_int64(st, 6, fee_bp);
			db_bind_int64(st, 7, fee);
			db_bind_int64(st, 8, id);
			rc = db_run(st, err);
			if (!rc && db_changes(tx->db) != 1)
				rc = qerr_set(err, QERR_CONFLICT, "application_not_pending", "status", "申请已被处理");
		}
	}
	if (!rc)
		rc = fin_audit(tx, "finance.discount_approve", "application", id, detail, err);
	json_decref(detail);
	char title[200];
	snprintf(title, sizeof title, "贴现申请已批准,实付 %.2f 元 (discount approved)", (double)net / 100.0);
	if (!rc)
		rc = inbox_renotify(tx->db, r.applicant_id, "finance_discount", id, title, NULL, err);
	return rc ? rc : fin_application_json(tx->db, id, tx->now, out, err);
}

enum qerr fin_application_close(struct fin_tx *tx, enum finance_op op, int64_t id, const json_t *body, json_t **out,
				struct qerror *err)
{
	struct app_row r;
	bool reject = op == FINANCE_DISCOUNT_REJECT;
	enum qerr rc = load_for(tx, id, reject, &r, err);
	if (!rc)
		rc = end_application(tx, &r, reject ? "rejected" : "withdrawn", finance_op_names[op],
				     json_str(body, "reason", NULL), err);
	if (!rc && !reject)
		rc = fin_notify_org(tx->db, r.bank_org, "finance_discount", id,
				    "贴现申请已撤回 (application withdrawn)", NULL, err);
	return rc ? rc : fin_application_json(tx->db, id, tx->now, out, err);
}
