/*
 * finance_store.c - rows of the finance tables as structs and JSON, and the
 * piece primitives every operation is made of (insert, move between states
 * with the re-check that makes concurrent operations safe).
 */
#include "finance/finance_int.h"

#include <stdlib.h>
#include "base/util.h"
#include "platform/audit.h"
#include "platform/inbox.h"
#include "registry/uscc.h"

enum qerr fin_cert_load(struct db *db, int64_t id, struct fin_cert *c, struct qerror *err)
{
	memset(c, 0, sizeof *c);
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT id,issuer_id,issuer_org,payee_id,payee_org,face_fen,coalesce(order_id,0),"
		       "issue_date,maturity,status FROM finance_certificates WHERE id=?",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_NOT_FOUND, "certificate_not_found", "id", "凭证不存在 (no certificate %lld)",
				(long long)id);
	if (rc)
		return rc;
	c->id = db_col_int64(st, 0);
	c->issuer_id = db_col_int64(st, 1);
	c->issuer_org = db_col_int64(st, 2);
	c->payee_id = db_col_int64(st, 3);
	c->payee_org = db_col_int64(st, 4);
	c->face_fen = db_col_int64(st, 5);
	c->order_id = db_col_int64(st, 6);
	snprintf(c->issue_date, sizeof c->issue_date, "%s", db_col_text(st, 7));
	snprintf(c->maturity, sizeof c->maturity, "%s", db_col_text(st, 8));
	snprintf(c->status, sizeof c->status, "%s", db_col_text(st, 9));
	db_reset(st);
	if (!qdate_parse(c->maturity, &c->maturity_date))
		return qerr_set(err, QERR_INTERNAL, "database_error", NULL, "certificate %lld has a bad maturity",
				(long long)id);
	return QERR_OK;
}

#define PIECE_COLS                                                                                                     \
	"id,certificate_id,coalesce(parent_id,0),lo,hi,holder_org,coalesce(holder_id,0),state,"                        \
	"coalesce(transfer_id,0),coalesce(application_id,0)"

static void piece_of(struct db_stmt *st, struct fin_piece *p)
{
	p->id = db_col_int64(st, 0);
	p->certificate_id = db_col_int64(st, 1);
	p->parent_id = db_col_int64(st, 2);
	p->lo = db_col_int64(st, 3);
	p->hi = db_col_int64(st, 4);
	p->holder_org = db_col_int64(st, 5);
	p->holder_id = db_col_int64(st, 6);
	snprintf(p->state, sizeof p->state, "%s", db_col_text(st, 7));
	p->transfer_id = db_col_int64(st, 8);
	p->application_id = db_col_int64(st, 9);
}

enum qerr fin_piece_load(struct db *db, int64_t id, struct fin_piece *p, struct qerror *err)
{
	memset(p, 0, sizeof *p);
	struct db_stmt *st = db_prepare(db, "SELECT " PIECE_COLS " FROM finance_pieces WHERE id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_NOT_FOUND, "piece_not_found", "id", "凭证分片不存在 (no piece %lld)",
				(long long)id);
	if (rc)
		return rc;
	piece_of(st, p);
	db_reset(st);
	return QERR_OK;
}

enum qerr fin_piece_insert(struct fin_tx *tx, int64_t certificate_id, int64_t parent_id, int64_t lo, int64_t hi,
			   int64_t holder_org, int64_t holder_id, const char *state, int64_t *id, struct qerror *err)
{
	struct db_stmt *st =
	    db_prepare(tx->db,
		       "INSERT INTO finance_pieces(certificate_id,parent_id,lo,hi,holder_org,holder_id,state,"
		       "created_at,updated_at) VALUES(?,?,?,?,?,?,?,?,?) RETURNING id",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, certificate_id);
	db_bind_opt_int64(st, 2, parent_id > 0, parent_id);
	db_bind_int64(st, 3, lo);
	db_bind_int64(st, 4, hi);
	db_bind_int64(st, 5, holder_org);
	db_bind_opt_int64(st, 6, holder_id > 0, holder_id);
	db_bind_text(st, 7, state);
	db_bind_text(st, 8, tx->now_iso);
	db_bind_text(st, 9, tx->now_iso);
	return db_scalar_int64(st, id, err);
}

