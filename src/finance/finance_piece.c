/*
 * finance_piece.c - splitting a piece and passing part of it on: the offer
 * (split + pending transfer), and the receiver's accept or refusal, or the
 * sender's cancel. A piece's holder never changes: an accepted transfer
 * retires the offered piece ('transferred') and gives its range to a new
 * child held by the receiver, so lineage and the partition are structural.
 */
#include "finance/finance_int.h"

#include "chainmap/chainmap.h"
#include "platform/inbox.h"

/*
 * The held piece id of the actor's organisation, of an active certificate
 * before its maturity. Not the holder: 403 when the actor may see the
 * certificate, 404 otherwise.
 */
static enum qerr load_held(struct fin_tx *tx, int64_t id, struct fin_piece *p, struct fin_cert *c, struct qerror *err)
{
	enum qerr rc = fin_piece_load(tx->db, id, p, err);
	if (rc)
		return rc;
	if ((rc = fin_cert_load(tx->db, p->certificate_id, c, err)))
		return rc;
	if (p->holder_org != tx->a->org_id) {
		if (c->issuer_org == tx->a->org_id && tx->a->org_id)
			return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
					"只有持有方可以处置凭证分片 (only the piece's holder may do this)");
		return qerr_set(err, QERR_NOT_FOUND, "piece_not_found", "id", "凭证分片不存在 (no piece %lld)",
				(long long)id);
	}
	if (strcmp(p->state, "held") != 0)
		return qerr_set(err, QERR_CONFLICT, "piece_not_held", "id",
				"凭证分片 %lld 处于 %s 状态,不可处置 (piece %lld is %s, not held)", (long long)id,
				p->state, (long long)id, p->state);
	if (strcmp(c->status, "active") != 0)
		return qerr_set(err, QERR_CONFLICT, "certificate_not_active", "status",
				"凭证状态为 %s (the certificate is %s)", c->status, c->status);
	if (qdate_compare(tx->today, c->maturity_date) >= 0)
		return qerr_set(err, QERR_CONFLICT, "certificate_matured", "maturity",
				"凭证已到期(%s),只能兑付 (the certificate matured on %s: it can only be settled)",
				c->maturity, c->maturity);
	return QERR_OK;
}

/* amount within 1..max (the piece's balance): 422 invalid_amount / amount_exceeds_balance. */
static enum qerr check_amount(int64_t amount, int64_t max, struct qerror *err)
{
	if (amount < 1)
		return qerr_set(err, QERR_INVALID, "invalid_amount", "amount_fen",
				"金额须大于 0 (amount_fen must be at least 1)");
	if (amount > max)
		return qerr_set(err, QERR_INVALID, "amount_exceeds_balance", "amount_fen",
				"金额超过分片余额 %lld 分 (amount_fen exceeds the piece's balance of %lld fen)",
				(long long)max, (long long)max);
	return QERR_OK;
}

enum qerr fin_split(struct fin_tx *tx, int64_t id, const json_t *body, json_t **out, struct qerror *err)
{
	struct fin_piece p;
	struct fin_cert c;
	enum qerr rc = load_held(tx, id, &p, &c, err);
	if (rc)
		return rc;
	int64_t x = json_int(body, "amount_fen", 0);
	if ((rc = check_amount(x, fin_piece_amount(&p), err)))
		return rc;
	if (x == fin_piece_amount(&p))
		return qerr_set(
		    err, QERR_INVALID, "invalid_amount", "amount_fen",
		    "拆分金额须小于分片余额 (a split leaves something on both sides: amount_fen below %lld)",
		    (long long)fin_piece_amount(&p));
	int64_t first, second;
	if ((rc = fin_piece_move(tx, id, "held", "split", 0, 0, err)) ||
	    (rc = fin_piece_insert(tx, c.id, id, p.lo, p.lo + x - 1, p.holder_org, p.holder_id, "held", &first, err)) ||
	    (rc = fin_piece_insert(tx, c.id, id, p.lo + x, p.hi, p.holder_org, p.holder_id, "held", &second, err)))
		return rc;
	json_t *detail = json_pack("{s:I,s:I,s:I,s:I}", "piece_id", (json_int_t)id, "amount_fen", (json_int_t)x,
				   "first_piece_id", (json_int_t)first, "second_piece_id", (json_int_t)second);
	rc = fin_log(tx, "split", c.id, detail, NULL, err);
	if (!rc)
		rc = fin_audit(tx, "finance.split", "piece", id, detail, err);
	json_decref(detail);
	if (rc)
		return rc;
	json_t *a = NULL, *b = NULL;
	if ((rc = fin_piece_json(tx->db, first, &a, err)) || (rc = fin_piece_json(tx->db, second, &b, err))) {
		json_decref(a);
		return rc;
	}
	*out = json_pack("{s:[oo]}", "pieces", a, b);
	return QERR_OK;
}

