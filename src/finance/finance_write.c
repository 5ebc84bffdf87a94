/*
 * finance_write.c - one operation, one transaction (finance_write), and the
 * certificate's own operations: issue, accept, refuse, settle; credit
 * limits, settings and the maintenance sweep (overdue flags).
 */
#include "finance/finance_int.h"

#include <stdlib.h>
#include "base/qtime.h"
#include "chainmap/chainmap.h"
#include "market/rfq.h"
#include "platform/inbox.h"

static enum qerr run_op(struct fin_tx *tx, enum finance_op op, int64_t id, const json_t *body, json_t **out,
			struct qerror *err)
{
	switch (op) {
	case FINANCE_ISSUE:
		return fin_issue(tx, body, out, err);
	case FINANCE_ACCEPT:
		return fin_accept(tx, id, out, err);
	case FINANCE_REFUSE:
		return fin_refuse(tx, id, body, out, err);
	case FINANCE_SETTLE:
		return fin_settle(tx, id, body, out, err);
	case FINANCE_SPLIT:
		return fin_split(tx, id, body, out, err);
	case FINANCE_TRANSFER:
		return fin_transfer(tx, id, body, out, err);
	case FINANCE_TRANSFER_ACCEPT:
	case FINANCE_TRANSFER_REFUSE:
	case FINANCE_TRANSFER_CANCEL:
		return fin_transfer_decide(tx, op, id, body, out, err);
	case FINANCE_DISCOUNT_APPLY:
		return fin_apply(tx, body, out, err);
	case FINANCE_DISCOUNT_APPROVE:
		return fin_approve(tx, id, body, out, err);
	case FINANCE_DISCOUNT_REJECT:
	case FINANCE_DISCOUNT_WITHDRAW:
		return fin_application_close(tx, op, id, body, out, err);
	case FINANCE_LIMIT_SET:
		return fin_limit_set(tx, body, out, err);
	case FINANCE_SETTINGS_SET:
		return fin_settings_set(tx, body, out, err);
	case FINANCE_SWEEP:
		return fin_sweep(tx, out, err);
	default:
		return qerr_set(err, QERR_INVALID, "invalid_operation", NULL, "unknown finance operation");
	}
}

enum qerr finance_write(struct db *db, const struct actor *a, const struct idempotency *idem, enum finance_op op,
			int64_t id, const json_t *body, json_t **out, int *status, struct qerror *err)
{
	*out = NULL;
	*status = 0;
	if ((int)op < 0 || op >= FINANCE_OP_COUNT)
		return qerr_set(err, QERR_INVALID, "invalid_operation", NULL, "unknown finance operation");
	json_t *empty = body ? NULL : json_object();
	struct fin_tx tx = {.db = db, .a = a, .now = finance_now()};
	fin_iso(tx.now, tx.now_iso);
	if (!qdate_shanghai_of(tx.now, &tx.today, NULL))
		return qerr_set(err, QERR_INTERNAL, "clock_error", NULL, "the finance clock is out of range");
	qdate_format(tx.today, tx.today_text);
	db_hot(db, "finance_chain"); /* every finance write appends to the one hash chain: they queue for its head */
	enum qerr rc = db_begin_write(db, err);
	if (rc) {
		json_decref(empty);
		return rc;
	}
	if (idem) {
		bool replay;
		json_t *answer;
		int stored;
		rc = idempotency_claim(db, a->org_id, idem, &replay, &stored, &answer, err);
		if (!rc && replay) {
			db_rollback(db); /* nothing was changed */
			json_decref(empty);
			*out = answer;
			*status = stored;
			return QERR_OK;
		}
	}
	/*
	 * The chain head's row first: on PostgreSQL its lock orders every finance write from here on
	 * (no deadlock between a settlement and a transfer of the same tree, and each later statement
	 * reads what the previous writer committed); SQLite's write lock already does.
	 */
	if (!rc)
		rc = fin_lock(&tx, err);
	/* Applications past their time release their pieces before anything reads them. */
	if (!rc && op != FINANCE_SWEEP)
		rc = fin_expire_applications(&tx, NULL, err);
	fin_store_error_clear();
	if (!rc)
		rc = run_op(&tx, op, id, body ? body : empty, out, err);
	if (!rc && fin_store_error_take(err))
		rc = err->code; /* an answer built past a store error is not stored nor committed */
	if (!rc && idem)
		rc = idempotency_store(db, a->org_id, idem, finance_op_status[op], *out, err);
	if (!rc)
		rc = db_commit(db, err);
	json_decref(empty);
	if (rc) {
		db_rollback(db);
		json_decref(*out);
		*out = NULL;
		return err->code ? err->code : rc;
	}
	*status = finance_op_status[op];
	return QERR_OK;
}