enum qerr fin_piece_move(struct fin_tx *tx, int64_t id, const char *from, const char *to, int64_t transfer_id,
			 int64_t application_id, struct qerror *err)
{
	struct db_stmt *st = db_prepare(tx->db,
					"UPDATE finance_pieces SET state=?,transfer_id=?,application_id=?,updated_at=?"
					" WHERE id=? AND state=?",
					err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, to);
	db_bind_opt_int64(st, 2, transfer_id > 0, transfer_id);
	db_bind_opt_int64(st, 3, application_id > 0, application_id);
	db_bind_text(st, 4, tx->now_iso);
	db_bind_int64(st, 5, id);
	db_bind_text(st, 6, from);
	enum qerr rc = db_run(st, err);
	if (rc)
		return rc;
	if (db_changes(tx->db) != 1)
		return qerr_set(err, QERR_CONFLICT, "piece_not_held", "id",
				"凭证分片 %lld 已不处于%s状态 (piece %lld is no longer %s)", (long long)id, from,
				(long long)id, from);
	return QERR_OK;
}

enum qerr fin_enterprise(struct db *db, const char *uscc, const char *field, struct enterprise_ref *ref,
			 struct qerror *err)
{
	char canon[USCC_LEN + 1];
	if (uscc_check(uscc, canon, err)) {
		snprintf(err->field, sizeof err->field, "%s", field);
		return err->code;
	}
	enum qerr rc = enterprise_ref_by_uscc(db, canon, ref, err);
	if (rc == QERR_NOT_FOUND)
		return enterprise_ref_not_registered(err, QERR_INVALID, field, canon);
	return rc;
}

enum qerr fin_org(struct db *db, int64_t org_id, const char *field, enum org_type *type, char *name, size_t cap,
		  struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, "SELECT type,name FROM orgs WHERE id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, org_id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_INVALID, "organisation_not_found", field, "机构不存在 (no organisation %lld)",
				(long long)org_id);
	if (rc)
		return rc;
	bool ok = org_type_parse(db_col_text(st, 0), type);
	if (name)
		snprintf(name, cap, "%s", db_col_text(st, 1));
	db_reset(st);
	return ok ? QERR_OK : qerr_set(err, QERR_INTERNAL, "database_error", NULL, "organisation with a bad type");
}

enum qerr fin_settings(struct db *db, int64_t *fee_bp, int64_t *ttl_days, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, "SELECT fee_bp,application_ttl_days FROM finance_settings WHERE id=1", err);
	if (!st)
		return err->code;
	enum qerr rc = db_one(st, err);
	if (rc)
		return rc == QERR_NOT_FOUND
			   ? qerr_set(err, QERR_INTERNAL, "database_error", NULL, "no finance settings")
			   : rc;
	*fee_bp = db_col_int64(st, 0);
	*ttl_days = db_col_int64(st, 1);
	db_reset(st);
	return QERR_OK;
}

enum qerr fin_notify_org(struct db *db, int64_t org_id, const char *kind, int64_t object_id, const char *title,
			 const json_t *detail, struct qerror *err)
{
	/* Addressed to the organisation itself: a bank or the operator usually owns no enterprise. */
	return inbox_renotify_org(db, org_id, kind, object_id, title, detail, err);
}

enum qerr fin_audit(struct fin_tx *tx, const char *action, const char *object_type, int64_t object_id,
		    const json_t *detail, struct qerror *err)
{
	char oid[24];
	snprintf(oid, sizeof oid, "%lld", (long long)object_id);
	return audit_record(tx->db, tx->a, action, object_type, oid, detail, err);
}

/* ---- JSON of rows ---- */

static __thread struct qerror json_store_error;

void fin_store_error_clear(void) { qerr_clear(&json_store_error); }

bool fin_store_error_take(struct qerror *err)
{
	if (json_store_error.code == QERR_OK)
		return false;
	*err = json_store_error;
	qerr_clear(&json_store_error);
	return true;
}

/* A builder's lookup failed: a missing row is shown as missing, a store error is noted for the write. */
static void note(enum qerr rc, const struct qerror *e)
{
	if (rc != QERR_NOT_FOUND && rc != QERR_INVALID && json_store_error.code == QERR_OK)
		json_store_error = *e;
}

