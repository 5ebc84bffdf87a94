/*
 * finance_ledger.c - the hash-chained operation log, double-entry postings
 * and account balances, and their reads (GET /ledger/balances, statement).
 *
 * Every operation appends one log entry: the chain head (finance_chain) is
 * bumped first, which on PostgreSQL also takes the row lock that orders
 * finance writes, then the entry's hash is computed over the previous hash
 * and the entry's fields and the head updated. Postings are signed (debit
 * positive); each operation's sum to zero (the callers post in pairs), and
 * the balance of (organisation, account) is kept beside them, checked for
 * overflow.
 */
#include "finance/finance_int.h"

#include <sodium.h>
#include <stdlib.h>

void fin_op_hash(const char *prev_hash, int64_t seq, const char *kind, const char *at, int64_t org_id, int64_t user_id,
		 int64_t certificate_id, const char *detail, char out[65])
{
	char head[256];
	int n = snprintf(head, sizeof head, "%s\n%lld\n%s\n%s\n%lld\n%lld\n%lld\n", prev_hash, (long long)seq, kind, at,
			 (long long)org_id, (long long)user_id, (long long)certificate_id);
	crypto_hash_sha256_state s;
	crypto_hash_sha256_init(&s);
	crypto_hash_sha256_update(&s, (const unsigned char *)head, n > 0 && (size_t)n < sizeof head ? (size_t)n : 0);
	crypto_hash_sha256_update(&s, (const unsigned char *)detail, strlen(detail));
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&s, h);
	sodium_bin2hex(out, 65, h, sizeof h);
}

enum qerr fin_lock(struct fin_tx *tx, struct qerror *err)
{
	struct db_stmt *st = db_prepare(tx->db, "UPDATE finance_chain SET seq=seq WHERE id=1", err);
	return st ? db_run(st, err) : err->code;
}

enum qerr fin_log(struct fin_tx *tx, const char *kind, int64_t certificate_id, const json_t *detail, int64_t *seq,
		  struct qerror *err)
{
	struct db_stmt *st =
	    db_prepare(tx->db, "UPDATE finance_chain SET seq=seq+1 WHERE id=1 RETURNING seq,hash", err);
	if (!st)
		return err->code;
	enum qerr rc = db_one(st, err);
	if (rc)
		return rc == QERR_NOT_FOUND
			   ? qerr_set(err, QERR_INTERNAL, "database_error", NULL, "no finance chain head")
			   : rc;
	int64_t s = db_col_int64(st, 0);
	char prev[65];
	snprintf(prev, sizeof prev, "%s", db_col_text(st, 1));
	db_reset(st);
	char *text = json_dumps(detail ? detail : json_object(), JSON_COMPACT | JSON_SORT_KEYS);
	if (!text)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	char hash[65];
	fin_op_hash(prev, s, kind, tx->now_iso, tx->a->org_id, tx->a->user_id, certificate_id, text, hash);
	st = db_prepare(tx->db,
			"INSERT INTO finance_ops(seq,kind,at,org_id,user_id,certificate_id,detail,prev_hash,hash)"
			" VALUES(?,?,?,?,?,?,?,?,?)",
			err);
	if (!st) {
		free(text);
		return err->code;
	}
	db_bind_int64(st, 1, s);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, tx->now_iso);
	db_bind_int64(st, 4, tx->a->org_id);
	db_bind_int64(st, 5, tx->a->user_id);
	db_bind_int64(st, 6, certificate_id);
	db_bind_text(st, 7, text);
	db_bind_text(st, 8, prev);
	db_bind_text(st, 9, hash);
	free(text);
	if ((rc = db_run(st, err)))
		return rc;
	st = db_prepare(tx->db, "UPDATE finance_chain SET hash=? WHERE id=1", err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, hash);
	if ((rc = db_run(st, err)))
		return rc;
	if (seq)
		*seq = s;
	return QERR_OK;
}

