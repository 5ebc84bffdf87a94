/*
 * test_finance_sim.c - a deterministic simulation of the finance domain
 * (src/finance) in one process, in the manner of FoundationDB's simulator
 * and SQLite's fault tests: a seed drives everything (which actor does
 * what, which faults strike where, how the clock moves), so any failing
 * seed replays exactly.
 *
 * One seed: a copy of a prepared database (a chain leader that issues, four
 * SME suppliers buying from one another, a bank), then QILIAN_SIM_OPS_PER_SEED
 * steps. A step is an operation through finance_write as its actor with an
 * Idempotency-Key (issue, accept, refuse, split, transfer and its answers,
 * discount, withdraw, approve, reject, limits, settle, sweep), an illegal one
 * whose exact error is known, a replay of an acknowledged request, a move of
 * the finance clock (finance_clock_set), or a crash between operations (the
 * connection closed and the database reopened). While an operation runs,
 * faults are injected at the store seam (db_fault_set): a failed statement or
 * commit, a busy database, a crash mid-transaction (the connection lost, the
 * transaction gone), a commit whose answer is lost. The client then does what
 * a real one does: reopens if the connection is gone and retries with the same
 * key until it has an answer, so a write applies once whatever struck it.
 *
 * A model of what every answer implies (certificates, live pieces with their
 * ranges, holders and states, transfers, applications, the limit used, every
 * organisation's five ledger balances, the number of logged operations) is
 * checked after every step against the domain: finance_verify passes (pieces
 * partition each root, postings balance, balances match postings and pieces,
 * the hash chain, limits, pending states), every organisation's balances are
 * what the model says, and the platform as a whole creates and loses no fen
 * (receivables = payables = what the model says is outstanding; cash and
 * interest sum to zero). Legal operations must succeed, illegal ones fail
 * with their code, a store error the domain hides or a fault it succeeds
 * past is a failure.
 *
 * Environment: QILIAN_SIM_SEED=N replays one seed (the failure message names
 * it); QILIAN_SIM_SEEDS (default 500; 100 under ASan) and QILIAN_SIM_OPS_PER_SEED (default
 * 200) set the volume (CI: 100,000 operations), QILIAN_SIM_FAULTS the faults
 * per thousand calls (default 5), QILIAN_SIM_VERIFY_EVERY how often (in
 * steps) finance_verify runs (default 1: every step).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/money.h"
#include "base/qdate.h"
#include "base/qtime.h"
#include "base/rng.h"
#include "chainmap/chain.h"
#include "chainmap/chainmap.h"
#include "finance/finance.h"
#include "platform/idempotency.h"
#include "registry/uscc.h"
#include "store/db.h"
#include "testkit.h"

enum { E_ISSUER, E_A, E_B, E_C, E_D, N_ENT, H_BANK = N_ENT, N_HOLD };
enum { ACC_RECEIVABLE, ACC_PAYABLE, ACC_CASH, ACC_INT_EXP, ACC_INT_INC, N_ACC };
static const char *const acc_names[N_ACC] = {"receivable", "payable", "cash", "interest_expense", "interest_income"};
static const char *const ent_names[N_ENT] = {"sim issuer", "A", "B", "C", "D"};

/* Who buys from whom (a recorded chain-map relation). */
static const int suppliers[N_ENT][3] = {
    [E_ISSUER] = {E_A, E_B, -1}, [E_A] = {E_B, E_C, -1}, [E_B] = {E_C, E_D, -1},
    [E_C] = {E_D, -1, -1},	 [E_D] = {E_A, -1, -1},
};

enum cstate { C_ISSUED, C_ACTIVE, C_REFUSED, C_SETTLED };
enum pstate { P_HELD, P_PEND_T, P_PEND_D, P_DISC, P_SETTLED, P_SPLIT, P_TRANSFERRED };
enum xstate { X_PENDING, X_DONE };
static const char *const pstate_names[] = {"held",  "pending_transfer", "pending_discount", "discounted", "settled",
					   "split", "transferred"};

#define MAX_CERTS 2048
#define MAX_PIECES 16384
#define MAX_TRANSFERS 8192
#define MAX_APPS 4096
#define MAX_ACKED 8192
#define TRACE 24

struct mcert {
	int64_t id, face, maturity; /* maturity in days since 1970 */
	char mat[QDATE_TEXT_LEN];
	int payee;
	long inv; /* its invoice is INV-<seed>-<inv> */
	enum cstate state;
	bool flagged;
};
struct mpiece {
	int64_t id, lo, hi;
	int cert, holder;
	enum pstate state;
};
struct mtransfer {
	int64_t id, amount;
	int piece, from, to;
	enum xstate state;
};
struct mapp {
	int64_t id, amount, expires;
	int applicant, pieces[3], n;
	enum xstate state;
	bool expired; /* effectively expired: the next successful write records it */
};
/* An acknowledged write, kept for replays: its request and its answer. */
struct acked {
	int who;
	enum finance_op op;
	int64_t id;
	char key[40];
	char *body;   /* request body text */
	char *answer; /* answer JSON, compact, sorted */
};

struct sim {
	/* the world (the same for every seed) */
	char tmpl[96];
	struct actor act[N_HOLD], op;
	char uscc[N_ENT][USCC_LEN + 1];
	int64_t org[N_HOLD];
	/* one seed */
	struct testdb t;
	uint64_t seed;
	struct rng rng, frng;
	int fault_permille, verify_every;
	bool armed;
	struct db_faults faults;
	char last_fault[240]; /* the last fault injected: where and what */
	int64_t now;
	long step, nkey;
	/* the model */
	struct mcert certs[MAX_CERTS];
	struct mpiece pieces[MAX_PIECES];
	struct mtransfer transfers[MAX_TRANSFERS];
	struct mapp apps[MAX_APPS];
	struct acked acked[MAX_ACKED];
	int ncerts, npieces, ntransfers, napps, nacked;
	int64_t bal[N_HOLD][N_ACC];
	int64_t limit, used, ops_logged, ops_base;
	int unlogged_expiries;
	/* what happened */
	long n_ok, n_refused, n_replays, n_faults, n_crashes, n_reopens, n_retries, n_settled, n_approved;
	char trace[TRACE][200];
};

static struct sim *S; /* for the fault hook and the failure report */

/* ---- failing with the seed ---- */

static void sim_report(struct sim *s)
{
	fprintf(stderr, "\nfinance simulation failed: QILIAN_SIM_SEED=%llu (step %ld of seed %llu); last steps:\n",
		(unsigned long long)s->seed, s->step, (unsigned long long)s->seed);
	for (int i = 0; i < TRACE; i++) {
		const char *line = s->trace[(s->step + 1 + i) % TRACE];
		if (*line)
			fprintf(stderr, "  %s\n", line);
	}
}

#define SIM_FAIL(s, ...)                                                                                               \
	do {                                                                                                           \
		sim_report(s);                                                                                         \
		fail_msg(__VA_ARGS__);                                                                                 \
	} while (0)
#define SIM_CHECK(s, cond, ...)                                                                                        \
	do {                                                                                                           \
		if (!(cond))                                                                                           \
			SIM_FAIL(s, __VA_ARGS__);                                                                      \
	} while (0)

static void trace(struct sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void trace(struct sim *s, const char *fmt, ...)
{
	char *line = s->trace[s->step % TRACE];
	int n = snprintf(line, sizeof s->trace[0], "#%ld ", s->step);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof s->trace[0] - (size_t)n, fmt, ap);
	va_end(ap);
}

/* ---- the clock and the faults ---- */

static int64_t sim_clock(void *ctx)
{
	return ((struct sim *)ctx)->now;
}

static int64_t today_of(int64_t now)
{
	struct qdate d;
	assert_true(qdate_shanghai_of(now, &d, NULL));
	return qdate_to_days(d);
}
static int64_t sim_today(struct sim *s)
{
	return today_of(s->now);
}

static void date_text(int64_t days, char out[QDATE_TEXT_LEN])
{
	struct qdate d;
	assert_true(qdate_from_days(days, &d));
	qdate_format(d, out);
}

