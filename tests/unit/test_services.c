/*
 * test_services.c - service requests against a real database file: routing
 * (the most specific rule wins, the fallback, the operator's queue), every
 * transition of the state machine by the right party and the illegal ones
 * (wrong state 409, wrong party 403, a handler cannot withdraw), transfer,
 * working-day deadlines across 2025 国庆 and 2026 春节 with their make-up
 * days, the escalation ladder's timing (reminder, 催办, 督办 exactly on
 * their working days, each once), extensions approved by the operator, the
 * unsatisfied rating that reopens once, call-backs and the statistics.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/qtime.h"
#include "platform/workdays.h"
#include "registry/uscc.h"
#include "services/service.h"
#include "testkit.h"

struct fixture {
	struct testdb t;
	struct db *db;
	struct actor op, sme, other, p1, p2, p3, p4;
	int64_t org_p1, org_p2, org_p3, org_p4;
	char uscc[USCC_LEN + 1], uscc_p1[USCC_LEN + 1];
	int64_t eid, eid_p1;
};

/* Shanghai 10:00 on date (02:00 UTC). */
static void on(const char *date)
{
	char iso[32];
	snprintf(iso, sizeof iso, "%sT02:00:00Z", date);
	int64_t t;
	bool date_only;
	if (!qtime_parse(iso, 0, &t, &date_only))
		fail_msg("bad time %s", iso);
	service_clock_set(t);
}

static int setup(void **state)
{
	struct fixture *f = testdb_fixture(sizeof *f, "services");
	if (!f)
		return -1;
	f->db = f->t.db;
	testkit_org_actor(f->db, &f->op, 1, "苏州市中小企业服务中心", ORG_OPERATOR, ROLE_ADMIN);
	testkit_org_actor(f->db, &f->sme, 2, "昆山精锐电驱科技有限公司", ORG_SME, ROLE_ADMIN);
	testkit_org_actor(f->db, &f->other, 3, "太仓无关机械有限公司", ORG_SME, ROLE_ADMIN);
	f->org_p1 = testkit_org_actor(f->db, &f->p1, 4, "江苏省中小企业服务中心", ORG_PROVIDER, ROLE_ADMIN);
	f->org_p2 = testkit_org_actor(f->db, &f->p2, 5, "苏州市金融服务中心", ORG_PROVIDER, ROLE_ADMIN);
	f->org_p3 = testkit_org_actor(f->db, &f->p3, 6, "昆山市金融服务站", ORG_PROVIDER, ROLE_MEMBER);
	f->org_p4 = testkit_org_actor(f->db, &f->p4, 7, "昆山开发区综合服务窗口", ORG_PROVIDER, ROLE_MEMBER);
	uscc_generate("320583", 9101, f->uscc);
	f->eid = testkit_enterprise(f->db, &f->sme, f->uscc, "精锐电驱,320583,38,180,26000,18000,provincial");
	uscc_generate("320000", 9102, f->uscc_p1);
	/* A provider registers no enterprises itself: the operator registers it (its inbox hangs on it). */
	struct actor cli;
	actor_cli(&cli);
	f->eid_p1 = testkit_enterprise(f->db, &cli, f->uscc_p1, "江苏省中小企业服务中心,320000,72,80,3000,2000,none");
	char sql[128];
	snprintf(sql, sizeof sql, "UPDATE enterprises SET org_id=%lld WHERE id=%lld", (long long)f->org_p1,
		 (long long)f->eid_p1);
	testdb_exec(f->db, sql);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	service_clock_set(0);
	return testdb_teardown(state);
}

static void route(struct fixture *f, const char *category, const char *prefix, int64_t org)
{
	char body[256];
	snprintf(body, sizeof body, "{\"category\":\"%s\",\"region_prefix\":\"%s\",\"handler_org_id\":%lld}", category,
		 prefix, (long long)org);
	json_t *b = testkit_json(body, service_route_fields, false), *out = NULL;
	struct qerror e = {0};
	if (service_route_create(f->db, &f->op, b, &out, &e))
		fail_msg("route: %s", e.message);
	json_decref(b);
	json_decref(out);
}

static json_t *submit(struct fixture *f, const char *category, const char *region, const char *urgency)
{
	char body[512];
	snprintf(body, sizeof body,
		 "{\"enterprise\":\"%s\",\"category\":\"%s\",\"title\":\"测试诉求\",\"description\":\"说明\","
		 "\"region\":\"%s\",\"urgency\":\"%s\"}",
		 f->uscc, category, region, urgency);
	json_t *b = testkit_json(body, service_request_fields, false), *out = NULL;
	struct qerror e = {0};
	if (service_submit(f->db, &f->sme, b, &out, &e))
		fail_msg("submit: %s", e.message);
	json_decref(b);
	return out;
}

