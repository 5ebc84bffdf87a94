/*
 * finance_read.c - who sees what (docs/finance.md): the issuer a whole tree,
 * a holder its pieces with their lineage up to the root (never a sibling's
 * holder), a bank the applications made to it with the risk view, the
 * operator aggregates. Everything else is 404.
 */
#include "finance/finance_int.h"

#include <stdlib.h>
#include "chainmap/chainmap.h"
#include "market/rfq.h"

#define VISIBLE_MAX 2000

static bool is_cli(const struct actor *a)
{
	return a->user_id == 0 && a->org_id == 0 && a->org_type == ORG_OPERATOR;
}

static int page_limit(int limit)
{
	return limit < 1 || limit > 500 ? 50 : limit;
}

/* ---- the visible pieces of a certificate ---- */

struct idset {
	int64_t *ids;
	size_t n, cap;
	bool truncated;
};

static bool idset_has(const struct idset *s, int64_t id)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->ids[i] == id)
			return true;
	return false;
}

static void idset_add(struct idset *s, int64_t id)
{
	if (id <= 0 || idset_has(s, id))
		return;
	if (s->n == VISIBLE_MAX) {
		s->truncated = true;
		return;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		int64_t *grown = realloc(s->ids, cap * sizeof *grown);
		if (!grown) {
			s->truncated = true;
			return;
		}
		s->ids = grown;
		s->cap = cap;
	}
	s->ids[s->n++] = id;
}

static enum qerr idset_query(struct db *db, const char *sql, int64_t a, int64_t b, struct idset *s, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, sql, err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, a);
	db_bind_int64(st, 2, b);
	int r;
	while ((r = db_step(st, err)) == DB_ROW)
		idset_add(s, db_col_int64(st, 0));
	db_reset(st);
	return r < 0 ? err->code : QERR_OK;
}

enum viewer { VIEW_NONE, VIEW_FULL, VIEW_ISSUER, VIEW_HOLDER, VIEW_BANK };
static const char *const viewer_names[] = {"none", "operator", "issuer", "holder", "bank"};

/*
 * Which pieces of certificate c the actor sees, and as whom. The holder's
 * own pieces (any state), pieces offered to it, for a bank the pieces of
 * applications made to it, the one child of each piece it passed on (whom
 * it passed it to), and every ancestor of these. VIEW_FULL / VIEW_ISSUER
 * see all (the set is left empty: the caller lists every piece).
 */
static enum qerr visible_pieces(struct db *db, const struct actor *a, const struct fin_cert *c, enum viewer *view,
				struct idset *s, struct qerror *err)
{
	*view = VIEW_NONE;
	if (is_cli(a)) {
		*view = VIEW_FULL;
		return QERR_OK;
	}
	if (!a->org_id)
		return QERR_OK;
	if (c->issuer_org == a->org_id) {
		*view = VIEW_ISSUER;
		return QERR_OK;
	}
	enum qerr rc;
	if ((rc = idset_query(db, "SELECT id FROM finance_pieces WHERE certificate_id=? AND holder_org=? ORDER BY id",
			      c->id, a->org_id, s, err)) ||
	    (rc = idset_query(
		 db, "SELECT piece_id FROM finance_transfers WHERE certificate_id=? AND to_org=? AND status='pending'",
		 c->id, a->org_id, s, err)) ||
	    (rc = idset_query(db,
			      "SELECT c.id FROM finance_pieces c JOIN finance_pieces p ON p.id=c.parent_id"
			      " WHERE p.certificate_id=? AND p.holder_org=? AND p.state='transferred'",
			      c->id, a->org_id, s, err)))
		return rc;
	bool holder = s->n > 0 || c->payee_org == a->org_id;
	if (a->org_type == ORG_BANK) {
		size_t before = s->n;
		if ((rc =
			 idset_query(db,
				     "SELECT ap.piece_id FROM finance_application_pieces ap JOIN finance_applications x"
				     " ON x.id=ap.application_id WHERE ap.certificate_id=? AND x.bank_org=?",
				     c->id, a->org_id, s, err)))
			return rc;
		if (!holder && s->n > before)
			*view = VIEW_BANK;
	}
	if (holder)
		*view = VIEW_HOLDER;
	/* Lineage: every ancestor up to the root. */
	for (size_t i = 0; i < s->n && !s->truncated; i++) {
		struct fin_piece p;
		if ((rc = fin_piece_load(db, s->ids[i], &p, err)))
			return rc;
		if (p.parent_id)
			idset_add(s, p.parent_id);
	}
	return QERR_OK;
}

