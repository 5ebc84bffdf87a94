/*
 * driver_pgsql.c - the PostgreSQL backend of the store seam (libpq).
 *
 * - `?` and `?N` placeholders are rewritten to `$N` (outside string
 *   literals, quoted identifiers and comments); a bare `?` takes the number
 *   after the largest used so far, as SQLite numbers them.
 * - Parameters go in text format (blobs in binary) with the types the seam
 *   knows: int64 -> int8, double -> float8, blob -> bytea; text is sent
 *   untyped so that the server reads it as the column it meets (SQLite's
 *   affinity), and NULL untyped. When PostgreSQL cannot decide the type of
 *   parameter $N (42P18/42P08: `? IS NULL` alone, a bare `?` in a select
 *   list) the statement is prepared again with $N typed text; when an
 *   explicit int8 does not fit its context (42883/42804: an integer bound
 *   for a text column) again with integers untyped. The choices stick to
 *   the statement.
 * - Statements are prepared on the server (PQprepare) on first run, one
 *   name per statement and parameter-type signature, and cached with the
 *   seam's statement (dynamic ones are deallocated by db_finalize).
 * - A result is read whole (rows stay valid until the next run or reset):
 *   a domain may run other statements while it steps through one.
 * - SQLSTATEs: class 23 (unique, foreign key, check, not null) is
 *   QERR_CONFLICT; 40001/40P01 (serialisation failure, deadlock) and 55P03
 *   (lock not available) are QERR_UNAVAILABLE with the slug
 *   "serialization_failure" (retryable: the HTTP server re-runs the whole
 *   request); a lost connection is "database_busy" and reconnects on next use.
 * - Booleans read as 1/0; db_changes comes from PQcmdTuples of the last
 *   INSERT/UPDATE/DELETE.
 * - Between db_bulk_begin and db_bulk_end, db_run of a plain
 *   `INSERT INTO t(cols) VALUES(?,...)` (parameters only) becomes a row of
 *   `COPY t(cols) FROM STDIN`, kept open while the same statement runs
 *   again; any other statement already prepared is sent in pipeline mode
 *   (PQsendQueryPrepared) and its answer read later, 512 at most at a
 *   time. An import then costs no round trip per row. Any other use of the
 *   connection first ends the COPY and reads every answer; an error among
 *   them is reported by that use.
 * - Round trips of a read transaction (db_begin_read ... db_rollback, every
 *   GET): the BEGIN is not sent on its own but with the transaction's first
 *   statement, both in one pipeline (one round trip; the snapshot of
 *   REPEATABLE READ is taken by the first statement anyway). A ROLLBACK
 *   with nothing sent since the BEGIN sends nothing; any other ROLLBACK is
 *   sent in pipeline mode without waiting for its answer, which the next
 *   use of the connection reads first (the server has ended the transaction
 *   by then: nothing stays "idle in transaction" between requests). A GET
 *   of one record with a session check then costs two round trips, not four.
 *   On a standby (db_open_standby) the BEGIN is sent at once, as before: when
 *   it fails, the HTTP server answers from the primary instead.
 * - db_defer: a statement bound after db_begin_read is not run at once but
 *   goes in the pipeline of the transaction's first statement, between the
 *   BEGIN and it; its answer goes to the caller's check before the first
 *   statement's answer is given (the HTTP server's session check: a GET
 *   then costs one round trip before its ROLLBACK). Whatever ends or
 *   bypasses that transaction before its first statement loses it, and then,
 *   as after a check that failed, every use of the connection fails until
 *   db_deferred is asked.
 */
#include "store/db_private.h"

#include <ctype.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"

#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_TEXT 25
#define OID_FLOAT8 701

#define PG_MAX_VARIANTS 4

enum pg_kind { PK_NULL, PK_INT, PK_DOUBLE, PK_TEXT, PK_BLOB };

struct pg_param {
	enum pg_kind kind;
	bool as_text; /* text and NULL go typed as text: the server could not type this parameter */
	char *buf; /* text (NUL-terminated) or blob bytes */
	size_t len, cap;
};

struct pg_variant {
	char name[32];
	Oid *types;
};

struct pg_db;

/* The transaction statements db.c runs as cached statements, recognised by their text. */
enum pg_role { PR_NONE, PR_BEGIN_READ, PR_ROLLBACK };

struct pg_stmt {
	struct pg_db *pd;
	struct pg_stmt *prev, *next; /* the connection's statements */
	char *sql;		     /* rewritten to $N */
	int nparams;
	bool persistent;
	enum pg_role role;
	bool tx_edge; /* BEGIN, COMMIT, ROLLBACK, END: a deferred statement's transaction ends (db_defer) */
	/* sticky type choices (see the header comment) */
	bool text_typed, int_untyped;
	struct pg_param *params;
	/* the arrays libpq takes, nparams long (at least 1) */
	Oid *types;
	const char **values;
	int *lengths, *formats;
	struct pg_variant var[PG_MAX_VARIANTS];
	int nvar;
	/* a plain INSERT INTO t(cols) VALUES($i,...): its bulk rows go by COPY (NULL otherwise) */
	char *copy_sql;
	int copy_ncols;
	int *copy_param; /* 0-based parameter of each column */
	PGresult *res;
	int row, nrows;
	bool executed;
	/* bytea columns of the current row, decoded on demand */
	unsigned char **blob;
	size_t *blob_len;
	int blob_row, nblob;
};

#define PG_PIPELINE_MAX 512 /* queued statements before their answers are read */
#define PG_HOT_MAX 8        /* hot rows one write transaction queues for */

struct pg_db {
	PGconn *c;
	int64_t changes;
	/* db_bulk_begin: statements sent in pipeline mode, answers not yet read */
	bool pipeline;
	int queued;
	bool failed; /* an answer read by drain() was an error: error holds it until reported */
	struct qerror error;
	/* db_bulk_begin: the statement whose rows are being copied (COPY ... FROM STDIN open), and unsent rows */
	struct pg_stmt *copying;
	char *cbuf;
	size_t clen, ccap;
	unsigned serial;
	struct pg_stmt *stmts;
	const struct db_tokenizer *tok;
	bool ssi; /* writes run SERIALIZABLE (the default; QILIAN_PG_WRITES=lock: under the write lock) */
	/* hot rows (db_hot): wanted by the next write transaction, and held (session advisory locks) now */
	uint32_t want[PG_HOT_MAX], held[PG_HOT_MAX];
	int nwant, nheld;
	bool in_tx;   /* a transaction was open after the last command */
	bool lost_tx; /* the connection was lost inside one: refuse statements until ROLLBACK or BEGIN */
	/* read transactions (see "Round trips" above) */
	bool begin_pending;   /* db_begin_read's BEGIN, not sent yet: it goes with the next statement */
	bool rollback_unread; /* a ROLLBACK sent in pipeline mode, its answer not read yet */
	bool tx_prepared;     /* "qbegin", "qrollback" prepared on this connection (parsed once, not per request) */
	/* db_defer: the statement that goes with the read transaction's first one, while pending */
	struct pg_stmt *deferred;
	struct pg_variant *deferred_v;
	bool (*deferred_check)(void *arg);
	void *deferred_arg;
	enum db_deferral deferral;
};

