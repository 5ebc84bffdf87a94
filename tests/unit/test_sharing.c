/*
 * test_sharing.c - shared resources and bookings against a real database
 * file, with the clock set by sharing_set_clock: opening a resource and
 * its validation; the path requested -> approved -> checked_in ->
 * completed with the usage record and the bill; who may take which step;
 * capacity 2 with three requests, the waitlist, its offer, confirmation
 * and expiry; no-shows freeing units; a weekly series all or none;
 * eligibility (SMEs only, invited); lowering the capacity below what is
 * held; utilisation figures; the iCalendar text (CRLF, folding on UTF-8
 * boundaries, escaping, SEQUENCE) and its token.
 * 2026-12-07 is a Monday; the clock starts at 2026-12-01T00:00:00Z.
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

#include "base/qtime.h"
#include "base/util.h"
#include "registry/uscc.h"
#include "sharing/booking.h"
#include "sharing/resource.h"
#include "sharing/utilisation.h"
#include "testkit.h"

struct fixture {
	struct testdb t;
	struct db *db;
	struct actor op, large, sme, sme2, bank, stranger;
	int64_t large_org, sme_org, sme2_org;
};

static int64_t T(const char *iso)
{
	int64_t t = 0;
	assert_true(qtime_parse(iso, QTIME_OFFSET, &t, NULL));
	return t;
}

static int setup(void **state)
{
	struct fixture *f = testdb_fixture(sizeof *f, "sharing");
	if (!f)
		return -1;
	f->db = f->t.db;
	testkit_org_actor(f->db, &f->op, 100, "苏州市中小企业服务中心", ORG_OPERATOR, ROLE_ADMIN);
	f->large_org =
	    testkit_org_actor(f->db, &f->large, 101, "苏州汇川新能源汽车科技有限公司", ORG_LARGE, ROLE_MEMBER);
	f->sme_org = testkit_org_actor(f->db, &f->sme, 102, "昆山精锐模具科技有限公司", ORG_SME, ROLE_MEMBER);
	f->sme2_org = testkit_org_actor(f->db, &f->sme2, 103, "太仓宏达精密机械有限公司", ORG_SME, ROLE_MEMBER);
	testkit_org_actor(f->db, &f->bank, 104, "江苏银行苏州分行", ORG_BANK, ROLE_MEMBER);
	testkit_org_actor(f->db, &f->stranger, 105, "无锡无关科技有限公司", ORG_SME, ROLE_MEMBER);
	char uscc[USCC_LEN + 1];
	uscc_generate("320583", 9101, uscc);
	testkit_enterprise(f->db, &f->sme, uscc, "昆山精锐模具科技有限公司,320583,35,86,5200,4100,provincial");
	uscc_generate("320506", 9102, uscc);
	testkit_enterprise(f->db, &f->large, uscc, "苏州汇川新能源汽车科技有限公司,320506,36,3200,860000,1250000,none");
	sharing_set_clock(T("2026-12-01T00:00:00Z"));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	sharing_set_clock(0);
	return testdb_teardown(state);
}

static const char BASE_RESOURCE[] =
    "{\"type\":\"instrument\",\"name\":\"盐雾试验箱\",\"description\":\"中性盐雾试验\",\"region\":\"320506\","
    "\"capacity\":2,\"price_sme_fen\":8000,\"price_large_fen\":15000,\"price_other_fen\":12000,"
    "\"opening_hours\":[\"mon-fri 08:00-18:00\"],\"closed_dates\":[\"2026-12-16\"],\"min_minutes\":60,"
    "\"max_minutes\":600,\"buffer_minutes\":0}";

/* Opens a resource as the large enterprise with BASE_RESOURCE plus extra fields (",\"k\":v"). */
static int64_t open_resource(struct fixture *f, const char *extra)
{
	/* extra's fields replace the base's */
	json_t *base = json_loads(BASE_RESOURCE, 0, NULL);
	char more[1024];
	snprintf(more, sizeof more, "{%s}", extra ? extra + 1 : "");
	json_t *m = json_loads(more, 0, NULL);
	assert_non_null(base);
	assert_non_null(m);
	json_object_update(base, m);
	char *body = json_dumps(base, 0);
	json_decref(base);
	json_decref(m);
	json_t *b = testkit_json(body, sharing_resource_fields, false), *out = NULL;
	free(body);
	struct qerror e = {0};
	if (sharing_resource_create(f->db, &f->large, b, &out, &e))
		fail_msg("create: %s", e.message);
	json_decref(b);
	int64_t id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	return id;
}

