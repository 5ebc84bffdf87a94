/*
 * finance.h - supply-chain finance (资金链): payable certificates issued by
 * core enterprises, split and transferred down the chain, discounted at
 * banks within credit limits, settled at maturity; with a double-entry
 * ledger and a hash-chained operation log. docs/finance.md is the user's
 * guide and the API contract; DESIGN.md §5 the definitions.
 *
 * Every write is one call of finance_write: one write transaction that
 * claims the Idempotency-Key (platform/idempotency.h), re-reads and checks
 * every state it depends on, writes the pieces, the operation log entry,
 * the postings, the audit record and the notifications, stores the answer
 * and commits; any error rolls everything back ("bad input changes
 * nothing"). Reads take an actor and show only what it may see; an object
 * it may not see is QERR_NOT_FOUND.
 *
 * Time: every "now" and "today" (Asia/Shanghai) comes from finance_now(),
 * which the simulation and tests override with finance_clock_set.
 *
 * All functions return QERR_OK or fill err; *out is a new reference the
 * caller decrefs (NULL on failure).
 */
#ifndef QILIAN_FINANCE_H
#define QILIAN_FINANCE_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/jsonio.h"
#include "base/qdate.h"
#include "base/qerr.h"
#include "platform/actor.h"
#include "platform/idempotency.h"
#include "store/db.h"

/* A certificate's face is at most 10^13 fen (1000亿元); a limit at most 10^15 fen. */
#define FINANCE_MAX_FACE_FEN 10000000000000LL
#define FINANCE_MAX_LIMIT_FEN 1000000000000000LL
#define FINANCE_MAX_RATE_BP 10000
#define FINANCE_MAX_APPLICATION_PIECES 50

/* ---- the clock ---- */

typedef int64_t (*finance_clock_fn)(void *ctx);

/*
 * Makes every finance function read the time (UTC seconds since the epoch)
 * from fn(ctx); NULL restores the default: the instant in the file named by
 * $QILIAN_FINANCE_CLOCK_FILE ("YYYY-MM-DDTHH:MM:SSZ") when that variable is
 * set and the file reads, else the system clock. Not thread-safe: set it
 * before threads start (the simulation runs in one thread).
 */
void finance_clock_set(finance_clock_fn fn, void *ctx);

/* The finance clock's now (UTC seconds) and today (Asia/Shanghai date). */
int64_t finance_now(void);
struct qdate finance_today(void);

/* ---- writes ---- */

enum finance_op {
	FINANCE_ISSUE,		   /* body: finance_issue_fields; id unused */
	FINANCE_ACCEPT,		   /* id: certificate; body {} */
	FINANCE_REFUSE,		   /* id: certificate; body finance_reason_fields */
	FINANCE_SETTLE,		   /* id: certificate; body finance_settle_fields */
	FINANCE_SPLIT,		   /* id: piece; body finance_split_fields */
	FINANCE_TRANSFER,	   /* id: piece; body finance_transfer_fields */
	FINANCE_TRANSFER_ACCEPT,   /* id: transfer; body {} */
	FINANCE_TRANSFER_REFUSE,   /* id: transfer; body finance_reason_fields */
	FINANCE_TRANSFER_CANCEL,   /* id: transfer; body {} */
	FINANCE_DISCOUNT_APPLY,	   /* body {bank_id, pieces: [ids]} (finance_apply_fields documents it) */
	FINANCE_DISCOUNT_APPROVE,  /* id: application; body finance_approve_fields */
	FINANCE_DISCOUNT_REJECT,   /* id: application; body finance_reason_fields */
	FINANCE_DISCOUNT_WITHDRAW, /* id: application; body {} */
	FINANCE_LIMIT_SET,	   /* body finance_limit_fields */
	FINANCE_SETTINGS_SET,	   /* body finance_settings_fields */
	FINANCE_SWEEP,		   /* body {}: overdue flags and expired applications */
	FINANCE_OP_COUNT
};

/* What each operation is called ("issue", "accept", ... as in the operation log) and the status it answers. */
extern const char *const finance_op_names[FINANCE_OP_COUNT];
extern const int finance_op_status[FINANCE_OP_COUNT];

/* Request bodies (strict field lists, also the OpenAPI schemas). */
extern const struct jfield finance_issue_fields[];
extern const struct jfield finance_reason_fields[];
extern const struct jfield finance_settle_fields[];
extern const struct jfield finance_split_fields[];
extern const struct jfield finance_transfer_fields[];
extern const struct jfield finance_apply_fields[];
extern const struct jfield finance_approve_fields[];
extern const struct jfield finance_limit_fields[];
extern const struct jfield finance_settings_fields[];
extern const struct jfield finance_empty_fields[];

/* The field list of an operation's body. */
const struct jfield *finance_op_fields(enum finance_op op);

/*
 * Decodes an operation's request body text (len bytes; empty = {}) as the
 * API does: json_decode against finance_op_fields(op), and for
 * FINANCE_DISCOUNT_APPLY the integer array "pieces" checked here. 400/422
 * naming the field; *out is a new reference.
 */
enum qerr finance_decode(enum finance_op op, const char *text, size_t len, json_t **out, struct qerror *err);