static int64_t id_of(json_t *o)
{
	int64_t id = json_integer_value(json_object_get(o, "id"));
	json_decref(o);
	return id;
}

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int64_t handler_of(json_t *o)
{
	json_t *h = json_object_get(o, "handler");
	return json_is_null(h) ? 0 : json_integer_value(json_object_get(h, "org_id"));
}

/* Applies action as a; checks the code (and slug when given); returns the request's status after it ("" on failure). */
static void act(struct fixture *f, const struct actor *a, int64_t id, enum service_action action, const char *text,
		enum qerr want, const char *slug)
{
	json_t *out = NULL;
	struct qerror e = {0};
	enum qerr rc = service_act(f->db, a, id, action, text, &out, &e);
	if (rc != want)
		fail_msg("%s on %lld: got %d %s (%s), want %d", service_action_names[action], (long long)id, rc, e.slug,
			 e.message, want);
	if (slug)
		assert_string_equal(e.slug, slug);
	json_decref(out);
}

static char status_buf[32];
static const char *status(struct fixture *f, int64_t id)
{
	json_t *o = NULL;
	struct qerror e = {0};
	assert_int_equal(service_get(f->db, &f->op, id, &o, &e), QERR_OK);
	snprintf(status_buf, sizeof status_buf, "%s", str(o, "status"));
	json_decref(o);
	return status_buf;
}

static void test_routing(void **state)
{
	struct fixture *f = *state;
	on("2025-06-03");
	/* No rule at all: the operator's queue. */
	json_t *o = submit(f, "financing", "320583", "normal");
	assert_int_equal(handler_of(o), 0);
	assert_string_equal(str(o, "queue"), "operator");
	json_decref(o);
	route(f, "*", "", f->org_p1);
	route(f, "financing", "32", f->org_p2);
	route(f, "financing", "3205", f->org_p3);
	route(f, "*", "3205", f->org_p1);
	route(f, "*", "320583", f->org_p4);
	int64_t rid, h;
	struct qerror e = {0};
	/* The longest prefix wins, even over an exact category. */
	assert_int_equal(service_route_resolve(f->db, "financing", "320583", &rid, &h, &e), QERR_OK);
	assert_int_equal(h, f->org_p4);
	/* Same prefix length: the exact category wins over '*'. */
	assert_int_equal(service_route_resolve(f->db, "financing", "320506", &rid, &h, &e), QERR_OK);
	assert_int_equal(h, f->org_p3);
	assert_int_equal(service_route_resolve(f->db, "policy", "320506", &rid, &h, &e), QERR_OK);
	assert_int_equal(h, f->org_p1);
	assert_int_equal(service_route_resolve(f->db, "financing", "320102", &rid, &h, &e), QERR_OK);
	assert_int_equal(h, f->org_p2);
	/* Anywhere else: the catch-all rule. */
	assert_int_equal(service_route_resolve(f->db, "policy", "330102", &rid, &h, &e), QERR_OK);
	assert_int_equal(h, f->org_p1);
	o = submit(f, "financing", "320506", "normal");
	assert_int_equal(handler_of(o), f->org_p3);
	json_decref(o);
	/* A duplicate rule is a conflict; a rule to a non-provider is refused; only the operator edits. */
	json_t *b = testkit_json("{\"category\":\"financing\",\"region_prefix\":\"32\",\"handler_org_id\":1}",
				 service_route_fields, false),
	       *out = NULL;
	assert_int_equal(service_route_create(f->db, &f->op, b, &out, &e), QERR_INVALID);
	assert_string_equal(e.slug, "invalid_handler");
	assert_int_equal(service_route_create(f->db, &f->sme, b, &out, &e), QERR_FORBIDDEN);
	json_decref(b);
	char body[128];
	snprintf(body, sizeof body, "{\"category\":\"financing\",\"region_prefix\":\"32\",\"handler_org_id\":%lld}",
		 (long long)f->org_p1);
	b = testkit_json(body, service_route_fields, false);
	assert_int_equal(service_route_create(f->db, &f->op, b, &out, &e), QERR_CONFLICT);
	json_decref(b);
	b = testkit_json("{\"category\":\"*\",\"region_prefix\":\"3\",\"handler_org_id\":4}", service_route_fields,
			 false);
	assert_int_equal(service_route_create(f->db, &f->op, b, &out, &e), QERR_INVALID);
	assert_string_equal(e.slug, "invalid_region_prefix");
	json_decref(b);
	/* Without the catch-all, an unmatched request goes to the queue again. */
	assert_int_equal(service_route_list(f->db, &f->op, &out, &e), QERR_OK);
	int64_t catch_all = 0;
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(out, "items"), i,
			   r) if (strcmp(str(r, "category"), "*") == 0 && strcmp(str(r, "region_prefix"), "") == 0)
	    catch_all = json_integer_value(json_object_get(r, "id"));
	json_decref(out);
	assert_true(catch_all > 0);
	assert_int_equal(service_route_delete(f->db, &f->op, catch_all, &e), QERR_OK);
	assert_int_equal(service_route_resolve(f->db, "policy", "330102", &rid, &h, &e), QERR_OK);
	assert_int_equal(h, 0);
}