/* ---- who asks ---- */

/* Whether org holds, held or is offered anything of the certificate (a party that may see it). */
static enum qerr is_party(struct db *db, int64_t cert, int64_t org, bool *yes, struct qerror *err)
{
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT CASE WHEN EXISTS(SELECT 1 FROM finance_pieces WHERE certificate_id=?1 AND holder_org=?2)"
		       " OR EXISTS(SELECT 1 FROM finance_transfers WHERE certificate_id=?1 AND to_org=?2)"
		       " OR EXISTS(SELECT 1 FROM finance_certificates WHERE id=?1 AND (payee_org=?2 OR issuer_org=?2))"
		       " THEN 1 ELSE 0 END",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, cert);
	db_bind_int64(st, 2, org);
	int64_t v = 0;
	enum qerr rc = db_scalar_int64(st, &v, err);
	*yes = v != 0;
	return rc;
}

/* 403 for a party of the certificate that may not do this, 404 for anyone else. */
static enum qerr not_yours(struct fin_tx *tx, const struct fin_cert *c, const char *what, struct qerror *err)
{
	bool party = false;
	if (tx->a->org_id && is_party(tx->db, c->id, tx->a->org_id, &party, err))
		return err->code;
	if (!party)
		return qerr_set(err, QERR_NOT_FOUND, "certificate_not_found", "id", "凭证不存在 (no certificate %lld)",
				(long long)c->id);
	return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL, "只有%s可以这样做 (only the %s may do this)",
			strcmp(what, "payee") == 0 ? "收款方" : "开立方", what);
}

static enum qerr need_status(const struct fin_cert *c, const char *status, const char *slug, struct qerror *err)
{
	if (strcmp(c->status, status) == 0)
		return QERR_OK;
	return qerr_set(err, QERR_CONFLICT, slug, "status", "凭证状态为 %s,不能这样做 (the certificate is %s)",
			c->status, c->status);
}

static json_t *cert_detail(const struct fin_cert *c)
{
	return json_pack("{s:I,s:I,s:I,s:I}", "certificate_id", (json_int_t)c->id, "face_fen", (json_int_t)c->face_fen,
			 "issuer_org", (json_int_t)c->issuer_org, "payee_org", (json_int_t)c->payee_org);
}

/* ---- issue ---- */

static json_t *note(const char *code, const char *message)
{
	return json_pack("{s:s,s:s}", "code", code, "message", message);
}

static bool is_sme(const char *size)
{
	return strcmp(size, "medium") == 0 || strcmp(size, "small") == 0 || strcmp(size, "micro") == 0;
}

/* The payee supplies the issuer: a recorded relation, the given order, or any order between them. */
static enum qerr check_supplier(struct fin_tx *tx, int64_t issuer, int64_t payee, int64_t order_id,
				struct qdate *delivery, bool *have_delivery, struct qerror *err)
{
	*have_delivery = false;
	if (order_id > 0) {
		struct market_order_ref o;
		enum qerr rc = market_order_ref(tx->db, order_id, &o, err);
		if (rc == QERR_NOT_FOUND)
			return qerr_set(err, QERR_INVALID, "order_not_found", "order_id", "订单不存在 (no order %lld)",
					(long long)order_id);
		if (rc)
			return rc;
		if (o.buyer_id != issuer || o.supplier_id != payee)
			return qerr_set(err, QERR_INVALID, "not_a_supplier", "order_id",
					"订单 %lld 不是开立方向收款方的采购订单 (order %lld is not the issuer's order "
					"with the payee)",
					(long long)order_id, (long long)order_id);
		int64_t t;
		if (o.delivered_at[0] && qtime_parse(o.delivered_at, QTIME_STRICT, &t, NULL))
			*have_delivery = qdate_shanghai_of(t, delivery, NULL);
		return QERR_OK;
	}
	json_t *rels = NULL;
	enum qerr rc = chainmap_relations_between(tx->db, issuer, payee, &rels, err);
	if (rc)
		return rc;
	size_t n = json_array_size(rels);
	json_decref(rels);
	if (n)
		return QERR_OK;
	json_t *orders = NULL;
	if ((rc = market_orders_between(tx->db, issuer, payee, 1, &orders, err)))
		return rc;
	int64_t count = json_integer_value(json_object_get(orders, "count"));
	json_decref(orders);
	if (count)
		return QERR_OK;
	return qerr_set(
	    err, QERR_INVALID, "not_a_supplier", "payee",
	    "收款方不是开立方的供应商(无供应关系或订单) (the payee has no supply relation or order with the issuer)");
}

