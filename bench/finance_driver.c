/*
 * finance_driver.c - the data side of the finance benchmark (bench/finance.sh).
 *
 *   finance_driver gen DB CERTS LEAVES
 *       On a demo database (scripts/demo-data): the chain leader
 *       (buyer-admin@qilian.test) issues CERTS certificates to the demo SME
 *       (sme-admin@qilian.test), which accepts them, each through
 *       finance_write as in production (operation log, postings, answers).
 *       Then, in one transaction of direct SQL (a bench-only shortcut: the
 *       domain would take one write per split), each certificate's root
 *       piece is split down a balanced binary tree into LEAVES held pieces
 *       of about equal size: CERTS x LEAVES live pieces and as many retired
 *       ones, which partition every root as `finance verify` demands.
 *       Splits carry no postings, so the ledger still matches the pieces;
 *       the split pieces are not in the operation log (verify does not ask
 *       every piece to have an entry). Prints one JSON object with the
 *       counts and timings.
 *
 * Built by bench/finance.sh with the qilian binary's link line (as
 * bench/market.sh builds market_driver).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base/qdate.h"
#include "finance/finance.h"
#include "platform/actor.h"
#include "store/db.h"
#include "text/fts.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void die(const char *what, const struct qerror *e)
{
	fprintf(stderr, "finance_driver: %s: %s %s\n", what, e ? e->slug : "", e ? e->message : "");
	exit(1);
}

/* The actor of the user with this e-mail (organisation, its type, the role). */
static void actor_of(struct db *db, const char *email, struct actor *a)
{
	struct qerror e = {0};
	struct db_stmt *st = db_prepare(db,
					"SELECT u.id,u.org_id,o.type,u.role FROM users u JOIN orgs o ON o.id=u.org_id"
					" WHERE u.email=?",
					&e);
	if (!st)
		die("users", &e);
	db_bind_text(st, 1, email);
	if (db_one(st, &e))
		die(email, &e);
	memset(a, 0, sizeof *a);
	a->user_id = db_col_int64(st, 0);
	a->org_id = db_col_int64(st, 1);
	if (!org_type_parse(db_col_text(st, 2), &a->org_type) || !user_role_parse(db_col_text(st, 3), &a->role))
		die("user type or role", NULL);
	snprintf(a->email, sizeof a->email, "%s", email);
	db_reset(st);
}

static int64_t write_op(struct db *db, const struct actor *a, enum finance_op op, int64_t id, const char *text)
{
	struct qerror e = {0};
	json_t *body = NULL, *out = NULL;
	int status = 0;
	if (finance_decode(op, text, strlen(text), &body, &e) ||
	    finance_write(db, a, NULL, op, id, body, &out, &status, &e))
		die(finance_op_names[op], &e);
	int64_t got = json_integer_value(json_object_get(out, "id"));
	json_decref(body);
	json_decref(out);
	return got;
}

struct tree {
	struct db_stmt *ins;
	int64_t cert, org, ent;
	const char *now;
	long rows;
};

/* Inserts the piece [lo, hi] under parent covering leaves [a, b) of n; splits it further when b - a > 1. */
static void grow(struct tree *t, int64_t parent, int64_t face, long n, long a, long b)
{
	struct qerror e = {0};
	int64_t lo = face * a / n + 1, hi = face * b / n;
	db_reset(t->ins);
	db_bind_int64(t->ins, 1, t->cert);
	db_bind_int64(t->ins, 2, parent);
	db_bind_int64(t->ins, 3, lo);
	db_bind_int64(t->ins, 4, hi);
	db_bind_int64(t->ins, 5, t->org);
	db_bind_int64(t->ins, 6, t->ent);
	db_bind_text(t->ins, 7, b - a > 1 ? "split" : "held");
	db_bind_text(t->ins, 8, t->now);
	db_bind_text(t->ins, 9, t->now);
	int64_t id = 0;
	if (db_scalar_int64(t->ins, &id, &e))
		die("insert piece", &e);
	t->rows++;
	if (b - a > 1) {
		long mid = a + (b - a) / 2;
		grow(t, id, face, n, a, mid);
		grow(t, id, face, n, mid, b);
	}
}

static int gen(const char *path, long certs, long leaves)
{
	struct qerror e = {0};
	text_fts_install();
	struct db *db = db_open(path, false, &e);
	if (!db)
		die(path, &e);
	struct actor issuer, payee;
	actor_of(db, "buyer-admin@qilian.test", &issuer);
	actor_of(db, "sme-admin@qilian.test", &payee);
	char maturity[QDATE_TEXT_LEN], body[512];
	struct qdate m;
	qdate_add_days(finance_today(), 90, &m);
	qdate_format(m, maturity);
	double t0 = now_ms();
	int64_t *ids = calloc((size_t)certs, sizeof *ids);
	for (long i = 0; i < certs; i++) {
		snprintf(body, sizeof body,
			 "{\"issuer\":\"91320500MA1MX4QF3P\",\"payee\":\"91320583MA1QEW0025\",\"face_fen\":%ld,"
			 "\"maturity\":\"%s\",\"contract_no\":\"BENCH-%ld\",\"invoices\":[\"BENCH%08ld\"]}",
			 leaves * 100000, maturity, i, i);
		ids[i] = write_op(db, &issuer, FINANCE_ISSUE, 0, body);
		write_op(db, &payee, FINANCE_ACCEPT, ids[i], "{}");
	}
	double t1 = now_ms();
	if (db_begin_write(db, &e))
		die("begin", &e);
	struct tree t = {.now = "2026-12-04T00:00:00Z"};
	t.ins = db_prepare(
	    db,
	    "INSERT INTO finance_pieces(certificate_id,parent_id,lo,hi,holder_org,holder_id,state,created_at,"
	    "updated_at) VALUES(?,?,?,?,?,?,?,?,?) RETURNING id",
	    &e);
	struct db_stmt *root = db_prepare(db,
					  "SELECT id,holder_org,holder_id FROM finance_pieces WHERE certificate_id=?"
					  " AND parent_id IS NULL",
					  &e);
	struct db_stmt *retire = db_prepare(db, "UPDATE finance_pieces SET state='split' WHERE id=?", &e);
	if (!t.ins || !root || !retire)
		die("prepare", &e);
	for (long i = 0; i < certs; i++) {
		db_bind_int64(root, 1, ids[i]);
		if (db_one(root, &e))
			die("root piece", &e);
		int64_t rid = db_col_int64(root, 0);
		t.org = db_col_int64(root, 1);
		t.ent = db_col_int64(root, 2);
		db_reset(root);
		t.cert = ids[i];
		db_bind_int64(retire, 1, rid);
		if (db_run(retire, &e))
			die("retire root", &e);
		long mid = leaves / 2;
		grow(&t, rid, leaves * 100000, leaves, 0, mid);
		grow(&t, rid, leaves * 100000, leaves, mid, leaves);
	}
	if (db_commit(db, &e))
		die("commit", &e);
	double t2 = now_ms();
	printf("{\"certificates\":%ld,\"leaves_per_certificate\":%ld,\"live_pieces\":%ld,\"pieces_inserted\":%ld,"
	       "\"issue_accept_ms\":%.0f,\"split_sql_ms\":%.0f}\n",
	       certs, leaves, certs * leaves, t.rows, t1 - t0, t2 - t1);
	free(ids);
	db_close(db);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], strtol(argv[3], NULL, 10), strtol(argv[4], NULL, 10));
	fprintf(stderr, "usage: finance_driver gen DB CERTS LEAVES\n");
	return 2;
}