static enum db_fault_action sim_decide(void *ctx, struct db *db, enum db_fault_point at, const char *sql)
{
	struct sim *s = ctx;
	(void)db;
	if (!s->armed || (int)rng_below(&s->frng, 1000) >= s->fault_permille)
		return DB_FAULT_NONE;
	uint64_t r = rng_below(&s->frng, 100);
	enum db_fault_action a = r < 30				  ? DB_FAULT_ERROR
				 : r < 60			  ? DB_FAULT_BUSY
				 : (r < 80 || at != DB_AT_COMMIT) ? DB_FAULT_CRASH
								  : DB_FAULT_LOST_ACK;
	static const char *const what[] = {"none", "error", "busy", "crash", "lost answer", "abort"};
	static const char *const where[] = {"begin", "step", "commit"};
	snprintf(s->last_fault, sizeof s->last_fault, "%s at %s of %.200s", what[a], where[at],
		 sql ? sql : "(dynamic SQL)");
	return a;
}

static void sim_open(struct sim *s)
{
	struct qerror e = {0};
	s->t.db = db_open(s->t.path, false, &e);
	SIM_CHECK(s, s->t.db, "reopen %s: %s", s->t.path, e.message);
}

/* A crash and restart: the connection goes (with anything uncommitted), a new one opens. */
static void sim_reopen(struct sim *s)
{
	db_close(s->t.db);
	sim_open(s);
	s->n_reopens++;
}

/* ---- the world ---- */

static void make_world(struct sim *s)
{
	struct testdb *t = &s->t;
	assert_true(testdb_open(t, "finsim"));
	struct db *db = t->db;
	struct qerror e = {0};
	actor_cli(&s->op);
	testkit_org(db, "苏州市中小企业服务中心", "operator", NULL);
	s->org[E_ISSUER] = testkit_org_actor(db, &s->act[E_ISSUER], 201, "模拟链主整车有限公司", ORG_LARGE, ROLE_ADMIN);
	static const char *const sme_names[] = {"模拟电机甲有限公司", "模拟轴承乙有限公司", "模拟磁材丙有限公司",
						"模拟线材丁有限公司"};
	for (int i = E_A; i < N_ENT; i++)
		s->org[i] = testkit_org_actor(db, &s->act[i], 201 + i, sme_names[i - E_A], ORG_SME, ROLE_ADMIN);
	s->org[H_BANK] = testkit_org_actor(db, &s->act[H_BANK], 210, "模拟银行苏州分行", ORG_BANK, ROLE_ADMIN);
	for (int i = 0; i < N_ENT; i++) {
		uscc_generate("320583", 91000 + (uint64_t)i, s->uscc[i]);
		testkit_enterprise(db, &s->act[i], s->uscc[i], "%s%s,320583,36,%d,20000,15000,none",
				   i == E_ISSUER ? "模拟链主" : "模拟供应商", ent_names[i], i == E_ISSUER ? 3000 : 120);
	}
	if (chain_upsert(db, &s->op, "simnev", "模拟新能源汽车产业链", "Simulated NEV", &e))
		fail_msg("chain: %s", e.message);
	json_t *out = NULL;
	if (chainmap_segment_put(db, &s->op, "simnev", "motor", "驱动电机", NULL, &out, &e))
		fail_msg("segment: %s", e.message);
	json_decref(out);
	for (int b = 0; b < N_ENT; b++)
		for (int k = 0; k < 3 && suppliers[b][k] >= 0; k++) {
			out = NULL;
			if (chainmap_relation_put(db, &s->act[b], s->uscc[b], s->uscc[suppliers[b][k]], "simnev",
						  "motor", 100000000, &out, &e))
				fail_msg("relation %d->%d: %s", b, suppliers[b][k], e.message);
			json_decref(out);
		}
	snprintf(s->tmpl, sizeof s->tmpl, "%s", t->path);
	db_close(t->db);
	t->db = NULL;
}