static enum qerr insert_invoices(struct fin_tx *tx, int64_t cert, int64_t payee, const json_t *invoices,
				 struct qerror *err)
{
	size_t n = json_array_size(invoices);
	if (n > 50)
		return qerr_set(err, QERR_INVALID, "too_many_invoices", "invoices",
				"最多 50 张发票 (at most 50 invoices)");
	for (size_t i = 0; i < n; i++) {
		const char *no = json_string_value(json_array_get(invoices, i));
		size_t len = strlen(no);
		if (len < 1 || len > 64)
			return qerr_set(err, QERR_INVALID, "invalid_invoice", "invoices",
					"发票号码须为 1 至 64 个字符 (an invoice number has 1 to 64 characters)");
		for (size_t j = 0; j < i; j++)
			if (strcmp(no, json_string_value(json_array_get(invoices, j))) == 0)
				return qerr_set(err, QERR_INVALID, "duplicate_invoice", "invoices",
						"发票 %s 重复 (invoice %s is listed twice)", no, no);
		struct db_stmt *st = db_prepare(
		    tx->db, "SELECT certificate_id FROM finance_invoices WHERE payee_id=? AND invoice_no=?", err);
		if (!st)
			return err->code;
		db_bind_int64(st, 1, payee);
		db_bind_text(st, 2, no);
		int r = db_step(st, err);
		int64_t other = r == DB_ROW ? db_col_int64(st, 0) : 0;
		db_reset(st);
		if (r < 0)
			return err->code;
		if (other)
			return qerr_set(err, QERR_CONFLICT, "invoice_already_used", "invoices",
					"发票 %s 已用于凭证 %lld (invoice %s already backs certificate %lld)", no,
					(long long)other, no, (long long)other);
		st = db_prepare(tx->db,
				"INSERT INTO finance_invoices(payee_id,invoice_no,certificate_id) VALUES(?,?,?)", err);
		if (!st)
			return err->code;
		db_bind_int64(st, 1, payee);
		db_bind_text(st, 2, no);
		db_bind_int64(st, 3, cert);
		enum qerr rc = db_run(st, err);
		if (rc)
			return rc;
	}
	return QERR_OK;
}