static struct pg_db *P(struct db *db) { return db->impl; }
static const char *skip_ws(const char *p);
static void exec_quiet(PGconn *c, const char *sql) { PQclear(PQexec(c, sql)); }
static enum qerr map_result_error(const PGresult *res, PGconn *c, struct qerror *err);
static bool is_change(const PGresult *r);
static void defer_drop(struct pg_db *pd);
struct pg_stmt;
static int adopt(struct pg_stmt *s, PGresult *r, struct qerror *err);

static void fail_once(struct pg_db *pd, const PGresult *r)
{
	if (!pd->failed) {
		map_result_error(r, pd->c, &pd->error);
		pd->failed = true;
	}
}

static void copy_flush(struct pg_db *pd)
{
	if (pd->clen && PQputCopyData(pd->c, pd->cbuf, (int)pd->clen) != 1)
		fail_once(pd, NULL);
	pd->clen = 0;
}

/* Ends the open COPY: its rows are in (or its error is kept in pd->error). */
static void copy_end(struct pg_db *pd)
{
	if (!pd->copying)
		return;
	copy_flush(pd);
	if (PQputCopyEnd(pd->c, pd->failed ? "an earlier row failed" : NULL) != 1)
		fail_once(pd, NULL);
	for (PGresult *r; (r = PQgetResult(pd->c));) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			fail_once(pd, r);
		PQclear(r);
	}
	pd->copying = NULL;
}

static bool cput(struct pg_db *pd, const char *p, size_t n)
{
	if (pd->clen + n > pd->ccap) {
		size_t cap = pd->ccap ? pd->ccap : 1 << 16;
		while (cap < pd->clen + n)
			cap *= 2;
		char *b = realloc(pd->cbuf, cap);
		if (!b)
			return false;
		pd->cbuf = b;
		pd->ccap = cap;
	}
	memcpy(pd->cbuf + pd->clen, p, n);
	pd->clen += n;
	return true;
}

/* One row of COPY's text format from the statement's parameters. */
static bool copy_row(struct pg_db *pd, const struct pg_stmt *s)
{
	static const char hex[] = "0123456789abcdef";
	bool ok = true;
	for (int c = 0; ok && c < s->copy_ncols; c++) {
		const struct pg_param *p = &s->params[s->copy_param[c]];
		if (c)
			ok = cput(pd, "\t", 1);
		if (p->kind == PK_NULL) {
			ok = ok && cput(pd, "\\N", 2);
		} else if (p->kind == PK_BLOB) {
			ok = ok && cput(pd, "\\\\x", 3);
			for (size_t i = 0; ok && i < p->len; i++) {
				char h[2] = {hex[(unsigned char)p->buf[i] >> 4], hex[(unsigned char)p->buf[i] & 15]};
				ok = cput(pd, h, 2);
			}
		} else {
			size_t from = 0;
			for (size_t i = 0; ok && i < p->len; i++) {
				char ch = p->buf[i], esc = ch == '\\' ? '\\' : ch == '\n' ? 'n' : ch == '\r' ? 'r' : ch == '\t' ? 't' : 0;
				if (!esc)
					continue;
				char e[2] = {'\\', esc};
				ok = cput(pd, p->buf + from, i - from) && cput(pd, e, 2);
				from = i + 1;
			}
			ok = ok && cput(pd, p->buf + from, p->len - from);
		}
	}
	return ok && cput(pd, "\n", 1);
}

static void note_tx(struct pg_db *pd);

/*
 * Reads the answer of a ROLLBACK sent without waiting (rollback_quick) and
 * leaves pipeline mode. Its errors do not matter: the transaction is over
 * either way, and a lost connection is found by the next statement.
 */
static void collect(struct pg_db *pd)
{
	if (!pd->rollback_unread)
		return;
	pd->rollback_unread = false;
	PGconn *c = pd->c;
	for (PGresult *r; (r = PQgetResult(c));)
		PQclear(r);
	for (PGresult *r; (r = PQgetResult(c));) {
		bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
		PQclear(r);
		if (sync)
			break;
	}
	PQexitPipelineMode(c); /* if it fails, ensure_connected starts a new connection */
	note_tx(pd);
}

/*
 * Leaves pipeline mode and ends an open COPY: reads the answer of every
 * queued statement; the first error is kept in pd->error (the transaction
 * is aborted by then).
 */
static void drain(struct pg_db *pd)
{
	collect(pd);
	copy_end(pd);
	if (!pd->pipeline)
		return;
	PGconn *c = pd->c;
	if (PQpipelineSync(c) != 1 && !pd->failed) {
		map_result_error(NULL, c, &pd->error);
		pd->failed = true;
	}
	for (int i = 0; i < pd->queued; i++) {
		PGresult *r;
		while ((r = PQgetResult(c))) {
			ExecStatusType st = PQresultStatus(r);
			if (st == PGRES_COMMAND_OK && is_change(r))
				pd->changes = *PQcmdTuples(r) ? strtoll(PQcmdTuples(r), NULL, 10) : 0;
			else if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_PIPELINE_ABORTED &&
				 !pd->failed) {
				map_result_error(r, c, &pd->error);
				pd->failed = true;
			}
			PQclear(r);
		}
		if (PQstatus(c) == CONNECTION_BAD)
			break;
	}
	/* the sync point's own answer, then the end of it */
	for (PGresult *r; (r = PQgetResult(c));) {
		bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
		PQclear(r);
		if (sync)
			break;
	}
	pd->queued = 0;
	pd->pipeline = false;
	if (PQexitPipelineMode(c) != 1 && !pd->failed) {
		map_result_error(NULL, c, &pd->error);
		pd->failed = true;
	}
}

/* Before any other use of the connection: drains the pipeline; an error it held is reported now, once. */
static enum qerr settle(struct pg_db *pd, struct qerror *err)
{
	drain(pd);
	if (!pd->failed)
		return QERR_OK;
	pd->failed = false;
	*err = pd->error;
	return err->code;
}

/* ---- placeholder rewriting ---- */

/*
 * Rewrites `?`/`?N` in sql to `$N`; *nparams gets the highest number.
 * Exposed to the unit tests through db_pg_rewrite (db_private.h).
 */