static int cmp_id(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return a < b ? -1 : a > b;
}

static enum qerr pieces_json(struct db *db, const struct actor *a, const struct fin_cert *c, enum viewer view,
			     struct idset *s, json_t **out, struct qerror *err)
{
	json_t *arr = json_array();
	enum qerr rc = QERR_OK;
	if (view == VIEW_FULL || view == VIEW_ISSUER) {
		s->n = 0;
		rc = idset_query(db, "SELECT id FROM finance_pieces WHERE certificate_id=? AND ?>0 ORDER BY id", c->id,
				 1, s, err);
	}
	if (s->n > 1) /* parents before children: ids grow down the tree */
		qsort(s->ids, s->n, sizeof *s->ids, cmp_id);
	for (size_t i = 0; !rc && i < s->n; i++) {
		json_t *p;
		if ((rc = fin_piece_json(db, s->ids[i], &p, err)))
			break;
		json_t *h = json_object_get(p, "holder");
		json_object_set_new(
		    p, "mine",
		    json_boolean(a->org_id && json_integer_value(json_object_get(h, "org_id")) == a->org_id));
		json_array_append_new(arr, p);
	}
	if (rc) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return QERR_OK;
}

static enum qerr cert_not_found(int64_t id, struct qerror *err)
{
	return qerr_set(err, QERR_NOT_FOUND, "certificate_not_found", "id", "凭证不存在 (no certificate %lld)",
			(long long)id);
}

enum qerr finance_certificate_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct fin_cert c;
	enum qerr rc = fin_cert_load(db, id, &c, err);
	if (rc)
		return rc;
	struct idset s = {0};
	enum viewer view;
	json_t *cert = NULL, *pieces = NULL;
	rc = visible_pieces(db, a, &c, &view, &s, err);
	if (!rc && view == VIEW_NONE)
		rc = cert_not_found(id, err);
	if (!rc)
		rc = fin_cert_json(db, id, finance_today(), &cert, err);
	if (!rc)
		rc = pieces_json(db, a, &c, view, &s, &pieces, err);
	bool truncated = s.truncated;
	free(s.ids);
	if (rc) {
		json_decref(cert);
		return rc;
	}
	json_object_set_new(cert, "pieces", pieces);
	json_object_set_new(cert, "pieces_truncated", json_boolean(truncated));
	json_object_set_new(cert, "viewer", json_string(viewer_names[view]));
	*out = cert;
	return QERR_OK;
}

enum qerr finance_piece_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct fin_piece p;
	struct fin_cert c;
	enum qerr rc = fin_piece_load(db, id, &p, err);
	if (!rc)
		rc = fin_cert_load(db, p.certificate_id, &c, err);
	if (rc)
		return rc;
	struct idset s = {0};
	enum viewer view;
	rc = visible_pieces(db, a, &c, &view, &s, err);
	bool visible = view == VIEW_FULL || view == VIEW_ISSUER || (view != VIEW_NONE && idset_has(&s, id));
	free(s.ids);
	if (rc)
		return rc;
	if (!visible)
		return qerr_set(err, QERR_NOT_FOUND, "piece_not_found", "id", "凭证分片不存在 (no piece %lld)",
				(long long)id);
	json_t *piece = NULL, *lineage = json_array();
	if ((rc = fin_piece_json(db, id, &piece, err)))
		goto fail;
	/* The lineage, root first. */
	for (int64_t at = p.parent_id; at;) {
		json_t *q;
		struct fin_piece anc;
		if ((rc = fin_piece_load(db, at, &anc, err)) || (rc = fin_piece_json(db, at, &q, err)))
			goto fail;
		json_array_insert_new(lineage, 0, q);
		at = anc.parent_id;
	}
	json_t *summary = NULL;
	if ((rc = fin_cert_json(db, c.id, finance_today(), &summary, err)))
		goto fail;
	json_object_set_new(piece, "lineage", lineage);
	json_object_set_new(piece, "certificate", summary);
	*out = piece;
	return QERR_OK;
fail:
	json_decref(piece);
	json_decref(lineage);
	return rc;
}

/* ---- lists ---- */