enum qerr fin_issue(struct fin_tx *tx, const json_t *body, json_t **out, struct qerror *err)
{
	const struct actor *a = tx->a;
	if (a->org_type != ORG_LARGE)
		return qerr_set(
		    err, QERR_FORBIDDEN, "forbidden", NULL,
		    "只有大型企业(链主)可以开立凭证 (only a large enterprise's organisation issues certificates)");
	struct enterprise_ref issuer, payee;
	enum qerr rc;
	if ((rc = fin_enterprise(tx->db, json_str(body, "issuer", ""), "issuer", &issuer, err)))
		return rc;
	if (issuer.org_id != a->org_id)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", "issuer",
				"开立方企业不属于本机构 (the issuer is not an enterprise of your organisation)");
	if ((rc = fin_enterprise(tx->db, json_str(body, "payee", ""), "payee", &payee, err)))
		return rc;
	if (payee.id == issuer.id || payee.org_id == a->org_id)
		return qerr_set(err, QERR_INVALID, "self_issue", "payee",
				"不能向本机构的企业开立凭证 (a certificate pays another organisation's enterprise)");
	if (!payee.org_id)
		return qerr_set(
		    err, QERR_INVALID, "receiver_not_registered", "payee",
		    "收款方企业未在平台开户,无法签收 (the payee has no organisation on the platform to accept)");
	int64_t face = json_int(body, "face_fen", 0);
	if (face < 1 || face > FINANCE_MAX_FACE_FEN)
		return qerr_set(err, QERR_INVALID, "invalid_amount", "face_fen",
				"票面金额须为 1 至 10^13 分 (face_fen 1 to 10^13)");
	struct qdate maturity;
	if ((rc = fin_date(json_str(body, "maturity", ""), "maturity", &maturity, err)))
		return rc;
	if (qdate_compare(maturity, tx->today) <= 0)
		return qerr_set(err, QERR_INVALID, "maturity_not_future", "maturity",
				"到期日须晚于开立日 %s (the maturity must be after the issue date %s)", tx->today_text,
				tx->today_text);
	struct qdate year = fin_add_months(tx->today, 12), half = fin_add_months(tx->today, 6);
	char year_text[QDATE_TEXT_LEN], half_text[QDATE_TEXT_LEN];
	qdate_format(year, year_text);
	qdate_format(half, half_text);
	if (qdate_compare(maturity, year) > 0)
		return qerr_set(err, QERR_INVALID, "maturity_too_late", "maturity",
				"到期日不得晚于开立后一年 %s(银发〔2025〕77号) (the maturity may be at most one year "
				"after issue: %s)",
				year_text, year_text);
	const char *contract = json_str(body, "contract_no", "");
	if (!*contract || strspn(contract, " \t") == strlen(contract))
		return qerr_set(err, QERR_INVALID, "contract_required", "contract_no",
				"须注明基础合同编号 (every certificate names its contract)");
	int64_t order_id = json_int(body, "order_id", 0);
	struct qdate delivery = tx->today;
	bool have_delivery;
	if ((rc = check_supplier(tx, issuer.id, payee.id, order_id, &delivery, &have_delivery, err)))
		return rc;
	const char *delivery_text = json_str(body, "delivery_date", NULL);
	if (delivery_text) {
		if ((rc = fin_date(delivery_text, "delivery_date", &delivery, err)))
			return rc;
		have_delivery = true;
	}
	if (!have_delivery)
		delivery = tx->today;
	char delivery_out[QDATE_TEXT_LEN];
	qdate_format(delivery, delivery_out);
	json_t *warnings = json_array(), *flags = json_array();
	char msg[320];
	if (qdate_compare(maturity, half) > 0) {
		snprintf(msg, sizeof msg,
			 "到期日晚于开立后六个月 %s (the maturity is more than six months after issue: %s)", half_text,
			 half_text);
		json_array_append_new(warnings, note("maturity_over_six_months", msg));
	}
	struct qdate limit60;
	if (is_sme(payee.size) && qdate_add_days(delivery, 60, &limit60) && qdate_compare(maturity, limit60) > 0) {
		char t[QDATE_TEXT_LEN];
		qdate_format(limit60, t);
		snprintf(msg, sizeof msg,
			 "收款方为中小企业,到期日晚于交货后60日 %s(《保障中小企业款项支付条例》) (an SME payee: the "
			 "maturity is "
			 "later than delivery + 60 days, %s)",
			 t, t);
		json_array_append_new(flags, note("sme_payment_term_exceeded", msg));
	}
	char *wtext = json_dumps(warnings, JSON_COMPACT), *ftext = json_dumps(flags, JSON_COMPACT);
	char mtext[QDATE_TEXT_LEN];
	qdate_format(maturity, mtext);
	struct db_stmt *st = db_prepare(
	    tx->db,
	    "INSERT INTO finance_certificates(issuer_id,issuer_org,payee_id,payee_org,face_fen,issue_date,maturity,"
	    "contract_no,order_id,delivery_date,memo,warnings,flags,flagged,status,created_at)"
	    " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,'issued',?) RETURNING id",
	    err);
	int64_t id = 0;
	bool flagged = json_array_size(flags) > 0;
	json_decref(warnings);
	json_decref(flags);
	if (!st) {
		free(wtext);
		free(ftext);
		return err->code;
	}
	db_bind_int64(st, 1, issuer.id);
	db_bind_int64(st, 2, issuer.org_id);
	db_bind_int64(st, 3, payee.id);
	db_bind_int64(st, 4, payee.org_id);
	db_bind_int64(st, 5, face);
	db_bind_text(st, 6, tx->today_text);
	db_bind_text(st, 7, mtext);
	db_bind_text(st, 8, contract);
	db_bind_opt_int64(st, 9, order_id > 0, order_id);
	db_bind_text(st, 10, delivery_text || have_delivery ? delivery_out : NULL);
	db_bind_text(st, 11, json_str(body, "memo", ""));
	db_bind_text(st, 12, wtext ? wtext : "[]");
	db_bind_text(st, 13, ftext ? ftext : "[]");
	db_bind_bool(st, 14, flagged);
	db_bind_text(st, 15, tx->now_iso);
	free(wtext);
	free(ftext);
	if ((rc = db_scalar_int64(st, &id, err)))
		return rc;
	if ((rc = insert_invoices(tx, id, payee.id, json_object_get(body, "invoices"), err)))
		return rc;
	json_t *detail = json_pack("{s:I,s:I,s:I,s:I,s:s,s:s,s:b}", "certificate_id", (json_int_t)id, "issuer_id",
				   (json_int_t)issuer.id, "payee_id", (json_int_t)payee.id, "face_fen",
				   (json_int_t)face, "maturity", mtext, "contract_no", contract, "flagged", flagged);
	rc = fin_log(tx, "issue", id, detail, NULL, err);
	if (!rc)
		rc = fin_audit(tx, "finance.issue", "certificate", id, detail, err);
	json_decref(detail);
	if (rc)
		return rc;
	char title[1000];
	snprintf(title, sizeof title, "%s 开立应收账款凭证 %.2f 元,待签收", issuer.name, (double)face / 100.0);
	if ((rc = inbox_notify(tx->db, payee.id, "finance_certificate", id, title, NULL, err)))
		return rc;
	return fin_cert_json(tx->db, id, tx->today, out, err);
}