char *db_pg_rewrite(const char *sql, int *nparams)
{
	size_t n = strlen(sql);
	/* Each '?' becomes at most "$" + 5 digits. */
	char *out = malloc(n * 6 + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	int max = 0;
	for (size_t i = 0; i < n;) {
		char ch = sql[i];
		if (ch == '\'' || ch == '"') {
			/* literal or quoted identifier; a doubled quote stays inside */
			out[o++] = sql[i++];
			while (i < n) {
				if (sql[i] == ch) {
					out[o++] = sql[i++];
					if (i < n && sql[i] == ch) {
						out[o++] = sql[i++];
						continue;
					}
					break;
				}
				out[o++] = sql[i++];
			}
		} else if (ch == '-' && i + 1 < n && sql[i + 1] == '-') {
			while (i < n && sql[i] != '\n')
				out[o++] = sql[i++];
		} else if (ch == '/' && i + 1 < n && sql[i + 1] == '*') {
			out[o++] = sql[i++];
			out[o++] = sql[i++];
			while (i < n && !(sql[i] == '*' && i + 1 < n && sql[i + 1] == '/'))
				out[o++] = sql[i++];
			if (i < n) {
				out[o++] = sql[i++];
				out[o++] = sql[i++];
			}
		} else if (ch == '?') {
			i++;
			int num = 0;
			if (i < n && isdigit((unsigned char)sql[i])) {
				while (i < n && isdigit((unsigned char)sql[i]) && num < 100000)
					num = num * 10 + (sql[i++] - '0');
			} else {
				num = max + 1;
			}
			if (num > max)
				max = num;
			o += (size_t)snprintf(out + o, 8, "$%d", num);
		} else {
			out[o++] = sql[i++];
		}
	}
	out[o] = 0;
	*nparams = max;
	return out;
}

/* ---- errors ---- */

static enum qerr map_result_error(const PGresult *res, PGconn *c, struct qerror *err)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(c);
	char m[256];
	snprintf(m, sizeof m, "%s", msg && *msg ? msg : "no answer from the server");
	for (char *p = m + strlen(m); p > m && (p[-1] == '\n' || p[-1] == ' '); p--)
		p[-1] = 0;
	if (!state || PQstatus(c) == CONNECTION_BAD)
		return qerr_set(err, QERR_UNAVAILABLE, "database_busy", NULL, "database unavailable, try again: %s", m);
	if (strncmp(state, "23", 2) == 0)
		return qerr_set(err, QERR_CONFLICT, "conflict", NULL, "conflict: %s", m);
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0)
		return qerr_set(err, QERR_UNAVAILABLE, "serialization_failure", NULL,
				"database busy (concurrent update), try again");
	if (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 || strcmp(state, "57P03") == 0)
		return qerr_set(err, QERR_UNAVAILABLE, "database_busy", NULL, "database unavailable, try again: %s", m);
	return qerr_set(err, QERR_INTERNAL, "database_error", NULL, "database error: %s [%s]", m, state);
}

static const char *sqlstate(const PGresult *res)
{
	const char *s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	return s ? s : "";
}

/* ---- connections ---- */

static void notice_quiet(void *arg, const char *message) {}

static enum qerr pg_open(struct db *db, const char *path, bool create, struct qerror *err)
{
	struct pg_db *pd = calloc(1, sizeof *pd);
	if (!pd)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	pd->c = PQconnectdb(path);
	if (!pd->c || PQstatus(pd->c) != CONNECTION_OK) {
		char m[200];
		snprintf(m, sizeof m, "%s", pd->c ? PQerrorMessage(pd->c) : "out of memory");
		for (char *p = m + strlen(m); p > m && (p[-1] == '\n' || p[-1] == ' '); p--)
			p[-1] = 0;
		qerr_set(err, QERR_INVALID, "database_unavailable", "db", "cannot open database: %s", m);
		PQfinish(pd->c);
		free(pd);
		return err->code;
	}
	PQsetNoticeProcessor(pd->c, notice_quiet, NULL);
	const char *w = getenv("QILIAN_PG_WRITES");
	pd->ssi = !(w && strcmp(w, "lock") == 0);
	db->impl = pd;
	PGresult *r = PQexec(pd->c, "SET client_encoding='UTF8'; SET TIME ZONE 'UTC'; SET lock_timeout='10s'");
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		map_result_error(r, pd->c, err);
	PQclear(r);
	if (!ok) {
		PQfinish(pd->c);
		free(pd);
		db->impl = NULL;
		return err->code;
	}
	return QERR_OK;
}

static void stmt_clear_variants(struct pg_stmt *s)
{
	for (int i = 0; i < s->nvar; i++)
		free(s->var[i].types);
	s->nvar = 0;
}

static void pg_close(struct db *db)
{
	struct pg_db *pd = P(db);
	if (!pd)
		return;
	/* Statements still listed (dynamic ones the caller leaked) lose their connection. */
	for (struct pg_stmt *s = pd->stmts; s; s = s->next)
		s->pd = NULL;
	PQfinish(pd->c);
	free(pd->cbuf);
	free(pd);
}

/*
 * A lost connection (server restart, failover): reconnect; prepared
 * statements are gone with it. If it was lost inside a transaction, that
 * transaction is gone too: every statement then fails (database_busy)
 * until the caller's ROLLBACK (or a new BEGIN) acknowledges it, so the
 * rest of a half-done write never runs outside a transaction.
 */
static bool starts_with(const char *sql, const char *word)
{
	return strncasecmp(skip_ws(sql), word, strlen(word)) == 0;
}

static enum qerr ensure_connected(struct pg_db *pd, const char *sql, struct qerror *err)
{
	/* (a connection stuck in pipeline mode after a failure is as good as lost) */
	if (PQstatus(pd->c) != CONNECTION_OK || PQpipelineStatus(pd->c) != PQ_PIPELINE_OFF) {
		if (pd->in_tx)
			pd->lost_tx = true;
		pd->in_tx = false;
		PQreset(pd->c);
		defer_drop(pd); /* its server-side statement went with the old session */
		pd->nheld = 0; /* the old session's advisory locks went with it */
		for (struct pg_stmt *s = pd->stmts; s; s = s->next)
			stmt_clear_variants(s);
		pd->tx_prepared = false;
		if (PQstatus(pd->c) != CONNECTION_OK)
			return qerr_set(err, QERR_UNAVAILABLE, "database_busy", NULL, "database unavailable, try again");
		PGresult *r = PQexec(pd->c, "SET client_encoding='UTF8'; SET TIME ZONE 'UTC'; SET lock_timeout='10s'");
		PQclear(r);
	}
	if (pd->lost_tx) {
		if (starts_with(sql, "ROLLBACK") || starts_with(sql, "BEGIN"))
			pd->lost_tx = false;
		else
			return qerr_set(err, QERR_UNAVAILABLE, "database_busy", NULL,
					"the database connection was lost in the middle of a transaction; try again");
	}
	return QERR_OK;
}

/* After each command: whether a transaction is open, for ensure_connected. */
static void note_tx(struct pg_db *pd)
{
	PGTransactionStatusType t = PQtransactionStatus(pd->c);
	if (t != PQTRANS_UNKNOWN)
		pd->in_tx = t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}

/* ---- statements ---- */

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

static const char *keyword(const char *p, const char *kw)
{
	p = skip_ws(p);
	size_t n = strlen(kw);
	return strncasecmp(p, kw, n) == 0 && !(isalnum((unsigned char)p[n]) || p[n] == '_') ? p + n : NULL;
}

/*
 * A plain `INSERT INTO t(c1,...) VALUES($i,...)` (parameters only, no
 * RETURNING or ON CONFLICT) can be copied in bulk: s->copy_sql is then
 * `COPY t(c1,...) FROM STDIN` and s->copy_param the parameter of each column.
 */