static void test_transitions(void **state)
{
	struct fixture *f = *state;
	on("2025-06-03");
	route(f, "*", "", f->org_p1);
	int64_t id = id_of(submit(f, "policy", "320583", "normal"));
	/* submitted: only accept (and transfer, withdraw); the requester cannot accept, others see nothing. */
	act(f, &f->sme, id, SERVICE_ACCEPT, NULL, QERR_FORBIDDEN, "forbidden");
	act(f, &f->other, id, SERVICE_ACCEPT, NULL, QERR_NOT_FOUND, "service_request_not_found");
	act(f, &f->p2, id, SERVICE_ACCEPT, NULL, QERR_NOT_FOUND, NULL);
	act(f, &f->p1, id, SERVICE_START, NULL, QERR_CONFLICT, "invalid_transition");
	act(f, &f->p1, id, SERVICE_RESOLVE, "done", QERR_CONFLICT, "invalid_transition");
	act(f, &f->sme, id, SERVICE_CONFIRM, NULL, QERR_CONFLICT, "invalid_transition");
	act(f, &f->sme, id, SERVICE_REOPEN, "again", QERR_CONFLICT, "invalid_transition");
	act(f, &f->p1, id, SERVICE_ACCEPT, NULL, QERR_OK, NULL);
	assert_string_equal(status(f, id), "accepted");
	act(f, &f->p1, id, SERVICE_ACCEPT, NULL, QERR_CONFLICT, "invalid_transition");
	act(f, &f->p1, id, SERVICE_RESOLVE, "done", QERR_CONFLICT, "invalid_transition");
	act(f, &f->p1, id, SERVICE_START, NULL, QERR_OK, NULL);
	assert_string_equal(status(f, id), "in_progress");
	act(f, &f->p1, id, SERVICE_RESOLVE, "", QERR_INVALID, "missing_field");
	act(f, &f->sme, id, SERVICE_RESOLVE, "done", QERR_FORBIDDEN, NULL);
	act(f, &f->p1, id, SERVICE_CONFIRM, NULL, QERR_FORBIDDEN, NULL);
	act(f, &f->p1, id, SERVICE_RESOLVE, "已协调银行授信", QERR_OK, NULL);
	assert_string_equal(status(f, id), "resolved");
	/* resolved: the requester confirms or reopens; the handler can do neither. */
	act(f, &f->p1, id, SERVICE_REOPEN, "x", QERR_FORBIDDEN, NULL);
	act(f, &f->sme, id, SERVICE_REOPEN, "", QERR_INVALID, "missing_field");
	act(f, &f->sme, id, SERVICE_REOPEN, "仍未放款", QERR_OK, NULL);
	assert_string_equal(status(f, id), "reopened");
	act(f, &f->p1, id, SERVICE_RESOLVE, "x", QERR_CONFLICT, "invalid_transition");
	act(f, &f->p1, id, SERVICE_START, NULL, QERR_OK, NULL);
	act(f, &f->p1, id, SERVICE_RESOLVE, "已放款", QERR_OK, NULL);
	act(f, &f->sme, id, SERVICE_CONFIRM, NULL, QERR_OK, NULL);
	assert_string_equal(status(f, id), "closed");
	/* closed: nothing moves it; withdrawing it is a conflict too. */
	for (int a = 0; a < SERVICE_ACTION_COUNT; a++) {
		const struct actor *who = a == SERVICE_CONFIRM || a == SERVICE_REOPEN || a == SERVICE_WITHDRAW ? &f->sme
					  : a == SERVICE_SUPERVISE					       ? &f->op
													       : &f->p1;
		act(f, who, id, (enum service_action)a, "note", QERR_CONFLICT, "invalid_transition");
	}
	/* The timeline has every step, in order. */
	json_t *o = NULL;
	struct qerror e = {0};
	assert_int_equal(service_get(f->db, &f->sme, id, &o, &e), QERR_OK);
	const char *kinds[] = {"submitted", "accept", "start", "resolve", "reopen", "start", "resolve", "confirm"};
	json_t *tl = json_object_get(o, "timeline");
	assert_int_equal(json_array_size(tl), 8);
	for (size_t i = 0; i < 8; i++)
		assert_string_equal(str(json_array_get(tl, i), "kind"), kinds[i]);
	assert_int_equal(json_integer_value(json_object_get(o, "reopen_count")), 1);
	json_decref(o);
}

