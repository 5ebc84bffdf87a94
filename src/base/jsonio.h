/*
 * jsonio.h - strict decoding of JSON request bodies against a field list,
 * and compact encoding of responses.
 *
 * Every API input goes through json_decode(): malformed JSON is a 400,
 * a wrong type, an unknown field, a missing required field or a value out
 * of range is a 422 naming the field. The same field lists describe the
 * request bodies in the OpenAPI document, so the docs cannot drift.
 */
#ifndef QILIAN_JSONIO_H
#define QILIAN_JSONIO_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/qerr.h"

enum jfield_type { JF_STRING, JF_INT, JF_BOOL, JF_STRING_ARRAY, JF_NUMBER };

struct jfield {
	const char *name;
	enum jfield_type type;
	bool required;
	int64_t min, max;          /* JF_INT: value range; JF_STRING: length in characters; JF_NUMBER: range, 0/0 = any */
	const char *const *choices; /* JF_STRING: NULL-terminated allowed values, or NULL */
	const char *description;   /* for the OpenAPI document */
};
/* Field lists end with an entry whose name is NULL. */

/*
 * Parses body (len bytes, need not be NUL-terminated) and checks it against
 * fields. partial=true (PATCH) makes every field optional. On success *out is
 * a new reference the caller must json_decref. On failure *out is NULL and
 * err names the field.
 */
enum qerr json_decode(const char *body, size_t len, const struct jfield *fields, bool partial,
		      json_t **out, struct qerror *err);

/* Accessors for decoded objects; return the fallback when the key is absent. */
const char *json_str(const json_t *obj, const char *key, const char *fallback);
int64_t json_int(const json_t *obj, const char *key, int64_t fallback);

/*
 * A page of a list: {"items": items, "next_cursor": "<last_id>" or null}.
 * Steals items. Lists fetch limit+1 rows; more says the extra one came.
 */
json_t *json_page(json_t *items, bool more, int64_t last_id);

/* Serialises compactly (UTF-8 kept as is); caller frees the string with free(). */
char *json_encode(const json_t *v);

/* Builds a JSON schema object (OpenAPI 3) for a field list. New reference. */
json_t *json_fields_schema(const struct jfield *fields);

#endif