/* Requests a window; returns the first booking's id, or 0 with *e filled. */
static int64_t book(struct fixture *f, const struct actor *a, int64_t res, const char *from, const char *to,
		    const char *extra, struct qerror *e)
{
	char body[512];
	snprintf(body, sizeof body, "{\"starts_at\":\"%s\",\"ends_at\":\"%s\"%s}", from, to, extra ? extra : "");
	json_t *b = testkit_json(body, sharing_booking_fields, false), *out = NULL;
	memset(e, 0, sizeof *e);
	enum qerr rc = sharing_booking_request(f->db, a, res, b, &out, e);
	json_decref(b);
	if (rc)
		return 0;
	int64_t id = json_integer_value(json_object_get(json_array_get(json_object_get(out, "bookings"), 0), "id"));
	json_decref(out);
	return id;
}

static enum qerr act(struct fixture *f, const struct actor *a, int64_t id, enum sharing_booking_action action,
		     const char *body, struct qerror *e)
{
	json_t *b = body ? testkit_json(body, sharing_booking_action_fields, false) : NULL, *out = NULL;
	memset(e, 0, sizeof *e);
	enum qerr rc = sharing_booking_act(f->db, a, id, action, b, &out, e);
	json_decref(b);
	json_decref(out);
	return rc;
}

static const char *state_of(struct fixture *f, int64_t id)
{
	static char s[32];
	struct sharing_bill bill;
	struct qerror e = {0};
	assert_int_equal(sharing_booking_bill(f->db, id, &bill, &e), QERR_OK);
	snprintf(s, sizeof s, "%s", bill.state);
	return s;
}