/* Drives a new request to status (by the parties' own actions). */
static int64_t request_in(struct fixture *f, const char *target)
{
	int64_t id = id_of(submit(f, "policy", "320583", "normal"));
	static const struct {
		const char *status;
		enum service_action path[5];
		int n;
	} ways[] = {
	    {"submitted", {0}, 0},
	    {"accepted", {SERVICE_ACCEPT}, 1},
	    {"in_progress", {SERVICE_ACCEPT, SERVICE_START}, 2},
	    {"resolved", {SERVICE_ACCEPT, SERVICE_START, SERVICE_RESOLVE}, 3},
	    {"closed", {SERVICE_ACCEPT, SERVICE_START, SERVICE_RESOLVE, SERVICE_CONFIRM}, 4},
	    {"reopened", {SERVICE_ACCEPT, SERVICE_START, SERVICE_RESOLVE, SERVICE_REOPEN}, 4},
	    {"withdrawn", {SERVICE_WITHDRAW}, 1},
	};
	for (size_t w = 0; w < sizeof ways / sizeof ways[0]; w++) {
		if (strcmp(ways[w].status, target) != 0)
			continue;
		for (int i = 0; i < ways[w].n; i++) {
			enum service_action a = ways[w].path[i];
			bool requester = a == SERVICE_CONFIRM || a == SERVICE_REOPEN || a == SERVICE_WITHDRAW;
			act(f, requester ? &f->sme : &f->p1, id, a, "note", QERR_OK, NULL);
		}
		assert_string_equal(status(f, id), target);
		return id;
	}
	fail_msg("no way to %s", target);
	return 0;
}

/* Every (state, action) by the action's own party: allowed exactly where the state machine says, 409 elsewhere. */
static void test_transition_matrix(void **state)
{
	struct fixture *f = *state;
	on("2025-06-03");
	route(f, "*", "", f->org_p1);
	static const char *const states[] = {"submitted", "accepted", "in_progress", "resolved",
					     "closed",	  "reopened", "withdrawn"};
	/* allowed[state][action]: the target state, "=" for no change, NULL when illegal. */
	static const char *const allowed[7][SERVICE_ACTION_COUNT] = {
	    /* accept, start, resolve, confirm, reopen, withdraw, propose_withdrawal, supervise */
	    {"accepted", NULL, NULL, NULL, NULL, "withdrawn", "=", "="},
	    {NULL, "in_progress", NULL, NULL, NULL, "withdrawn", "=", "="},
	    {NULL, NULL, "resolved", NULL, NULL, "withdrawn", "=", "="},
	    {NULL, NULL, NULL, "closed", "reopened", NULL, NULL, NULL},
	    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
	    {NULL, "in_progress", NULL, NULL, NULL, "withdrawn", "=", "="},
	    {NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL},
	};
	for (int s = 0; s < 7; s++)
		for (int a = 0; a < SERVICE_ACTION_COUNT; a++) {
			int64_t id = request_in(f, states[s]);
			const struct actor *who = a == SERVICE_CONFIRM || a == SERVICE_REOPEN || a == SERVICE_WITHDRAW
						      ? &f->sme
						  : a == SERVICE_SUPERVISE ? &f->op
									   : &f->p1;
			const char *to = allowed[s][a];
			act(f, who, id, (enum service_action)a, "note", to ? QERR_OK : QERR_CONFLICT,
			    to ? NULL : "invalid_transition");
			assert_string_equal(status(f, id), to && strcmp(to, "=") != 0 ? to : states[s]);
			/* The wrong party never moves it: the requester for the handler's steps and back. */
			if (a != SERVICE_SUPERVISE && a != SERVICE_WITHDRAW) {
				const struct actor *wrong = who == &f->sme ? &f->p1 : &f->sme;
				act(f, wrong, id, (enum service_action)a, "note", QERR_FORBIDDEN, NULL);
			}
		}
}