static enum qerr ids_page(struct db *db, struct db_stmt *st, int limit,
			  enum qerr (*one)(struct db *, int64_t, json_t **, struct qerror *), json_t **out,
			  struct qerror *err)
{
	json_t *items = json_array();
	int64_t ids[501];
	int n = 0, r;
	while ((r = db_step(st, err)) == DB_ROW && n <= limit)
		ids[n++] = db_col_int64(st, 0);
	db_reset(st);
	if (r < 0) {
		json_decref(items);
		return err->code;
	}
	bool more = n > limit;
	if (more)
		n = limit;
	for (int i = 0; i < n; i++) {
		json_t *o;
		enum qerr rc = one(db, ids[i], &o, err);
		if (rc) {
			json_decref(items);
			return rc;
		}
		json_array_append_new(items, o);
	}
	*out = json_page(items, more, n ? ids[n - 1] : 0);
	return QERR_OK;
}

static enum qerr cert_one(struct db *db, int64_t id, json_t **out, struct qerror *err)
{
	return fin_cert_json(db, id, finance_today(), out, err);
}

static enum qerr operator_aggregates_only(struct qerror *err)
{
	return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
			"运营方只看汇总数据(/api/v1/finance/overview) (the operator sees aggregates only)");
}

enum qerr finance_certificate_list(struct db *db, const struct actor *a, const struct finance_list *f, json_t **out,
				   struct qerror *err)
{
	*out = NULL;
	if (a->org_type == ORG_OPERATOR)
		return operator_aggregates_only(err);
	const char *role = f->role ? f->role : "all";
	bool issued = strcmp(role, "issued") == 0, held = strcmp(role, "held") == 0;
	if (!issued && !held && strcmp(role, "all") != 0)
		return qerr_set(err, QERR_INVALID, "invalid_parameter", "role", "role is issued, held or all");
	int limit = page_limit(f->limit);
	struct db_stmt *st = db_prepare(
	    db,
	    "SELECT c.id FROM finance_certificates c WHERE c.id<?1 AND (CAST(?3 AS TEXT) IS NULL OR c.status=?3) AND ("
	    " (?4=1 AND c.issuer_org=?2) OR (?5=1 AND (c.payee_org=?2"
	    "  OR EXISTS(SELECT 1 FROM finance_pieces p WHERE p.certificate_id=c.id AND p.holder_org=?2)"
	    "  OR EXISTS(SELECT 1 FROM finance_transfers t WHERE t.certificate_id=c.id AND t.to_org=?2 AND "
	    "t.status='pending')"
	    "  OR EXISTS(SELECT 1 FROM finance_application_pieces ap JOIN finance_applications x ON "
	    "x.id=ap.application_id"
	    "            WHERE ap.certificate_id=c.id AND x.bank_org=?2))))"
	    " ORDER BY c.id DESC LIMIT ?6",
	    err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, f->cursor > 0 ? f->cursor : INT64_MAX);
	db_bind_int64(st, 2, a->org_id);
	db_bind_text(st, 3, f->status);
	db_bind_int(st, 4, !held);
	db_bind_int(st, 5, !issued);
	db_bind_int64(st, 6, limit + 1);
	return ids_page(db, st, limit, cert_one, out, err);
}

static enum qerr piece_one(struct db *db, int64_t id, json_t **out, struct qerror *err)
{
	enum qerr rc = fin_piece_json(db, id, out, err);
	if (rc)
		return rc;
	struct fin_piece p;
	json_t *c = NULL;
	if ((rc = fin_piece_load(db, id, &p, err)) ||
	    (rc = fin_cert_json(db, p.certificate_id, finance_today(), &c, err))) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	json_object_set_new(*out, "certificate",
			    json_pack("{s:O,s:O,s:O,s:O,s:O,s:O}", "id", json_object_get(c, "id"), "issuer",
				      json_object_get(c, "issuer"), "maturity", json_object_get(c, "maturity"),
				      "status", json_object_get(c, "status"), "overdue", json_object_get(c, "overdue"),
				      "face_fen", json_object_get(c, "face_fen")));
	json_decref(c);
	return QERR_OK;
}

enum qerr finance_piece_list(struct db *db, const struct actor *a, const struct finance_list *f, json_t **out,
			     struct qerror *err)
{
	*out = NULL;
	if (a->org_type == ORG_OPERATOR)
		return operator_aggregates_only(err);
	const char *state = f->status;
	int mode = !state ? 0 : strcmp(state, "all") == 0 ? 1 : 2; /* 0: unsettled live, 1: all, 2: this state */
	int limit = page_limit(f->limit);
	struct db_stmt *st = db_prepare(
	    db,
	    "SELECT id FROM finance_pieces WHERE holder_org=?1 AND id<?2 AND ("
	    " (?3=0 AND (state='held' OR state='pending_transfer' OR state='pending_discount' OR state='discounted'))"
	    " OR ?3=1 OR (?3=2 AND state=?4)) ORDER BY id DESC LIMIT ?5",
	    err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, a->org_id);
	db_bind_int64(st, 2, f->cursor > 0 ? f->cursor : INT64_MAX);
	db_bind_int(st, 3, mode);
	db_bind_text(st, 4, state ? state : "");
	db_bind_int64(st, 5, limit + 1);
	return ids_page(db, st, limit, piece_one, out, err);
}