json_t *fin_enterprise_json(struct db *db, int64_t id)
{
	struct enterprise_ref ref;
	struct qerror e = {0};
	enum qerr rc = id <= 0 ? QERR_NOT_FOUND : enterprise_ref_by_id(db, id, &ref, &e);
	if (rc) {
		note(rc, &e);
		return json_null();
	}
	return json_pack("{s:s,s:s}", "uscc", ref.uscc, "name", ref.name);
}

json_t *fin_org_json(struct db *db, int64_t id)
{
	enum org_type t;
	char name[256] = "";
	struct qerror e = {0};
	enum qerr rc = fin_org(db, id, "org", &t, name, sizeof name, &e);
	if (rc) {
		note(rc, &e);
		return json_pack("{s:I,s:n}", "id", (json_int_t)id, "name");
	}
	return json_pack("{s:I,s:s}", "id", (json_int_t)id, "name", name);
}

static json_t *holder_json(struct db *db, int64_t org, int64_t enterprise)
{
	json_t *h = fin_org_json(db, org);
	json_t *o = json_pack("{s:I,s:n,s:O}", "org_id", (json_int_t)org, "uscc", "name", json_object_get(h, "name"));
	json_decref(h);
	if (enterprise > 0) {
		struct enterprise_ref ref;
		struct qerror e = {0};
		enum qerr rc = enterprise_ref_by_id(db, enterprise, &ref, &e);
		if (!rc) {
			json_object_set_new(o, "uscc", json_string(ref.uscc));
			json_object_set_new(o, "name", json_string(ref.name));
		} else {
			note(rc, &e);
		}
	}
	return o;
}

static json_t *parsed_or_empty(const char *text)
{
	json_t *v = json_loads(text ? text : "[]", 0, NULL);
	return v ? v : json_array();
}

enum qerr fin_cert_json(struct db *db, int64_t id, struct qdate today, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st = db_prepare(
	    db,
	    "SELECT "
	    "id,issuer_id,payee_id,face_fen,issue_date,maturity,contract_no,order_id,delivery_date,memo,warnings,"
	    "flags,status,created_at,accepted_at,refused_at,refuse_reason,settled_at,confirmation_ref,overdue_flagged_"
	    "at,"
	    "(SELECT coalesce(sum(p.hi-p.lo+1),0) FROM finance_pieces p WHERE p.certificate_id=c.id"
	    "  AND (p.state='held' OR p.state='pending_transfer' OR p.state='pending_discount' OR "
	    "p.state='discounted'))"
	    " FROM finance_certificates c WHERE id=?",
	    err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_NOT_FOUND, "certificate_not_found", "id", "凭证不存在 (no certificate %lld)",
				(long long)id);
	if (rc)
		return rc;
	int64_t issuer = db_col_int64(st, 1), payee = db_col_int64(st, 2);
	struct qdate maturity = {1970, 1, 1};
	qdate_parse(db_col_text(st, 5), &maturity);
	const char *status = db_col_text(st, 12);
	bool overdue = strcmp(status, "active") == 0 && qdate_compare(today, maturity) > 0;
	json_t *invoices = json_array();
	json_t *c = json_pack(
	    "{s:I,s:I,s:s,s:s,s:s,s:o,s:o,s:s,s:o,s:o,s:s,s:b,s:I,s:s}", "id", (json_int_t)db_col_int64(st, 0),
	    "face_fen", (json_int_t)db_col_int64(st, 3), "issue_date", db_col_text(st, 4), "maturity",
	    db_col_text(st, 5), "contract_no", db_col_text(st, 6), "order_id", db_col_json_int(st, 7), "delivery_date",
	    db_col_json_text(st, 8), "memo", db_col_text(st, 9), "warnings", parsed_or_empty(db_col_text(st, 10)),
	    "flags", parsed_or_empty(db_col_text(st, 11)), "status", status, "overdue", overdue, "outstanding_fen",
	    (json_int_t)db_col_int64(st, 20), "created_at", db_col_text(st, 13));
	json_object_set_new(c, "accepted_at", db_col_json_text(st, 14));
	json_object_set_new(c, "refused_at", db_col_json_text(st, 15));
	json_object_set_new(c, "refuse_reason", db_col_json_text(st, 16));
	json_object_set_new(c, "settled_at", db_col_json_text(st, 17));
	json_object_set_new(c, "confirmation_ref", db_col_json_text(st, 18));
	json_object_set_new(c, "overdue_flagged_at", db_col_json_text(st, 19));
	db_reset(st);
	json_object_set_new(c, "issuer", fin_enterprise_json(db, issuer));
	json_object_set_new(c, "payee", fin_enterprise_json(db, payee));
	st = db_prepare(db, "SELECT invoice_no FROM finance_invoices WHERE certificate_id=? ORDER BY invoice_no", err);
	if (!st) {
		json_decref(c);
		json_decref(invoices);
		return err->code;
	}
	db_bind_int64(st, 1, id);
	int r;
	while ((r = db_step(st, err)) == DB_ROW)
		json_array_append_new(invoices, json_string(db_col_text(st, 0)));
	db_reset(st);
	json_object_set_new(c, "invoices", invoices);
	if (r < 0) {
		json_decref(c);
		return err->code;
	}
	*out = c;
	return QERR_OK;
}