static void copy_analyse(struct pg_stmt *s)
{
	const char *p = keyword(s->sql, "INSERT");
	p = p ? keyword(p, "INTO") : NULL;
	if (!p)
		return;
	p = skip_ws(p);
	const char *table = p;
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	size_t tlen = (size_t)(p - table);
	p = skip_ws(p);
	if (!tlen || *p != '(')
		return;
	const char *cols = p;
	int ncols = 1;
	for (p++; *p && *p != ')'; p++) {
		if (*p == ',')
			ncols++;
		else if (!(isalnum((unsigned char)*p) || *p == '_' || *p == ' '))
			return;
	}
	if (*p != ')')
		return;
	size_t clen = (size_t)(p + 1 - cols);
	p = keyword(p + 1, "VALUES");
	p = p ? skip_ws(p) : NULL;
	if (!p || *p != '(')
		return;
	int *param = calloc((size_t)ncols, sizeof *param);
	if (!param)
		return;
	int n = 0;
	for (p++;;) {
		p = skip_ws(p);
		if (*p != '$' || n == ncols)
			goto no;
		int v = (int)strtol(p + 1, (char **)&p, 10);
		if (v < 1 || v > s->nparams)
			goto no;
		param[n++] = v - 1;
		p = skip_ws(p);
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == ')')
			break;
		goto no;
	}
	p = skip_ws(p + 1);
	if (*p == ';')
		p = skip_ws(p + 1);
	if (*p || n != ncols)
		goto no;
	size_t need = tlen + clen + 32;
	s->copy_sql = malloc(need);
	if (!s->copy_sql)
		goto no;
	snprintf(s->copy_sql, need, "COPY %.*s%.*s FROM STDIN", (int)tlen, table, (int)clen, cols);
	s->copy_param = param;
	s->copy_ncols = ncols;
	return;
no:
	free(param);
}

static enum qerr pg_prepare(struct db *db, const char *sql, bool persistent, void **impl, struct qerror *err)
{
	struct pg_stmt *s = calloc(1, sizeof *s);
	if (!s)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	s->sql = db_pg_rewrite(sql, &s->nparams);
	size_t np = (size_t)(s->nparams ? s->nparams : 1);
	s->params = calloc(np, sizeof *s->params);
	s->types = calloc(np, sizeof *s->types);
	s->values = calloc(np, sizeof *s->values);
	s->lengths = calloc(np, sizeof *s->lengths);
	s->formats = calloc(np, sizeof *s->formats);
	if (!s->sql || !s->params || !s->types || !s->values || !s->lengths || !s->formats) {
		free(s->sql);
		free(s->params);
		free(s->types);
		free(s->values);
		free(s->lengths);
		free(s->formats);
		free(s);
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	}
	s->pd = P(db);
	s->persistent = persistent;
	/* (on a standby the BEGIN goes at once: a failure there sends the request to the primary) */
	if (strcmp(sql, db_driver_pgsql.begin_read_sql) == 0 && !db->standby)
		s->role = PR_BEGIN_READ;
	else if (strcmp(sql, db_driver_pgsql.rollback_sql) == 0)
		s->role = PR_ROLLBACK;
	s->tx_edge = s->role != PR_NONE || starts_with(sql, "BEGIN") || starts_with(sql, "COMMIT") ||
		     starts_with(sql, "ROLLBACK") || starts_with(sql, "END") || starts_with(sql, "START");
	copy_analyse(s);
	s->next = s->pd->stmts;
	if (s->next)
		s->next->prev = s;
	s->pd->stmts = s;
	*impl = s;
	return QERR_OK;
}

static void free_blobs(struct pg_stmt *s)
{
	for (int i = 0; i < s->nblob; i++) {
		if (s->blob[i])
			PQfreemem(s->blob[i]);
		s->blob[i] = NULL;
	}
	s->blob_row = -1;
}

static void pg_reset(void *impl)
{
	struct pg_stmt *s = impl;
	free_blobs(s);
	if (s->res)
		PQclear(s->res);
	s->res = NULL;
	s->executed = false;
	s->row = -1;
	s->nrows = 0;
}

static void pg_finalize(void *impl)
{
	struct pg_stmt *s = impl;
	if (!s)
		return;
	pg_reset(s);
	if (s->pd) {
		if (s->pd->deferred == s)
			defer_drop(s->pd);
		if (s->prev)
			s->prev->next = s->next;
		else
			s->pd->stmts = s->next;
		if (s->next)
			s->next->prev = s->prev;
		/* Server-side prepared statements end with the connection (db_close finalizes the cache first). */
		if (s->nvar || s->pd->copying == s)
			drain(s->pd);
		for (int i = 0; i < s->nvar; i++) {
			char q[64];
			snprintf(q, sizeof q, "DEALLOCATE %s", s->var[i].name);
			if (PQstatus(s->pd->c) == CONNECTION_OK && PQtransactionStatus(s->pd->c) != PQTRANS_INERROR)
				exec_quiet(s->pd->c, q);
		}
	}
	stmt_clear_variants(s);
	for (int i = 0; i < s->nparams; i++)
		free(s->params[i].buf);
	free(s->params);
	free(s->types);
	free(s->values);
	free(s->lengths);
	free(s->formats);
	free(s->blob);
	free(s->blob_len);
	free(s->copy_sql);
	free(s->copy_param);
	free(s->sql);
	free(s);
}

static void pg_clear_bindings(void *impl)
{
	struct pg_stmt *s = impl;
	for (int i = 0; i < s->nparams; i++)
		s->params[i].kind = PK_NULL;
}

static struct pg_param *param(struct pg_stmt *s, int idx, size_t need)
{
	if (idx < 1 || idx > s->nparams)
		return NULL;
	struct pg_param *p = &s->params[idx - 1];
	if (need + 1 > p->cap) {
		size_t cap = need + 1 < 32 ? 32 : need + 1;
		char *b = realloc(p->buf, cap);
		if (!b) {
			p->kind = PK_NULL;
			return NULL;
		}
		p->buf = b;
		p->cap = cap;
	}
	return p;
}

static void pg_bind_int64(void *impl, int idx, int64_t v)
{
	struct pg_param *p = param(impl, idx, 24);
	if (!p)
		return;
	p->len = (size_t)snprintf(p->buf, p->cap, "%lld", (long long)v);
	p->kind = PK_INT;
}

static void pg_bind_double(void *impl, int idx, double v)
{
	struct pg_param *p = param(impl, idx, 40);
	if (!p)
		return;
	p->len = (size_t)snprintf(p->buf, p->cap, "%.17g", v);
	p->kind = PK_DOUBLE;
}

static void pg_bind_null(void *impl, int idx)
{
	struct pg_stmt *s = impl;
	if (idx >= 1 && idx <= s->nparams)
		s->params[idx - 1].kind = PK_NULL;
}

static void pg_bind_text(void *impl, int idx, const char *str, size_t len, bool copy)
{
	struct pg_param *p = param(impl, idx, len);
	if (!p)
		return;
	memcpy(p->buf, str, len);
	p->buf[len] = 0;
	p->len = len;
	p->kind = PK_TEXT;
}

static void pg_bind_blob(void *impl, int idx, const void *b, size_t len, bool copy)
{
	struct pg_param *p = param(impl, idx, len);
	if (!p)
		return;
	if (len)
		memcpy(p->buf, b, len);
	p->len = len;
	p->kind = PK_BLOB;
}

static Oid type_of(const struct pg_stmt *s, int i)
{
	switch (s->params[i].kind) {
	case PK_INT:
		return s->int_untyped ? 0 : OID_INT8;
	case PK_DOUBLE:
		return s->int_untyped ? 0 : OID_FLOAT8;
	case PK_BLOB:
		return OID_BYTEA;
	case PK_TEXT:
	case PK_NULL:
	default:
		return s->params[i].as_text || s->text_typed ? OID_TEXT : 0;
	}
}