enum qerr finance_transfer_list(struct db *db, const struct actor *a, const struct finance_list *f, json_t **out,
				struct qerror *err)
{
	*out = NULL;
	if (a->org_type == ORG_OPERATOR)
		return operator_aggregates_only(err);
	const char *dir = f->role ? f->role : "all";
	bool in = strcmp(dir, "in") == 0, outgoing = strcmp(dir, "out") == 0;
	if (!in && !outgoing && strcmp(dir, "all") != 0)
		return qerr_set(err, QERR_INVALID, "invalid_parameter", "direction", "direction is in, out or all");
	int limit = page_limit(f->limit);
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT id FROM finance_transfers WHERE id<?1 AND (CAST(?3 AS TEXT) IS NULL OR status=?3)"
		       " AND ((?4=1 AND to_org=?2) OR (?5=1 AND from_org=?2)) ORDER BY id DESC LIMIT ?6",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, f->cursor > 0 ? f->cursor : INT64_MAX);
	db_bind_int64(st, 2, a->org_id);
	db_bind_text(st, 3, f->status);
	db_bind_int(st, 4, !outgoing);
	db_bind_int(st, 5, !in);
	db_bind_int64(st, 6, limit + 1);
	return ids_page(db, st, limit, fin_transfer_json, out, err);
}

enum qerr finance_transfer_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st = db_prepare(db,
					"SELECT t.from_org,t.to_org,c.issuer_org FROM finance_transfers t"
					" JOIN finance_certificates c ON c.id=t.certificate_id WHERE t.id=?",
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
	int64_t org = a->org_id;
	bool ok = is_cli(a) ||
		  (org && (db_col_int64(st, 0) == org || db_col_int64(st, 1) == org || db_col_int64(st, 2) == org));
	db_reset(st);
	if (!ok)
		return qerr_set(err, QERR_NOT_FOUND, "transfer_not_found", "id", "转让不存在 (no transfer %lld)",
				(long long)id);
	return fin_transfer_json(db, id, out, err);
}

static enum qerr app_one(struct db *db, int64_t id, json_t **out, struct qerror *err)
{
	return fin_application_json(db, id, finance_now(), out, err);
}

enum qerr finance_application_list(struct db *db, const struct actor *a, const struct finance_list *f, json_t **out,
				   struct qerror *err)
{
	*out = NULL;
	if (a->org_type == ORG_OPERATOR)
		return operator_aggregates_only(err);
	int limit = page_limit(f->limit);
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT id FROM finance_applications WHERE id<?1 AND (CAST(?3 AS TEXT) IS NULL OR status=?3)"
		       " AND (applicant_org=?2 OR bank_org=?2) ORDER BY id DESC LIMIT ?4",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, f->cursor > 0 ? f->cursor : INT64_MAX);
	db_bind_int64(st, 2, a->org_id);
	db_bind_text(st, 3, f->status);
	db_bind_int64(st, 4, limit + 1);
	return ids_page(db, st, limit, app_one, out, err);
}