enum qerr fin_piece_json(struct db *db, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st =
	    db_prepare(db, "SELECT " PIECE_COLS ",created_at,updated_at FROM finance_pieces WHERE id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_NOT_FOUND, "piece_not_found", "id", "凭证分片不存在 (no piece %lld)",
				(long long)id);
	if (rc)
		return rc;
	struct fin_piece p;
	piece_of(st, &p);
	json_t *o =
	    json_pack("{s:I,s:I,s:o,s:I,s:I,s:I,s:s,s:s,s:s}", "id", (json_int_t)p.id, "certificate_id",
		      (json_int_t)p.certificate_id, "parent_id", p.parent_id ? json_integer(p.parent_id) : json_null(),
		      "lo", (json_int_t)p.lo, "hi", (json_int_t)p.hi, "amount_fen", (json_int_t)fin_piece_amount(&p),
		      "state", p.state, "created_at", db_col_text(st, 10), "updated_at", db_col_text(st, 11));
	db_reset(st);
	json_object_set_new(o, "transfer_id", p.transfer_id ? json_integer(p.transfer_id) : json_null());
	json_object_set_new(o, "application_id", p.application_id ? json_integer(p.application_id) : json_null());
	json_object_set_new(o, "holder", holder_json(db, p.holder_org, p.holder_id));
	*out = o;
	return QERR_OK;
}

enum qerr fin_transfer_json(struct db *db, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st = db_prepare(db,
					"SELECT id,certificate_id,piece_id,from_id,to_id,amount_fen,status,reason,"
					"received_piece_id,remainder_piece_id,created_at,decided_at,from_org,to_org"
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
	int64_t from = db_col_int64(st, 3), to = db_col_int64(st, 4);
	json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:s,s:o,s:o,s:o,s:s,s:o}", "id", (json_int_t)db_col_int64(st, 0),
			      "certificate_id", (json_int_t)db_col_int64(st, 1), "piece_id",
			      (json_int_t)db_col_int64(st, 2), "amount_fen", (json_int_t)db_col_int64(st, 5), "status",
			      db_col_text(st, 6), "reason", db_col_json_text(st, 7), "received_piece_id",
			      db_col_json_int(st, 8), "remainder_piece_id", db_col_json_int(st, 9), "created_at",
			      db_col_text(st, 10), "decided_at", db_col_json_text(st, 11));
	db_reset(st);
	json_object_set_new(o, "from", fin_enterprise_json(db, from));
	json_object_set_new(o, "to", fin_enterprise_json(db, to));
	*out = o;
	return QERR_OK;
}