static void test_withdraw_and_transfer(void **state)
{
	struct fixture *f = *state;
	on("2025-06-03");
	route(f, "*", "", f->org_p1);
	int64_t id = id_of(submit(f, "talent", "320583", "normal"));
	json_t *out = NULL;
	struct qerror e = {0};
	/* A handler cannot withdraw; it may only propose, and the requester must confirm. */
	assert_int_equal(service_withdraw(f->db, &f->p1, id, true, "已自行解决", &out, &e), QERR_FORBIDDEN);
	assert_string_equal(e.slug, "requester_only");
	act(f, &f->p1, id, SERVICE_PROPOSE_WITHDRAWAL, "", QERR_INVALID, "missing_field");
	act(f, &f->p1, id, SERVICE_PROPOSE_WITHDRAWAL, "企业表示已自行解决", QERR_OK, NULL);
	assert_string_equal(status(f, id), "submitted");
	assert_int_equal(service_withdraw(f->db, &f->sme, id, false, NULL, &out, &e), QERR_INVALID);
	assert_string_equal(e.slug, "confirmation_required");
	/* Transfer: the handler or the operator, to a provider, with a reason; the new handler accepts afresh. */
	assert_int_equal(service_transfer(f->db, &f->p1, id, f->org_p2, "", &out, &e), QERR_INVALID);
	assert_int_equal(service_transfer(f->db, &f->sme, id, f->org_p2, "x", &out, &e), QERR_FORBIDDEN);
	assert_int_equal(service_transfer(f->db, &f->p1, id, f->sme.org_id, "x", &out, &e), QERR_INVALID);
	act(f, &f->p1, id, SERVICE_ACCEPT, NULL, QERR_OK, NULL);
	assert_int_equal(service_transfer(f->db, &f->p1, id, f->org_p2, "属金融类,转金融服务中心", &out, &e), QERR_OK);
	assert_int_equal(handler_of(out), f->org_p2);
	assert_string_equal(str(out, "status"), "submitted");
	json_decref(out);
	act(f, &f->p1, id, SERVICE_ACCEPT, NULL, QERR_NOT_FOUND, NULL); /* no longer its case */
	act(f, &f->p2, id, SERVICE_ACCEPT, NULL, QERR_OK, NULL);
	assert_int_equal(service_withdraw(f->db, &f->sme, id, true, "已解决", &out, &e), QERR_OK);
	assert_string_equal(str(out, "status"), "withdrawn");
	json_decref(out);
	assert_int_equal(service_transfer(f->db, &f->op, id, f->org_p1, "x", &out, &e), QERR_CONFLICT);
	act(f, &f->p2, id, SERVICE_START, NULL, QERR_CONFLICT, "invalid_transition");
}

static void test_deadlines(void **state)
{
	struct fixture *f = *state;
	/* 2025-09-26 (Friday) before 国庆: accept in 2 working days counts Sunday 9-28 (调休) -> 9-29. */
	on("2025-09-26");
	json_t *o = submit(f, "financing", "320583", "normal");
	assert_string_equal(str(o, "accept_due"), "2025-09-29");
	/* resolve in 15: 9-28, 9-29, 9-30, then 10-09.. with Saturday 10-11 (调休) -> 10-23. */
	assert_string_equal(str(o, "resolve_due"), "2025-10-23");
	char cal[WORKDAYS_IDENTITY_LEN];
	workdays_identity(cal);
	assert_string_equal(str(o, "calendar"), cal);
	json_decref(o);
	/* 2026-02-12 (Thursday) before 春节, urgent complaint: accept 1 -> 2-13, resolve 5 -> 2-14 (调休), 2-24..2-26.
	 */
	on("2026-02-12");
	o = submit(f, "complaint", "320583", "urgent");
	assert_string_equal(str(o, "accept_due"), "2026-02-13");
	assert_string_equal(str(o, "resolve_due"), "2026-02-26");
	json_decref(o);
	/* Late December 2026: the calendar (chinese-days to 2026) ends; the 20 working days to resolve run into 2027,
	 * counted Monday-Friday there (12-29..12-31, then 2027-01-01..01-25): provisional, flagged, and named so. */
	on("2026-12-28");
	o = submit(f, "overseas", "320583", "normal");
	assert_string_equal(str(o, "accept_due"), "2026-12-30");
	struct workdays_calendar wc = workdays_calendar();
	struct qerror e = {0};
	int64_t id = 0;
	if (wc.last_year == 2026) {
		assert_string_equal(str(o, "resolve_due"), "2027-01-25");
		assert_true(json_is_true(json_object_get(o, "resolve_due_provisional")));
		assert_true(json_is_false(json_object_get(o, "accept_due_provisional")));
		assert_true(json_is_true(json_object_get(o, "provisional")));
		char want[2 * WORKDAYS_IDENTITY_LEN];
		snprintf(want, sizeof want, "%s + provisional weekdays for 2027", cal);
		assert_string_equal(str(o, "calendar"), want);
		id = id_of(o);
		assert_int_equal(service_get(f->db, &f->sme, id, &o, &e), QERR_OK);
		json_t *ev = json_array_get(json_object_get(o, "timeline"), 0);
		json_t *problems = json_object_get(json_object_get(ev, "detail"), "calendar_problems");
		assert_int_equal(json_array_size(problems), 1);
		assert_true(json_is_true(json_object_get(json_array_get(problems, 0), "provisional")));
		/* The deadline that runs now (accepting) is on the calendar. */
		assert_true(json_is_false(json_object_get(json_object_get(o, "deadline"), "provisional")));
		json_decref(o);
		/* No newer calendar yet: recomputing changes nothing and says it waits. */
		json_t *r = NULL;
		assert_int_equal(service_recompute_deadlines(f->db, &f->op, &r, &e), QERR_OK);
		assert_int_equal(json_integer_value(json_object_get(r, "recomputed")), 0);
		assert_int_equal(json_integer_value(json_object_get(r, "waiting")), 1);
		json_decref(r);
	} else
		json_decref(o);
	/* The operator's limit applies to later requests. */
	json_t *b = testkit_json(
		   "{\"category\":\"financing\",\"urgency\":\"normal\",\"accept_days\":1,\"resolve_days\":3}",
		   service_limit_fields, false),
	       *out = NULL;
	assert_int_equal(service_limit_set(f->db, &f->sme, b, &out, &e), QERR_FORBIDDEN);
	assert_int_equal(service_limit_set(f->db, &f->op, b, &out, &e), QERR_OK);
	json_decref(out);
	json_decref(b);
	on("2025-09-30");
	o = submit(f, "financing", "320583", "normal");
	assert_string_equal(str(o, "accept_due"), "2025-10-09");
	assert_string_equal(str(o, "resolve_due"), "2025-10-11");
	json_decref(o);
}