/* The bank's risk view: lineage of each piece, the applicant's relations and orders with each issuer, the limits. */
static enum qerr risk_view(struct db *db, int64_t bank, int64_t applicant, const json_t *app, json_t **out,
			   struct qerror *err)
{
	json_t *lineage = json_array(), *relations = json_array(), *orders = json_array(), *limits = json_array();
	int64_t issuers[FINANCE_MAX_APPLICATION_PIECES];
	int ni = 0;
	enum qerr rc = QERR_OK;
	size_t i;
	json_t *line;
	json_array_foreach(json_object_get(app, "pieces"), i, line)
	{
		int64_t pid = json_integer_value(json_object_get(line, "piece_id"));
		json_t *chain = json_array();
		struct fin_piece p;
		for (int64_t at = pid; !rc && at;) {
			json_t *q;
			if ((rc = fin_piece_load(db, at, &p, err)) || (rc = fin_piece_json(db, at, &q, err)))
				break;
			json_array_insert_new(chain, 0, q);
			at = p.parent_id;
		}
		struct fin_cert c;
		if (!rc)
			rc = fin_cert_load(db, json_integer_value(json_object_get(line, "certificate_id")), &c, err);
		if (rc) {
			json_decref(chain);
			break;
		}
		json_array_append_new(lineage, json_pack("{s:I,s:o}", "piece_id", (json_int_t)pid, "pieces", chain));
		bool seen = false;
		for (int k = 0; k < ni; k++)
			seen = seen || issuers[k] == c.issuer_id;
		if (!seen && ni < FINANCE_MAX_APPLICATION_PIECES)
			issuers[ni++] = c.issuer_id;
	}
	for (int k = 0; !rc && k < ni; k++) {
		json_t *rel = NULL, *ord = NULL, *lim = NULL;
		rc = chainmap_relations_between(db, issuers[k], applicant, &rel, err);
		if (!rc)
			rc = market_orders_between(db, issuers[k], applicant, 20, &ord, err);
		if (!rc)
			rc = fin_limit_json(db, bank, issuers[k], &lim, err);
		if (rc) {
			json_decref(rel);
			json_decref(ord);
			break;
		}
		json_array_append_new(
		    relations, json_pack("{s:o,s:o}", "issuer", fin_enterprise_json(db, issuers[k]), "items", rel));
		json_array_append_new(
		    orders, json_pack("{s:o,s:o}", "issuer", fin_enterprise_json(db, issuers[k]), "orders", ord));
		json_array_append_new(limits, lim);
	}
	if (rc) {
		json_decref(lineage);
		json_decref(relations);
		json_decref(orders);
		json_decref(limits);
		return rc;
	}
	*out = json_pack("{s:o,s:o,s:o,s:o}", "lineage", lineage, "relations", relations, "orders", orders, "limits",
			 limits);
	return QERR_OK;
}

enum qerr finance_application_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st =
	    db_prepare(db, "SELECT applicant_org,bank_org,applicant_id FROM finance_applications WHERE id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, id);
	enum qerr rc = db_one(st, err);
	if (rc == QERR_NOT_FOUND)
		return qerr_set(err, QERR_NOT_FOUND, "application_not_found", "id",
				"贴现申请不存在 (no application %lld)", (long long)id);
	if (rc)
		return rc;
	int64_t applicant_org = db_col_int64(st, 0), bank = db_col_int64(st, 1), applicant = db_col_int64(st, 2);
	db_reset(st);
	bool is_bank = a->org_id && a->org_id == bank;
	if (!is_cli(a) && !is_bank && !(a->org_id && a->org_id == applicant_org))
		return qerr_set(err, QERR_NOT_FOUND, "application_not_found", "id",
				"贴现申请不存在 (no application %lld)", (long long)id);
	json_t *app = NULL, *risk = NULL;
	if ((rc = fin_application_json(db, id, finance_now(), &app, err)))
		return rc;
	if (is_bank || is_cli(a)) {
		if ((rc = risk_view(db, bank, applicant, app, &risk, err))) {
			json_decref(app);
			return rc;
		}
		json_object_set_new(app, "risk", risk);
	}
	*out = app;
	return QERR_OK;
}

enum qerr finance_bank_list(struct db *db, const struct actor *a, json_t **out, struct qerror *err)
{
	(void)a;
	*out = NULL;
	struct db_stmt *st = db_prepare(db, "SELECT id,name FROM orgs WHERE type='bank' ORDER BY id", err);
	if (!st)
		return err->code;
	json_t *items = json_array();
	int r;
	while ((r = db_step(st, err)) == DB_ROW)
		json_array_append_new(
		    items, json_pack("{s:I,s:s}", "id", (json_int_t)db_col_int64(st, 0), "name", db_col_text(st, 1)));
	db_reset(st);
	if (r < 0) {
		json_decref(items);
		return err->code;
	}
	*out = json_pack("{s:o}", "items", items);
	return QERR_OK;
}

enum qerr finance_limit_list(struct db *db, const struct actor *a, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (a->org_type != ORG_BANK && a->org_type != ORG_LARGE && !(a->org_type == ORG_OPERATOR && a->org_id == 0))
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL, "banks and issuers see credit limits");
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT l.bank_org,l.issuer_id FROM finance_limits l JOIN enterprises e ON e.id=l.issuer_id"
		       " WHERE ?1=1 OR (?1=2 AND l.bank_org=?2) OR (?1=3 AND e.org_id=?2)"
		       " ORDER BY l.bank_org,l.issuer_id LIMIT 1000",
		       err);
	if (!st)
		return err->code;
	db_bind_int(st, 1, a->org_type == ORG_OPERATOR ? 1 : a->org_type == ORG_BANK ? 2 : 3);
	db_bind_int64(st, 2, a->org_id);
	int64_t(*pairs)[2] = malloc(1000 * sizeof *pairs);
	int n = 0, r;
	if (!pairs) {
		db_reset(st);
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	}
	while ((r = db_step(st, err)) == DB_ROW) {
		pairs[n][0] = db_col_int64(st, 0);
		pairs[n][1] = db_col_int64(st, 1);
		n++;
	}
	db_reset(st);
	json_t *items = json_array();
	enum qerr rc = r < 0 ? err->code : QERR_OK;
	for (int i = 0; !rc && i < n; i++) {
		json_t *l;
		if (!(rc = fin_limit_json(db, pairs[i][0], pairs[i][1], &l, err)))
			json_array_append_new(items, l);
	}
	free(pairs);
	if (rc) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o}", "items", items);
	return QERR_OK;
}

