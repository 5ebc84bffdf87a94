/*
 * finance_int.h - what the finance files share: the transaction of one
 * operation, rows as structs, the piece and ledger primitives, JSON of
 * rows. Internal to src/finance.
 */
#ifndef QILIAN_FINANCE_INT_H
#define QILIAN_FINANCE_INT_H
#include "finance/finance.h"

#include <stdio.h>
#include <string.h>
#include "base/money.h"
#include "platform/enterprise_ref.h"

#define FIN_TIME_LEN 32

/* One operation's write transaction (finance_write.c opens and closes it). */
struct fin_tx {
	struct db *db;
	const struct actor *a;
	int64_t now;		    /* UTC seconds */
	char now_iso[FIN_TIME_LEN]; /* the same as text */
	struct qdate today;	    /* Asia/Shanghai */
	char today_text[QDATE_TEXT_LEN];
};

struct fin_cert {
	int64_t id, issuer_id, issuer_org, payee_id, payee_org, face_fen, order_id;
	char issue_date[QDATE_TEXT_LEN], maturity[QDATE_TEXT_LEN];
	struct qdate maturity_date;
	char status[12];
};

struct fin_piece {
	int64_t id, certificate_id, parent_id, lo, hi, holder_org, holder_id, transfer_id, application_id;
	char state[20];
};

static inline int64_t fin_piece_amount(const struct fin_piece *p)
{
	return p->hi - p->lo + 1;
}

/* A piece state that counts towards the partition (not retired). */
bool fin_state_live(const char *state);

/* ---- rows (finance_store.c) ---- */

/* Loads a certificate; 404 certificate_not_found. */
enum qerr fin_cert_load(struct db *db, int64_t id, struct fin_cert *c, struct qerror *err);
/* Loads a piece; 404 piece_not_found. */
enum qerr fin_piece_load(struct db *db, int64_t id, struct fin_piece *p, struct qerror *err);
/* Inserts a piece; *id is the new piece's. */
enum qerr fin_piece_insert(struct fin_tx *tx, int64_t certificate_id, int64_t parent_id, int64_t lo, int64_t hi,
			   int64_t holder_org, int64_t holder_id, const char *state, int64_t *id, struct qerror *err);
/*
 * Moves a piece from state `from` to `to` (transfer_id / application_id set,
 * 0 = NULL). QERR_CONFLICT piece_not_held when it is no longer in `from`
 * (a concurrent change): the re-check inside the transaction.
 */
enum qerr fin_piece_move(struct fin_tx *tx, int64_t id, const char *from, const char *to, int64_t transfer_id,
			 int64_t application_id, struct qerror *err);

/* The enterprise with USCC text (checked and normalised) or field's 422 error; ref filled. */
enum qerr fin_enterprise(struct db *db, const char *uscc, const char *field, struct enterprise_ref *ref,
			 struct qerror *err);
/* The organisation's type and name; 404-ish QERR_INVALID (field) when none. */
enum qerr fin_org(struct db *db, int64_t org_id, const char *field, enum org_type *type, char *name, size_t cap,
		  struct qerror *err);

/* ---- the ledger (finance_ledger.c) ---- */

/* Takes the finance lock: the chain head's row (PostgreSQL's row lock; a no-op write on SQLite). */
enum qerr fin_lock(struct fin_tx *tx, struct qerror *err);
/*
 * Appends an operation to the hash-chained log: seq = head + 1, hash over
 * the previous hash and the operation (detail borrowed; written as
 * canonical JSON). *seq (may be NULL) is its number.
 */
enum qerr fin_log(struct fin_tx *tx, const char *kind, int64_t certificate_id, const json_t *detail, int64_t *seq,
		  struct qerror *err);
/* Posts amount (debit positive) to org's account in operation seq and updates the balance. */
enum qerr fin_post(struct fin_tx *tx, int64_t seq, int64_t org_id, const char *account, int64_t amount,
		   int64_t certificate_id, struct qerror *err);
/* The hash of one log entry (hex) from its fields, as fin_log writes it and verify checks it. */
void fin_op_hash(const char *prev_hash, int64_t seq, const char *kind, const char *at, int64_t org_id, int64_t user_id,
		 int64_t certificate_id, const char *detail, char out[65]);

/* ---- the operations ---- */

enum qerr fin_issue(struct fin_tx *tx, const json_t *body, json_t **out, struct qerror *err);
enum qerr fin_accept(struct fin_tx *tx, int64_t id, json_t **out, struct qerror *err);
enum qerr fin_refuse(struct fin_tx *tx, int64_t id, const json_t *body, json_t **out, struct qerror *err);
enum qerr fin_settle(struct fin_tx *tx, int64_t id, const json_t *body, json_t **out, struct qerror *err);
enum qerr fin_split(struct fin_tx *tx, int64_t id, const json_t *body, json_t **out, struct qerror *err);
enum qerr fin_transfer(struct fin_tx *tx, int64_t id, const json_t *body, json_t **out, struct qerror *err);
enum qerr fin_transfer_decide(struct fin_tx *tx, enum finance_op op, int64_t id, const json_t *body, json_t **out,
			      struct qerror *err);
enum qerr fin_apply(struct fin_tx *tx, const json_t *body, json_t **out, struct qerror *err);
enum qerr fin_approve(struct fin_tx *tx, int64_t id, const json_t *body, json_t **out, struct qerror *err);
enum qerr fin_application_close(struct fin_tx *tx, enum finance_op op, int64_t id, const json_t *body, json_t **out,
				struct qerror *err);