enum qerr fin_transfer(struct fin_tx *tx, int64_t id, const json_t *body, json_t **out, struct qerror *err)
{
	struct fin_piece p;
	struct fin_cert c;
	enum qerr rc = load_held(tx, id, &p, &c, err);
	if (rc)
		return rc;
	int64_t x = json_int(body, "amount_fen", 0);
	if ((rc = check_amount(x, fin_piece_amount(&p), err)))
		return rc;
	struct enterprise_ref to;
	if ((rc = fin_enterprise(tx->db, json_str(body, "to", ""), "to", &to, err)))
		return rc;
	if (to.id == p.holder_id)
		return qerr_set(err, QERR_INVALID, "self_transfer", "to",
				"不能转让给自己 (a piece cannot be passed to its holder)");
	if (to.id == c.issuer_id)
		return qerr_set(err, QERR_INVALID, "not_a_supplier", "to",
				"不能转让给开立方 (a piece cannot be passed back to its issuer)");
	json_t *rels = NULL;
	if ((rc = chainmap_relations_between(tx->db, p.holder_id, to.id, &rels, err)))
		return rc;
	size_t nrel = json_array_size(rels);
	json_decref(rels);
	if (!nrel)
		return qerr_set(err, QERR_INVALID, "not_a_supplier", "to",
				"%s 不是持有方的供应商(产业链图谱无供应关系) (the receiver is not a recorded supplier "
				"of the holder)",
				to.name);
	if (!to.org_id)
		return qerr_set(
		    err, QERR_INVALID, "receiver_not_registered", "to",
		    "接收方企业未在平台开户,无法签收 (the receiver has no organisation on the platform to accept)");
	/* The offered part: the whole piece, or the first x fen of it split off. */
	int64_t offered = id, remainder = 0;
	if (x < fin_piece_amount(&p)) {
		if ((rc = fin_piece_move(tx, id, "held", "split", 0, 0, err)) ||
		    (rc = fin_piece_insert(tx, c.id, id, p.lo, p.lo + x - 1, p.holder_org, p.holder_id, "held",
					   &offered, err)) ||
		    (rc = fin_piece_insert(tx, c.id, id, p.lo + x, p.hi, p.holder_org, p.holder_id, "held", &remainder,
					   err)))
			return rc;
	}
	struct db_stmt *st =
	    db_prepare(tx->db,
		       "INSERT INTO finance_transfers(certificate_id,piece_id,from_id,from_org,to_id,to_org,"
		       "amount_fen,status,remainder_piece_id,created_at) VALUES(?,?,?,?,?,?,?,'pending',?,?)"
		       " RETURNING id",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, c.id);
	db_bind_int64(st, 2, offered);
	db_bind_int64(st, 3, p.holder_id);
	db_bind_int64(st, 4, p.holder_org);
	db_bind_int64(st, 5, to.id);
	db_bind_int64(st, 6, to.org_id);
	db_bind_int64(st, 7, x);
	db_bind_opt_int64(st, 8, remainder > 0, remainder);
	db_bind_text(st, 9, tx->now_iso);
	int64_t tid;
	if ((rc = db_scalar_int64(st, &tid, err)))
		return rc;
	if ((rc = fin_piece_move(tx, offered, "held", "pending_transfer", tid, 0, err)))
		return rc;
	json_t *detail =
	    json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "transfer_id", (json_int_t)tid, "piece_id", (json_int_t)id,
		      "offered_piece_id", (json_int_t)offered, "remainder_piece_id", (json_int_t)remainder, "from_id",
		      (json_int_t)p.holder_id, "to_id", (json_int_t)to.id, "amount_fen", (json_int_t)x);
	rc = fin_log(tx, "transfer", c.id, detail, NULL, err);
	if (!rc)
		rc = fin_audit(tx, "finance.transfer", "transfer", tid, detail, err);
	json_decref(detail);
	char title[200];
	snprintf(title, sizeof title, "收到应收账款凭证转让 %.2f 元,待签收 (a certificate piece is offered to you)",
		 (double)x / 100.0);
	if (!rc)
		rc = inbox_notify(tx->db, to.id, "finance_transfer", tid, title, NULL, err);
	return rc ? rc : fin_transfer_json(tx->db, tid, out, err);
}

struct fin_transfer_row {
	int64_t id, certificate_id, piece_id, from_id, from_org, to_id, to_org, amount;
	char status[12];
};