/* Up to 100 ids of sql (bound to org) as JSON by one(). */
static enum qerr some(struct db *db, const char *sql, int64_t org,
		      enum qerr (*one)(struct db *, int64_t, json_t **, struct qerror *), json_t **out,
		      struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, sql, err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, org);
	int64_t ids[100];
	int n = 0, r = 0;
	while (n < 100 && (r = db_step(st, err)) == DB_ROW)
		ids[n++] = db_col_int64(st, 0);
	db_reset(st);
	if (n < 100 && r < 0)
		return err->code;
	json_t *arr = json_array();
	for (int i = 0; i < n; i++) {
		json_t *o;
		enum qerr rc = one(db, ids[i], &o, err);
		if (rc) {
			json_decref(arr);
			return rc;
		}
		json_array_append_new(arr, o);
	}
	*out = arr;
	return QERR_OK;
}

enum qerr finance_wallet(struct db *db, const struct actor *a, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (a->org_type == ORG_OPERATOR)
		return operator_aggregates_only(err);
	json_t *held = NULL, *issued = NULL, *to_accept = NULL, *incoming = NULL, *outgoing = NULL, *discounts = NULL,
	       *queue = NULL;
	enum qerr rc;
	if ((rc = some(db,
		       "SELECT id FROM finance_pieces WHERE holder_org=? AND (state='held' OR state='pending_transfer'"
		       " OR state='pending_discount' OR state='discounted') ORDER BY id DESC",
		       a->org_id, piece_one, &held, err)) ||
	    (rc = some(db, "SELECT id FROM finance_certificates WHERE issuer_org=? ORDER BY id DESC", a->org_id,
		       cert_one, &issued, err)) ||
	    (rc = some(db, "SELECT id FROM finance_certificates WHERE payee_org=? AND status='issued' ORDER BY id",
		       a->org_id, cert_one, &to_accept, err)) ||
	    (rc = some(db, "SELECT id FROM finance_transfers WHERE to_org=? AND status='pending' ORDER BY id",
		       a->org_id, fin_transfer_json, &incoming, err)) ||
	    (rc = some(db, "SELECT id FROM finance_transfers WHERE from_org=? AND status='pending' ORDER BY id",
		       a->org_id, fin_transfer_json, &outgoing, err)) ||
	    (rc = some(db, "SELECT id FROM finance_applications WHERE applicant_org=? AND status='pending' ORDER BY id",
		       a->org_id, app_one, &discounts, err)) ||
	    (rc = some(db, "SELECT id FROM finance_applications WHERE bank_org=? AND status='pending' ORDER BY id",
		       a->org_id, app_one, &queue, err))) {
		json_decref(held);
		json_decref(issued);
		json_decref(to_accept);
		json_decref(incoming);
		json_decref(outgoing);
		json_decref(discounts);
		return rc;
	}
	*out = json_pack("{s:o,s:o,s:{s:o,s:o},s:{s:o,s:o},s:o}", "held", held, "issued", issued, "to_accept",
			 "certificates", to_accept, "transfers", incoming, "outgoing", "transfers", outgoing,
			 "discounts", discounts, "bank_queue", queue);
	return QERR_OK;
}

static enum qerr q64(struct db *db, const char *sql, const char *bind, int64_t *out, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, sql, err);
	if (!st)
		return err->code;
	if (bind)
		db_bind_text(st, 1, bind);
	return db_scalar_int64(st, out, err);
}

/* [{issuer, certificates, outstanding_fen, overdue_count, overdue_fen, flagged}] for issuers with active certificates,
 * most overdue first. */