/* Runs the pass on date as the operator; returns {reminders, urges, supervisions} as a 3-digit number. */
static int escalate(struct fixture *f, const char *date)
{
	struct qdate d;
	assert_true(qdate_parse(date, &d));
	json_t *out = NULL;
	struct qerror e = {0};
	if (service_escalate(f->db, &f->op, d, &out, &e))
		fail_msg("escalate %s: %s", date, e.message);
	int n = (int)(json_integer_value(json_object_get(out, "reminders")) * 100 +
		      json_integer_value(json_object_get(out, "urges")) * 10 +
		      json_integer_value(json_object_get(out, "supervisions")));
	json_decref(out);
	return n;
}

/* A deadline computed under an older calendar (to 2025) by the provisional rule moves onto this one. */
static void test_recompute_deadlines(void **state)
{
	struct fixture *f = *state;
	on("2025-12-29");
	int64_t id = id_of(submit(f, "financing", "320583", "normal"));
	int64_t closed = id_of(submit(f, "financing", "320583", "normal"));
	/* As a build with chinese-days to 2025 wrote them: 2026-01-05 is the 3rd Monday-Friday after 2025-12-31. */
	char sql[400];
	snprintf(
	    sql, sizeof sql,
	    "UPDATE service_requests SET calendar='chinese-days@1.5.6 (2004-2025) + provisional weekdays for 2026',"
	    " accept_due='2025-12-31', resolve_due='2026-01-05' WHERE id IN (%lld,%lld)",
	    (long long)id, (long long)closed);
	testdb_exec(f->db, sql);
	snprintf(sql, sizeof sql, "UPDATE service_requests SET status='closed' WHERE id=%lld", (long long)closed);
	testdb_exec(f->db, sql);
	json_t *o = NULL, *r = NULL;
	struct qerror e = {0};
	assert_int_equal(service_get(f->db, &f->sme, id, &o, &e), QERR_OK);
	assert_true(json_is_true(json_object_get(o, "resolve_due_provisional")));
	assert_true(json_is_false(json_object_get(o, "accept_due_provisional")));
	json_decref(o);
	/* Only the operator. */
	assert_int_equal(service_recompute_deadlines(f->db, &f->sme, &r, &e), QERR_FORBIDDEN);
	assert_int_equal(service_recompute_deadlines(f->db, &f->op, &r, &e), QERR_OK);
	assert_int_equal(json_integer_value(json_object_get(r, "recomputed")), 1);
	json_decref(r);
	/* On the real 2026 calendar 1-1..1-3 are off and Sunday 1-4 is worked: the 3rd working day is 1-6. */
	assert_int_equal(service_get(f->db, &f->sme, id, &o, &e), QERR_OK);
	assert_string_equal(str(o, "resolve_due"), "2026-01-06");
	assert_string_equal(str(o, "accept_due"), "2025-12-31");
	char cal[WORKDAYS_IDENTITY_LEN];
	workdays_identity(cal);
	assert_string_equal(str(o, "calendar"), cal);
	assert_true(json_is_false(json_object_get(o, "provisional")));
	json_t *tl = json_object_get(o, "timeline");
	bool seen = false;
	for (size_t i = 0; i < json_array_size(tl); i++)
		seen = seen || strcmp(str(json_array_get(tl, i), "kind"), "deadlines_recomputed") == 0;
	assert_true(seen);
	json_decref(o);
	/* A closed case keeps its history; a second run finds nothing to do. */
	assert_int_equal(service_get(f->db, &f->op, closed, &o, &e), QERR_OK);
	assert_string_equal(str(o, "resolve_due"), "2026-01-05");
	json_decref(o);
	assert_int_equal(service_recompute_deadlines(f->db, &f->op, &r, &e), QERR_OK);
	assert_int_equal(json_integer_value(json_object_get(r, "recomputed")), 0);
	json_decref(r);
	assert_int_equal(
	    testdb_scalar(f->db, "SELECT count(*) FROM audit_log WHERE action='service.recompute_deadlines'"), 1);
}