/* The N of "... parameter $N" in a server message, or 0. */
static int param_number(const PGresult *r)
{
	const char *m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	const char *p = m ? strstr(m, "parameter $") : NULL;
	return p ? (int)strtol(p + 11, NULL, 10) : 0;
}

/* Changes the sticky type choice after a type error; false when nothing is left to try. */
static bool adjust_types(struct pg_stmt *s, const PGresult *r)
{
	const char *state = sqlstate(r);
	if (strcmp(state, "42P18") == 0 || strcmp(state, "42P08") == 0) {
		/* the server could not decide parameter $N (`? IS NULL` alone, a bare `?` in a select list): text */
		int n = param_number(r);
		if (n >= 1 && n <= s->nparams && !s->params[n - 1].as_text)
			return s->params[n - 1].as_text = true;
		if (!s->text_typed)
			return s->text_typed = true;
		return false;
	}
	if (strcmp(state, "42883") == 0 || strcmp(state, "42804") == 0 || strcmp(state, "42725") == 0) {
		/* an explicit int8 met a text context (an integer bound for a text column): let the server type it */
		if (!s->int_untyped)
			return s->int_untyped = true;
		return false;
	}
	return false;
}

/*
 * The server-side statement for these parameter types, prepared on first
 * use. Inside a transaction the trial runs under a savepoint: a failed
 * prepare (a type the server could not decide) would abort the transaction.
 */
static struct pg_variant *variant(struct pg_stmt *s, const Oid *types, PGresult **fail)
{
	*fail = NULL;
	for (int i = 0; i < s->nvar; i++)
		if (s->nparams == 0 || memcmp(s->var[i].types, types, sizeof(Oid) * (size_t)s->nparams) == 0)
			return &s->var[i];
	PGconn *c = s->pd->c;
	if (s->nvar == PG_MAX_VARIANTS) {
		/* Rare: more signatures than slots. Drop the oldest. */
		char q[64];
		snprintf(q, sizeof q, "DEALLOCATE %s", s->var[0].name);
		if (PQtransactionStatus(c) != PQTRANS_INERROR)
			exec_quiet(c, q);
		free(s->var[0].types);
		memmove(&s->var[0], &s->var[1], sizeof s->var[0] * (PG_MAX_VARIANTS - 1));
		s->nvar--;
	}
	struct pg_variant *v = &s->var[s->nvar];
	snprintf(v->name, sizeof v->name, "q%u", ++s->pd->serial);
	v->types = malloc(sizeof(Oid) * (size_t)(s->nparams ? s->nparams : 1));
	if (!v->types)
		return NULL;
	if (s->nparams)
		memcpy(v->types, types, sizeof(Oid) * (size_t)s->nparams);
	bool sp = PQtransactionStatus(c) == PQTRANS_INTRANS;
	if (sp)
		exec_quiet(c, "SAVEPOINT qilian_prepare");
	PGresult *r = PQprepare(c, v->name, s->sql, s->nparams, v->types);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		if (sp)
			exec_quiet(c, "ROLLBACK TO SAVEPOINT qilian_prepare; RELEASE SAVEPOINT qilian_prepare");
		free(v->types);
		*fail = r;
		return NULL;
	}
	if (sp)
		exec_quiet(c, "RELEASE SAVEPOINT qilian_prepare");
	PQclear(r);
	s->nvar++;
	return v;
}

static bool is_change(const PGresult *r)
{
	const char *c = PQcmdStatus((PGresult *)r);
	return strncmp(c, "INSERT", 6) == 0 || strncmp(c, "UPDATE", 6) == 0 || strncmp(c, "DELETE", 6) == 0 ||
	       strncmp(c, "MERGE", 5) == 0;
}

/* A statement answered without a round trip: done, no rows. */
static int done_empty(struct pg_stmt *s)
{
	s->res = NULL;
	s->nrows = 0;
	s->row = -1;
	s->executed = true;
	s->blob_row = -1;
	return 0;
}

/* Leaves a pipeline whose sends failed part way (the connection is broken, or is reset by ensure_connected). */
static void pipeline_abandon(PGconn *c)
{
	if (PQstatus(c) == CONNECTION_OK && PQpipelineSync(c) == 1) {
		int nulls = 0;
		for (PGresult *r; nulls < 4;) {
			if (!(r = PQgetResult(c))) {
				nulls++;
				continue;
			}
			bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
			PQclear(r);
			if (sync)
				break;
		}
	}
	PQexitPipelineMode(c);
}

/* A deferred statement (db_defer) whose transaction ended or was bypassed before its first statement: lost. */
static void defer_drop(struct pg_db *pd)
{
	pd->deferred = NULL;
	if (pd->deferral == DB_DEFER_PENDING)
		pd->deferral = DB_DEFER_LOST;
}

/* Until a deferred check held, nothing but a ROLLBACK runs (db_defer). */
static enum qerr unconfirmed(struct pg_db *pd, const char *sql, struct qerror *err)
{
	if (pd->deferral != DB_DEFER_LOST || starts_with(sql, "ROLLBACK"))
		return QERR_OK;
	return qerr_set(err, QERR_UNAVAILABLE, "session_unconfirmed", NULL,
			"the deferred check did not hold; nothing runs until it is asked for");
}

/*
 * db_begin_read: the BEGIN waits for the first statement (exec_begun) when
 * the connection is between transactions (or only a ROLLBACK's answer is
 * unread). Like a BEGIN sent, it acknowledges a transaction the connection
 * lost: nothing of that one is left to refuse.
 */
static bool defer_begin(struct pg_db *pd)
{
	if (pd->begin_pending || pd->pipeline || pd->copying || pd->failed)
		return false;
	if (!pd->rollback_unread && PQstatus(pd->c) == CONNECTION_OK && PQtransactionStatus(pd->c) != PQTRANS_IDLE)
		return false; /* a transaction is open: BEGIN goes to the server, as it always did (a warning) */
	pd->begin_pending = true;
	pd->lost_tx = false;
	pd->in_tx = false;
	return true;
}

/*
 * db_rollback: nothing to send if the BEGIN is still pending; otherwise the
 * ROLLBACK goes in pipeline mode and its answer is read by the next use
 * (collect). false: run it the usual way.
 */
static bool rollback_quick(struct pg_db *pd)
{
	defer_drop(pd);
	if (pd->begin_pending) {
		pd->begin_pending = false;
		return true;
	}
	PGconn *c = pd->c;
	/* (a transaction holding hot-row locks waits for its ROLLBACK: the unlock follows at once) */
	if (pd->pipeline || pd->copying || pd->failed || pd->lost_tx || pd->rollback_unread || pd->nheld ||
	    PQstatus(c) != CONNECTION_OK)
		return false;
	PGTransactionStatusType t = PQtransactionStatus(c);
	if ((t != PQTRANS_INTRANS && t != PQTRANS_INERROR) || PQenterPipelineMode(c) != 1)
		return false;
	if ((pd->tx_prepared ? PQsendQueryPrepared(c, "qrollback", 0, NULL, NULL, NULL, 0)
			     : PQsendQueryParams(c, db_driver_pgsql.rollback_sql, 0, NULL, NULL, NULL, NULL, 0)) != 1 ||
	    PQpipelineSync(c) != 1) {
		pipeline_abandon(c);
		return false;
	}
	pd->rollback_unread = true;
	pd->in_tx = false;
	return true;
}