static enum qerr issuer_aggregates(struct db *db, const char *today, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st = db_prepare(
	    db,
	    "SELECT c.issuer_id,count(*),coalesce(sum(CASE WHEN c.maturity<?1 THEN 1 ELSE 0 END),0),"
	    " coalesce(sum(c.flagged),0),coalesce(sum(coalesce(o.amount,0)),0),"
	    " coalesce(sum(CASE WHEN c.maturity<?1 THEN c.face_fen ELSE 0 END),0)"
	    " FROM finance_certificates c LEFT JOIN (SELECT certificate_id,sum(hi-lo+1) AS amount FROM finance_pieces"
	    "  WHERE state='held' OR state='pending_transfer' OR state='pending_discount' OR state='discounted'"
	    "  GROUP BY certificate_id) o ON o.certificate_id=c.id"
	    " WHERE c.status='active' GROUP BY c.issuer_id ORDER BY 3 DESC, 1 LIMIT 100",
	    err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, today);
	int64_t rows[100][6];
	int n = 0, r;
	while ((r = db_step(st, err)) == DB_ROW && n < 100) {
		for (int k = 0; k < 6; k++)
			rows[n][k] = db_col_int64(st, k);
		n++;
	}
	db_reset(st);
	if (r < 0)
		return err->code;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(
		    items, json_pack("{s:o,s:I,s:I,s:I,s:I,s:I}", "issuer", fin_enterprise_json(db, rows[i][0]),
				     "certificates", (json_int_t)rows[i][1], "overdue_count", (json_int_t)rows[i][2],
				     "flagged", (json_int_t)rows[i][3], "outstanding_fen", (json_int_t)rows[i][4],
				     "overdue_face_fen", (json_int_t)rows[i][5]));
	*out = items;
	return QERR_OK;
}

enum qerr finance_overview(struct db *db, const struct actor *a, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (a->org_type != ORG_OPERATOR)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL, "operator only");
	struct db_stmt *st = db_prepare(db,
					"SELECT status,count(*),coalesce(sum(face_fen),0) FROM finance_certificates "
					"GROUP BY status ORDER BY status",
					err);
	if (!st)
		return err->code;
	json_t *by = json_object();
	int r;
	while ((r = db_step(st, err)) == DB_ROW)
		json_object_set_new(by, db_col_text(st, 0),
				    json_pack("{s:I,s:I}", "count", (json_int_t)db_col_int64(st, 1), "face_fen",
					      (json_int_t)db_col_int64(st, 2)));
	db_reset(st);
	if (r < 0) {
		json_decref(by);
		return err->code;
	}
	char today[QDATE_TEXT_LEN];
	qdate_format(finance_today(), today);
	int64_t outstanding = 0, discounted = 0, overdue_n = 0, overdue_fen = 0, flagged = 0, limit = 0, used = 0,
		ops = 0, pending_t = 0, pending_a = 0;
	enum qerr rc;
	if ((rc = q64(
		 db,
		 "SELECT coalesce(sum(hi-lo+1),0) FROM finance_pieces WHERE state='held' OR state='pending_transfer'"
		 " OR state='pending_discount' OR state='discounted'",
		 NULL, &outstanding, err)) ||
	    (rc = q64(db, "SELECT coalesce(sum(hi-lo+1),0) FROM finance_pieces WHERE state='discounted'", NULL,
		      &discounted, err)) ||
	    (rc = q64(db, "SELECT count(*) FROM finance_certificates WHERE status='active' AND maturity<?", today,
		      &overdue_n, err)) ||
	    (rc = q64(db,
		      "SELECT coalesce(sum(p.hi-p.lo+1),0) FROM finance_pieces p JOIN finance_certificates c"
		      " ON c.id=p.certificate_id WHERE c.status='active' AND c.maturity<? AND (p.state='held'"
		      " OR p.state='pending_transfer' OR p.state='pending_discount' OR p.state='discounted')",
		      today, &overdue_fen, err)) ||
	    (rc = q64(db, "SELECT count(*) FROM finance_certificates WHERE flagged=1", NULL, &flagged, err)) ||
	    (rc = q64(db, "SELECT coalesce(sum(limit_fen),0) FROM finance_limits", NULL, &limit, err)) ||
	    (rc = q64(db, "SELECT coalesce(sum(used_fen),0) FROM finance_limits", NULL, &used, err)) ||
	    (rc = q64(db, "SELECT seq FROM finance_chain WHERE id=1", NULL, &ops, err)) ||
	    (rc = q64(db, "SELECT count(*) FROM finance_transfers WHERE status='pending'", NULL, &pending_t, err)) ||
	    (rc = q64(db, "SELECT count(*) FROM finance_applications WHERE status='pending'", NULL, &pending_a, err))) {
		json_decref(by);
		return rc;
	}
	*out = json_pack("{s:o,s:I,s:I,s:{s:I,s:I},s:I,s:{s:I,s:I},s:I,s:I,s:I,s:s}", "certificates", by,
			 "outstanding_fen", (json_int_t)outstanding, "discounted_fen", (json_int_t)discounted,
			 "overdue", "count", (json_int_t)overdue_n, "amount_fen", (json_int_t)overdue_fen, "flagged",
			 (json_int_t)flagged, "limits", "limit_fen", (json_int_t)limit, "used_fen", (json_int_t)used,
			 "operations", (json_int_t)ops, "pending_transfers", (json_int_t)pending_t,
			 "pending_applications", (json_int_t)pending_a, "today", today);
	/* Per issuer, for the regulator's eye (保障中小企业款项支付): overdue amounts and flagged payment terms. */
	json_t *by_issuer = NULL;
	if ((rc = issuer_aggregates(db, today, &by_issuer, err))) {
		json_decref(*out);
		*out = NULL;
		return rc;
	}
	json_object_set_new(*out, "by_issuer", by_issuer);
	return QERR_OK;
}

