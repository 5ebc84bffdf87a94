/*
 * testkit.h - the registry-level fixtures the database tests share:
 * organisations made as the operator at the CLI, actors to call the domain
 * as, enterprises registered through the CSV import, checks on an import's
 * report, and request bodies decoded as the API decodes them. The database
 * itself (open, close, SQL) is testdb.h's, which this includes.
 * Include it after <cmocka.h>: every helper here fails the running test
 * instead of returning an error.
 */
#ifndef QILIAN_TESTKIT_H
#define QILIAN_TESTKIT_H
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "base/jsonio.h"
#include "platform/actor.h"
#include "registry/account.h"
#include "registry/enterprise.h"
#include "store/db.h"
#include "testdb.h"

/* Creates organisation name of type (an org_type_names entry) as the operator at the CLI; uscc may be NULL. */
static inline int64_t testkit_org(struct db *db, const char *name, const char *type, const char *uscc)
{
	struct actor cli;
	actor_cli(&cli);
	json_t *o = NULL;
	struct qerror e = {0};
	if (org_create(db, &cli, name, type, uscc, &o, &e))
		fail_msg("org_create %s: %s", name, e.message);
	int64_t id = json_integer_value(json_object_get(o, "id"));
	json_decref(o);
	assert_true(id > 0);
	return id;
}

/*
 * Fills *a as user (no row needed: the domain trusts the actor it is given)
 * of org with that type and role. email NULL makes "user<user>@qilian.test".
 */
static inline void testkit_actor(struct actor *a, int64_t user, int64_t org, enum org_type type, enum user_role role,
				 const char *email)
{
	memset(a, 0, sizeof *a);
	a->user_id = user;
	a->org_id = org;
	a->org_type = type;
	a->role = role;
	if (email)
		snprintf(a->email, sizeof a->email, "%s", email);
	else
		snprintf(a->email, sizeof a->email, "user%lld@qilian.test", (long long)user);
}

/*
 * An organisation of type called name (made as testkit_org makes it), and *a
 * as its user with role and the generated e-mail. Returns the organisation's id.
 */
static inline int64_t testkit_org_actor(struct db *db, struct actor *a, int64_t user, const char *name,
					enum org_type type, enum user_role role)
{
	int64_t org = testkit_org(db, name, org_type_names[type], NULL);
	testkit_actor(a, user, org, type, role, NULL);
	return org;
}

/*
 * Registers one enterprise as owner through enterprise_import: the row is
 * uscc followed by the rest of the ENTERPRISE_CSV_HEADER columns, from
 * rest_fmt (printf, starting with the name). Returns the enterprise's id.
 */
static inline int64_t testkit_enterprise(struct db *db, const struct actor *owner, const char *uscc,
					 const char *rest_fmt, ...)
{
	char csv[1024], rest[768];
	va_list ap;
	va_start(ap, rest_fmt);
	int n = vsnprintf(rest, sizeof rest, rest_fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof rest);
	snprintf(csv, sizeof csv, ENTERPRISE_CSV_HEADER "\n%s,%s\n", uscc, rest);
	json_t *report = NULL;
	struct qerror e = {0};
	if (enterprise_import(db, owner, csv, strlen(csv), NULL, NULL, &report, &e))
		fail_msg("enterprise import %s: %s %s", uscc, e.message,
			 json_string_value(
			     json_object_get(json_array_get(json_object_get(report, "errors"), 0), "message")));
	json_decref(report);
	struct db_stmt *st = db_prepare(db, "SELECT id FROM enterprises WHERE uscc=?", &e);
	assert_non_null(st);
	db_bind_text(st, 1, uscc);
	int64_t id = 0;
	if (db_scalar_int64(st, &id, &e))
		fail_msg("enterprise %s not stored: %s", uscc, e.message);
	return id;
}

/* What an all-or-nothing CSV import gave: its code, its error, and its report (the caller's reference). */
struct testkit_import {
	enum qerr rc;
	struct qerror e;
	json_t *report;
};

/* The integer member key of an import report (0 when absent). */
static inline long testkit_report_int(const json_t *report, const char *key)
{
	return (long)json_integer_value(json_object_get(report, key));
}

/* r succeeded with these counts and no row errors; releases its report. */
static inline void testkit_expect_imported(struct testkit_import r, long rows, long inserted, long updated)
{
	if (r.rc)
		fail_msg("import failed: %s %s; first row error: %s", r.e.slug, r.e.message,
			 json_string_value(
			     json_object_get(json_array_get(json_object_get(r.report, "errors"), 0), "message")));
	assert_non_null(r.report);
	assert_int_equal(testkit_report_int(r.report, "rows"), rows);
	assert_int_equal(testkit_report_int(r.report, "inserted"), inserted);
	assert_int_equal(testkit_report_int(r.report, "updated"), updated);
	assert_int_equal(testkit_report_int(r.report, "error_count"), 0);
	assert_int_equal(json_array_size(json_object_get(r.report, "errors")), 0);
	json_decref(r.report);
}

/* The i-th error of an import report has this line, field and code; returns its message (owned by the report). */
static inline const char *testkit_expect_row_error(const json_t *report, size_t i, long line, const char *field,
						   const char *code)
{
	const json_t *err = json_array_get(json_object_get(report, "errors"), i);
	if (!err)
		fail_msg("no error #%zu (want line %ld %s)", i, line, code);
	long got_line = (long)json_integer_value(json_object_get(err, "line"));
	const char *got_field = json_string_value(json_object_get(err, "field"));
	const char *got_code = json_string_value(json_object_get(err, "code"));
	if (got_line != line || strcmp(got_field, field) != 0 || strcmp(got_code, code) != 0)
		fail_msg("error #%zu: got line %ld field '%s' code %s (%s), want line %ld field '%s' code %s", i,
			 got_line, got_field, got_code, json_string_value(json_object_get(err, "message")), line, field,
			 code);
	return json_string_value(json_object_get(err, "message"));
}

/* text decoded against fields as the API decodes a request body (partial for a PATCH); a new reference. */
static inline json_t *testkit_json(const char *text, const struct jfield *fields, bool partial)
{
	json_t *j = NULL;
	struct qerror e = {0};
	if (json_decode(text, strlen(text), fields, partial, &j, &e))
		fail_msg("body %s: %s", text, e.message);
	return j;
}

#endif