/* The first result of the next command of a pipeline (the rest dropped), up to its end. */
static PGresult *take(PGconn *c)
{
	PGresult *first = NULL;
	for (PGresult *r; (r = PQgetResult(c));) {
		if (!first)
			first = r;
		else
			PQclear(r);
	}
	return first;
}

/*
 * The pending BEGIN, a deferred statement (db_defer) and s's server-side
 * statement `name` in one round trip; a failed BEGIN is the answer.
 */
static PGresult *exec_begun(struct pg_db *pd, struct pg_stmt *s, const char *name)
{
	PGconn *c = pd->c;
	int n = s->nparams;
	pd->begin_pending = false;
	struct pg_stmt *d = pd->deferred;
	struct pg_variant *dv = pd->deferred_v;
	pd->deferred = NULL;
	if (d == s)
		d = NULL; /* (not the case db_defer serves: it is run as any first statement) */
	if (!pd->tx_prepared && PQtransactionStatus(c) == PQTRANS_IDLE) {
		/* once per connection, outside any transaction: neither can fail but for a lost connection */
		PGresult *b = PQprepare(c, "qbegin", db_driver_pgsql.begin_read_sql, 0, NULL);
		PGresult *r = PQresultStatus(b) == PGRES_COMMAND_OK
				  ? PQprepare(c, "qrollback", db_driver_pgsql.rollback_sql, 0, NULL)
				  : NULL;
		pd->tx_prepared = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(b);
		PQclear(r);
	}
	if (PQenterPipelineMode(c) != 1) {
		pd->deferral = d ? DB_DEFER_LOST : pd->deferral;
		PGresult *b = PQexec(c, db_driver_pgsql.begin_read_sql);
		if (PQresultStatus(b) != PGRES_COMMAND_OK)
			return b;
		PQclear(b);
		return PQexecPrepared(c, name, n, s->values, s->lengths, s->formats, 0);
	}
	if ((pd->tx_prepared ? PQsendQueryPrepared(c, "qbegin", 0, NULL, NULL, NULL, 0)
			     : PQsendQueryParams(c, db_driver_pgsql.begin_read_sql, 0, NULL, NULL, NULL, NULL, 0)) != 1 ||
	    (d && PQsendQueryPrepared(c, dv->name, d->nparams, d->values, d->lengths, d->formats, 0) != 1) ||
	    PQsendQueryPrepared(c, name, n, s->values, s->lengths, s->formats, 0) != 1 || PQpipelineSync(c) != 1) {
		pipeline_abandon(c);
		if (d)
			pd->deferral = DB_DEFER_LOST;
		return NULL; /* reported from the connection's error message */
	}
	PGresult *b = take(c), *dr = d ? take(c) : NULL, *r = take(c);
	for (PGresult *x; (x = PQgetResult(c));) {
		bool sync = PQresultStatus(x) == PGRES_PIPELINE_SYNC;
		PQclear(x);
		if (sync)
			break;
	}
	PQexitPipelineMode(c);
	if (d) {
		/* the check reads its rows before anyone reads s's; an error (or the BEGIN's) loses it */
		struct qerror ignored = {0};
		bool ok = PQresultStatus(b) == PGRES_COMMAND_OK && PQresultStatus(dr) == PGRES_TUPLES_OK;
		if (!ok)
			PQclear(dr);
		pd->deferral = ok && adopt(d, dr, &ignored) == 0 && pd->deferred_check(pd->deferred_arg)
				   ? DB_DEFER_CONFIRMED
				   : DB_DEFER_LOST;
		pg_reset(d);
	}
	if (PQresultStatus(b) != PGRES_COMMAND_OK) {
		PQclear(r);
		return b;
	}
	PQclear(b);
	return r;
}

/*
 * The server-side statement for s's current bindings (its arrays filled for
 * libpq), prepared on first use; NULL with *fail the server's refusal, or
 * with *fail NULL when out of memory.
 */
static struct pg_variant *resolve(struct pg_stmt *s, PGresult **fail)
{
	int n = s->nparams;
	for (int attempt = 0; attempt < 4 + n; attempt++) {
		for (int i = 0; i < n; i++) {
			struct pg_param *p = &s->params[i];
			s->types[i] = type_of(s, i);
			s->values[i] = p->kind == PK_NULL ? NULL : p->buf;
			s->lengths[i] = (int)p->len;
			s->formats[i] = p->kind == PK_BLOB ? 1 : 0;
		}
		struct pg_variant *v = variant(s, s->types, fail);
		if (v || !*fail || !adjust_types(s, *fail))
			return v;
		PQclear(*fail);
		*fail = NULL;
	}
	return NULL;
}

/* Takes r as s's answer: its rows (read by pg_step), or the error it is (0, or -1 with err filled). */
static int adopt(struct pg_stmt *s, PGresult *r, struct qerror *err)
{
	struct pg_db *pd = s->pd;
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		map_result_error(r, pd->c, err);
		if (*sqlstate(r) == 0 || strcmp(err->slug, "database_error") == 0)
			log_error("postgresql: %s in: %.300s", err->message, s->sql);
		PQclear(r);
		return -1;
	}
	if (is_change(r)) {
		const char *t = PQcmdTuples(r);
		pd->changes = *t ? strtoll(t, NULL, 10) : 0;
	}
	s->res = r;
	s->nrows = st == PGRES_TUPLES_OK ? PQntuples(r) : 0;
	s->row = -1;
	s->executed = true;
	int nf = PQnfields(r);
	if (nf > s->nblob) {
		unsigned char **b = realloc(s->blob, sizeof *b * (size_t)nf);
		if (b)
			s->blob = b;
		size_t *bl = b ? realloc(s->blob_len, sizeof *bl * (size_t)nf) : NULL;
		if (bl)
			s->blob_len = bl;
		if (b && bl) {
			for (int i = s->nblob; i < nf; i++)
				s->blob[i] = NULL;
			s->nblob = nf;
		}
	}
	s->blob_row = -1;
	return 0;
}

static int execute(struct pg_stmt *s, struct qerror *err)
{
	struct pg_db *pd = s->pd;
	if ((s->role == PR_BEGIN_READ && defer_begin(pd)) || (s->role == PR_ROLLBACK && rollback_quick(pd)))
		return done_empty(s);
	if (s->tx_edge || !pd->begin_pending)
		defer_drop(pd); /* only the transaction's first statement takes it along */
	if (unconfirmed(pd, s->sql, err) || settle(pd, err) || ensure_connected(pd, s->sql, err))
		return -1;
	PGresult *r;
	struct pg_variant *v = resolve(s, &r);
	if (!v && !r) {
		qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		return -1;
	}
	if (v)
		r = pd->begin_pending
			? exec_begun(pd, s, v->name)
			: PQexecPrepared(pd->c, v->name, s->nparams, s->values, s->lengths, s->formats, 0);
	note_tx(pd);
	if (unconfirmed(pd, s->sql, err)) {
		PQclear(r); /* the check that went with it did not hold: this answer is not for the caller */
		return -1;
	}
	return adopt(s, r, err);
}