enum qerr fin_application_json(struct db *db, int64_t id, int64_t now, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT id,applicant_id,bank_org,status,amount_fen,created_at,expires_at,decided_at,"
		       "reason,rate_bp,discount_date,interest_fen,net_fen,fee_bp,fee_fen"
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
	int64_t applicant = db_col_int64(st, 1), bank = db_col_int64(st, 2);
	char now_iso[FIN_TIME_LEN];
	fin_iso(now, now_iso);
	const char *status = db_col_text(st, 3);
	/* A pending application past its time reads as expired (the next write releases its pieces). */
	if (strcmp(status, "pending") == 0 && strcmp(db_col_text(st, 6), now_iso) < 0)
		status = "expired";
	json_t *o = json_pack(
	    "{s:I,s:s,s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)db_col_int64(st, 0), "status",
	    status, "amount_fen", (json_int_t)db_col_int64(st, 4), "created_at", db_col_text(st, 5), "expires_at",
	    db_col_text(st, 6), "decided_at", db_col_json_text(st, 7), "reason", db_col_json_text(st, 8), "rate_bp",
	    db_col_json_int(st, 9), "discount_date", db_col_json_text(st, 10), "interest_fen", db_col_json_int(st, 11),
	    "net_fen", db_col_json_int(st, 12), "fee_bp", db_col_json_int(st, 13), "fee_fen", db_col_json_int(st, 14));
	bool decided = !db_col_is_null(st, 12) && !db_col_is_null(st, 14);
	int64_t after = decided ? db_col_int64(st, 12) - db_col_int64(st, 14) : 0;
	db_reset(st);
	json_object_set_new(o, "net_after_fee_fen", decided ? json_integer(after) : json_null());
	json_object_set_new(o, "applicant", fin_enterprise_json(db, applicant));
	json_object_set_new(o, "bank", fin_org_json(db, bank));
	st = db_prepare(
	    db,
	    "SELECT ap.piece_id,ap.certificate_id,c.issuer_id,c.maturity,ap.amount_fen,ap.days,ap.interest_fen,"
	    "ap.net_fen,ap.bank_piece_id FROM finance_application_pieces ap"
	    " JOIN finance_certificates c ON c.id=ap.certificate_id WHERE ap.application_id=? ORDER BY ap.piece_id",
	    err);
	if (!st) {
		json_decref(o);
		return err->code;
	}
	db_bind_int64(st, 1, id);
	json_t *pieces = json_array();
	int r;
	while ((r = db_step(st, err)) == DB_ROW) {
		json_t *p = json_pack("{s:I,s:I,s:I,s:s,s:I,s:o,s:o,s:o,s:o}", "piece_id",
				      (json_int_t)db_col_int64(st, 0), "certificate_id",
				      (json_int_t)db_col_int64(st, 1), "issuer_id", (json_int_t)db_col_int64(st, 2),
				      "maturity", db_col_text(st, 3), "amount_fen", (json_int_t)db_col_int64(st, 4),
				      "days", db_col_json_int(st, 5), "interest_fen", db_col_json_int(st, 6), "net_fen",
				      db_col_json_int(st, 7), "bank_piece_id", db_col_json_int(st, 8));
		json_array_append_new(pieces, p);
	}
	db_reset(st);
	if (r < 0) {
		json_decref(pieces);
		json_decref(o);
		return err->code;
	}
	size_t i;
	json_t *p;
	json_array_foreach(pieces, i, p)
	{
		json_object_set_new(p, "issuer",
				    fin_enterprise_json(db, json_integer_value(json_object_get(p, "issuer_id"))));
		json_object_del(p, "issuer_id");
	}
	json_object_set_new(o, "pieces", pieces);
	*out = o;
	return QERR_OK;
}

enum qerr fin_limit_json(struct db *db, int64_t bank_org, int64_t issuer_id, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st = db_prepare(
	    db, "SELECT limit_fen,used_fen,updated_at FROM finance_limits WHERE bank_org=? AND issuer_id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, bank_org);
	db_bind_int64(st, 2, issuer_id);
	int64_t limit = 0, used = 0;
	json_t *updated = json_null();
	int r = db_step(st, err);
	if (r == DB_ROW) {
		limit = db_col_int64(st, 0);
		used = db_col_int64(st, 1);
		json_decref(updated);
		updated = db_col_json_text(st, 2);
	}
	db_reset(st);
	if (r < 0) {
		json_decref(updated);
		return err->code;
	}
	*out = json_pack("{s:o,s:o,s:I,s:I,s:I,s:o}", "bank", fin_org_json(db, bank_org), "issuer",
			 fin_enterprise_json(db, issuer_id), "limit_fen", (json_int_t)limit, "used_fen",
			 (json_int_t)used, "available_fen", (json_int_t)(limit - used), "updated_at", updated);
	return QERR_OK;
}
