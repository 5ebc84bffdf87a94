/*
 * test_jsonio.c - strict request decoding: malformed JSON and non-objects
 * are 400; unknown fields, wrong types, missing required fields, lengths
 * (in characters, so 苏州 is 2), choices and integer ranges are 422 naming
 * the field; partial (PATCH) mode; duplicate keys; the accessors, encoder
 * and schema generator.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/jsonio.h"
#include "registry/enterprise.h"

static const char *const COLOURS[] = {"red", "green", "蓝", NULL};

static const struct jfield FIELDS[] = {
	{"name", JF_STRING, true, 2, 4, NULL, "2 to 4 characters"},
	{"count", JF_INT, true, -5, 100, NULL, "from -5 to 100"},
	{"colour", JF_STRING, false, 0, 0, COLOURS, "one of the colours"},
	{"flag", JF_BOOL, false, 0, 0, NULL, "a switch"},
	{"tags", JF_STRING_ARRAY, false, 0, 0, NULL, "labels"},
	{"big", JF_INT, false, INT64_MIN, INT64_MAX, NULL, "anything"},
	{"free", JF_STRING, false, 0, 0, NULL, "no limits"},
	{NULL, 0, false, 0, 0, NULL, NULL},
};

struct result {
	enum qerr rc;
	json_t *obj;
	struct qerror e;
};

static struct result decode_n(const char *body, size_t len, bool partial)
{
	struct result r;
	memset(&r.e, 0, sizeof r.e);
	r.obj = (json_t *)0x1; /* must be overwritten */
	r.rc = json_decode(body, len, FIELDS, partial, &r.obj, &r.e);
	if (r.rc == QERR_OK) {
		assert_non_null(r.obj);
		assert_true(json_is_object(r.obj));
	} else {
		assert_null(r.obj);
		assert_int_equal(r.e.code, r.rc);
	}
	return r;
}

static struct result decode(const char *body, bool partial)
{
	return decode_n(body, body ? strlen(body) : 0, partial);
}

static void expect_ok(const char *body, bool partial)
{
	struct result r = decode(body, partial);
	if (r.rc != QERR_OK)
		fail_msg("%s rejected: %s %s (%s)", body, r.e.slug, r.e.field, r.e.message);
	json_decref(r.obj);
}

static void expect_bad_request(const char *body, size_t len)
{
	struct result r = decode_n(body, len, false);
	if (r.rc != QERR_BAD_REQUEST)
		fail_msg("'%.*s' gave %d (%s), want 400", (int)len, body ? body : "", r.rc, r.e.message);
	assert_string_equal(r.e.slug, "malformed_json");
	assert_string_equal(r.e.field, "");
	r = decode_n(body, len, true);
	assert_int_equal(r.rc, QERR_BAD_REQUEST);
}

static void expect_invalid(const char *body, bool partial, const char *slug, const char *field)
{
	struct result r = decode(body, partial);
	if (r.rc != QERR_INVALID)
		fail_msg("%s gave %d (%s), want 422 %s", body, r.rc, r.e.message, slug);
	assert_string_equal(r.e.slug, slug);
	assert_string_equal(r.e.field, field);
	assert_true(strlen(r.e.message) > 0);
}

static void test_valid_body_decodes_with_its_values(void **state)
{
	struct result r = decode("{\"name\":\"苏州\",\"count\":7,\"colour\":\"蓝\",\"flag\":true,\"tags\":[\"a\",\"b\"]}", false);
	assert_int_equal(r.rc, QERR_OK);
	assert_string_equal(json_str(r.obj, "name", NULL), "苏州");
	assert_int_equal(json_int(r.obj, "count", 0), 7);
	assert_string_equal(json_str(r.obj, "colour", NULL), "蓝");
	assert_true(json_is_true(json_object_get(r.obj, "flag")));
	assert_int_equal(json_array_size(json_object_get(r.obj, "tags")), 2);
	json_decref(r.obj);
	/* Whitespace around and inside is fine. */
	expect_ok(" \n{ \"name\" : \"ab\" ,\r\n \"count\" : 0 }\n ", false);
}