/* ---- accept, refuse ---- */

enum qerr fin_accept(struct fin_tx *tx, int64_t id, json_t **out, struct qerror *err)
{
	struct fin_cert c;
	enum qerr rc = fin_cert_load(tx->db, id, &c, err);
	if (rc)
		return rc;
	if (c.payee_org != tx->a->org_id)
		return not_yours(tx, &c, "payee", err);
	if ((rc = need_status(&c, "issued", "certificate_not_issued", err)))
		return rc;
	if (qdate_compare(tx->today, c.maturity_date) > 0)
		return qerr_set(err, QERR_CONFLICT, "certificate_matured", "maturity",
				"凭证已过到期日 %s,不能签收 (the certificate matured on %s)", c.maturity, c.maturity);
	struct db_stmt *st = db_prepare(
	    tx->db, "UPDATE finance_certificates SET status='active',accepted_at=? WHERE id=? AND status='issued'",
	    err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, tx->now_iso);
	db_bind_int64(st, 2, id);
	if ((rc = db_run(st, err)))
		return rc;
	if (db_changes(tx->db) != 1)
		return qerr_set(err, QERR_CONFLICT, "certificate_not_issued", "status",
				"凭证已被处理 (the certificate was decided)");
	int64_t root, seq;
	if ((rc = fin_piece_insert(tx, id, 0, 1, c.face_fen, c.payee_org, c.payee_id, "held", &root, err)))
		return rc;
	json_t *detail = cert_detail(&c);
	json_object_set_new(detail, "root_piece_id", json_integer(root));
	rc = fin_log(tx, "accept", id, detail, &seq, err);
	if (!rc)
		rc = fin_post(tx, seq, c.payee_org, "receivable", c.face_fen, id, err);
	if (!rc)
		rc = fin_post(tx, seq, c.issuer_org, "payable", -c.face_fen, id, err);
	if (!rc)
		rc = fin_audit(tx, "finance.accept", "certificate", id, detail, err);
	json_decref(detail);
	if (!rc)
		rc = inbox_renotify(tx->db, c.issuer_id, "finance_certificate", id, "凭证已签收 (certificate accepted)",
				    NULL, err);
	return rc ? rc : fin_cert_json(tx->db, id, tx->today, out, err);
}