static void test_escalation(void **state)
{
	struct fixture *f = *state;
	route(f, "*", "", f->org_p1);
	on("2025-09-26");
	int64_t id = id_of(submit(f, "financing", "320583", "normal")); /* accept by 9-29 */
	assert_int_equal(escalate(f, "2025-09-26"), 0);			/* 2 working days left */
	assert_int_equal(escalate(f, "2025-09-27"), 0);			/* Saturday: still 2 (9-28, 9-29) */
	assert_int_equal(escalate(f, "2025-09-28"), 100);		/* the make-up Sunday: 1 left -> reminder */
	assert_int_equal(escalate(f, "2025-09-28"), 0);			/* once */
	assert_int_equal(escalate(f, "2025-09-29"), 0);			/* due today: the reminder was given */
	assert_int_equal(escalate(f, "2025-09-30"), 10);		/* passed -> 催办 */
	assert_int_equal(escalate(f, "2025-10-08"), 0);			/* holidays do not count: 1 working day over */
	assert_int_equal(escalate(f, "2025-10-09"), 0);			/* 2 */
	assert_int_equal(escalate(f, "2025-10-10"), 1);			/* 3 working days over -> 督办 */
	assert_int_equal(escalate(f, "2025-10-13"), 0);
	/* Notified: the handler's organisation has the 催办 in its inbox (addressed to it, not an enterprise). */
	char q[160];
	snprintf(q, sizeof q, "SELECT count(*) FROM notifications WHERE kind='service_urge' AND org_id=%lld",
		 (long long)f->org_p1);
	int64_t n = testdb_scalar(f->db, q);
	assert_true(n >= 1);
	/* Accepting starts the resolve stage: its own ladder, from its own date. */
	on("2025-10-13");
	act(f, &f->p1, id, SERVICE_ACCEPT, NULL, QERR_OK, NULL);
	json_t *o = NULL;
	struct qerror e = {0};
	assert_int_equal(service_get(f->db, &f->p1, id, &o, &e), QERR_OK);
	assert_false(json_boolean_value(json_object_get(o, "accepted_in_time")));
	assert_int_equal(json_integer_value(json_object_get(o, "accept_workdays")),
			 7); /* 9-28, 9-29, 9-30, 10-09, 10-10, 10-11, 10-13 */
	json_decref(o);
	assert_int_equal(escalate(f, "2025-10-22"), 100); /* resolve by 10-23 */
	assert_int_equal(escalate(f, "2025-10-24"), 10);
	/* An extension (operator approval) moves the date; the ladder starts again for the new date. */
	assert_int_equal(service_extension_request(f->db, &f->sme, id, 5, "x", &o, &e), QERR_FORBIDDEN);
	assert_int_equal(service_extension_request(f->db, &f->p1, id, 5, "需补充材料", &o, &e), QERR_OK);
	int64_t ext = json_integer_value(json_object_get(json_array_get(json_object_get(o, "extensions"), 0), "id"));
	json_decref(o);
	assert_int_equal(service_extension_request(f->db, &f->p1, id, 5, "again", &o, &e), QERR_CONFLICT);
	assert_int_equal(service_extension_decide(f->db, &f->p1, ext, true, &o, &e), QERR_FORBIDDEN);
	assert_int_equal(service_extension_decide(f->db, &f->op, ext, true, &o, &e), QERR_OK);
	assert_string_equal(str(o, "resolve_due"), "2025-10-30");
	json_decref(o);
	assert_int_equal(service_extension_decide(f->db, &f->op, ext, false, &o, &e), QERR_CONFLICT);
	assert_int_equal(escalate(f, "2025-10-27"), 0);
	assert_int_equal(escalate(f, "2025-10-29"), 100);
	/* Only the operator runs the pass; before the calendar it refuses; after its years it runs on the provisional
	 * rule (a pass in January of the next year must not stop). */
	struct workdays_calendar wc = workdays_calendar();
	assert_int_equal(service_escalate(f->db, &f->op, (struct qdate){wc.last_year + 1, 1, 4}, &o, &e), QERR_OK);
	json_decref(o);
	struct qdate d = {wc.first_year - 1, 1, 2};
	assert_int_equal(service_escalate(f->db, &f->op, d, &o, &e), QERR_INVALID);
	assert_string_equal(e.slug, "calendar_out_of_range");
	assert_int_equal(service_escalate(f->db, &f->p1, (struct qdate){2025, 10, 1}, &o, &e), QERR_FORBIDDEN);
}