static enum qerr load_transfer(struct db *db, int64_t id, struct fin_transfer_row *t, struct qerror *err)
{
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT id,certificate_id,piece_id,from_id,from_org,to_id,to_org,amount_fen,status"
		       " FROM finance_transfers WHERE id=?",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_NOT_FOUND, "transfer_not_found", "id", "转让不存在 (no transfer %lld)",
				(long long)id);
	if (rc)
		return rc;
	*t = (struct fin_transfer_row){db_col_int64(st, 0), db_col_int64(st, 1), db_col_int64(st, 2),
				       db_col_int64(st, 3), db_col_int64(st, 4), db_col_int64(st, 5),
				       db_col_int64(st, 6), db_col_int64(st, 7), ""};
	snprintf(t->status, sizeof t->status, "%s", db_col_text(st, 8));
	db_reset(st);
	return QERR_OK;
}

enum qerr fin_transfer_decide(struct fin_tx *tx, enum finance_op op, int64_t id, const json_t *body, json_t **out,
			      struct qerror *err)
{
	struct fin_transfer_row t;
	enum qerr rc = load_transfer(tx->db, id, &t, err);
	if (rc)
		return rc;
	int64_t org = tx->a->org_id;
	bool sender = org && org == t.from_org, receiver = org && org == t.to_org;
	bool allowed = op == FINANCE_TRANSFER_CANCEL ? sender : receiver;
	if (!allowed) {
		if (sender || receiver)
			return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
					op == FINANCE_TRANSFER_CANCEL
					    ? "只有转出方可以撤回 (only the sender may cancel)"
					    : "只有接收方可以签收或拒收 (only the receiver may accept or refuse)");
		return qerr_set(err, QERR_NOT_FOUND, "transfer_not_found", "id", "转让不存在 (no transfer %lld)",
				(long long)id);
	}
	if (strcmp(t.status, "pending") != 0)
		return qerr_set(err, QERR_CONFLICT, "transfer_not_pending", "status", "转让已%s (the transfer is %s)",
				t.status, t.status);
	struct fin_piece p;
	if ((rc = fin_piece_load(tx->db, t.piece_id, &p, err)))
		return rc;
	const char *status = op == FINANCE_TRANSFER_ACCEPT   ? "accepted"
			     : op == FINANCE_TRANSFER_REFUSE ? "refused"
							     : "cancelled";
	int64_t received = 0, seq = 0;
	if (op == FINANCE_TRANSFER_ACCEPT) {
		if ((rc = fin_piece_move(tx, p.id, "pending_transfer", "transferred", 0, 0, err)) ||
		    (rc = fin_piece_insert(tx, p.certificate_id, p.id, p.lo, p.hi, t.to_org, t.to_id, "held", &received,
					   err)))
			return rc;
	} else if ((rc = fin_piece_move(tx, p.id, "pending_transfer", "held", 0, 0, err)))
		return rc;
	const char *reason = json_str(body, "reason", NULL);
	struct db_stmt *st =
	    db_prepare(tx->db,
		       "UPDATE finance_transfers SET status=?,reason=?,received_piece_id=?,decided_at=?"
		       " WHERE id=? AND status='pending'",
		       err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, status);
	db_bind_text(st, 2, reason);
	db_bind_opt_int64(st, 3, received > 0, received);
	db_bind_text(st, 4, tx->now_iso);
	db_bind_int64(st, 5, id);
	if ((rc = db_run(st, err)))
		return rc;
	if (db_changes(tx->db) != 1)
		return qerr_set(err, QERR_CONFLICT, "transfer_not_pending", "status",
				"转让已被处理 (the transfer was decided)");
	json_t *detail = json_pack("{s:I,s:I,s:I,s:s}", "transfer_id", (json_int_t)id, "piece_id", (json_int_t)p.id,
				   "received_piece_id", (json_int_t)received, "status", status);
	rc = fin_log(tx, finance_op_names[op], t.certificate_id, detail, &seq, err);
	if (!rc && op == FINANCE_TRANSFER_ACCEPT) {
		rc = fin_post(tx, seq, t.to_org, "receivable", t.amount, t.certificate_id, err);
		if (!rc)
			rc = fin_post(tx, seq, t.from_org, "receivable", -t.amount, t.certificate_id, err);
	}
	if (!rc)
		rc = fin_audit(tx, "finance.transfer_decide", "transfer", id, detail, err);
	json_decref(detail);
	if (!rc) {
		int64_t other = op == FINANCE_TRANSFER_CANCEL ? t.to_id : t.from_id;
		char title[160];
		snprintf(title, sizeof title, "凭证转让已%s (transfer %s)",
			 op == FINANCE_TRANSFER_ACCEPT	 ? "签收"
			 : op == FINANCE_TRANSFER_REFUSE ? "被拒收"
							 : "撤回",
			 status);
		rc = inbox_renotify(tx->db, other, "finance_transfer", id, title, NULL, err);
	}
	return rc ? rc : fin_transfer_json(tx->db, id, out, err);
}