static void test_malformed_json_is_bad_request(void **state)
{
	static const char *const bad[] = {
		"{", "}", "{\"name\":}", "{\"name\":\"ab\",}", "{name:\"ab\"}", "{'name':'ab'}", "nul",
		"{\"name\":\"ab\"} trailing", "{}{}", "{\"count\":01}", "{\"count\":1e400}", "\xff",
		"{\"name\":\"\xff\xfe\"}",     /* invalid UTF-8 */
		"{\"name\":\"\\ud800\"}",       /* lone surrogate escape */
		"{\"count\":99999999999999999999}", /* beyond int64 */
		"{\"name\":\"a\\u0000b\"}",     /* NUL is never allowed in a request string */
		"/* comment */ {}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_bad_request(bad[i], strlen(bad[i]));
}

static void test_empty_or_null_body_is_bad_request(void **state)
{
	expect_bad_request("", 0);
	expect_bad_request(NULL, 0);
	expect_bad_request("   ", 3);
	/* len 0 wins even when the pointer has text. */
	expect_bad_request("{}", 0);
}

static void test_body_need_not_be_nul_terminated(void **state)
{
	const char body[] = "{\"name\":\"ab\",\"count\":1}GARBAGE";
	struct result r = decode_n(body, sizeof body - 1 - 7, false);
	assert_int_equal(r.rc, QERR_OK);
	json_decref(r.obj);
	/* Cut short inside the object: malformed. */
	expect_bad_request(body, 10);
}

static void test_non_object_json_is_bad_request(void **state)
{
	static const char *const bad[] = {"[]", "[{\"name\":\"ab\",\"count\":1}]", "1", "\"text\"", "null", "true", "-0.5"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_bad_request(bad[i], strlen(bad[i]));
}

static void test_duplicate_keys_are_rejected(void **state)
{
	static const char *const dup[] = {
		"{\"name\":\"ab\",\"count\":1,\"name\":\"cd\"}",
		"{\"count\":1,\"count\":1,\"name\":\"ab\"}",
		"{\"colour\":null,\"colour\":\"red\"}",
		"{\"\\u006eame\":\"ab\",\"name\":\"cd\",\"count\":1}", /* same key, once escaped */
	};
	for (size_t i = 0; i < sizeof dup / sizeof dup[0]; i++)
		expect_bad_request(dup[i], strlen(dup[i]));
}

static void test_unknown_field_is_invalid_and_named(void **state)
{
	expect_invalid("{\"name\":\"ab\",\"count\":1,\"admin\":true}", false, "unknown_field", "admin");
	expect_invalid("{\"admin\":true}", true, "unknown_field", "admin");
	/* Case matters: "Name" is not "name". */
	expect_invalid("{\"Name\":\"ab\",\"count\":1}", false, "unknown_field", "Name");
	/* Even null values of unknown fields are rejected. */
	expect_invalid("{\"name\":\"ab\",\"count\":1,\"x\":null}", false, "unknown_field", "x");
	/* A very long unknown key is named (truncated to the field buffer), not overflowed. */
	char body[1200];
	char key[1000];
	memset(key, 'k', sizeof key - 1);
	key[sizeof key - 1] = 0;
	snprintf(body, sizeof body, "{\"%s\":1}", key);
	struct result r = decode(body, true);
	assert_int_equal(r.rc, QERR_INVALID);
	assert_string_equal(r.e.slug, "unknown_field");
	assert_int_equal(strlen(r.e.field), sizeof r.e.field - 1);
	/* A Chinese key. */
	expect_invalid("{\"名称\":\"ab\"}", true, "unknown_field", "名称");
}

static void test_wrong_types_are_invalid_and_named(void **state)
{
	expect_invalid("{\"name\":12,\"count\":1}", false, "wrong_type", "name");
	expect_invalid("{\"name\":[\"ab\"],\"count\":1}", false, "wrong_type", "name");
	expect_invalid("{\"name\":\"ab\",\"count\":\"1\"}", false, "wrong_type", "count");
	expect_invalid("{\"name\":\"ab\",\"count\":1.0}", false, "wrong_type", "count");
	expect_invalid("{\"name\":\"ab\",\"count\":true}", false, "wrong_type", "count");
	expect_invalid("{\"flag\":1}", true, "wrong_type", "flag");
	expect_invalid("{\"flag\":\"true\"}", true, "wrong_type", "flag");
	expect_invalid("{\"tags\":\"a\"}", true, "wrong_type", "tags");
	expect_invalid("{\"tags\":[\"a\",1]}", true, "wrong_type", "tags");
	expect_invalid("{\"tags\":[[\"a\"]]}", true, "wrong_type", "tags");
	expect_invalid("{\"colour\":{}}", true, "wrong_type", "colour");
	/* null is "absent" for optional fields but not a value for required ones. */
	expect_ok("{\"name\":\"ab\",\"count\":1,\"colour\":null,\"flag\":null,\"tags\":null}", false);
	expect_invalid("{\"name\":null,\"count\":1}", false, "wrong_type", "name");
	expect_ok("{\"tags\":[]}", true);
}

static void test_missing_required_field_is_invalid_and_named(void **state)
{
	expect_invalid("{}", false, "missing_field", "name");
	expect_invalid("{\"name\":\"ab\"}", false, "missing_field", "count");
	expect_invalid("{\"count\":3,\"flag\":false}", false, "missing_field", "name");
}

static void test_partial_mode_makes_fields_optional_but_still_checks_them(void **state)
{
	expect_ok("{}", true);
	expect_ok("{\"count\":100}", true);
	expect_ok("{\"colour\":\"green\"}", true);
	expect_invalid("{\"count\":101}", true, "out_of_range", "count");
	expect_invalid("{\"name\":\"a\"}", true, "too_short", "name");
	expect_invalid("{\"colour\":\"pink\"}", true, "invalid_choice", "colour");
	expect_invalid("{\"bogus\":1}", true, "unknown_field", "bogus");
}

static void test_string_lengths_count_characters_not_bytes(void **state)
{
	/* min 2, max 4 characters. */
	expect_ok("{\"name\":\"ab\",\"count\":1}", false);
	expect_ok("{\"name\":\"abcd\",\"count\":1}", false);
	expect_ok("{\"name\":\"苏州\",\"count\":1}", false);         /* 2 characters, 6 bytes */
	expect_ok("{\"name\":\"江苏苏州\",\"count\":1}", false);     /* 4 characters, 12 bytes */
	expect_ok("{\"name\":\"\\u82cf\\u5dde\",\"count\":1}", false); /* escaped 苏州 */
	expect_ok("{\"name\":\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\",\"count\":1}", false); /* 2 emoji, 8 bytes */
	expect_ok("{\"name\":\"\\ud83d\\ude00x\",\"count\":1}", false); /* surrogate pair = 1 character */
	expect_invalid("{\"name\":\"苏\",\"count\":1}", false, "too_short", "name");
	expect_invalid("{\"name\":\"\",\"count\":1}", false, "too_short", "name");
	expect_invalid("{\"name\":\"abcde\",\"count\":1}", false, "too_long", "name");
	expect_invalid("{\"name\":\"江苏省苏州\",\"count\":1}", false, "too_long", "name");
	/* Unlimited strings take anything, including long text. */
	char body[70000];
	int n = snprintf(body, sizeof body, "{\"free\":\"");
	for (int i = 0; i < 20000; i++)
		n += snprintf(body + n, sizeof body - (size_t)n, "链");
	snprintf(body + n, sizeof body - (size_t)n, "\"}");
	expect_ok(body, true);
	expect_ok("{\"free\":\"\"}", true);
}

static void test_choices_must_match_exactly(void **state)
{
	expect_ok("{\"colour\":\"red\"}", true);
	expect_ok("{\"colour\":\"蓝\"}", true);
	expect_invalid("{\"colour\":\"Red\"}", true, "invalid_choice", "colour");
	expect_invalid("{\"colour\":\"red \"}", true, "invalid_choice", "colour");
	expect_invalid("{\"colour\":\"\"}", true, "invalid_choice", "colour");
	struct result r = decode("{\"colour\":\"purple\"}", true);
	assert_non_null(strstr(r.e.message, "purple"));
}

static void test_integer_ranges_are_inclusive(void **state)
{
	expect_ok("{\"name\":\"ab\",\"count\":-5}", false);
	expect_ok("{\"name\":\"ab\",\"count\":100}", false);
	expect_ok("{\"name\":\"ab\",\"count\":-0}", false);
	expect_invalid("{\"name\":\"ab\",\"count\":-6}", false, "out_of_range", "count");
	expect_invalid("{\"name\":\"ab\",\"count\":101}", false, "out_of_range", "count");
	expect_invalid("{\"name\":\"ab\",\"count\":9223372036854775807}", false, "out_of_range", "count");
	expect_invalid("{\"name\":\"ab\",\"count\":-9223372036854775808}", false, "out_of_range", "count");
	/* The full int64 range is representable. */
	struct result r = decode("{\"big\":-9223372036854775808}", true);
	assert_int_equal(r.rc, QERR_OK);
	assert_true(json_int(r.obj, "big", 0) == INT64_MIN);
	json_decref(r.obj);
	r = decode("{\"big\":9223372036854775807}", true);
	assert_int_equal(r.rc, QERR_OK);
	assert_true(json_int(r.obj, "big", 0) == INT64_MAX);
	json_decref(r.obj);
	expect_bad_request("{\"big\":9223372036854775808}", strlen("{\"big\":9223372036854775808}"));
}

static void test_accessors_fall_back_when_absent_or_mistyped(void **state)
{
	json_t *o = json_pack("{s:s,s:i,s:b}", "s", "苏州", "i", 42, "b", 1);
	assert_string_equal(json_str(o, "s", "x"), "苏州");
	assert_string_equal(json_str(o, "i", "x"), "x");
	assert_string_equal(json_str(o, "missing", "fb"), "fb");
	assert_null(json_str(o, "missing", NULL));
	assert_int_equal(json_int(o, "i", -1), 42);
	assert_int_equal(json_int(o, "s", -1), -1);
	assert_int_equal(json_int(o, "b", -1), -1);
	assert_int_equal(json_int(NULL, "i", 7), 7);
	assert_string_equal(json_str(NULL, "s", "n"), "n");
	json_decref(o);
}

static void test_encode_is_compact_and_keeps_utf8(void **state)
{
	json_t *o = json_pack("{s:s,s:[i,i]}", "name", "昆山", "n", 1, 2);
	char *s = json_encode(o);
	assert_string_equal(s, "{\"name\":\"昆山\",\"n\":[1,2]}");
	free(s);
	json_decref(o);
	json_t *str = json_string("x");
	s = json_encode(str); /* non-objects encode too */
	assert_string_equal(s, "\"x\"");
	free(s);
	json_decref(str);
}

static void test_schema_lists_properties_and_required_fields(void **state)
{
	json_t *schema = json_fields_schema(FIELDS);
	assert_string_equal(json_string_value(json_object_get(schema, "type")), "object");
	assert_true(json_is_false(json_object_get(schema, "additionalProperties")));
	json_t *props = json_object_get(schema, "properties");
	assert_int_equal(json_object_size(props), 7);
	json_t *name = json_object_get(props, "name");
	assert_int_equal(json_integer_value(json_object_get(name, "minLength")), 2);
	assert_int_equal(json_integer_value(json_object_get(name, "maxLength")), 4);
	json_t *colour = json_object_get(props, "colour");
	assert_int_equal(json_array_size(json_object_get(colour, "enum")), 3);
	json_t *req = json_object_get(schema, "required");
	assert_int_equal(json_array_size(req), 2);
	assert_string_equal(json_string_value(json_array_get(req, 0)), "name");
	assert_string_equal(json_string_value(json_array_get(req, 1)), "count");
	json_decref(schema);
	/* An all-optional list has no "required" array (OpenAPI forbids an empty one). */
	static const struct jfield none[] = {{"a", JF_BOOL, false, 0, 0, NULL, NULL}, {NULL, 0, false, 0, 0, NULL, NULL}};
	schema = json_fields_schema(none);
	assert_null(json_object_get(schema, "required"));
	json_decref(schema);
}

static void test_enterprise_create_fields_accept_a_real_record(void **state)
{
	const char *body = "{\"uscc\":\"91320583MA1N2L8E6H\",\"name\":\"昆山精锐模具科技有限公司\",\"region\":\"320583\","
			   "\"industry\":\"C35\",\"employees\":120,\"revenue_wan\":8000,\"assets_wan\":6000,\"level\":\"provincial\"}";
	json_t *o = NULL;
	struct qerror e = {0};
	assert_int_equal(json_decode(body, strlen(body), enterprise_create_fields, false, &o, &e), QERR_OK);
	json_decref(o);
	const char *neg = "{\"employees\":-1}";
	assert_int_equal(json_decode(neg, strlen(neg), enterprise_create_fields, true, &o, &e), QERR_INVALID);
	assert_string_equal(e.field, "employees");
	const char *lvl = "{\"level\":\"national\"}";
	assert_int_equal(json_decode(lvl, strlen(lvl), enterprise_create_fields, true, &o, &e), QERR_INVALID);
	assert_string_equal(e.field, "level");
	/* The update list has no uscc: a PATCH cannot re-key a record. */
	const char *rekey = "{\"uscc\":\"91320583MA1N2L8E6H\"}";
	assert_int_equal(json_decode(rekey, strlen(rekey), enterprise_update_fields, true, &o, &e), QERR_INVALID);
	assert_string_equal(e.slug, "unknown_field");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_body_decodes_with_its_values),
		cmocka_unit_test(test_malformed_json_is_bad_request),
		cmocka_unit_test(test_empty_or_null_body_is_bad_request),
		cmocka_unit_test(test_body_need_not_be_nul_terminated),
		cmocka_unit_test(test_non_object_json_is_bad_request),
		cmocka_unit_test(test_duplicate_keys_are_rejected),
		cmocka_unit_test(test_unknown_field_is_invalid_and_named),
		cmocka_unit_test(test_wrong_types_are_invalid_and_named),
		cmocka_unit_test(test_missing_required_field_is_invalid_and_named),
		cmocka_unit_test(test_partial_mode_makes_fields_optional_but_still_checks_them),
		cmocka_unit_test(test_string_lengths_count_characters_not_bytes),
		cmocka_unit_test(test_choices_must_match_exactly),
		cmocka_unit_test(test_integer_ranges_are_inclusive),
		cmocka_unit_test(test_accessors_fall_back_when_absent_or_mistyped),
		cmocka_unit_test(test_encode_is_compact_and_keeps_utf8),
		cmocka_unit_test(test_schema_lists_properties_and_required_fields),
		cmocka_unit_test(test_enterprise_create_fields_accept_a_real_record),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