enum qerr fin_limit_set(struct fin_tx *tx, const json_t *body, json_t **out, struct qerror *err);
enum qerr fin_settings_set(struct fin_tx *tx, const json_t *body, json_t **out, struct qerror *err);
enum qerr fin_sweep(struct fin_tx *tx, json_t **out, struct qerror *err);
/* Expires pending applications past their time, releasing their pieces; *n (may be NULL) counts them. */
enum qerr fin_expire_applications(struct fin_tx *tx, int64_t *n, struct qerror *err);
/* Releases the pending transfers and applications of a certificate being settled (their pieces stay with the holder).
 */
enum qerr fin_cancel_pending(struct fin_tx *tx, int64_t certificate_id, struct qerror *err);

/* ---- JSON of rows (finance_json.c) ---- */

/* The certificate as docs/finance.md shows it (today decides "overdue"). */
enum qerr fin_cert_json(struct db *db, int64_t id, struct qdate today, json_t **out, struct qerror *err);
enum qerr fin_piece_json(struct db *db, int64_t id, json_t **out, struct qerror *err);
enum qerr fin_transfer_json(struct db *db, int64_t id, json_t **out, struct qerror *err);
enum qerr fin_application_json(struct db *db, int64_t id, int64_t now, json_t **out, struct qerror *err);
enum qerr fin_limit_json(struct db *db, int64_t bank_org, int64_t issuer_id, json_t **out, struct qerror *err);
/* {uscc, name} of an enterprise id (JSON null for 0). */
json_t *fin_enterprise_json(struct db *db, int64_t id);
/* {id, name} of an organisation. */
json_t *fin_org_json(struct db *db, int64_t id);
/*
 * The JSON builders above return what they have when the store fails under
 * them; they note the first such store error (per thread) so that the write
 * whose answer they build fails instead of committing and storing a wrong
 * answer: fin_store_error_clear before the operation, fin_store_error_take
 * after it (true and *err filled when one was noted).
 */
void fin_store_error_clear(void);
bool fin_store_error_take(struct qerror *err);
/* Settings: fee_bp, application_ttl_days. */
enum qerr fin_settings(struct db *db, int64_t *fee_bp, int64_t *ttl_days, struct qerror *err);

/* ---- verify's pass over the pieces (finance_verify_scan.c) ---- */

/*
 * What each of verify's piece checks found: the first offending pair (a, b)
 * in the order docs/finance.md gives the checks' messages (finance_verify.c
 * words them). hit false when the check holds.
 */
enum fin_vfind_kind {
	VF_HOLDER_NO_ORG,	 /* (piece, organisation) */
	VF_HOLDER_NOT_BANK,	 /* (piece, organisation) */
	VF_HOLDER_NO_ENTERPRISE, /* (piece, enterprise) */
	VF_LIMIT_USED,		 /* (bank organisation, issuer enterprise) */
	VF_LIMIT_NONE,		 /* (piece, bank organisation) */
	VF_PIECE_TRANSFER,	 /* (piece, transfer) */
	VF_TRANSFER_PIECE,	 /* (transfer, piece) */
	VF_PIECE_APPLICATION,	 /* (piece, application) */
	VF_APPLICATION_PIECE,	 /* (application, piece) */
	VF_PIECE_NAMES_PENDING,	 /* (piece, transfer or application) */
	VF_TRANSFER_ACCEPTED,	 /* (transfer, received piece) */
	VF_APPLICATION_APPROVED, /* (application, piece) */
	VF_COUNT
};

struct fin_vfind {
	bool hit;
	int64_t a, b;
};

/* An organisation and an amount: the receivable of a holder or the payable of an issuer, by organisation. */
struct fin_vsum {
	int64_t org, amount;
};

struct fin_vscan {
	int64_t certificates, live_pieces, pieces;
	/* pieces_partition and the tree: partition_ok, or partition_msg says the first break the scan met. */
	bool partition_ok;
	char partition_msg[300];
	struct fin_vfind find[VF_COUNT];
	/* Sorted by organisation: live unsettled fen held, and live unsettled fen of the certificates issued. */
	struct fin_vsum *receivable, *payable;
	size_t nreceivable, npayable;
};

/*
 * Reads finance_certificates, the pending and decided transfers and
 * applications, finance_pieces (once, in id order, a page at a time),
 * the holders' organisations and enterprises and finance_limits, inside the
 * caller's transaction, and fills *s (fin_vscan_free releases it). Errors
 * are the store's and out_of_memory; a violation is not an error.
 */
enum qerr fin_vscan_run(struct db *db, struct fin_vscan *s, struct qerror *err);
void fin_vscan_free(struct fin_vscan *s);

/* ---- helpers ---- */

/* ISO-8601 UTC text of t. */
void fin_iso(int64_t t, char out[FIN_TIME_LEN]);
/* Parses a 'YYYY-MM-DD' (field named in the 422). */
enum qerr fin_date(const char *text, const char *field, struct qdate *out, struct qerror *err);
/* d plus n calendar months, the day clamped to the month's end (31 Aug + 6 months = 28/29 Feb). */
struct qdate fin_add_months(struct qdate d, int months);
/* Notifies organisation org_id in its own inbox (inbox_renotify_org: a bank or the operator owns no enterprise). */
enum qerr fin_notify_org(struct db *db, int64_t org_id, const char *kind, int64_t object_id, const char *title,
			 const json_t *detail, struct qerror *err);
/* Writes the audit record of an operation. */
enum qerr fin_audit(struct fin_tx *tx, const char *action, const char *object_type, int64_t object_id,
		    const json_t *detail, struct qerror *err);

#endif