/*
 * Runs one operation as actor a on object id (see enum finance_op) with a
 * decoded body. idem may be NULL (no idempotency: in-process callers that
 * do not retry); with one, a replay answers the first answer and changes
 * nothing, and another request under the same key is 409
 * idempotency_key_reused. On success *status is the HTTP status to answer
 * (finance_op_status, or the stored one) and *out the answer.
 */
enum qerr finance_write(struct db *db, const struct actor *a, const struct idempotency *idem, enum finance_op op,
			int64_t id, const json_t *body, json_t **out, int *status, struct qerror *err);

/* ---- reads (finance_read.c) ---- */

struct finance_list {
	const char *role;   /* certificates: issued|held|all; transfers: in|out|all; NULL = all */
	const char *status; /* NULL = any (pieces: the state; "all" includes retired pieces) */
	int limit;	    /* 1..500, 0 = 50 */
	int64_t cursor;	    /* next_cursor of the previous page */
};

enum qerr finance_certificate_list(struct db *db, const struct actor *a, const struct finance_list *f, json_t **out,
				   struct qerror *err);
enum qerr finance_certificate_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);
enum qerr finance_piece_list(struct db *db, const struct actor *a, const struct finance_list *f, json_t **out,
			     struct qerror *err);
enum qerr finance_piece_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);
enum qerr finance_transfer_list(struct db *db, const struct actor *a, const struct finance_list *f, json_t **out,
				struct qerror *err);
enum qerr finance_transfer_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);
enum qerr finance_application_list(struct db *db, const struct actor *a, const struct finance_list *f, json_t **out,
				   struct qerror *err);
/* One application; the bank it was made to also gets "risk" (docs/finance.md). */
enum qerr finance_application_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);
enum qerr finance_bank_list(struct db *db, const struct actor *a, json_t **out, struct qerror *err);
enum qerr finance_limit_list(struct db *db, const struct actor *a, json_t **out, struct qerror *err);
enum qerr finance_wallet(struct db *db, const struct actor *a, json_t **out, struct qerror *err);
/* Operator only (403 otherwise): aggregates. */
enum qerr finance_overview(struct db *db, const struct actor *a, json_t **out, struct qerror *err);
enum qerr finance_settings_get(struct db *db, json_t **out, struct qerror *err);
/* The actor's organisation's balances; the operator gets platform totals. */
enum qerr finance_balances(struct db *db, const struct actor *a, json_t **out, struct qerror *err);
/* The actor's organisation's postings, oldest first; from/to are dates (inclusive, UTC) or NULL. */
enum qerr finance_statement(struct db *db, const struct actor *a, const char *from, const char *to, int limit,
			    int64_t cursor, json_t **out, struct qerror *err);

/*
 * The certificates an enterprise (enterprise_id > 0) or an organisation
 * (org_id > 0, enterprise_id 0) issued or holds live pieces of, for other
 * chains (the services chain's data grants). No actor: the caller has
 * decided the reader may see them. *out: [{id, role: "issuer"|"holder",
 * issuer, face_fen, maturity, status, overdue, held_fen}] newest first, at
 * most limit (1-500).
 */
enum qerr finance_certificates_of(struct db *db, int64_t org_id, int64_t enterprise_id, int limit, json_t **out,
				  struct qerror *err);

/* ---- interest (finance_rules.c) ---- */

struct finance_interest {
	int64_t amount_fen, rate_bp, days, interest_fen, net_fen, fee_bp, fee_fen, net_after_fee_fen;
};

/*
 * Discount interest on amount_fen (1..) at rate_bp (0..FINANCE_MAX_RATE_BP)
 * from `from` to maturity (days = maturity - from >= 0, else 422
 * "maturity_before_start"): interest = amount x rate x days / 360 half up
 * (money_interest_bp), net = amount - interest, fee = amount x fee_bp /
 * 10000 half up, net_after_fee = net - fee. Overflow is 422 amount_overflow.
 */
enum qerr finance_interest_calc(int64_t amount_fen, int64_t rate_bp, struct qdate from, struct qdate maturity,
				int64_t fee_bp, struct finance_interest *out, struct qerror *err);

/* The same from text (the CLI and GET /finance/interest): *out {amount_fen, rate_bp, from, maturity, days,
 * interest_fen, net_fen, fee_bp, fee_fen, net_after_fee_fen}. */
enum qerr finance_interest_json(const char *amount, const char *rate_bp, const char *from, const char *maturity,
				int64_t fee_bp, json_t **out, struct qerror *err);

/* ---- verify (finance_verify.c) ---- */

/*
 * Re-proves every invariant of docs/finance.md (pieces partition each root,
 * one holder per piece, postings balance, balances match postings and are
 * never negative, ledger matches pieces, hash chain, limits used, pending
 * states) in one read transaction (the caller's, when one is open). QERR_OK with *out a summary {ok: true,
 * certificates, pieces, operations, postings, seconds}; a violation is
 * QERR_CONFLICT with slug the invariant's name and the message naming the
 * first offending object (*out then {ok: false, invariant, message}).
 */
enum qerr finance_verify(struct db *db, json_t **out, struct qerror *err);

#endif