static void test_rating_and_callback(void **state)
{
	struct fixture *f = *state;
	route(f, "*", "", f->org_p1);
	on("2025-06-03");
	int64_t id = id_of(submit(f, "logistics", "320583", "normal"));
	json_t *o = NULL;
	struct qerror e = {0};
	assert_int_equal(service_rate(f->db, &f->sme, id, 5, "", &o, &e), QERR_CONFLICT);
	act(f, &f->p1, id, SERVICE_ACCEPT, NULL, QERR_OK, NULL);
	act(f, &f->p1, id, SERVICE_START, NULL, QERR_OK, NULL);
	on("2025-06-05");
	act(f, &f->p1, id, SERVICE_RESOLVE, "已协调物流园", QERR_OK, NULL);
	assert_int_equal(service_rate(f->db, &f->p1, id, 5, "", &o, &e), QERR_FORBIDDEN);
	/* Unsatisfied: reopened, once. */
	assert_int_equal(service_rate(f->db, &f->sme, id, 2, "没解决", &o, &e), QERR_OK);
	assert_string_equal(str(o, "status"), "reopened");
	json_decref(o);
	act(f, &f->p1, id, SERVICE_START, NULL, QERR_OK, NULL);
	act(f, &f->p1, id, SERVICE_RESOLVE, "再次协调", QERR_OK, NULL);
	assert_int_equal(service_rate(f->db, &f->sme, id, 1, "还是不满意", &o, &e), QERR_OK);
	assert_string_equal(str(o, "status"), "closed"); /* the second unsatisfied rating closes it */
	assert_int_equal(json_integer_value(json_object_get(o, "rating")), 1);
	json_decref(o);
	/* Call-back: sample closed cases, record the result. */
	json_t *b = testkit_json("{\"count\":3,\"seed\":7}", service_sample_fields, false);
	assert_int_equal(service_callback_sample(f->db, &f->p1, b, &o, &e), QERR_FORBIDDEN);
	assert_int_equal(service_callback_sample(f->db, &f->op, b, &o, &e), QERR_OK);
	assert_int_equal(json_array_size(json_object_get(o, "items")), 1);
	json_decref(o);
	assert_int_equal(service_callback_sample(f->db, &f->op, b, &o, &e), QERR_OK);
	assert_int_equal(json_array_size(json_object_get(o, "items")), 0); /* sampled once */
	json_decref(o);
	json_decref(b);
	assert_int_equal(service_callback_record(f->db, &f->op, id, "unsatisfied", "企业反映仍有困难", &o, &e),
			 QERR_OK);
	assert_string_equal(str(json_object_get(o, "callback"), "result"), "unsatisfied");
	json_decref(o);
	/* Statistics over June. */
	int64_t open = id_of(submit(f, "logistics", "320583", "normal"));
	(void)open;
	assert_int_equal(service_stats(f->db, &f->op, "2025-06-01", "2025-06-30", "category", &o, &e), QERR_OK);
	json_t *t = json_object_get(o, "total");
	assert_int_equal(json_integer_value(json_object_get(t, "received")), 2);
	assert_int_equal(json_integer_value(json_object_get(t, "accepted")), 1);
	assert_int_equal(json_integer_value(json_object_get(t, "accepted_in_time")), 1);
	assert_int_equal(json_integer_value(json_object_get(t, "resolved")), 1);
	assert_int_equal(json_integer_value(json_object_get(t, "rated")), 1);
	assert_int_equal(json_integer_value(json_object_get(t, "satisfied")), 0);
	assert_true(json_real_value(json_object_get(t, "resolution_rate")) == 0.5);
	assert_int_equal(json_integer_value(json_object_get(t, "median_workdays_to_accept")), 0);
	json_decref(o);
	assert_int_equal(service_stats(f->db, &f->op, "2025-06-01", "2025-06-30", "nonsense", &o, &e), QERR_INVALID);
	assert_int_equal(service_stats(f->db, &f->op, "2025-07-01", "2025-06-30", "region", &o, &e), QERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_routing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_transitions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_transition_matrix, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_withdraw_and_transfer, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_deadlines, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_recompute_deadlines, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_escalation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rating_and_callback, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