static int pg_step(struct db *db, void *impl, struct qerror *err)
{
	struct pg_stmt *s = impl;
	if (!s->executed && execute(s, err) < 0) {
		pg_reset(s);
		return -1;
	}
	free_blobs(s);
	if (s->row + 1 < s->nrows) {
		s->row++;
		return DB_ROW;
	}
	s->row = s->nrows;
	return DB_DONE;
}

static bool on_row(const struct pg_stmt *s, int col)
{
	return s->res && s->row >= 0 && s->row < s->nrows && col >= 0 && col < PQnfields(s->res);
}

static const char *pg_col_text(void *impl, int col)
{
	struct pg_stmt *s = impl;
	if (!on_row(s, col) || PQgetisnull(s->res, s->row, col))
		return NULL;
	return PQgetvalue(s->res, s->row, col);
}

static int64_t pg_col_int64(void *impl, int col)
{
	const char *t = pg_col_text(impl, col);
	if (!t)
		return 0;
	if (t[0] == 't' && t[1] == 0)
		return 1;
	if (t[0] == 'f' && t[1] == 0)
		return 0;
	return strtoll(t, NULL, 10);
}

static double pg_col_double(void *impl, int col)
{
	const char *t = pg_col_text(impl, col);
	if (!t)
		return 0;
	if (t[0] == 't' && t[1] == 0)
		return 1;
	return strtod(t, NULL);
}

static bool pg_col_is_null(void *impl, int col)
{
	struct pg_stmt *s = impl;
	return !on_row(s, col) || PQgetisnull(s->res, s->row, col);
}

static bool decode_blob(struct pg_stmt *s, int col)
{
	if (!on_row(s, col) || col >= s->nblob || PQftype(s->res, col) != OID_BYTEA)
		return false;
	if (!s->blob[col]) {
		size_t len = 0;
		s->blob[col] = PQunescapeBytea((const unsigned char *)PQgetvalue(s->res, s->row, col), &len);
		s->blob_len[col] = len;
	}
	return s->blob[col] != NULL;
}

static const void *pg_col_blob(void *impl, int col)
{
	struct pg_stmt *s = impl;
	if (pg_col_is_null(s, col))
		return NULL;
	if (decode_blob(s, col))
		return s->blob[col];
	return PQgetvalue(s->res, s->row, col);
}

static size_t pg_col_bytes(void *impl, int col)
{
	struct pg_stmt *s = impl;
	if (pg_col_is_null(s, col))
		return 0;
	if (decode_blob(s, col))
		return s->blob_len[col];
	return (size_t)PQgetlength(s->res, s->row, col);
}

static enum qerr pg_exec(struct db *db, const char *sql, struct qerror *err)
{
	struct pg_db *pd = P(db);
	defer_drop(pd);
	if (unconfirmed(pd, sql, err) || settle(pd, err) || ensure_connected(pd, sql, err))
		return err->code;
	if (pd->begin_pending) {
		/* a pending BEGIN goes first (rare: db_exec inside a read transaction) */
		pd->begin_pending = false;
		PGresult *b = PQexec(pd->c, db_driver_pgsql.begin_read_sql);
		note_tx(pd);
		enum qerr brc = PQresultStatus(b) == PGRES_COMMAND_OK ? QERR_OK : map_result_error(b, pd->c, err);
		PQclear(b);
		if (brc)
			return brc;
	}
	PGresult *r = PQexec(pd->c, sql);
	note_tx(pd);
	ExecStatusType st = PQresultStatus(r);
	enum qerr rc = QERR_OK;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY)
		rc = map_result_error(r, pd->c, err);
	else if (is_change(r))
		pd->changes = *PQcmdTuples(r) ? strtoll(PQcmdTuples(r), NULL, 10) : 0;
	PQclear(r);
	return rc;
}

