/*
 * voucher.h - innovation vouchers (科技创新券): the operator gives an SME a
 * voucher that pays part of its bills for shared resources; the resource's
 * owner claims that part back from the operator with the booking's usage
 * record, and the operator approves or rejects the claim.
 *
 * A voucher has an amount (fen), a share of a bill it may cover (basis
 * points, 5000 = 50 %), a validity (Asia/Shanghai dates, both inclusive) and
 * a yearly cap: the most the enterprise may draw from all its vouchers
 * within one Shanghai calendar year while this voucher is used. Applied to
 * a completed booking's bill (booking.h), the voucher part is
 *
 *     min(bill × share half up, voucher balance, cap − used this year)
 *
 * and the SME pays the rest. The voucher's ledger is append-only
 * (voucher_movements): a use is +part, a rejected claim's return −part, and
 * balance = amount − Σ movements. Every movement is written in one write
 * transaction that first locks the enterprise's vouchers and then re-reads
 * the balance and the year's use, so concurrent applications can never
 * spend a voucher beyond its amount or an enterprise beyond its cap;
 * voucher_verify proves it afterwards over the whole ledger. All amounts go
 * through base/money.h.
 *
 * Application states: applied (the SME's) -> claimed (the owner's, with the
 * usage record) -> approved | rejected (the operator's; rejection returns
 * the part to the voucher and frees the booking for another application).
 * One live (not rejected) application per booking.
 *
 * The date is the innovation clock's (challenge.h challenge_clock_now), so
 * tests can move it. Every write is audited and notifies who must act next
 * (inbox kinds "voucher_issued", "voucher_applied", "voucher_decided").
 * Functions return QERR_OK or fill err; *out is a new reference.
 */
#ifndef QILIAN_SHARING_VOUCHER_H
#define QILIAN_SHARING_VOUCHER_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/jsonio.h"
#include "base/qerr.h"
#include "platform/actor.h"
#include "store/db.h"

/* A voucher of at most 10^10 fen (1亿元); caps likewise. */
#define VOUCHER_MAX_FEN 10000000000LL

/* POST /vouchers body (the operator's issue). */
extern const struct jfield voucher_issue_fields[];
/* POST /voucher-applications/{id}/reject body. */
extern const struct jfield voucher_reject_fields[];

/* What the voucher needs to know of a completed booking (filled from booking.h). */
struct voucher_bill {
	int64_t booking_id;
	int64_t owner_org_id;	     /* the resource's owner organisation */
	int64_t owner_enterprise_id; /* its enterprise, 0 when none */
	int64_t booker_org_id;
	int64_t booker_enterprise_id; /* 0 when the booking names none */
	int64_t minutes_used;
	int64_t cost_fen;   /* the bill */
	char state[24];	    /* "completed" when a voucher may apply */
	char resource[200]; /* its name, for people */
};

/*
 * Where bills come from: by default the bookings of booking.h
 * (voucher_booking_bill in voucher_bill.c). QERR_NOT_FOUND
 * "booking_not_found" when there is no such booking.
 */
typedef enum qerr (*voucher_bill_source)(struct db *db, int64_t booking_id, struct voucher_bill *bill,
					 struct qerror *err);
enum qerr voucher_booking_bill(struct db *db, int64_t booking_id, struct voucher_bill *bill, struct qerror *err);
/* Replaces the bill source (unit tests script bills with it); NULL restores booking.h's. */
void voucher_set_bill_source(voucher_bill_source fn);

/*
 * The voucher part of a bill: min(bill × share_bp / 10000 rounded half up,
 * balance, cap_left), never negative. Pure; QERR_INVALID on negative input.
 */
enum qerr voucher_part(int64_t bill_fen, int64_t share_bp, int64_t balance_fen, int64_t cap_left_fen, int64_t *part_fen,
		       struct qerror *err);

/* Issues a voucher (operator) to an SME enterprise named by USCC. *out is the voucher. 422 not_sme, invalid dates. */
enum qerr voucher_issue(struct db *db, const struct actor *a, const json_t *body, json_t **out, struct qerror *err);

/*
 * Revokes an active voucher (operator): it pays no further bill; what it
 * paid stays paid and claims already made go on. 409 when already revoked.
 */
enum qerr voucher_revoke(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);

/*
 * Vouchers with balance_fen, used_fen and used_this_year_fen: the SME's own
 * (its organisation's enterprises), every voucher for the operator, 403 for
 * others. {"items": [...]}.
 */
enum qerr voucher_list(struct db *db, const struct actor *a, json_t **out, struct qerror *err);

/* One voucher with its movements and applications (holder or operator; else 404). */
enum qerr voucher_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);

/*
 * The split voucher_apply would make, without writing: {"bill_fen",
 * "voucher_fen", "sme_fen", "limited_by"}. Same checks as voucher_apply.
 */
enum qerr voucher_preview(struct db *db, const struct actor *a, int64_t voucher_id, int64_t booking_id, json_t **out,
			  struct qerror *err);

/*
 * Applies the voucher to a completed booking of the holder's enterprise
 * (the holder's organisation or the operator). Errors: 404 voucher or
 * booking, 403 not the holder's booking, 409 booking_not_completed,
 * voucher_not_valid (outside its dates or revoked), already_applied,
 * voucher_exhausted (balance 0), yearly_cap_reached. *out is the application.
 */
enum qerr voucher_apply(struct db *db, const struct actor *a, int64_t voucher_id, int64_t booking_id, json_t **out,
			struct qerror *err);

/*
 * The completed bookings of the voucher's enterprise that carry no live
 * application yet, newest first (at most 100): {"items": [{"booking_id",
 * "resource", "starts_at", "cost_fen"}]}. The holder's organisation or the
 * operator; else 404.
 */
enum qerr voucher_candidates(struct db *db, const struct actor *a, int64_t voucher_id, json_t **out,
			     struct qerror *err);

/*
 * Applications as {"items": [...]}: role "owner" the resource owner's
 * (its claims), "holder" the SME's, NULL: both, or every one for the
 * operator; status filters (applied|claimed|approved|rejected) or NULL.
 */
enum qerr voucher_application_list(struct db *db, const struct actor *a, const char *role, const char *status,
				   json_t **out, struct qerror *err);

/* One application (its owner, its holder or the operator; else 404). */
enum qerr voucher_application_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);

/* The owner claims the voucher part of an applied application, attaching the booking's usage record. 409 otherwise. */
enum qerr voucher_claim(struct db *db, const struct actor *a, int64_t application_id, json_t **out, struct qerror *err);

/*
 * The operator decides a claimed application: approve, or reject with a
 * reason (required), which returns the part to the voucher. 409 unless
 * claimed.
 */
enum qerr voucher_decide(struct db *db, const struct actor *a, int64_t application_id, bool approve, const char *reason,
			 json_t **out, struct qerror *err);

/*
 * The bill of a booking as its owner, booker or the operator sees it:
 * {"booking_id", "bill_fen", "voucher_fen", "sme_fen", "application"
 * (or null)}.
 */
enum qerr voucher_booking_view(struct db *db, const struct actor *a, int64_t booking_id, json_t **out,
			       struct qerror *err);

/*
 * Re-checks the whole ledger: every voucher's balance = amount − Σ
 * movements lies in [0, amount]; every application has one use of its part
 * and, when rejected, one return of it; no enterprise drew more in a year
 * than the largest cap of the vouchers it used that year. {"vouchers",
 * "movements", "applications", "ok", "problems": [...]}. Operator only.
 */
enum qerr voucher_verify(struct db *db, const struct actor *a, json_t **out, struct qerror *err);

#endif