/* A fresh copy of the prepared database for one seed. */
static void copy_world(struct sim *s)
{
	/* tmpfs when there is one: the crashes are in-process, durability on disk would only cost time */
	snprintf(s->t.dir, sizeof s->t.dir, "%s/qilian-test-finsim-XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	assert_non_null(mkdtemp(s->t.dir));
	snprintf(s->t.path, sizeof s->t.path, "%s/qilian.db", s->t.dir);
	FILE *in = fopen(s->tmpl, "rb"), *out = fopen(s->t.path, "wb");
	assert_non_null(in);
	assert_non_null(out);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	fclose(out);
	sim_open(s);
}

/* ---- running one operation as a client does ---- */

struct outcome {
	enum qerr rc;
	const char *slug; /* expected error slug, NULL for success */
	const char *alt;  /* another acceptable slug (403 vs 404 of a party), or NULL */
};

static bool store_error(const struct qerror *e)
{
	return strcmp(e->slug, "database_error") == 0 || strcmp(e->slug, "database_busy") == 0 ||
	       strcmp(e->slug, "connection_lost") == 0;
}

static char *dump(const json_t *j)
{
	return json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
}

/*
 * Runs op as who with the body text under key: faults armed, retried with
 * the same key after store errors (reopening when the connection is lost),
 * the last attempts without faults. Returns the final code; *out the answer.
 */
static enum qerr sim_run(struct sim *s, int who, enum finance_op op, int64_t id, const char *body_text, const char *key,
			 json_t **out, struct qerror *e)
{
	const struct actor *a = who < 0 ? &s->op : &s->act[who];
	json_t *body = NULL;
	enum qerr rc = finance_decode(op, body_text, strlen(body_text), &body, e);
	if (rc)
		return rc;
	struct idempotency idem;
	char path[64];
	snprintf(path, sizeof path, "/sim/%s/%lld", finance_op_names[op], (long long)id);
	SIM_CHECK(s, idempotency_prepare_json(&idem, key, "POST", path, body, e) == QERR_OK, "key %s: %s", key,
		  e->message);
	for (int attempt = 0;; attempt++) {
		int status = 0;
		long before = s->faults.injected;
		*out = NULL;
		qerr_clear(e);
		s->armed = attempt < 6;
		rc = finance_write(s->t.db, a, &idem, op, id, body, out, &status, e);
		s->armed = false;
		bool injected = s->faults.injected != before;
		if (injected)
			s->n_faults++;
		if (db_fault_lost(s->t.db)) {
			s->n_crashes++;
			sim_reopen(s);
		}
		if (rc && injected && store_error(e)) {
			s->n_retries++;
			continue;
		}
		SIM_CHECK(s, !(rc && injected), "%s as %d: the injected store error (%s) came back as %s (%s)",
			  finance_op_names[op], who, s->last_fault, e->slug, e->message);
		SIM_CHECK(s, !(rc == QERR_OK && injected), "%s as %d: succeeded past an injected store fault (%s)",
			  finance_op_names[op], who, s->last_fault);
		SIM_CHECK(s, !(rc && store_error(e)), "%s as %d: a store error nobody injected: %s",
			  finance_op_names[op], who, e->message);
		json_decref(body);
		return rc;
	}
}

/* A new key; the request is remembered for replays when it succeeds. */
static void new_key(struct sim *s, char key[40])
{
	snprintf(key, 40, "sim-%llu-%ld", (unsigned long long)s->seed, ++s->nkey);
}

static void remember(struct sim *s, int who, enum finance_op op, int64_t id, const char *key, const char *body,
		     const json_t *answer)
{
	if (s->nacked == MAX_ACKED)
		return;
	struct acked *k = &s->acked[s->nacked++];
	k->who = who;
	k->op = op;
	k->id = id;
	snprintf(k->key, sizeof k->key, "%s", key);
	k->body = strdup(body);
	k->answer = dump(answer);
}

/* Expiries the next successful write records (it runs them first, one logged operation each). */
static void record_write(struct sim *s)
{
	s->ops_logged += 1 + s->unlogged_expiries;
	s->unlogged_expiries = 0;
}

/*
 * Runs one operation and checks its outcome against want. On success the
 * answer is returned (the caller's reference) and remembered for replays.
 */
static json_t *sim_do(struct sim *s, int who, enum finance_op op, int64_t id, const char *body, struct outcome want)
{
	char key[40];
	new_key(s, key);
	json_t *out = NULL;
	struct qerror e = {0};
	trace(s, "%s as %s on %lld %s", finance_op_names[op],
	      who < 0	      ? "operator"
	      : who == H_BANK ? "bank"
			      : ent_names[who],
	      (long long)id, body);
	enum qerr rc = sim_run(s, who, op, id, body, key, &out, &e);
	if (want.slug) {
		SIM_CHECK(
		    s, rc == want.rc && (strcmp(e.slug, want.slug) == 0 || (want.alt && strcmp(e.slug, want.alt) == 0)),
		    "%s %s: want %s, got %d %s (%s)", finance_op_names[op], body, want.slug, rc, e.slug, e.message);
		s->n_refused++;
		json_decref(out);
		return NULL;
	}
	SIM_CHECK(s, rc == QERR_OK, "%s %s as %d: a legal operation failed: %s %s", finance_op_names[op], body, who,
		  e.slug, e.message);
	s->n_ok++;
	record_write(s);
	remember(s, who, op, id, key, body, out);
	return out;
}

static const struct outcome LEGAL = {QERR_OK, NULL, NULL};
static struct outcome refused(enum qerr rc, const char *slug)
{
	return (struct outcome){rc, slug, NULL};
}

/* ---- the model ---- */

static int64_t jint(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}
static int64_t amount(const struct mpiece *p)
{
	return p->hi - p->lo + 1;
}
static bool live(const struct mpiece *p)
{
	return p->state != P_SPLIT && p->state != P_TRANSFERRED;
}
static bool cert_open(struct sim *s, int c)
{
	return s->certs[c].state == C_ACTIVE && sim_today(s) < s->certs[c].maturity;
}

static int add_piece(struct sim *s, int64_t id, int cert, int64_t lo, int64_t hi, int holder, enum pstate st)
{
	SIM_CHECK(s, s->npieces < MAX_PIECES, "too many pieces");
	s->pieces[s->npieces] =
	    (struct mpiece){.id = id, .lo = lo, .hi = hi, .cert = cert, .holder = holder, .state = st};
	return s->npieces++;
}

static int holder_of(struct sim *s, const json_t *holder)
{
	int64_t org = jint(holder, "org_id");
	for (int i = 0; i < N_HOLD; i++)
		if (s->org[i] == org)
			return i;
	return -1;
}

/* The live pieces of certificate c as the issuer sees them: finds the one [lo, hi] held by holder. */
static int64_t find_piece_id(struct sim *s, int c, int64_t lo, int64_t hi, int holder)
{
	json_t *cert = NULL;
	struct qerror e = {0};
	SIM_CHECK(s, finance_certificate_get(s->t.db, &s->act[E_ISSUER], s->certs[c].id, &cert, &e) == QERR_OK,
		  "certificate %lld: %s", (long long)s->certs[c].id, e.message);
	db_release(s->t.db);
	size_t i;
	json_t *p;
	int64_t id = 0;
	json_array_foreach(json_object_get(cert, "pieces"), i, p)
	{
		const char *st = json_string_value(json_object_get(p, "state"));
		if (jint(p, "lo") == lo && jint(p, "hi") == hi &&
		    holder_of(s, json_object_get(p, "holder")) == holder && strcmp(st, "split") != 0 &&
		    strcmp(st, "transferred") != 0)
			id = jint(p, "id");
	}
	json_decref(cert);
	SIM_CHECK(s, id > 0, "certificate %lld has no live piece [%lld, %lld] of %d", (long long)s->certs[c].id,
		  (long long)lo, (long long)hi, holder);
	return id;
}

static int piece_index(struct sim *s, int64_t id)
{
	for (int i = s->npieces - 1; i >= 0; i--)
		if (s->pieces[i].id == id)
			return i;
	SIM_FAIL(s, "piece %lld is not in the model", (long long)id);
	return -1;
}

/* Applications whose time has passed read as expired and free their pieces (recorded by the next write). */
static void expire_effective(struct sim *s)
{
	for (int i = 0; i < s->napps; i++) {
		struct mapp *a = &s->apps[i];
		if (a->state != X_PENDING || s->now <= a->expires)
			continue;
		a->state = X_DONE;
		a->expired = true;
		for (int k = 0; k < a->n; k++)
			s->pieces[a->pieces[k]].state = P_HELD;
		s->unlogged_expiries++;
	}
}

/* ---- choosing ---- */

static int pick_where(struct sim *s, int n, bool (*ok)(struct sim *, int, const void *), const void *ctx)
{
	int count = 0, chosen = -1;
	for (int i = 0; i < n; i++)
		if (ok(s, i, ctx) && rng_below(&s->rng, (uint64_t)++count) == 0)
			chosen = i; /* reservoir sampling: uniform over the matches, one draw each */
	return chosen;
}

static bool held_by(struct sim *s, int i, const void *ctx)
{
	const struct mpiece *p = &s->pieces[i];
	return p->holder == *(const int *)ctx && p->state == P_HELD && cert_open(s, p->cert);
}
static bool matured_held_by(struct sim *s, int i, const void *ctx)
{
	const struct mpiece *p = &s->pieces[i];
	return p->holder == *(const int *)ctx && p->state == P_HELD && s->certs[p->cert].state == C_ACTIVE &&
	       sim_today(s) >= s->certs[p->cert].maturity;
}
static bool pending_by(struct sim *s, int i, const void *ctx)
{
	const struct mpiece *p = &s->pieces[i];
	return p->holder == *(const int *)ctx && (p->state == P_PEND_D || p->state == P_PEND_T) &&
	       cert_open(s, p->cert);
}
static bool cert_to(struct sim *s, int i, const void *ctx)
{
	return s->certs[i].payee == *(const int *)ctx && s->certs[i].state == C_ISSUED &&
	       sim_today(s) < s->certs[i].maturity;
}
static bool transfer_to(struct sim *s, int i, const void *ctx)
{
	const struct mtransfer *x = &s->transfers[i];
	return x->to == *(const int *)ctx && x->state == X_PENDING && cert_open(s, s->pieces[x->piece].cert);
}
static bool transfer_from(struct sim *s, int i, const void *ctx)
{
	const struct mtransfer *x = &s->transfers[i];
	return x->from == *(const int *)ctx && x->state == X_PENDING && cert_open(s, s->pieces[x->piece].cert);
}
static bool app_pending_open(struct sim *s, int i, const void *ctx)
{
	const struct mapp *a = &s->apps[i];
	if (a->state != X_PENDING || (ctx && a->applicant != *(const int *)ctx))
		return false;
	for (int k = 0; k < a->n; k++)
		if (!cert_open(s, s->pieces[a->pieces[k]].cert))
			return false;
	return true;
}
static bool app_expired(struct sim *s, int i, const void *ctx)
{
	(void)ctx;
	return s->apps[i].expired && s->apps[i].state == X_DONE;
}
static bool cert_settleable(struct sim *s, int i, const void *ctx)
{
	(void)ctx;
	return s->certs[i].state == C_ACTIVE && sim_today(s) >= s->certs[i].maturity;
}
static bool cert_not_due(struct sim *s, int i, const void *ctx)
{
	(void)ctx;
	return s->certs[i].state == C_ACTIVE && sim_today(s) < s->certs[i].maturity;
}
static bool cert_active_any(struct sim *s, int i, const void *ctx)
{
	(void)ctx;
	return s->certs[i].state == C_ACTIVE;
}

static int pick_supplier(struct sim *s, int ent)
{
	int n = 0;
	while (n < 3 && suppliers[ent][n] >= 0)
		n++;
	return suppliers[ent][rng_below(&s->rng, (uint64_t)n)];
}

static void post(struct sim *s, int who, int acc, int64_t fen)
{
	s->bal[who][acc] += fen;
}

/* ---- the issuer ---- */

static void do_issue(struct sim *s)
{
	char body[512], mat[QDATE_TEXT_LEN];
	int payee = rng_below(&s->rng, 2) ? E_A : E_B;
	int64_t face = (int64_t)(1 + rng_below(&s->rng, 9)) * (int64_t)(1 + rng_below(&s->rng, 100000)) *
			   (rng_below(&s->rng, 4) ? 100 : 1) +
		       (int64_t)rng_below(&s->rng, 100);
	int64_t mday = sim_today(s) + 10 + (int64_t)rng_below(&s->rng, 110);
	date_text(mday, mat);
	long n = s->nkey + 1;
	uint64_t illegal = rng_below(&s->rng, 10);
	struct outcome want = LEGAL;
	int to = payee;
	if (illegal == 0) { /* a payee that does not supply the issuer */
		to = rng_below(&s->rng, 2) ? E_C : E_D;
		want = refused(QERR_INVALID, "not_a_supplier");
	} else if (illegal == 1) {
		date_text(sim_today(s) - (int64_t)rng_below(&s->rng, 3), mat);
		want = refused(QERR_INVALID, "maturity_not_future");
	} else if (illegal == 2) {
		date_text(sim_today(s) + 367 + (int64_t)rng_below(&s->rng, 30), mat);
		want = refused(QERR_INVALID, "maturity_too_late");
	} else if (illegal == 3) {
		face = -(int64_t)rng_below(&s->rng, 3);
		want = (struct outcome){QERR_INVALID, "invalid_amount", "out_of_range"}; /* the body's range check */
	} else if (illegal == 4 && s->ncerts > 0) { /* an invoice already backing a live certificate */
		int c = (int)rng_below(&s->rng, (uint64_t)s->ncerts);
		if (s->certs[c].state != C_REFUSED) {
			to = s->certs[c].payee;
			snprintf(body, sizeof body,
				 "{\"issuer\":\"%s\",\"payee\":\"%s\",\"face_fen\":100,\"maturity\":\"%s\","
				 "\"contract_no\":\"SIM-%llu-%ld\",\"invoices\":[\"INV-%llu-%lld\"]}",
				 s->uscc[E_ISSUER], s->uscc[to], mat, (unsigned long long)s->seed, n,
				 (unsigned long long)s->seed, (long long)s->certs[c].inv);
			sim_do(s, E_ISSUER, FINANCE_ISSUE, 0, body, refused(QERR_CONFLICT, "invoice_already_used"));
			return;
		}
	}
	snprintf(body, sizeof body,
		 "{\"issuer\":\"%s\",\"payee\":\"%s\",\"face_fen\":%lld,\"maturity\":\"%s\","
		 "\"contract_no\":\"SIM-%llu-%ld\",\"invoices\":[\"INV-%llu-%ld\"]}",
		 s->uscc[E_ISSUER], s->uscc[to], (long long)face, mat, (unsigned long long)s->seed, n,
		 (unsigned long long)s->seed, n);
	json_t *c = sim_do(s, E_ISSUER, FINANCE_ISSUE, 0, body, want);
	if (!c)
		return;
	SIM_CHECK(s, s->ncerts < MAX_CERTS, "too many certificates");
	struct mcert *m = &s->certs[s->ncerts++];
	*m = (struct mcert){
	    .id = jint(c, "id"), .face = face, .maturity = mday, .payee = payee, .inv = n, .state = C_ISSUED};
	snprintf(m->mat, sizeof m->mat, "%s", mat);
	SIM_CHECK(s, strcmp(json_string_value(json_object_get(c, "status")), "issued") == 0,
		  "issued certificate status");
	json_decref(c);
}

/* ---- a supplier ---- */

static void do_accept_cert(struct sim *s, int ent, int c)
{
	char body[128];
	bool accept = rng_below(&s->rng, 100) < 85;
	snprintf(body, sizeof body, accept ? "{}" : "{\"reason\":\"合同金额不符\"}");
	json_t *out = sim_do(s, ent, accept ? FINANCE_ACCEPT : FINANCE_REFUSE, s->certs[c].id, body, LEGAL);
	json_decref(out);
	struct mcert *m = &s->certs[c];
	if (!accept) {
		m->state = C_REFUSED;
		return;
	}
	m->state = C_ACTIVE;
	post(s, ent, ACC_RECEIVABLE, m->face);
	post(s, E_ISSUER, ACC_PAYABLE, -m->face);
	add_piece(s, find_piece_id(s, c, 1, m->face, ent), c, 1, m->face, ent, P_HELD);
}

static void do_split(struct sim *s, int ent, int pi)
{
	struct mpiece p = s->pieces[pi];
	if (amount(&p) < 2)
		return;
	int64_t x = 1 + (int64_t)rng_below(&s->rng, (uint64_t)(amount(&p) - 1));
	char body[64];
	snprintf(body, sizeof body, "{\"amount_fen\":%lld}", (long long)x);
	json_t *out = sim_do(s, ent, FINANCE_SPLIT, p.id, body, LEGAL);
	json_t *parts = json_object_get(out, "pieces");
	SIM_CHECK(s, json_array_size(parts) == 2, "split answers two pieces");
	json_t *a = json_array_get(parts, 0), *b = json_array_get(parts, 1);
	SIM_CHECK(s,
		  jint(a, "lo") == p.lo && jint(a, "hi") == p.lo + x - 1 && jint(b, "lo") == p.lo + x &&
		      jint(b, "hi") == p.hi,
		  "split ranges");
	s->pieces[pi].state = P_SPLIT;
	add_piece(s, jint(a, "id"), p.cert, p.lo, p.lo + x - 1, ent, P_HELD);
	add_piece(s, jint(b, "id"), p.cert, p.lo + x, p.hi, ent, P_HELD);
	json_decref(out);
}

static void do_transfer(struct sim *s, int ent, int pi)
{
	struct mpiece p = s->pieces[pi];
	int to = pick_supplier(s, ent);
	int64_t x = rng_below(&s->rng, 3) == 0 ? amount(&p) : 1 + (int64_t)rng_below(&s->rng, (uint64_t)amount(&p));
	char body[128];
	snprintf(body, sizeof body, "{\"to\":\"%s\",\"amount_fen\":%lld}", s->uscc[to], (long long)x);
	json_t *t = sim_do(s, ent, FINANCE_TRANSFER, p.id, body, LEGAL);
	int offered = pi;
	if (x < amount(&p)) {
		s->pieces[pi].state = P_SPLIT;
		offered = add_piece(s, jint(t, "piece_id"), p.cert, p.lo, p.lo + x - 1, ent, P_PEND_T);
		add_piece(s, jint(t, "remainder_piece_id"), p.cert, p.lo + x, p.hi, ent, P_HELD);
	} else {
		SIM_CHECK(s, jint(t, "piece_id") == p.id, "a whole transfer offers the piece itself");
		s->pieces[pi].state = P_PEND_T;
	}
	SIM_CHECK(s, s->ntransfers < MAX_TRANSFERS, "too many transfers");
	s->transfers[s->ntransfers++] = (struct mtransfer){
	    .id = jint(t, "id"), .amount = x, .piece = offered, .from = ent, .to = to, .state = X_PENDING};
	json_decref(t);
}

static void do_answer_transfer(struct sim *s, int ent, int ti, bool as_sender)
{
	struct mtransfer *x = &s->transfers[ti];
	struct mpiece *p = &s->pieces[x->piece];
	uint64_t r = rng_below(&s->rng, 100);
	enum finance_op op = as_sender ? FINANCE_TRANSFER_CANCEL
			     : r < 75  ? FINANCE_TRANSFER_ACCEPT
				       : FINANCE_TRANSFER_REFUSE;
	json_t *out =
	    sim_do(s, ent, op, x->id, op == FINANCE_TRANSFER_REFUSE ? "{\"reason\":\"未到货\"}" : "{}", LEGAL);
	x->state = X_DONE;
	if (op == FINANCE_TRANSFER_ACCEPT) {
		int64_t got = jint(out, "received_piece_id");
		p->state = P_TRANSFERRED;
		add_piece(s, got, p->cert, p->lo, p->hi, ent, P_HELD);
		post(s, ent, ACC_RECEIVABLE, x->amount);
		post(s, x->from, ACC_RECEIVABLE, -x->amount);
	} else {
		p->state = P_HELD;
	}
	json_decref(out);
}

static void do_apply(struct sim *s, int ent)
{
	int chosen[3], n = 0;
	int want = 1 + (int)rng_below(&s->rng, 3);
	for (int tries = 0; n < want && tries < 6; tries++) {
		int pi = pick_where(s, s->npieces, held_by, &ent);
		if (pi < 0)
			break;
		bool dup = false;
		for (int k = 0; k < n; k++)
			dup |= chosen[k] == pi;
		if (!dup)
			chosen[n++] = pi;
	}
	if (!n)
		return;
	char body[256];
	int len = snprintf(body, sizeof body, "{\"bank_id\":%lld,\"pieces\":[", (long long)s->org[H_BANK]);
	int64_t total = 0;
	for (int k = 0; k < n; k++) {
		len += snprintf(body + len, sizeof body - (size_t)len, "%s%lld", k ? "," : "",
				(long long)s->pieces[chosen[k]].id);
		total += amount(&s->pieces[chosen[k]]);
	}
	snprintf(body + len, sizeof body - (size_t)len, "]}");
	json_t *a = sim_do(s, ent, FINANCE_DISCOUNT_APPLY, 0, body, LEGAL);
	SIM_CHECK(s, jint(a, "amount_fen") == total, "application amount %lld, pieces add up to %lld",
		  (long long)jint(a, "amount_fen"), (long long)total);
	int64_t exp = 0;
	const char *expires = json_string_value(json_object_get(a, "expires_at"));
	SIM_CHECK(s, expires && qtime_parse(expires, 0, &exp, NULL), "expires_at %s", expires ? expires : "(none)");
	SIM_CHECK(s, s->napps < MAX_APPS, "too many applications");
	struct mapp *m = &s->apps[s->napps++];
	*m = (struct mapp){
	    .id = jint(a, "id"), .amount = total, .expires = exp, .applicant = ent, .n = n, .state = X_PENDING};
	for (int k = 0; k < n; k++) {
		m->pieces[k] = chosen[k];
		s->pieces[chosen[k]].state = P_PEND_D;
	}
	json_decref(a);
}

static void do_withdraw(struct sim *s, int ent, int ai)
{
	struct mapp *a = &s->apps[ai];
	json_t *out = sim_do(s, ent, FINANCE_DISCOUNT_WITHDRAW, a->id, "{}", LEGAL);
	a->state = X_DONE;
	for (int k = 0; k < a->n; k++)
		s->pieces[a->pieces[k]].state = P_HELD;
	json_decref(out);
}

/* What a holder may not do: each refused with its code, nothing changed. */
static void do_illegal(struct sim *s, int ent)
{
	char body[160];
	int pi = pick_where(s, s->npieces, held_by, &ent);
	switch (rng_below(&s->rng, 8)) {
	case 0:
		if (pi < 0)
			return;
		snprintf(body, sizeof body, "{\"to\":\"%s\",\"amount_fen\":1}", s->uscc[ent]);
		sim_do(s, ent, FINANCE_TRANSFER, s->pieces[pi].id, body, refused(QERR_INVALID, "self_transfer"));
		return;
	case 1:
		if (pi < 0)
			return;
		snprintf(body, sizeof body, "{\"to\":\"%s\",\"amount_fen\":%lld}", s->uscc[pick_supplier(s, ent)],
			 (long long)(amount(&s->pieces[pi]) + 1 + (int64_t)rng_below(&s->rng, 1000)));
		sim_do(s, ent, FINANCE_TRANSFER, s->pieces[pi].id, body,
		       refused(QERR_INVALID, "amount_exceeds_balance"));
		return;
	case 2:
		if (pi < 0)
			return;
		snprintf(body, sizeof body, "{\"to\":\"%s\",\"amount_fen\":0}", s->uscc[pick_supplier(s, ent)]);
		sim_do(s, ent, FINANCE_TRANSFER, s->pieces[pi].id, body,
		       (struct outcome){QERR_INVALID, "invalid_amount", "out_of_range"});
		return;
	case 3: { /* a receiver that does not supply the holder */
		if (pi < 0)
			return;
		int other = -1;
		for (int e = E_A; e < N_ENT; e++) {
			bool sup = e == ent;
			for (int k = 0; k < 3 && suppliers[ent][k] >= 0; k++)
				sup |= suppliers[ent][k] == e;
			if (!sup)
				other = e;
		}
		if (other < 0)
			return;
		snprintf(body, sizeof body, "{\"to\":\"%s\",\"amount_fen\":1}", s->uscc[other]);
		sim_do(s, ent, FINANCE_TRANSFER, s->pieces[pi].id, body, refused(QERR_INVALID, "not_a_supplier"));
		return;
	}
	case 4: { /* a piece pending a transfer or a discount */
		int q = pick_where(s, s->npieces, pending_by, &ent);
		if (q < 0)
			return;
		snprintf(body, sizeof body, "{\"amount_fen\":1}");
		sim_do(s, ent, FINANCE_SPLIT, s->pieces[q].id, body, refused(QERR_CONFLICT, "piece_not_held"));
		return;
	}
	case 5: { /* a piece of a matured certificate */
		int q = pick_where(s, s->npieces, matured_held_by, &ent);
		if (q < 0)
			return;
		snprintf(body, sizeof body, "{\"to\":\"%s\",\"amount_fen\":1}", s->uscc[pick_supplier(s, ent)]);
		sim_do(s, ent, FINANCE_TRANSFER, s->pieces[q].id, body, refused(QERR_CONFLICT, "certificate_matured"));
		return;
	}
	case 6: /* the same piece twice in one application */
		if (pi < 0)
			return;
		snprintf(body, sizeof body, "{\"bank_id\":%lld,\"pieces\":[%lld,%lld]}", (long long)s->org[H_BANK],
			 (long long)s->pieces[pi].id, (long long)s->pieces[pi].id);
		sim_do(s, ent, FINANCE_DISCOUNT_APPLY, 0, body, refused(QERR_INVALID, "duplicate_piece"));
		return;
	default: { /* someone else's piece: 404 when we cannot see it, 403 when we are a party */
		int q = -1, count = 0;
		for (int i = 0; i < s->npieces; i++)
			if (s->pieces[i].holder != ent && live(&s->pieces[i]) &&
			    rng_below(&s->rng, (uint64_t)++count) == 0)
				q = i;
		if (q < 0)
			return;
		snprintf(body, sizeof body, "{\"amount_fen\":1}");
		struct outcome o = {QERR_NOT_FOUND, "piece_not_found", "forbidden"};
		char key[40];
		new_key(s, key);
		json_t *out = NULL;
		struct qerror e = {0};
		trace(s, "split foreign piece %lld as %s", (long long)s->pieces[q].id, ent_names[ent]);
		enum qerr rc = sim_run(s, ent, FINANCE_SPLIT, s->pieces[q].id, body, key, &out, &e);
		SIM_CHECK(s,
			  (rc == QERR_NOT_FOUND && strcmp(e.slug, o.slug) == 0) ||
			      (rc == QERR_FORBIDDEN && strcmp(e.slug, o.alt) == 0),
			  "splitting another's piece: %d %s %s", rc, e.slug, e.message);
		s->n_refused++;
		json_decref(out);
		return;
	}
	}
}

static void supplier_step(struct sim *s, int ent)
{
	int c = pick_where(s, s->ncerts, cert_to, &ent);
	if (c >= 0 && rng_below(&s->rng, 3) > 0) {
		do_accept_cert(s, ent, c);
		return;
	}
	int ti = pick_where(s, s->ntransfers, transfer_to, &ent);
	if (ti >= 0 && rng_below(&s->rng, 3) > 0) {
		do_answer_transfer(s, ent, ti, false);
		return;
	}
	uint64_t r = rng_below(&s->rng, 100);
	if (r < 8) {
		do_illegal(s, ent);
		return;
	}
	if (r < 12) {
		int out = pick_where(s, s->ntransfers, transfer_from, &ent);
		if (out >= 0)
			do_answer_transfer(s, ent, out, true);
		return;
	}
	if (r < 15) {
		int ai = pick_where(s, s->napps, app_pending_open, &ent);
		if (ai >= 0)
			do_withdraw(s, ent, ai);
		return;
	}
	int pi = pick_where(s, s->npieces, held_by, &ent);
	if (pi < 0)
		return;
	if (r < 35)
		do_split(s, ent, pi);
	else if (r < 80)
		do_transfer(s, ent, pi);
	else
		do_apply(s, ent);
}

/* ---- the bank ---- */

static void do_approve(struct sim *s, int ai)
{
	struct mapp *a = &s->apps[ai];
	int64_t rate = 100 + (int64_t)rng_below(&s->rng, 900);
	char body[48];
	snprintf(body, sizeof body, "{\"rate_bp\":%lld}", (long long)rate);
	if (s->used + a->amount > s->limit) {
		sim_do(s, H_BANK, FINANCE_DISCOUNT_APPROVE, a->id, body,
		       refused(QERR_CONFLICT, "credit_limit_exceeded"));
		return;
	}
	json_t *out = sim_do(s, H_BANK, FINANCE_DISCOUNT_APPROVE, a->id, body, LEGAL);
	int64_t interest = 0, today = sim_today(s);
	for (int k = 0; k < a->n; k++) {
		struct mpiece *p = &s->pieces[a->pieces[k]];
		const struct mcert *c = &s->certs[p->cert];
		int64_t x = amount(p), days = c->maturity - today, i = 0;
		struct qerror e = {0};
		SIM_CHECK(s, money_interest_bp(x, rate, days, &i, &e) == QERR_OK, "interest");
		json_t *line = NULL, *l;
		size_t li;
		json_array_foreach(json_object_get(out, "pieces"), li, l) if (jint(l, "piece_id") == p->id) line = l;
		SIM_CHECK(s, line, "the approval names piece %lld", (long long)p->id);
		SIM_CHECK(s,
			  jint(line, "piece_id") == p->id && jint(line, "days") == days &&
			      jint(line, "interest_fen") == i && jint(line, "net_fen") == x - i,
			  "approval line %d: piece %lld days %lld interest %lld net %lld; want %lld %lld %lld %lld", k,
			  (long long)jint(line, "piece_id"), (long long)jint(line, "days"),
			  (long long)jint(line, "interest_fen"), (long long)jint(line, "net_fen"), (long long)p->id,
			  (long long)days, (long long)i, (long long)(x - i));
		interest += i;
		p->state = P_TRANSFERRED;
		add_piece(s, 0, p->cert, p->lo, p->hi, H_BANK, P_DISC);
		post(s, H_BANK, ACC_RECEIVABLE, x);
		post(s, a->applicant, ACC_RECEIVABLE, -x);
		post(s, a->applicant, ACC_CASH, x - i);
		post(s, a->applicant, ACC_INT_EXP, i);
		post(s, H_BANK, ACC_CASH, -(x - i));
		post(s, H_BANK, ACC_INT_INC, -i);
	}
	SIM_CHECK(s, jint(out, "interest_fen") == interest && jint(out, "net_fen") == a->amount - interest,
		  "application totals");
	for (int i = s->npieces - a->n; i < s->npieces; i++) {
		struct mpiece *p = &s->pieces[i];
		p->id = find_piece_id(s, p->cert, p->lo, p->hi, H_BANK);
	}
	a->state = X_DONE;
	s->used += a->amount;
	s->n_approved++;
	json_decref(out);
}

static void bank_step(struct sim *s)
{
	uint64_t r = rng_below(&s->rng, 100);
	int ai = pick_where(s, s->napps, app_pending_open, NULL);
	if (ai >= 0 && r < 60) {
		do_approve(s, ai);
		return;
	}
	if (ai >= 0 && r < 75) {
		struct mapp *a = &s->apps[ai];
		json_t *out = sim_do(s, H_BANK, FINANCE_DISCOUNT_REJECT, a->id, "{\"reason\":\"材料不足\"}", LEGAL);
		a->state = X_DONE;
		for (int k = 0; k < a->n; k++)
			s->pieces[a->pieces[k]].state = P_HELD;
		json_decref(out);
		return;
	}
	int ei = pick_where(s, s->napps, app_expired, NULL);
	if (ei >= 0 && r < 80) {
		sim_do(s, H_BANK, FINANCE_DISCOUNT_APPROVE, s->apps[ei].id, "{\"rate_bp\":300}",
		       refused(QERR_CONFLICT, "application_expired"));
		return;
	}
	char body[160];
	if (s->used > 0 && r < 85) {
		snprintf(body, sizeof body, "{\"issuer\":\"%s\",\"limit_fen\":%lld}", s->uscc[E_ISSUER],
			 (long long)rng_below(&s->rng, (uint64_t)s->used));
		sim_do(s, H_BANK, FINANCE_LIMIT_SET, 0, body, refused(QERR_CONFLICT, "limit_below_used"));
		return;
	}
	int64_t to = s->used + (int64_t)rng_below(&s->rng, 4) * (int64_t)(1 + rng_below(&s->rng, 1000)) * 1000000;
	snprintf(body, sizeof body, "{\"issuer\":\"%s\",\"limit_fen\":%lld}", s->uscc[E_ISSUER], (long long)to);
	json_t *out = sim_do(s, H_BANK, FINANCE_LIMIT_SET, 0, body, LEGAL);
	SIM_CHECK(s, jint(out, "used_fen") == s->used && jint(out, "limit_fen") == to, "limit answer");
	s->limit = to;
	json_decref(out);
}

/* ---- settlement and the sweep ---- */

static void do_settle(struct sim *s, int c)
{
	char body[64];
	snprintf(body, sizeof body, "{\"confirmation_ref\":\"JS-%lld\"}", (long long)s->certs[c].id);
	json_t *out = sim_do(s, E_ISSUER, FINANCE_SETTLE, s->certs[c].id, body, LEGAL);
	json_t *payments = json_object_get(out, "payments");
	int64_t paid = 0;
	int live_n = 0;
	for (int i = 0; i < s->npieces; i++) {
		struct mpiece *p = &s->pieces[i];
		if (p->cert != c || !live(p) || p->state == P_SETTLED)
			continue;
		live_n++;
		bool found = false;
		size_t k;
		json_t *pay;
		json_array_foreach(payments, k, pay)
		{
			if (jint(pay, "piece_id") != p->id)
				continue;
			found = true;
			char *pj = dump(pay);
			/* docs/finance.md says {piece_id, holder, amount_fen}; the code answers {piece_id, org_id,
			 * amount_fen} */
			const json_t *who = json_object_get(pay, "holder") ? json_object_get(pay, "holder") : pay;
			SIM_CHECK(s, jint(pay, "amount_fen") == amount(p) && holder_of(s, who) == p->holder,
				  "payment %s; the model: %lld to holder %d (%s)", pj, (long long)amount(p), p->holder,
				  pstate_names[p->state]);
			free(pj);
		}
		SIM_CHECK(s, found, "settlement pays outstanding piece %lld (%s)", (long long)p->id,
			  pstate_names[p->state]);
		post(s, p->holder, ACC_RECEIVABLE, -amount(p));
		post(s, E_ISSUER, ACC_PAYABLE, amount(p));
		post(s, p->holder, ACC_CASH, amount(p));
		post(s, E_ISSUER, ACC_CASH, -amount(p));
		if (p->holder == H_BANK)
			s->used -= amount(p);
		paid += amount(p);
		p->state = P_SETTLED;
	}
	SIM_CHECK(s, (int)json_array_size(payments) == live_n, "one payment per outstanding piece (%zu, want %d)",
		  json_array_size(payments), live_n);
	SIM_CHECK(s, paid == s->certs[c].face, "settlement pays the face: %lld of %lld", (long long)paid,
		  (long long)s->certs[c].face);
	for (int i = 0; i < s->ntransfers; i++)
		if (s->transfers[i].state == X_PENDING && s->pieces[s->transfers[i].piece].cert == c)
			s->transfers[i].state = X_DONE;
	for (int i = 0; i < s->napps; i++) {
		struct mapp *a = &s->apps[i];
		bool touches = false;
		for (int k = 0; k < a->n; k++)
			touches |= s->pieces[a->pieces[k]].cert == c;
		if (a->state != X_PENDING || !touches)
			continue;
		a->state = X_DONE; /* cancelled whole, its other pieces freed; one logged operation */
		for (int k = 0; k < a->n; k++)
			if (s->pieces[a->pieces[k]].state == P_PEND_D)
				s->pieces[a->pieces[k]].state = P_HELD;
		s->ops_logged++;
	}
	s->certs[c].state = C_SETTLED;
	s->n_settled++;
	json_decref(out);
}

static void do_sweep(struct sim *s)
{
	int64_t expect_expired = s->unlogged_expiries, expect_overdue = 0, today = sim_today(s);
	for (int i = 0; i < s->ncerts; i++)
		if (s->certs[i].state == C_ACTIVE && today > s->certs[i].maturity && !s->certs[i].flagged)
			expect_overdue++;
	json_t *out = sim_do(s, -1, FINANCE_SWEEP, 0, "{}", LEGAL);
	/* sim_do counted the sweep as one logged write: it logs its expiries and flags, not itself */
	s->ops_logged += expect_overdue - 1;
	SIM_CHECK(
	    s, jint(out, "applications_expired") == expect_expired && jint(out, "overdue_flagged") == expect_overdue,
	    "sweep: expired %lld (want %lld), overdue %lld (want %lld)", (long long)jint(out, "applications_expired"),
	    (long long)expect_expired, (long long)jint(out, "overdue_flagged"), (long long)expect_overdue);
	for (int i = 0; i < s->ncerts; i++)
		if (s->certs[i].state == C_ACTIVE && today > s->certs[i].maturity)
			s->certs[i].flagged = true;
	json_decref(out);
}

/* ---- replays ---- */

static void do_replay(struct sim *s)
{
	if (!s->nacked)
		return;
	struct acked *k = &s->acked[rng_below(&s->rng, (uint64_t)s->nacked)];
	json_t *out = NULL;
	struct qerror e = {0};
	trace(s, "replay %s %s", k->key, finance_op_names[k->op]);
	enum qerr rc = sim_run(s, k->who, k->op, k->id, k->body, k->key, &out, &e);
	SIM_CHECK(s, rc == QERR_OK, "replay of %s (%s): %s %s", k->key, finance_op_names[k->op], e.slug, e.message);
	char *text = dump(out);
	SIM_CHECK(s, strcmp(text, k->answer) == 0, "replay of %s answers %s, first answer %s", k->key, text, k->answer);
	free(text);
	json_decref(out);
	s->n_replays++;
	/* The same key with another request: 409, nothing changed. */
	if (k->op == FINANCE_SPLIT || k->op == FINANCE_TRANSFER || k->op == FINANCE_ISSUE) {
		json_t *body = json_loads(k->body, 0, NULL);
		json_t *amt = json_object_get(body, k->op == FINANCE_ISSUE ? "face_fen" : "amount_fen");
		json_integer_set(amt, json_integer_value(amt) + 1);
		char *other = dump(body);
		rc = sim_run(s, k->who, k->op, k->id, other, k->key, &out, &e);
		SIM_CHECK(s, rc == QERR_CONFLICT && strcmp(e.slug, "idempotency_key_reused") == 0,
			  "another request under %s: %d %s", k->key, rc, e.slug);
		free(other);
		json_decref(body);
		json_decref(out);
	}
}

/* ---- the checks after every step ---- */

/* The five balances of every organisation, signed debit-positive: through the API (api) or the table. */
static void read_balances(struct sim *s, bool api, int64_t got[N_HOLD][N_ACC])
{
	struct db *db = s->t.db;
	struct qerror e = {0};
	memset(got, 0, sizeof(int64_t) * N_HOLD * N_ACC);
	if (!api) {
		struct db_stmt *st = db_prepare(db, "SELECT org_id,account,balance_fen FROM finance_accounts", &e);
		SIM_CHECK(s, st, "accounts: %s", e.message);
		int r;
		while ((r = db_step(st, &e)) == DB_ROW) {
			int h = -1;
			for (int i = 0; i < N_HOLD; i++)
				if (s->org[i] == db_col_int64(st, 0))
					h = i;
			SIM_CHECK(s, h >= 0, "an account of organisation %lld", (long long)db_col_int64(st, 0));
			for (int a = 0; a < N_ACC; a++)
				if (strcmp(db_col_text(st, 1), acc_names[a]) == 0)
					got[h][a] = db_col_int64(st, 2);
		}
		SIM_CHECK(s, r == DB_DONE, "accounts: %s", e.message);
		return;
	}
	for (int h = 0; h < N_HOLD; h++) {
		json_t *out = NULL;
		SIM_CHECK(s, finance_balances(db, &s->act[h], &out, &e) == QERR_OK, "balances: %s", e.message);
		db_release(db);
		size_t i;
		json_t *acc;
		json_array_foreach(json_object_get(out, "accounts"), i, acc)
		{
			const char *name = json_string_value(json_object_get(acc, "account"));
			/* balance_fen is on the account's normal side; the model keeps them signed, debit positive */
			bool credit = strcmp(json_string_value(json_object_get(acc, "normal")), "credit") == 0;
			for (int a = 0; a < N_ACC; a++)
				if (strcmp(name, acc_names[a]) == 0)
					got[h][a] = credit ? -jint(acc, "balance_fen") : jint(acc, "balance_fen");
		}
		json_decref(out);
	}
}

/*
 * After a step: the balances of every organisation are what the answers
 * make them, no fen is created or lost, the log holds exactly the writes;
 * full adds finance_verify, api reads the balances through the API.
 */
static void check(struct sim *s, bool full, bool api)
{
	struct db *db = s->t.db;
	struct qerror e = {0};
	json_t *out = NULL;
	if (full) {
		enum qerr rc = finance_verify(db, &out, &e);
		SIM_CHECK(s, rc == QERR_OK, "finance verify: %s: %s", e.slug, e.message);
		json_decref(out);
	}
	int64_t got[N_HOLD][N_ACC], sum[N_ACC] = {0};
	read_balances(s, api, got);
	for (int h = 0; h < N_HOLD; h++)
		for (int a = 0; a < N_ACC; a++) {
			SIM_CHECK(s, got[h][a] == s->bal[h][a], "%s's %s is %lld; the answers make it %lld",
				  h == H_BANK ? "bank" : ent_names[h], acc_names[a], (long long)got[h][a],
				  (long long)s->bal[h][a]);
			sum[a] += got[h][a];
		}
	/* No fen created or lost: what is receivable is what is payable is what is outstanding. */
	int64_t outstanding = 0;
	for (int i = 0; i < s->npieces; i++)
		if (live(&s->pieces[i]) && s->pieces[i].state != P_SETTLED)
			outstanding += amount(&s->pieces[i]);
	SIM_CHECK(s, sum[ACC_RECEIVABLE] == outstanding && -sum[ACC_PAYABLE] == outstanding,
		  "receivables %lld, payables %lld, outstanding %lld", (long long)sum[ACC_RECEIVABLE],
		  (long long)-sum[ACC_PAYABLE], (long long)outstanding);
	SIM_CHECK(s, sum[ACC_CASH] == 0 && sum[ACC_INT_EXP] + sum[ACC_INT_INC] == 0, "cash %lld, interest %lld + %lld",
		  (long long)sum[ACC_CASH], (long long)sum[ACC_INT_EXP], (long long)sum[ACC_INT_INC]);
	int64_t ops = 0;
	SIM_CHECK(s, db_query_int64(db, "SELECT count(*) FROM finance_ops", &ops, &e) == QERR_OK, "ops: %s", e.message);
	SIM_CHECK(s, ops == s->ops_base + s->ops_logged, "the operation log holds %lld entries, the answers make %lld",
		  (long long)ops, (long long)(s->ops_base + s->ops_logged));
}

/* The pieces of every certificate are what the model says (end of a seed). */
static void check_pieces(struct sim *s)
{
	for (int c = 0; c < s->ncerts; c++) {
		json_t *cert = NULL;
		struct qerror e = {0};
		SIM_CHECK(s, finance_certificate_get(s->t.db, &s->act[E_ISSUER], s->certs[c].id, &cert, &e) == QERR_OK,
			  "certificate: %s", e.message);
		db_release(s->t.db);
		size_t i, n = 0;
		json_t *p;
		json_array_foreach(json_object_get(cert, "pieces"), i, p)
		{
			const char *st = json_string_value(json_object_get(p, "state"));
			if (strcmp(st, "split") == 0 || strcmp(st, "transferred") == 0)
				continue;
			n++;
			int mi = piece_index(s, jint(p, "id"));
			const struct mpiece *m = &s->pieces[mi];
			SIM_CHECK(s,
				  m->cert == c && m->lo == jint(p, "lo") && m->hi == jint(p, "hi") &&
				      m->holder == holder_of(s, json_object_get(p, "holder")) &&
				      strcmp(pstate_names[m->state], st) == 0,
				  "piece %lld: server [%lld,%lld] %s, model [%lld,%lld] %s", (long long)m->id,
				  (long long)jint(p, "lo"), (long long)jint(p, "hi"), st, (long long)m->lo,
				  (long long)m->hi, pstate_names[m->state]);
		}
		size_t want = 0;
		for (int k = 0; k < s->npieces; k++)
			want += s->pieces[k].cert == c && live(&s->pieces[k]);
		SIM_CHECK(s, n == want, "certificate %lld: %zu live pieces, the model has %zu",
			  (long long)s->certs[c].id, n, want);
		json_decref(cert);
	}
}

/* ---- one seed ---- */

static void run_seed(struct sim *s, uint64_t seed, long steps)
{
	s->seed = seed;
	rng_seed(&s->rng, seed, 41);
	rng_seed(&s->frng, seed, 43);
	s->ncerts = s->npieces = s->ntransfers = s->napps = 0;
	for (int i = 0; i < s->nacked; i++) {
		free(s->acked[i].body);
		free(s->acked[i].answer);
	}
	s->nacked = 0;
	memset(s->bal, 0, sizeof s->bal);
	memset(s->trace, 0, sizeof s->trace);
	s->limit = s->used = s->ops_logged = 0;
	s->unlogged_expiries = 0;
	s->nkey = 0;
	/* 2026-12-04 10:00 Shanghai, plus up to a year: seeds start on different days. */
	s->now = 1796356800 + (int64_t)rng_below(&s->rng, 365) * 86400;
	copy_world(s);
	struct qerror e = {0};
	assert_int_equal(db_query_int64(s->t.db, "SELECT count(*) FROM finance_ops", &s->ops_base, &e), QERR_OK);
	for (s->step = 1; s->step <= steps; s->step++) {
		int64_t logged_before = s->ops_logged;
		long faults_before = s->n_faults, reopens_before = s->n_reopens;
		s->trace[s->step % TRACE][0] = 0;
		expire_effective(s);
		uint64_t r = rng_below(&s->rng, 1000);
		if (r < 40) { /* the clock: a day and a second, or up to a month (never exactly N days: expiry is never
				 a tie) */
			int64_t days = rng_below(&s->rng, 4) ? 1 : 1 + (int64_t)rng_below(&s->rng, 30);
			s->now += days * 86401;
			trace(s, "clock +%lld days", (long long)days);
		} else if (r < 50) {
			trace(s, "crash between operations");
			sim_reopen(s);
		} else if (r < 60) {
			do_sweep(s);
		} else if (r < 115) {
			do_replay(s);
		} else if (r < 245) {
			do_issue(s);
		} else if (r < 300) {
			int c = pick_where(s, s->ncerts, cert_settleable, NULL);
			if (c >= 0)
				do_settle(s, c);
			else if ((c = pick_where(s, s->ncerts, cert_not_due, NULL)) >= 0)
				sim_do(s, E_ISSUER, FINANCE_SETTLE, s->certs[c].id, "{\"confirmation_ref\":\"EARLY\"}",
				       refused(QERR_CONFLICT, "not_matured"));
		} else if (r < 320) {
			int c = pick_where(s, s->ncerts, cert_active_any, NULL);
			if (c >= 0) /* the payee settling: a party, not the issuer */
				sim_do(s, s->certs[c].payee, FINANCE_SETTLE, s->certs[c].id,
				       "{\"confirmation_ref\":\"X\"}",
				       (struct outcome){QERR_FORBIDDEN, "forbidden", NULL});
		} else if (r < 420) {
			bank_step(s);
		} else {
			supplier_step(s, E_A + (int)rng_below(&s->rng, 4));
		}
		/* finance_verify after every step that wrote, met a fault or crashed (QILIAN_SIM_VERIFY_EVERY thins it)
		 */
		bool eventful =
		    s->ops_logged != logged_before || s->n_faults != faults_before || s->n_reopens != reopens_before;
		check(s, eventful && s->step % s->verify_every == 0, false);
	}
	/* The sweep records what reads already show expired, so the stored pieces agree with the model. */
	s->step++;
	expire_effective(s);
	do_sweep(s);
	check(s, true, true);
	check_pieces(s);
	testdb_close(&s->t);
}

/* 100,000 steps in the normal build; a fifth under the sanitizers (make asan), which run it ~5x slower. */
#if defined(__SANITIZE_ADDRESS__)
#define SIM_DEFAULT_SEEDS 100
#else
#define SIM_DEFAULT_SEEDS 500
#endif

static long env_long(const char *name, long dflt)
{
	const char *v = getenv(name);
	return v && *v ? strtol(v, NULL, 10) : dflt;
}

static int setup(void **state)
{
	struct sim *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	make_world(s);
	s->faults.decide = sim_decide;
	s->faults.ctx = s;
	s->fault_permille = (int)env_long("QILIAN_SIM_FAULTS", 5);
	s->verify_every = (int)env_long("QILIAN_SIM_VERIFY_EVERY", 1);
	if (s->verify_every < 1)
		s->verify_every = 1;
	finance_clock_set(sim_clock, s);
	db_fault_set(&s->faults);
	S = s;
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct sim *s = *state;
	db_fault_set(NULL);
	finance_clock_set(NULL, NULL);
	for (int i = 0; i < s->nacked; i++) {
		free(s->acked[i].body);
		free(s->acked[i].answer);
	}
	unlink(s->tmpl);
	char dir[96];
	snprintf(dir, sizeof dir, "%s", s->tmpl);
	*strrchr(dir, '/') = 0;
	rmdir(dir);
	free(s);
	return 0;
}

static void test_simulation(void **state)
{
	struct sim *s = *state;
	long per_seed = env_long("QILIAN_SIM_OPS_PER_SEED", 200);
	const char *one = getenv("QILIAN_SIM_SEED");
	long seeds = one && *one ? 1 : env_long("QILIAN_SIM_SEEDS", SIM_DEFAULT_SEEDS);
	uint64_t first = one && *one ? strtoull(one, NULL, 10) : 1;
	long total = 0;
	long n_ok = 0, n_refused = 0, n_faults = 0, n_crashes = 0, n_reopens = 0, n_replays = 0, n_settled = 0,
	     n_appr = 0;
	for (long i = 0; i < seeds; i++) {
		s->n_ok = s->n_refused = s->n_faults = s->n_crashes = s->n_reopens = s->n_replays = s->n_retries = 0;
		s->n_settled = s->n_approved = 0;
		run_seed(s, first + (uint64_t)i, per_seed);
		total += per_seed;
		n_ok += s->n_ok, n_refused += s->n_refused, n_faults += s->n_faults, n_crashes += s->n_crashes;
		n_reopens += s->n_reopens, n_replays += s->n_replays, n_settled += s->n_settled,
		    n_appr += s->n_approved;
	}
	printf("finance simulation: %ld seeds from %llu, %ld steps: %ld writes applied, %ld refused as they must be, "
	       "%ld replays, %ld injected faults (%ld lost connections), %ld reopens, %ld discounts approved, %ld "
	       "certificates settled; 0 fen created or lost\n",
	       seeds, (unsigned long long)first, total, n_ok, n_refused, n_replays, n_faults, n_crashes, n_reopens,
	       n_appr, n_settled);
	assert_true(n_ok > 0 && n_refused > 0 && n_faults > 0 && n_settled > 0 && n_appr > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_simulation, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