static bool pg_in_transaction(struct db *db)
{
	if (P(db)->begin_pending)
		return true;
	if (P(db)->rollback_unread)
		return false; /* nothing was sent after it */
	drain(P(db));
	if (P(db)->lost_tx)
		return true; /* so that db_rollback acknowledges it */
	PGTransactionStatusType t = PQtransactionStatus(P(db)->c);
	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

static int64_t pg_changes(struct db *db)
{
	drain(P(db));
	return P(db)->changes;
}

/* db_bulk_begin: a statement whose server-side form exists is sent in pipeline mode, its answer read later. */
static int pg_send(struct db *db, void *impl, struct qerror *err)
{
	struct pg_stmt *s = impl;
	struct pg_db *pd = P(db);
	defer_drop(pd);
	if (unconfirmed(pd, s->sql, err))
		return -1;
	collect(pd);
	if (pd->failed || pd->lost_tx || pd->begin_pending || PQstatus(pd->c) != CONNECTION_OK)
		return 0;
	if (s->copy_sql) {
		if (pd->copying != s) {
			drain(pd);
			if (pd->failed)
				return 0; /* db_run's own step reports it */
			PGresult *r = PQexec(pd->c, s->copy_sql);
			bool in = PQresultStatus(r) == PGRES_COPY_IN;
			PQclear(r);
			if (!in) {
				for (PGresult *x; (x = PQgetResult(pd->c));)
					PQclear(x);
				return 0;
			}
			pd->copying = s;
		}
		if (!copy_row(pd, s)) {
			qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
			return -1;
		}
		if (pd->clen >= 1 << 16)
			copy_flush(pd);
		return 1;
	}
	if (pd->copying)
		drain(pd);
	int n = s->nparams;
	for (int i = 0; i < n; i++) {
		struct pg_param *p = &s->params[i];
		s->types[i] = type_of(s, i);
		s->values[i] = p->kind == PK_NULL ? NULL : p->buf;
		s->lengths[i] = (int)p->len;
		s->formats[i] = p->kind == PK_BLOB ? 1 : 0;
	}
	struct pg_variant *v = NULL;
	for (int i = 0; i < s->nvar && !v; i++)
		if (n == 0 || memcmp(s->var[i].types, s->types, sizeof(Oid) * (size_t)n) == 0)
			v = &s->var[i];
	if (!v)
		return 0; /* the first run prepares it the usual way */
	if (!pd->pipeline) {
		if (PQenterPipelineMode(pd->c) != 1)
			return 0;
		pd->pipeline = true;
	}
	if (PQsendQueryPrepared(pd->c, v->name, n, s->values, s->lengths, s->formats, 0) != 1) {
		drain(pd);
		return settle(pd, err) ? -1 : (map_result_error(NULL, pd->c, err), -1);
	}
	if (++pd->queued >= PG_PIPELINE_MAX) {
		drain(pd);
		if (pd->failed)
			return settle(pd, err), -1;
	}
	return 1;
}

static enum qerr pg_flush(struct db *db, struct qerror *err) { return settle(P(db), err); }

/*
 * A write transaction (docs/operations.md, "Isolation on PostgreSQL"): by
 * default SERIALIZABLE, writers of different rows concurrent, a lost
 * conflict retryable (serialization_failure: the server runs the whole
 * request again). A hot row every writer of a kind reads then writes (a
 * change counter, the finance chain head) would make concurrent writers of
 * that kind lose to each other over and over; db_hot names it, and the
 * transaction then starts only after a session advisory lock per name
 * (class PG_HOT_LOCK, taken in ascending key order, so two writers never
 * wait for each other's): a lock taken inside the transaction would come
 * after its snapshot, and the waiter would still lose once it got the row.
 * The locks go after the COMMIT or ROLLBACK (pg_end_write).
 *
 * QILIAN_PG_WRITES=lock: READ COMMITTED under one transaction-scoped
 * advisory lock that every writer of the database takes first - writers
 * run one at a time, as SQLite's BEGIN IMMEDIATE makes them, and each
 * statement sees every earlier commit.
 */
#define PG_WRITE_LOCK "7451001"
#define PG_HOT_LOCK "7451002"

static uint32_t hot_key(const char *name)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

/* Adds key to the sorted set k[0..*n), once. */
static void hot_add(uint32_t *k, int *n, uint32_t key)
{
	int i = 0;
	while (i < *n && k[i] < key)
		i++;
	if ((i < *n && k[i] == key) || *n == PG_HOT_MAX)
		return;
	memmove(k + i + 1, k + i, (size_t)(*n - i) * sizeof *k);
	k[i] = key;
	(*n)++;
}

static void pg_hot(struct db *db, const char *name)
{
	struct pg_db *pd = P(db);
	uint32_t key = hot_key(name);
	if (!pd->ssi)
		return;
	for (int i = 0; i < pd->nheld; i++)
		if (pd->held[i] == key)
			return;
	hot_add(pd->want, &pd->nwant, key);
}

/* One statement per lock, run in order: "SELECT pg_advisory_[un]lock(class,key);..." */
static void hot_sql(char *sql, size_t size, const char *fn, const uint32_t *k, int n)
{
	size_t o = 0;
	sql[0] = 0;
	for (int i = 0; i < n && o < size; i++)
		o += (size_t)snprintf(sql + o, size - o, "SELECT %s(" PG_HOT_LOCK ",%d);", fn, (int)(int32_t)k[i]);
}

static void hot_release(struct pg_db *pd)
{
	if (!pd->nheld)
		return;
	char sql[PG_HOT_MAX * 48];
	hot_sql(sql, sizeof sql, "pg_advisory_unlock", pd->held, pd->nheld);
	if (PQstatus(pd->c) == CONNECTION_OK && PQtransactionStatus(pd->c) == PQTRANS_IDLE)
		exec_quiet(pd->c, sql);
	pd->nheld = 0;
}

static enum qerr pg_begin_write(struct db *db, struct qerror *err)
{
	struct pg_db *pd = P(db);
	defer_drop(pd);
	if (unconfirmed(pd, "BEGIN", err))
		return err->code;
	if (!pd->ssi)
		return pg_exec(
		    db, "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(" PG_WRITE_LOCK ")", err);
	collect(pd); /* the answer of a ROLLBACK sent without waiting: the connection is idle after it */
	if (pd->nwant && !pd->nheld && PQtransactionStatus(pd->c) == PQTRANS_IDLE) {
		char sql[PG_HOT_MAX * 48];
		hot_sql(sql, sizeof sql, "pg_advisory_lock", pd->want, pd->nwant);
		memcpy(pd->held, pd->want, sizeof pd->held);
		pd->nheld = pd->nwant;
		pd->nwant = 0;
		enum qerr rc = pg_exec(db, sql, err);
		if (rc) {
			hot_release(pd); /* the ones it got before the failure; a lost connection took them all */
			return rc;
		}
	}
	enum qerr rc = pg_exec(db, "BEGIN ISOLATION LEVEL SERIALIZABLE", err);
	if (rc)
		hot_release(pd);
	return rc;
}

/*
 * After the transaction the hot locks go. The names db_touch added while it ran (rows it had not
 * named up front) stay wanted after a rollback, so that the next try queues for them; a path's
 * own db_hot calls name the rest again. A commit forgets them.
 */
static void pg_end_write(struct db *db, bool committed)
{
	struct pg_db *pd = P(db);
	if (committed)
		pd->nwant = 0;
	if (PQtransactionStatus(pd->c) == PQTRANS_IDLE)
		hot_release(pd);
}

static void pg_reset_busy(struct db *db)
{
	for (struct pg_stmt *s = P(db)->stmts; s; s = s->next)
		if (s->res)
			pg_reset(s);
}

/* db_defer (see "Round trips" above): only right after db_begin_read, before any statement of its transaction. */
static bool pg_defer(struct db *db, void *impl, bool (*check)(void *arg), void *arg)
{
	struct pg_db *pd = P(db);
	struct pg_stmt *s = impl;
	if (!pd->begin_pending || pd->deferred || pd->pipeline || pd->copying || s->executed)
		return false;
	struct qerror e = {0};
	if (settle(pd, &e) || ensure_connected(pd, s->sql, &e))
		return false;
	PGresult *fail;
	struct pg_variant *v = resolve(s, &fail); /* (prepared now if need be: the transaction has not begun) */
	if (!v) {
		PQclear(fail);
		return false;
	}
	pd->deferred = s;
	pd->deferred_v = v;
	pd->deferred_check = check;
	pd->deferred_arg = arg;
	pd->deferral = DB_DEFER_PENDING;
	return true;
}

/* db_deferred: what became of it, forgotten; a pending one is the caller's to run now, as the first statement. */
static enum db_deferral pg_deferred(struct db *db)
{
	struct pg_db *pd = P(db);
	enum db_deferral d = pd->deferral;
	pd->deferred = NULL;
	pd->deferral = DB_DEFER_NONE;
	return d;
}

/*
 * PostgreSQL's full-text columns hold the words our tokenizer produced,
 * computed in C by the domain (a tsvector literal of exact lexemes), so the
 * driver only remembers the tokenizer for db_fts_terms.
 */
static enum qerr pg_register_tokenizer(struct db *db, const struct db_tokenizer *t, struct qerror *err)
{
	P(db)->tok = t;
	return QERR_OK;
}

const struct db_driver db_driver_pgsql = {
    .name = "postgresql",
    /* See docs/operations.md: writes serialisable (or under the write lock), reads one snapshot. */
    .begin_write_sql = "BEGIN ISOLATION LEVEL SERIALIZABLE",
    .begin_read_sql = "BEGIN ISOLATION LEVEL REPEATABLE READ",
    .commit_sql = "COMMIT",
    .rollback_sql = "ROLLBACK",
    .open = pg_open,
    .close = pg_close,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .reset = pg_reset,
    .clear_bindings = pg_clear_bindings,
    .bind_int64 = pg_bind_int64,
    .bind_double = pg_bind_double,
    .bind_null = pg_bind_null,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .step = pg_step,
    .col_int64 = pg_col_int64,
    .col_double = pg_col_double,
    .col_is_null = pg_col_is_null,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
    .col_bytes = pg_col_bytes,
    .exec = pg_exec,
    .in_transaction = pg_in_transaction,
    .changes = pg_changes,
    .reset_busy = pg_reset_busy,
    .register_tokenizer = pg_register_tokenizer,
    .send = pg_send,
    .flush = pg_flush,
    .begin_write = pg_begin_write,
    .hot = pg_hot,
    .end_write = pg_end_write,
    .defer = pg_defer,
    .deferred = pg_deferred,
};