enum qerr finance_settings_get(struct db *db, json_t **out, struct qerror *err)
{
	int64_t fee, ttl;
	*out = NULL;
	enum qerr rc = fin_settings(db, &fee, &ttl, err);
	if (rc)
		return rc;
	*out = json_pack("{s:I,s:I}", "fee_bp", (json_int_t)fee, "application_ttl_days", (json_int_t)ttl);
	return QERR_OK;
}

enum qerr finance_certificates_of(struct db *db, int64_t org_id, int64_t enterprise_id, int limit, json_t **out,
				  struct qerror *err)
{
	*out = NULL;
	limit = page_limit(limit);
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT c.id,c.issuer_id,c.face_fen,c.maturity,c.status,"
		       " CASE WHEN (?1>0 AND c.issuer_id=?1) OR (?1=0 AND c.issuer_org=?2) THEN 1 ELSE 0 END,"
		       " (SELECT coalesce(sum(p.hi-p.lo+1),0) FROM finance_pieces p WHERE p.certificate_id=c.id"
		       "  AND ((?1>0 AND p.holder_id=?1) OR (?1=0 AND p.holder_org=?2))"
		       "  AND (p.state='held' OR p.state='pending_transfer' OR p.state='pending_discount' OR "
		       "p.state='discounted'))"
		       " FROM finance_certificates c WHERE (c.status='active' OR c.status='settled') AND ("
		       "  (?1>0 AND c.issuer_id=?1) OR (?1=0 AND c.issuer_org=?2)"
		       "  OR EXISTS(SELECT 1 FROM finance_pieces q WHERE q.certificate_id=c.id"
		       "   AND ((?1>0 AND q.holder_id=?1) OR (?1=0 AND q.holder_org=?2))"
		       "   AND (q.state='held' OR q.state='pending_transfer' OR q.state='pending_discount' OR "
		       "q.state='discounted')))"
		       " ORDER BY c.id DESC LIMIT ?3",
		       err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, enterprise_id > 0 ? enterprise_id : 0);
	db_bind_int64(st, 2, org_id);
	db_bind_int64(st, 3, limit);
	struct qdate today = finance_today();
	json_t *items = json_array();
	int64_t issuers[500];
	int n = 0, r;
	while ((r = db_step(st, err)) == DB_ROW) {
		struct qdate m = {1970, 1, 1};
		qdate_parse(db_col_text(st, 3), &m);
		bool overdue = strcmp(db_col_text(st, 4), "active") == 0 && qdate_compare(today, m) > 0;
		issuers[n++] = db_col_int64(st, 1);
		json_array_append_new(items,
				      json_pack("{s:I,s:s,s:I,s:s,s:s,s:b,s:I}", "id", (json_int_t)db_col_int64(st, 0),
						"role", db_col_int(st, 5) ? "issuer" : "holder", "face_fen",
						(json_int_t)db_col_int64(st, 2), "maturity", db_col_text(st, 3),
						"status", db_col_text(st, 4), "overdue", overdue, "held_fen",
						(json_int_t)db_col_int64(st, 6)));
	}
	db_reset(st);
	if (r < 0) {
		json_decref(items);
		return err->code;
	}
	for (int i = 0; i < n; i++)
		json_object_set_new(json_array_get(items, i), "issuer", fin_enterprise_json(db, issuers[i]));
	*out = items;
	return QERR_OK;
}
