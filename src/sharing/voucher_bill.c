/*
 * voucher_bill.c - a booking's bill as the voucher sees it: the one place
 * the vouchers read the bookings, through booking.h's sharing_booking_bill
 * (the bookings' public API), so voucher.c keeps no SQL on their tables.
 */
#include "sharing/voucher.h"

#include <stdio.h>
#include <string.h>
#include "sharing/booking.h"

enum qerr voucher_booking_bill(struct db *db, int64_t booking_id, struct voucher_bill *bill, struct qerror *err)
{
	struct sharing_bill b;
	memset(bill, 0, sizeof *bill);
	if (sharing_booking_bill(db, booking_id, &b, err)) {
		if (err->code == QERR_NOT_FOUND)
			snprintf(err->field, sizeof err->field, "booking");
		return err->code;
	}
	bill->booking_id = b.booking_id;
	bill->owner_org_id = b.owner_org_id;
	bill->booker_org_id = b.booker_org_id;
	bill->booker_enterprise_id = b.booker_enterprise_id;
	bill->minutes_used = b.used_minutes;
	bill->cost_fen = b.cost_fen;
	snprintf(bill->state, sizeof bill->state, "%s", b.state);
	/* The owner's enterprise, for its inbox: the owner organisation's first. */
	struct db_stmt *st = db_prepare(db, "SELECT coalesce(min(id),0) FROM enterprises WHERE org_id=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, b.owner_org_id);
	if (db_scalar_int64(st, &bill->owner_enterprise_id, err))
		return err->code;
	snprintf(bill->resource, sizeof bill->resource, "resource %lld, %s to %s", (long long)b.resource_id, b.starts_at,
		 b.ends_at);
	return QERR_OK;
}