enum qerr fin_post(struct fin_tx *tx, int64_t seq, int64_t org_id, const char *account, int64_t amount,
		   int64_t certificate_id, struct qerror *err)
{
	if (amount == 0)
		return QERR_OK;
	struct db_stmt *st = db_prepare(
	    tx->db, "INSERT INTO finance_postings(op_seq,org_id,account,amount_fen,certificate_id) VALUES(?,?,?,?,?)",
	    err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, seq);
	db_bind_int64(st, 2, org_id);
	db_bind_text(st, 3, account);
	db_bind_int64(st, 4, amount);
	db_bind_int64(st, 5, certificate_id);
	enum qerr rc = db_run(st, err);
	if (rc)
		return rc;
	st = db_prepare(tx->db, "SELECT balance_fen FROM finance_accounts WHERE org_id=? AND account=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, org_id);
	db_bind_text(st, 2, account);
	int64_t balance = 0;
	int r = db_step(st, err);
	if (r == DB_ROW)
		balance = db_col_int64(st, 0);
	db_reset(st);
	if (r < 0)
		return err->code;
	if (money_add(balance, amount, &balance, err))
		return err->code;
	st = db_prepare(tx->db,
			"INSERT INTO finance_accounts(org_id,account,balance_fen) VALUES(?,?,?)"
			" ON CONFLICT (org_id,account) DO UPDATE SET balance_fen=excluded.balance_fen",
			err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, org_id);
	db_bind_text(st, 2, account);
	db_bind_int64(st, 3, balance);
	return db_run(st, err);
}

/* ---- reads ---- */

static const char *const accounts[] = {"receivable", "payable", "cash", "interest_expense", "interest_income", NULL};

/* Debit-normal accounts show their balance as is, credit-normal ones negated. */
static bool debit_normal(const char *account)
{
	return strcmp(account, "payable") != 0 && strcmp(account, "interest_income") != 0;
}

enum qerr finance_balances(struct db *db, const struct actor *a, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (a->org_type == ORG_OPERATOR) {
		struct db_stmt *st =
		    db_prepare(db,
			       "SELECT account,coalesce(sum(CASE WHEN amount_fen>0 THEN amount_fen ELSE 0 END),0),"
			       "coalesce(sum(CASE WHEN amount_fen<0 THEN -amount_fen ELSE 0 END),0)"
			       " FROM finance_postings GROUP BY account ORDER BY account",
			       err);
		if (!st)
			return err->code;
		json_t *totals = json_array();
		int r;
		while ((r = db_step(st, err)) == DB_ROW) {
			const char *acc = db_col_text(st, 0);
			int64_t debit = db_col_int64(st, 1), credit = db_col_int64(st, 2);
			json_array_append_new(
			    totals, json_pack("{s:s,s:I,s:I,s:I,s:s}", "account", acc, "debit_fen", (json_int_t)debit,
					      "credit_fen", (json_int_t)credit, "balance_fen",
					      (json_int_t)(debit_normal(acc) ? debit - credit : credit - debit),
					      "normal", debit_normal(acc) ? "debit" : "credit"));
		}
		db_reset(st);
		if (r < 0) {
			json_decref(totals);
			return err->code;
		}
		int64_t orgs = 0;
		if (db_query_int64(db, "SELECT count(DISTINCT org_id) FROM finance_accounts", &orgs, err)) {
			json_decref(totals);
			return err->code;
		}
		*out = json_pack("{s:o,s:I}", "totals", totals, "organisations", (json_int_t)orgs);
		return QERR_OK;
	}
	json_t *list = json_array();
	for (int i = 0; accounts[i]; i++) {
		struct db_stmt *st =
		    db_prepare(db, "SELECT balance_fen FROM finance_accounts WHERE org_id=? AND account=?", err);
		if (!st) {
			json_decref(list);
			return err->code;
		}
		db_bind_int64(st, 1, a->org_id);
		db_bind_text(st, 2, accounts[i]);
		int64_t b = 0;
		int r = db_step(st, err);
		if (r == DB_ROW)
			b = db_col_int64(st, 0);
		db_reset(st);
		if (r < 0) {
			json_decref(list);
			return err->code;
		}
		json_array_append_new(list, json_pack("{s:s,s:I,s:s}", "account", accounts[i], "balance_fen",
						      (json_int_t)(debit_normal(accounts[i]) ? b : -b), "normal",
						      debit_normal(accounts[i]) ? "debit" : "credit"));
	}
	*out = json_pack("{s:o,s:o}", "org", fin_org_json(db, a->org_id), "accounts", list);
	return QERR_OK;
}

enum qerr finance_statement(struct db *db, const struct actor *a, const char *from, const char *to, int limit,
			    int64_t cursor, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (a->org_type == ORG_OPERATOR)
		return a->org_id == 0
			   ? qerr_set(err, QERR_INVALID, "no_organisation", "as",
				      "statement of which organisation? (--as EMAIL)")
			   : qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				      "运营方只看汇总数据 (the operator sees aggregates: /api/v1/ledger/balances)");
	if (limit < 1 || limit > 500)
		limit = 50;
	struct qdate fd, td;
	char lo[FIN_TIME_LEN] = "0000-01-01T00:00:00Z", hi[FIN_TIME_LEN] = "9999-12-31T23:59:59Z";
	if (from && *from) {
		if (fin_date(from, "from", &fd, err))
			return err->code;
		snprintf(lo, sizeof lo, "%sT00:00:00Z", from);
	}
	if (to && *to) {
		if (fin_date(to, "to", &td, err))
			return err->code;
		snprintf(hi, sizeof hi, "%sT23:59:59Z", to);
	}
	struct db_stmt *st = db_prepare(db,
					"SELECT p.id,p.op_seq,o.at,o.kind,p.certificate_id,p.account,p.amount_fen"
					" FROM finance_postings p JOIN finance_ops o ON o.seq=p.op_seq"
					" WHERE p.org_id=? AND p.id>? AND o.at>=? AND o.at<=? ORDER BY p.id LIMIT ?",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, a->org_id);
	db_bind_int64(st, 2, cursor);
	db_bind_text(st, 3, lo);
	db_bind_text(st, 4, hi);
	db_bind_int64(st, 5, limit + 1);
	json_t *items = json_array();
	int r, n = 0;
	int64_t last = 0;
	bool more = false;
	while ((r = db_step(st, err)) == DB_ROW) {
		if (n == limit) {
			more = true;
			break;
		}
		n++;
		last = db_col_int64(st, 0);
		json_array_append_new(
		    items, json_pack("{s:I,s:I,s:s,s:s,s:I,s:s,s:I}", "id", (json_int_t)last, "op_seq",
				     (json_int_t)db_col_int64(st, 1), "at", db_col_text(st, 2), "op_kind",
				     db_col_text(st, 3), "certificate_id", (json_int_t)db_col_int64(st, 4), "account",
				     db_col_text(st, 5), "amount_fen", (json_int_t)db_col_int64(st, 6)));
	}
	db_reset(st);
	if (r < 0) {
		json_decref(items);
		return err->code;
	}
	/* Running balances: each account's sum before the page, then accumulated. */
	size_t i;
	json_t *row;
	int64_t opening[8] = {0};
	int64_t first =
	    json_array_size(items) ? json_integer_value(json_object_get(json_array_get(items, 0), "id")) : 0;
	for (int k = 0; accounts[k] && first; k++) {
		st = db_prepare(
		    db,
		    "SELECT coalesce(sum(amount_fen),0) FROM finance_postings WHERE org_id=? AND account=? AND id<?",
		    err);
		if (!st) {
			json_decref(items);
			return err->code;
		}
		db_bind_int64(st, 1, a->org_id);
		db_bind_text(st, 2, accounts[k]);
		db_bind_int64(st, 3, first);
		if (db_scalar_int64(st, &opening[k], err)) {
			json_decref(items);
			return err->code;
		}
	}
	json_array_foreach(items, i, row)
	{
		const char *acc = json_string_value(json_object_get(row, "account"));
		for (int k = 0; accounts[k]; k++) {
			if (strcmp(acc, accounts[k]) == 0) {
				opening[k] += json_integer_value(json_object_get(row, "amount_fen"));
				json_object_set_new(row, "balance_after_fen",
						    json_integer(debit_normal(acc) ? opening[k] : -opening[k]));
			}
		}
	}
	*out = json_page(items, more, last);
	return QERR_OK;
}
