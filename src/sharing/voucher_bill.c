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
	snprintf(bill->resource, sizeof bill->resource, "resource %lld, %s to %s", (long long)b.resource_id,
		 b.starts_at, b.ends_at);
	return QERR_OK;
}

enum qerr voucher_candidates(struct db *db, const struct actor *a, int64_t voucher_id, json_t **out, struct qerror *err)
{
	*out = NULL;
	struct db_stmt *st = db_prepare(db,
					"SELECT v.enterprise_id,coalesce(e.org_id,0) FROM vouchers v JOIN enterprises e"
					" ON e.id=v.enterprise_id WHERE v.id=?",
					err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, voucher_id);
	enum qerr rc = db_one(st, err);
	int64_t enterprise = rc ? 0 : db_col_int64(st, 0), org = rc ? 0 : db_col_int64(st, 1);
	if (!rc)
		db_reset(st);
	bool operator= a->user_id == 0 || a->org_type == ORG_OPERATOR;
	if (rc == QERR_NOT_FOUND || (!rc && !operator&&(!org || org != a->org_id)))
		return qerr_set(err, QERR_NOT_FOUND, "voucher_not_found", "id", "创新券不存在 (no voucher %lld)",
				(long long)voucher_id);
	if (rc)
		return rc;
	/* The holder organisation's own bookings, as it would list them (booking.h). */
	struct actor holder = *a;
	holder.org_id = org;
	holder.org_type = ORG_SME;
	struct sharing_booking_filter f = {.role = "booker", .state = "completed", .limit = 100};
	json_t *page = NULL;
	if ((rc = sharing_booking_list(db, &holder, &f, &page, err)))
		return rc;
	json_t *items = json_array(), *b;
	size_t i;
	json_array_foreach(json_object_get(page, "items"), i, b)
	{
		int64_t id = json_integer_value(json_object_get(b, "id"));
		if (json_integer_value(json_object_get(json_object_get(b, "booker"), "enterprise_id")) != enterprise)
			continue;
		st = db_prepare(
		    db, "SELECT count(*) FROM voucher_applications WHERE booking_id=? AND status<>'rejected'", err);
		int64_t live = 0;
		if (!st || (db_bind_int64(st, 1, id), db_scalar_int64(st, &live, err))) {
			json_decref(items);
			json_decref(page);
			return err->code;
		}
		if (live)
			continue;
		json_array_append_new(items, json_pack("{s:I,s:O,s:O,s:O}", "booking_id", (json_int_t)id, "resource",
						       json_object_get(json_object_get(b, "resource"), "name"),
						       "starts_at", json_object_get(b, "starts_at"), "cost_fen",
						       json_object_get(b, "cost_fen")));
	}
	json_decref(page);
	*out = json_pack("{s:o}", "items", items);
	return QERR_OK;
}