enum qerr fin_refuse(struct fin_tx *tx, int64_t id, const json_t *body, json_t **out, struct qerror *err)
{
	struct fin_cert c;
	enum qerr rc = fin_cert_load(tx->db, id, &c, err);
	if (rc)
		return rc;
	if (c.payee_org != tx->a->org_id)
		return not_yours(tx, &c, "payee", err);
	if ((rc = need_status(&c, "issued", "certificate_not_issued", err)))
		return rc;
	const char *reason = json_str(body, "reason", "");
	struct db_stmt *st = db_prepare(tx->db,
					"UPDATE finance_certificates SET status='refused',refused_at=?,refuse_reason=?"
					" WHERE id=? AND status='issued'",
					err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, tx->now_iso);
	db_bind_text(st, 2, reason);
	db_bind_int64(st, 3, id);
	if ((rc = db_run(st, err)))
		return rc;
	if (db_changes(tx->db) != 1)
		return qerr_set(err, QERR_CONFLICT, "certificate_not_issued", "status",
				"凭证已被处理 (the certificate was decided)");
	/* Nothing was confirmed: the invoices may back another certificate. */
	st = db_prepare(tx->db, "DELETE FROM finance_invoices WHERE certificate_id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	if ((rc = db_run(st, err)))
		return rc;
	json_t *detail = cert_detail(&c);
	json_object_set_new(detail, "reason", json_string(reason));
	rc = fin_log(tx, "refuse", id, detail, NULL, err);
	if (!rc)
		rc = fin_audit(tx, "finance.refuse", "certificate", id, detail, err);
	json_decref(detail);
	if (!rc)
		rc = inbox_renotify(tx->db, c.issuer_id, "finance_certificate", id, "凭证被拒签 (certificate refused)",
				    NULL, err);
	return rc ? rc : fin_cert_json(tx->db, id, tx->today, out, err);
}

/* ---- settle ---- */

enum qerr fin_settle(struct fin_tx *tx, int64_t id, const json_t *body, json_t **out, struct qerror *err)
{
	struct fin_cert c;
	enum qerr rc = fin_cert_load(tx->db, id, &c, err);
	if (rc)
		return rc;
	if (c.issuer_org != tx->a->org_id)
		return not_yours(tx, &c, "issuer", err);
	if ((rc = need_status(&c, "active", "certificate_not_active", err)))
		return rc;
	if (qdate_compare(tx->today, c.maturity_date) < 0)
		return qerr_set(err, QERR_CONFLICT, "not_matured", "maturity",
				"到期日 %s 前不能兑付 (the certificate can be settled on or after its maturity %s)",
				c.maturity, c.maturity);
	if ((rc = fin_cancel_pending(tx, id, err)))
		return rc;
	const char *ref = json_str(body, "confirmation_ref", "");
	/* Every live piece is now held or discounted: pay each to its holder. */
	struct db_stmt *st = db_prepare(tx->db,
					"SELECT id,lo,hi,holder_org,coalesce(holder_id,0),state FROM finance_pieces"
					" WHERE certificate_id=? AND (state='held' OR state='discounted') ORDER BY lo",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	struct pay {
		int64_t piece, amount, org, enterprise;
		bool bank;
	} *pays = NULL;
	size_t n = 0, cap = 0;
	int r;
	while ((r = db_step(st, err)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			struct pay *grown = realloc(pays, cap * sizeof *pays);
			if (!grown) {
				db_reset(st);
				free(pays);
				return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
			}
			pays = grown;
		}
		pays[n++] = (struct pay){db_col_int64(st, 0), db_col_int64(st, 2) - db_col_int64(st, 1) + 1,
					 db_col_int64(st, 3), db_col_int64(st, 4),
					 strcmp(db_col_text(st, 5), "discounted") == 0};
	}
	db_reset(st);
	if (r < 0) {
		free(pays);
		return err->code;
	}
	json_t *payments = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(payments,
				      json_pack("{s:I,s:I,s:I}", "piece_id", (json_int_t)pays[i].piece, "org_id",
						(json_int_t)pays[i].org, "amount_fen", (json_int_t)pays[i].amount));
	json_t *detail = cert_detail(&c);
	json_object_set_new(detail, "confirmation_ref", json_string(ref));
	json_object_set(detail, "payments", payments);
	int64_t seq = 0;
	rc = fin_log(tx, "settle", id, detail, &seq, err);
	for (size_t i = 0; !rc && i < n; i++) {
		struct pay *p = &pays[i];
		rc = fin_piece_move(tx, p->piece, p->bank ? "discounted" : "held", "settled", 0, 0, err);
		if (!rc)
			rc = fin_post(tx, seq, c.issuer_org, "payable", p->amount, id, err);
		if (!rc)
			rc = fin_post(tx, seq, p->org, "receivable", -p->amount, id, err);
		if (!rc)
			rc = fin_post(tx, seq, p->org, "cash", p->amount, id, err);
		if (!rc)
			rc = fin_post(tx, seq, c.issuer_org, "cash", -p->amount, id, err);
		if (!rc && p->bank) {
			/* The bank's limit for this issuer is given back. */
			struct db_stmt *u = db_prepare(tx->db,
						       "UPDATE finance_limits SET used_fen=used_fen-?,updated_at=?"
						       " WHERE bank_org=? AND issuer_id=? AND used_fen>=?",
						       err);
			if (!u) {
				rc = err->code;
				break;
			}
			db_bind_int64(u, 1, p->amount);
			db_bind_text(u, 2, tx->now_iso);
			db_bind_int64(u, 3, p->org);
			db_bind_int64(u, 4, c.issuer_id);
			db_bind_int64(u, 5, p->amount);
			rc = db_run(u, err);
			if (!rc && db_changes(tx->db) != 1)
				rc = qerr_set(err, QERR_INTERNAL, "limit_inconsistent", NULL,
					      "bank %lld's limit for issuer %lld does not cover piece %lld",
					      (long long)p->org, (long long)c.issuer_id, (long long)p->piece);
		}
		if (!rc && p->enterprise)
			rc = inbox_renotify(tx->db, p->enterprise, "finance_settled", id,
					    "凭证已到期兑付 (certificate settled)", NULL, err);
	}
	free(pays);
	if (!rc) {
		st = db_prepare(tx->db,
				"UPDATE finance_certificates SET status='settled',settled_at=?,confirmation_ref=?"
				" WHERE id=? AND status='active'",
				err);
		if (!st)
			rc = err->code;
		else {
			db_bind_text(st, 1, tx->now_iso);
			db_bind_text(st, 2, ref);
			db_bind_int64(st, 3, id);
			rc = db_run(st, err);
			if (!rc && db_changes(tx->db) != 1)
				rc = qerr_set(err, QERR_CONFLICT, "certificate_not_active", "status",
					      "凭证已兑付 (already settled)");
		}
	}
	if (!rc)
		rc = fin_audit(tx, "finance.settle", "certificate", id, detail, err);
	json_decref(detail);
	if (!rc)
		rc = fin_cert_json(tx->db, id, tx->today, out, err);
	if (!rc)
		json_object_set(*out, "payments", payments);
	json_decref(payments);
	return rc;
}

/* ---- limits, settings, sweep ---- */

enum qerr fin_limit_set(struct fin_tx *tx, const json_t *body, json_t **out, struct qerror *err)
{
	if (tx->a->org_type != ORG_BANK)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				"只有银行可以授信 (only a bank grants credit limits)");
	struct enterprise_ref issuer;
	enum qerr rc = fin_enterprise(tx->db, json_str(body, "issuer", ""), "issuer", &issuer, err);
	if (rc)
		return rc;
	int64_t limit = json_int(body, "limit_fen", -1);
	if (limit < 0 || limit > FINANCE_MAX_LIMIT_FEN)
		return qerr_set(err, QERR_INVALID, "invalid_amount", "limit_fen", "limit_fen must be 0 to 10^15");
	struct db_stmt *st =
	    db_prepare(tx->db, "SELECT used_fen FROM finance_limits WHERE bank_org=? AND issuer_id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, tx->a->org_id);
	db_bind_int64(st, 2, issuer.id);
	int r = db_step(st, err);
	int64_t used = r == DB_ROW ? db_col_int64(st, 0) : 0;
	db_reset(st);
	if (r < 0)
		return err->code;
	if (limit < used)
		return qerr_set(err, QERR_CONFLICT, "limit_below_used", "limit_fen",
				"额度不能低于已用额度 %lld 分 (the limit cannot be below the %lld fen in use)",
				(long long)used, (long long)used);
	st = db_prepare(tx->db,
			"INSERT INTO finance_limits(bank_org,issuer_id,limit_fen,used_fen,updated_at) VALUES(?,?,?,0,?)"
			" ON CONFLICT (bank_org,issuer_id) DO UPDATE SET "
			"limit_fen=excluded.limit_fen,updated_at=excluded.updated_at",
			err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, tx->a->org_id);
	db_bind_int64(st, 2, issuer.id);
	db_bind_int64(st, 3, limit);
	db_bind_text(st, 4, tx->now_iso);
	if ((rc = db_run(st, err)))
		return rc;
	json_t *detail = json_pack("{s:I,s:I,s:I}", "bank_org", (json_int_t)tx->a->org_id, "issuer_id",
				   (json_int_t)issuer.id, "limit_fen", (json_int_t)limit);
	rc = fin_log(tx, "limit_set", 0, detail, NULL, err);
	if (!rc)
		rc = fin_audit(tx, "finance.limit", "enterprise", issuer.id, detail, err);
	json_decref(detail);
	return rc ? rc : fin_limit_json(tx->db, tx->a->org_id, issuer.id, out, err);
}

enum qerr fin_settings_set(struct fin_tx *tx, const json_t *body, json_t **out, struct qerror *err)
{
	if (!actor_is_platform_admin(tx->a))
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				"只有平台管理员可以修改 (platform admins only)");
	int64_t fee, ttl;
	enum qerr rc = fin_settings(tx->db, &fee, &ttl, err);
	if (rc)
		return rc;
	fee = json_int(body, "fee_bp", fee);
	ttl = json_int(body, "application_ttl_days", ttl);
	struct db_stmt *st = db_prepare(
	    tx->db, "UPDATE finance_settings SET fee_bp=?,application_ttl_days=?,updated_at=? WHERE id=1", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, fee);
	db_bind_int64(st, 2, ttl);
	db_bind_text(st, 3, tx->now_iso);
	if ((rc = db_run(st, err)))
		return rc;
	json_t *detail = json_pack("{s:I,s:I}", "fee_bp", (json_int_t)fee, "application_ttl_days", (json_int_t)ttl);
	rc = fin_log(tx, "settings_set", 0, detail, NULL, err);
	if (!rc)
		rc = fin_audit(tx, "finance.settings", "settings", 1, detail, err);
	if (rc) {
		json_decref(detail);
		return rc;
	}
	*out = detail;
	return QERR_OK;
}

/* Overdue: active certificates past maturity not yet flagged; each is flagged once and its holders, issuer and the
 * operator told. */
static enum qerr flag_overdue(struct fin_tx *tx, int64_t *n, struct qerror *err)
{
	*n = 0;
	struct db_stmt *st = db_prepare(tx->db,
					"SELECT id FROM finance_certificates WHERE status='active' AND maturity<?"
					" AND overdue_flagged_at IS NULL ORDER BY id LIMIT 1000",
					err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, tx->today_text);
	int64_t ids[1000];
	int count = 0, r;
	while ((r = db_step(st, err)) == DB_ROW)
		ids[count++] = db_col_int64(st, 0);
	db_reset(st);
	if (r < 0)
		return err->code;
	enum qerr rc = QERR_OK;
	for (int i = 0; !rc && i < count; i++) {
		struct fin_cert c;
		if ((rc = fin_cert_load(tx->db, ids[i], &c, err)))
			break;
		st = db_prepare(tx->db, "UPDATE finance_certificates SET overdue_flagged_at=? WHERE id=?", err);
		if (!st)
			return err->code;
		db_bind_text(st, 1, tx->now_iso);
		db_bind_int64(st, 2, c.id);
		if ((rc = db_run(st, err)))
			break;
		char title[200];
		snprintf(title, sizeof title, "凭证 %lld 已逾期未兑付(到期日 %s) (certificate overdue)",
			 (long long)c.id, c.maturity);
		json_t *detail = cert_detail(&c);
		json_object_set_new(detail, "maturity", json_string(c.maturity));
		rc = fin_log(tx, "overdue", c.id, detail, NULL, err);
		if (!rc)
			rc = inbox_renotify(tx->db, c.issuer_id, "finance_overdue", c.id, title, detail, err);
		/* The holders' enterprises, and every operator organisation's. */
		struct db_stmt *h =
		    rc ? NULL
		       : db_prepare(tx->db,
				    "SELECT DISTINCT holder_org FROM finance_pieces WHERE certificate_id=?"
				    " AND (state='held' OR state='pending_transfer' OR state='pending_discount'"
				    " OR state='discounted')"
				    " UNION SELECT id FROM orgs WHERE type='operator' ORDER BY 1",
				    err);
		int64_t orgs[64];
		int no = 0;
		if (h) {
			db_bind_int64(h, 1, c.id);
			while ((r = db_step(h, err)) == DB_ROW && no < 64)
				orgs[no++] = db_col_int64(h, 0);
			db_reset(h);
			if (r < 0)
				rc = err->code;
		} else if (!rc)
			rc = err->code;
		for (int k = 0; !rc && k < no; k++)
			rc = fin_notify_org(tx->db, orgs[k], "finance_overdue", c.id, title, detail, err);
		json_decref(detail);
		(*n)++;
	}
	return rc;
}

enum qerr fin_sweep(struct fin_tx *tx, json_t **out, struct qerror *err)
{
	if (tx->a->org_type != ORG_OPERATOR)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL, "operator only");
	int64_t expired = 0, overdue = 0;
	enum qerr rc = fin_expire_applications(tx, &expired, err);
	if (!rc)
		rc = flag_overdue(tx, &overdue, err);
	if (rc)
		return rc;
	*out = json_pack("{s:I,s:I,s:s}", "overdue_flagged", (json_int_t)overdue, "applications_expired",
			 (json_int_t)expired, "today", tx->today_text);
	return QERR_OK;
}