static void test_opening_a_resource_validates_it(void **state)
{
	struct fixture *f = *state;
	struct qerror e = {0};
	json_t *out = NULL;
	char body[2048];
	json_t *b = testkit_json(BASE_RESOURCE, sharing_resource_fields, false);
	assert_int_equal(sharing_resource_create(f->db, &f->bank, b, &out, &e), QERR_FORBIDDEN);
	json_decref(b);
	const char *bad[][2] = {
	    {",\"min_minutes\":45", "not_on_granule"},
	    {",\"region\":\"329999\"", "invalid_region"},
	    {",\"opening_hours\":[\"mon 8-18\"]", "invalid_opening_hours"},
	    {",\"opening_hours\":[]", "invalid_opening_hours"},
	    {",\"closed_dates\":[\"2026-13-01\"]", "invalid_closed_dates"},
	    {",\"invited_orgs\":[\"999999\"]", "org_not_found"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		/* a later duplicate key would be rejected by the decoder: replace the base's value instead */
		snprintf(
		    body, sizeof body,
		    "{\"type\":\"instrument\",\"name\":\"x\",\"region\":\"320506\",\"capacity\":1,\"price_sme_fen\":1,"
		    "\"price_large_fen\":1,\"price_other_fen\":1,\"opening_hours\":[\"daily 08:00-18:00\"]%s}",
		    bad[i][0]);
		/* keys may repeat in this table only when the base lacks them */
		if (strstr(bad[i][0], "region") || strstr(bad[i][0], "opening_hours")) {
			const char *v = bad[i][0] + 1;
			snprintf(body, sizeof body,
				 "{\"type\":\"instrument\",\"name\":\"x\",\"capacity\":1,\"price_sme_fen\":1,"
				 "\"price_large_fen\":1,\"price_other_fen\":1,%s%s}",
				 v,
				 strstr(v, "region") ? ",\"opening_hours\":[\"daily 08:00-18:00\"]"
						     : ",\"region\":\"320506\"");
		}
		b = testkit_json(body, sharing_resource_fields, false);
		memset(&e, 0, sizeof e);
		assert_int_not_equal(sharing_resource_create(f->db, &f->large, b, &out, &e), QERR_OK);
		assert_string_equal(e.slug, bad[i][1]);
		json_decref(b);
	}
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM resources"), 0);
	int64_t id = open_resource(f, NULL);
	assert_true(id > 0);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM audit_log WHERE action='resource.create'"), 1);
}

static void test_the_whole_path_and_the_bill(void **state)
{
	struct fixture *f = *state;
	int64_t res = open_resource(f, NULL);
	struct qerror e;
	int64_t id = book(f, &f->sme, res, "2026-12-07T09:00:00+08:00", "2026-12-07T11:00:00+08:00",
			  ",\"units\":2,\"note\":\"样品 20 件\"", &e);
	assert_true(id > 0);
	assert_string_equal(state_of(f, id), "requested");
	/* the owner has a notification to decide */
	assert_true(testdb_scalar(f->db, "SELECT count(*) FROM notifications WHERE kind='booking_request'") >= 1);
	/* an SME cannot approve, a stranger does not see it */
	assert_int_equal(act(f, &f->sme, id, BOOKING_APPROVE, NULL, &e), QERR_FORBIDDEN);
	assert_int_equal(act(f, &f->stranger, id, BOOKING_APPROVE, NULL, &e), QERR_NOT_FOUND);
	json_t *out = NULL;
	assert_int_equal(sharing_booking_get(f->db, &f->stranger, id, &out, &e), QERR_NOT_FOUND);
	assert_int_equal(act(f, &f->large, id, BOOKING_REJECT, NULL, &e), QERR_INVALID); /* needs a reason */
	assert_int_equal(act(f, &f->large, id, BOOKING_APPROVE, NULL, &e), QERR_OK);
	assert_int_equal(act(f, &f->large, id, BOOKING_APPROVE, NULL, &e), QERR_CONFLICT);
	assert_string_equal(e.slug, "illegal_transition");
	/* check-in opens 30 minutes before the start */
	assert_int_equal(act(f, &f->large, id, BOOKING_CHECK_IN, NULL, &e), QERR_CONFLICT);
	assert_string_equal(e.slug, "too_early");
	sharing_set_clock(T("2026-12-07T08:50:00+08:00"));
	assert_int_equal(act(f, &f->sme, id, BOOKING_CHECK_IN, NULL, &e), QERR_FORBIDDEN);
	assert_int_equal(act(f, &f->large, id, BOOKING_CHECK_IN, NULL, &e), QERR_OK);
	assert_int_equal(act(f, &f->large, id, BOOKING_COMPLETE, NULL, &e), QERR_INVALID);
	assert_int_equal(act(f, &f->large, id, BOOKING_COMPLETE, "{\"used_minutes\":121}", &e), QERR_INVALID);
	sharing_set_clock(T("2026-12-07T11:00:00+08:00"));
	assert_int_equal(act(f, &f->large, id, BOOKING_COMPLETE, "{\"used_minutes\":90}", &e), QERR_OK);
	struct sharing_bill bill;
	assert_int_equal(sharing_booking_bill(f->db, id, &bill, &e), QERR_OK);
	assert_string_equal(bill.state, "completed");
	assert_string_equal(bill.booker_kind, "sme");
	assert_int_equal(bill.owner_org_id, f->large_org);
	assert_int_equal(bill.booker_org_id, f->sme_org);
	assert_true(bill.booker_enterprise_id > 0);
	assert_int_equal(bill.booked_minutes, 120);
	assert_int_equal(bill.used_minutes, 90);
	assert_int_equal(bill.price_per_hour_fen, 8000);
	assert_int_equal(bill.cost_fen, 8000 * 2 * 90 / 60); /* 2 units × 1.5 h */
	assert_string_equal(bill.completed_at, "2026-12-07T03:00:00Z");
	assert_int_equal(sharing_booking_bill(f->db, 999999, &bill, &e), QERR_NOT_FOUND);
	/* utilisation of Monday: open 2 units × 10 h */
	assert_int_equal(sharing_utilisation_resource(f->db, &f->large, res, "2026-12-07", "2026-12-07", &out, &e),
			 QERR_OK);
	assert_true(json_real_value(json_object_get(out, "open_hours")) == 20.0);
	assert_true(json_real_value(json_object_get(out, "booked_hours")) == 4.0);
	assert_true(json_real_value(json_object_get(out, "used_hours")) == 3.0);
	assert_int_equal(json_integer_value(json_object_get(out, "revenue_fen")), 24000);
	assert_int_equal(json_integer_value(json_object_get(out, "smes_served")), 1);
	json_decref(out);
	assert_int_equal(sharing_utilisation_resource(f->db, &f->sme, res, "2026-12-07", "2026-12-07", &out, &e),
			 QERR_FORBIDDEN);
	sharing_set_clock(T("2026-12-01T00:00:00Z"));
}

static void test_costs_round_half_up_and_overflow_is_refused(void **state)
{
	(void)state;
	int64_t c = 0;
	struct qerror e = {0};
	assert_int_equal(sharing_cost(1, 30, 1, &c, &e), QERR_OK); /* 0.5 fen -> 1 */
	assert_int_equal(c, 1);
	assert_int_equal(sharing_cost(3, 50, 1, &c, &e), QERR_OK); /* 2.5 fen -> 3 */
	assert_int_equal(c, 3);
	assert_int_equal(sharing_cost(INT64_MAX / 2, 60, 1, &c, &e), QERR_INVALID);
	assert_string_equal(e.slug, "amount_overflow");
}

static void test_capacity_two_three_requests_and_the_waitlist(void **state)
{
	struct fixture *f = *state;
	int64_t res = open_resource(f, ",\"offer_minutes\":60");
	struct qerror e;
	const char *s = "2026-12-08T09:00:00+08:00", *t = "2026-12-08T12:00:00+08:00";
	int64_t a = book(f, &f->sme, res, s, t, NULL, &e);
	int64_t b = book(f, &f->sme2, res, s, t, NULL, &e);
	assert_true(a && b);
	assert_int_equal(book(f, &f->large, res, s, t, NULL, &e), 0);
	assert_int_equal(e.code, QERR_CONFLICT);
	assert_string_equal(e.slug, "no_capacity");
	int64_t w1 = book(f, &f->large, res, s, t, ",\"waitlist\":true", &e);
	int64_t w2 = book(f, &f->stranger, res, s, t, ",\"waitlist\":true", &e);
	assert_true(w1 && w2);
	assert_string_equal(state_of(f, w1), "waitlisted");
	/* a cancellation offers the unit to the first in line, and holds it for them */
	assert_int_equal(act(f, &f->sme2, b, BOOKING_CANCEL, NULL, &e), QERR_OK);
	assert_string_equal(state_of(f, w1), "offered");
	assert_string_equal(state_of(f, w2), "waitlisted");
	assert_true(testdb_scalar(f->db, "SELECT count(*) FROM notifications WHERE kind='booking_offer'") == 1);
	assert_int_equal(book(f, &f->sme2, res, s, t, NULL, &e), 0);
	assert_string_equal(e.slug, "no_capacity");
	/* the offer lapses after 60 minutes: the next in line gets it */
	sharing_set_clock(T("2026-12-01T01:01:00Z"));
	int64_t changed = 0;
	assert_int_equal(sharing_maintain(f->db, res, 0, &changed, &e), QERR_OK);
	assert_int_equal(changed, 2);
	assert_string_equal(state_of(f, w1), "expired");
	assert_string_equal(state_of(f, w2), "offered");
	assert_int_equal(act(f, &f->large, w2, BOOKING_CONFIRM, NULL, &e), QERR_FORBIDDEN);
	assert_int_equal(act(f, &f->stranger, w2, BOOKING_CONFIRM, NULL, &e), QERR_OK);
	assert_string_equal(state_of(f, w2), "requested");
	/* never more than 2 units held at once */
	assert_int_equal(testdb_scalar(f->db, "SELECT sum(units) FROM bookings WHERE state='requested'"), 2);
	sharing_set_clock(T("2026-12-01T00:00:00Z"));
}

static void test_a_no_show_frees_the_units(void **state)
{
	struct fixture *f = *state;
	int64_t res = open_resource(f, ",\"approval\":\"instant\",\"capacity\":1,\"no_show_minutes\":30");
	struct qerror e;
	int64_t a = book(f, &f->sme, res, "2026-12-09T09:00:00+08:00", "2026-12-09T12:00:00+08:00", NULL, &e);
	assert_true(a);
	assert_string_equal(state_of(f, a), "approved");
	sharing_set_clock(T("2026-12-09T09:10:00+08:00"));
	assert_int_equal(book(f, &f->sme2, res, "2026-12-09T10:00:00+08:00", "2026-12-09T11:00:00+08:00", NULL, &e), 0);
	assert_string_equal(e.slug, "no_capacity");
	/* past start + 30 minutes without a check-in */
	sharing_set_clock(T("2026-12-09T09:31:00+08:00"));
	json_t *out = NULL;
	assert_int_equal(sharing_booking_get(f->db, &f->sme, a, &out, &e), QERR_OK);
	assert_string_equal(json_string_value(json_object_get(out, "state")), "no_show"); /* lazily, before the pass */
	json_decref(out);
	int64_t b = book(f, &f->sme2, res, "2026-12-09T10:00:00+08:00", "2026-12-09T11:00:00+08:00", NULL, &e);
	assert_true(b);
	assert_string_equal(state_of(f, a), "no_show");
	assert_int_equal(act(f, &f->large, a, BOOKING_CHECK_IN, NULL, &e), QERR_CONFLICT);
	sharing_set_clock(T("2026-12-01T00:00:00Z"));
}

static void test_a_weekly_series_is_all_or_none(void **state)
{
	struct fixture *f = *state;
	int64_t res = open_resource(f, NULL);
	struct qerror e;
	int64_t before = testdb_scalar(f->db, "SELECT count(*) FROM bookings");
	/* the third Wednesday, 2026-12-16, is closed */
	assert_int_equal(
	    book(f, &f->sme, res, "2026-12-02T09:00:00+08:00", "2026-12-02T11:00:00+08:00", ",\"repeat_weeks\":3", &e),
	    0);
	assert_string_equal(e.slug, "closed_date");
	assert_non_null(strstr(e.message, "week 3 of 3"));
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM bookings"), before);
	int64_t first = book(f, &f->sme, res, "2026-12-02T09:00:00+08:00", "2026-12-02T11:00:00+08:00",
			     ",\"repeat_weeks\":2,\"units\":2", &e);
	assert_true(first);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM bookings"), before + 2);
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM bookings WHERE series_id=%lld", (long long)first);
	assert_int_equal(testdb_scalar(f->db, sql), 2);
	/* both weeks are now full */
	assert_int_equal(book(f, &f->sme2, res, "2026-12-09T10:00:00+08:00", "2026-12-09T11:00:00+08:00", NULL, &e), 0);
	assert_string_equal(e.slug, "no_capacity");
}

static void test_eligibility_and_refusals_name_the_rule(void **state)
{
	struct fixture *f = *state;
	int64_t smes = open_resource(f, ",\"eligibility\":\"sme\"");
	struct qerror e;
	assert_int_equal(
	    book(f, &f->op, smes, "2026-12-07T09:00:00+08:00", "2026-12-07T10:00:00+08:00", ",\"org_id\":999999", &e),
	    0);
	assert_string_equal(e.slug, "org_not_found");
	char extra[64];
	snprintf(extra, sizeof extra, ",\"eligibility\":\"invited\",\"invited_orgs\":[\"%lld\"]",
		 (long long)f->sme2_org);
	int64_t inv = open_resource(f, extra);
	assert_int_equal(book(f, &f->sme, inv, "2026-12-07T09:00:00+08:00", "2026-12-07T10:00:00+08:00", NULL, &e), 0);
	assert_string_equal(e.slug, "not_eligible");
	assert_true(book(f, &f->sme2, inv, "2026-12-07T09:00:00+08:00", "2026-12-07T10:00:00+08:00", NULL, &e));
	assert_true(book(f, &f->large, inv, "2026-12-07T09:00:00+08:00", "2026-12-07T10:00:00+08:00", NULL, &e));
	int64_t any = open_resource(f, ",\"horizon_days\":12,\"closed_dates\":[\"2026-12-11\"]");
	const char *cases[][3] = {
	    {"2026-12-07T07:00:00+08:00", "2026-12-07T09:00:00+08:00", "outside_opening_hours"},
	    {"2026-12-11T09:00:00+08:00", "2026-12-11T10:00:00+08:00", "closed_date"},
	    {"2026-12-07T09:00:00+08:00", "2026-12-07T09:30:00+08:00", "too_short"},
	    {"2026-12-07T08:00:00+08:00", "2026-12-07T18:30:00+08:00", "too_long"},
	    {"2026-12-14T09:00:00+08:00", "2026-12-14T10:00:00+08:00", "too_far_ahead"},
	    {"2026-11-30T09:00:00+08:00", "2026-11-30T10:00:00+08:00", "in_the_past"},
	    {"2026-12-07T09:10:00+08:00", "2026-12-07T10:10:00+08:00", "not_on_granule"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(book(f, &f->sme, any, cases[i][0], cases[i][1], NULL, &e), 0);
		assert_string_equal(e.slug, cases[i][2]);
	}
	assert_int_equal(
	    book(f, &f->sme, any, "2026-12-07T09:00:00+08:00", "2026-12-07T10:00:00+08:00", ",\"units\":3", &e), 0);
	assert_string_equal(e.slug, "too_many_units");
	assert_int_equal(book(f, &f->bank, any, "2026-12-07T09:00:00+08:00", "2026-12-07T10:00:00+08:00", NULL, &e), 0);
	assert_int_equal(e.code, QERR_FORBIDDEN);
}

static void test_capacity_cannot_drop_below_what_is_held(void **state)
{
	struct fixture *f = *state;
	int64_t res = open_resource(f, NULL);
	struct qerror e;
	assert_true(book(f, &f->sme, res, "2026-12-10T09:00:00+08:00", "2026-12-10T10:00:00+08:00", NULL, &e));
	assert_true(book(f, &f->sme2, res, "2026-12-10T09:00:00+08:00", "2026-12-10T10:00:00+08:00", NULL, &e));
	json_t *b = testkit_json("{\"capacity\":1}", sharing_resource_patch_fields, true), *out = NULL;
	assert_int_equal(sharing_resource_update(f->db, &f->large, res, b, &out, &e), QERR_CONFLICT);
	assert_string_equal(e.slug, "capacity_in_use");
	assert_int_equal(sharing_resource_update(f->db, &f->sme, res, b, &out, &e), QERR_FORBIDDEN);
	json_decref(b);
	b = testkit_json("{\"capacity\":3,\"name\":\"盐雾试验箱 二号\"}", sharing_resource_patch_fields, true);
	assert_int_equal(sharing_resource_update(f->db, &f->large, res, b, &out, &e), QERR_OK);
	assert_int_equal(json_integer_value(json_object_get(out, "capacity")), 3);
	json_decref(out);
	json_decref(b);
}

/* Every line ends in CRLF, is at most 75 octets and is valid UTF-8 on its own. */
static void check_ics_lines(const char *ics, size_t len)
{
	const char *p = ics, *end = ics + len;
	while (p < end) {
		const char *nl = strstr(p, "\r\n");
		assert_non_null(nl);
		size_t n = (size_t)(nl - p);
		assert_true(n <= 75);
		assert_true(util_utf8_valid(p, n));
		for (size_t i = 0; i < n; i++)
			assert_true(p[i] != '\n' && p[i] != '\r');
		p = nl + 2;
	}
}

static void test_calendar_folds_escapes_and_counts_changes(void **state)
{
	struct fixture *f = *state;
	int64_t res = open_resource(f, ",\"description\":\"x\"");
	json_t *b = testkit_json(
		   "{\"name\":\"三坐标测量机, 蔡司; 型号\\\\CONTURA 超长名称超长名称超长名称超长名称超长名称\"}",
		   sharing_resource_patch_fields, true),
	       *out = NULL;
	struct qerror e;
	assert_int_equal(sharing_resource_update(f->db, &f->large, res, b, &out, &e), QERR_OK);
	json_decref(b);
	const char *url = json_string_value(json_object_get(out, "feed_url"));
	char token[80];
	snprintf(token, sizeof token, "%s", strstr(url, "token=") + 6);
	json_decref(out);
	int64_t id = book(f, &f->sme, res, "2026-12-07T22:00:00+08:00", "2026-12-07T23:00:00+08:00", NULL, &e);
	assert_int_equal(id, 0); /* closed at 18:00 */
	id = book(f, &f->sme, res, "2026-12-07T09:00:00+08:00", "2026-12-07T10:00:00+08:00",
		  ",\"note\":\"第一行\\n第二行，含逗号, 分号; 反斜杠\\\\\"", &e);
	assert_true(id);
	char *ics = NULL;
	size_t len = 0;
	assert_int_equal(sharing_calendar_ics(f->db, res, "wrong", &ics, &len, &e), QERR_NOT_FOUND);
	assert_int_equal(sharing_calendar_ics(f->db, res, "", &ics, &len, &e), QERR_NOT_FOUND);
	assert_int_equal(sharing_calendar_ics(f->db, res, token, &ics, &len, &e), QERR_OK);
	check_ics_lines(ics, len);
	/* unfold, then look for the escaped texts */
	struct buf u = {0};
	for (size_t i = 0; i < len; i++) {
		if (i + 2 < len && ics[i] == '\r' && ics[i + 1] == '\n' && ics[i + 2] == ' ') {
			i += 2;
			continue;
		}
		buf_append(&u, ics + i, 1);
	}
	assert_non_null(strstr(u.data, "X-WR-CALNAME:三坐标测量机\\, 蔡司\\; 型号\\\\CONTURA"));
	assert_non_null(strstr(u.data, "第一行\\n第二行，含逗号\\, 分号\\; 反斜杠\\\\"));
	assert_non_null(strstr(u.data, "DTSTART:20261207T010000Z\r\nDTEND:20261207T020000Z"));
	char uid[80];
	snprintf(uid, sizeof uid, "UID:booking-%lld@resource-%lld.qilian", (long long)id, (long long)res);
	assert_non_null(strstr(u.data, uid));
	assert_non_null(strstr(u.data, "SEQUENCE:0\r\nSTATUS:TENTATIVE"));
	free(ics);
	buf_free(&u);
	assert_int_equal(act(f, &f->large, id, BOOKING_APPROVE, NULL, &e), QERR_OK);
	assert_int_equal(sharing_calendar_ics(f->db, res, token, &ics, &len, &e), QERR_OK);
	assert_non_null(strstr(ics, "SEQUENCE:1\r\nSTATUS:CONFIRMED"));
	free(ics);
	/* rotating the token retires the old one */
	assert_int_equal(sharing_feed_rotate(f->db, &f->large, res, &out, &e), QERR_OK);
	json_decref(out);
	assert_int_equal(sharing_calendar_ics(f->db, res, token, &ics, &len, &e), QERR_NOT_FOUND);
	assert_int_equal(sharing_feed_rotate(f->db, &f->sme, res, &out, &e), QERR_FORBIDDEN);
}

static void test_catalogue_words_and_free_windows(void **state)
{
	struct fixture *f = *state;
	open_resource(f, ",\"description\":\"永磁同步电机 台架测试\"");
	int64_t tv = open_resource(f, ",\"description\":\"液晶电视机 外壳检测\"");
	(void)tv;
	struct qerror e = {0};
	json_t *out = NULL;
	struct sharing_search s = {.q = "电机"};
	assert_int_equal(sharing_resource_search(f->db, &f->sme, &s, &out, &e), QERR_OK);
	json_t *items = json_object_get(out, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_non_null(strstr(json_string_value(json_object_get(json_array_get(items, 0), "description")), "永磁"));
	assert_string_equal(json_string_value(json_array_get(json_object_get(json_array_get(items, 0), "matched"), 0)),
			    "电机");
	json_decref(out);
	/* free for 8 hours next week near 苏州 */
	struct sharing_search w = {
	    .region = "3205", .hours = 8, .from = "2026-12-07", .to = "2026-12-13", .limit = 200};
	assert_int_equal(sharing_resource_search(f->db, &f->sme, &w, &out, &e), QERR_OK);
	items = json_object_get(out, "items");
	assert_true(json_array_size(items) >= 2);
	json_t *fw = json_object_get(json_array_get(items, 0), "free_window");
	assert_non_null(fw);
	json_decref(out);
	struct sharing_search far = {.region = "11", .hours = 8};
	assert_int_equal(sharing_resource_search(f->db, &f->sme, &far, &out, &e), QERR_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 0);
	json_decref(out);
	struct sharing_search too_long = {.hours = 11, .from = "2026-12-07"};
	assert_int_equal(sharing_resource_search(f->db, &f->sme, &too_long, &out, &e), QERR_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 0); /* open 10 h a day */
	json_decref(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_opening_a_resource_validates_it, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_the_whole_path_and_the_bill, setup, teardown),
	    cmocka_unit_test(test_costs_round_half_up_and_overflow_is_refused),
	    cmocka_unit_test_setup_teardown(test_capacity_two_three_requests_and_the_waitlist, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_a_no_show_frees_the_units, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_a_weekly_series_is_all_or_none, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_eligibility_and_refusals_name_the_rule, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_capacity_cannot_drop_below_what_is_held, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_calendar_folds_escapes_and_counts_changes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_catalogue_words_and_free_windows, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
