/* jsonio.c - strict JSON request decoding and response encoding. */
#include "base/jsonio.h"

#include <string.h>
#include "base/util.h"

static const struct jfield *find_field(const struct jfield *fields, const char *name)
{
	for (const struct jfield *f = fields; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

static enum qerr check_string(const struct jfield *f, const json_t *v, struct qerror *err)
{
	const char *s = json_string_value(v);
	size_t n = util_utf8_len(s);
	if (strlen(s) != json_string_length(v))
		return qerr_set(err, QERR_INVALID, "invalid_value", f->name, "%s must not contain NUL characters", f->name);
	if (f->min && (int64_t)n < f->min)
		return qerr_set(err, QERR_INVALID, "too_short", f->name, "%s must have at least %lld characters",
				f->name, (long long)f->min);
	if (f->max && (int64_t)n > f->max)
		return qerr_set(err, QERR_INVALID, "too_long", f->name, "%s must have at most %lld characters",
				f->name, (long long)f->max);
	if (f->choices) {
		for (const char *const *c = f->choices; *c; c++)
			if (strcmp(*c, s) == 0)
				return QERR_OK;
		return qerr_set(err, QERR_INVALID, "invalid_choice", f->name, "%s has an unknown value '%.64s'",
				f->name, s);
	}
	return QERR_OK;
}

static enum qerr check_field(const struct jfield *f, const json_t *v, struct qerror *err)
{
	switch (f->type) {
	case JF_STRING:
		if (!json_is_string(v))
			return qerr_set(err, QERR_INVALID, "wrong_type", f->name, "%s must be a string", f->name);
		return check_string(f, v, err);
	case JF_INT: {
		if (!json_is_integer(v))
			return qerr_set(err, QERR_INVALID, "wrong_type", f->name, "%s must be an integer", f->name);
		json_int_t n = json_integer_value(v);
		if (n < f->min || n > f->max)
			return qerr_set(err, QERR_INVALID, "out_of_range", f->name, "%s must be between %lld and %lld",
					f->name, (long long)f->min, (long long)f->max);
		return QERR_OK;
	}
	case JF_NUMBER:
		if (!json_is_number(v))
			return qerr_set(err, QERR_INVALID, "wrong_type", f->name, "%s must be a number", f->name);
		if ((f->min || f->max) && (json_number_value(v) < (double)f->min || json_number_value(v) > (double)f->max))
			return qerr_set(err, QERR_INVALID, "out_of_range", f->name, "%s must be between %lld and %lld",
					f->name, (long long)f->min, (long long)f->max);
		return QERR_OK;
	case JF_BOOL:
		if (!json_is_boolean(v))
			return qerr_set(err, QERR_INVALID, "wrong_type", f->name, "%s must be true or false", f->name);
		return QERR_OK;
	case JF_STRING_ARRAY: {
		if (!json_is_array(v))
			return qerr_set(err, QERR_INVALID, "wrong_type", f->name, "%s must be an array of strings", f->name);
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item) {
			if (!json_is_string(item))
				return qerr_set(err, QERR_INVALID, "wrong_type", f->name, "%s must be an array of strings",
						f->name);
		}
		return QERR_OK;
	}
	}
	return qerr_set(err, QERR_INTERNAL, NULL, f->name, "unknown field type");
}

enum qerr json_decode(const char *body, size_t len, const struct jfield *fields, bool partial,
		      json_t **out, struct qerror *err)
{
	*out = NULL;
	if (!body || len == 0)
		return qerr_set(err, QERR_BAD_REQUEST, "malformed_json", NULL, "request body must be a JSON object");
	json_error_t jerr;
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return qerr_set(err, QERR_BAD_REQUEST, "malformed_json", NULL, "malformed JSON at line %d column %d: %s",
				jerr.line, jerr.column, jerr.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return qerr_set(err, QERR_BAD_REQUEST, "malformed_json", NULL, "request body must be a JSON object");
	}
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v) {
		const struct jfield *f = find_field(fields, key);
		if (!f) {
			qerr_set(err, QERR_INVALID, "unknown_field", key, "unknown field '%.48s'", key);
			json_decref(root);
			return QERR_INVALID;
		}
		if (json_is_null(v) && !f->required)
			continue;
		enum qerr rc = check_field(f, v, err);
		if (rc) {
			json_decref(root);
			return rc;
		}
	}
	if (!partial) {
		for (const struct jfield *f = fields; f->name; f++) {
			if (f->required && !json_object_get(root, f->name)) {
				qerr_set(err, QERR_INVALID, "missing_field", f->name, "%s is required", f->name);
				json_decref(root);
				return QERR_INVALID;
			}
		}
	}
	*out = root;
	return QERR_OK;
}

const char *json_str(const json_t *obj, const char *key, const char *fallback)
{
	const json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : fallback;
}

int64_t json_int(const json_t *obj, const char *key, int64_t fallback)
{
	const json_t *v = json_object_get(obj, key);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : fallback;
}

char *json_encode(const json_t *v)
{
	return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

json_t *json_fields_schema(const struct jfield *fields)
{
	json_t *props = json_object(), *required = json_array();
	for (const struct jfield *f = fields; f->name; f++) {
		json_t *p = json_object();
		switch (f->type) {
		case JF_STRING:
			json_object_set_new(p, "type", json_string("string"));
			if (f->min)
				json_object_set_new(p, "minLength", json_integer(f->min));
			if (f->max)
				json_object_set_new(p, "maxLength", json_integer(f->max));
			if (f->choices) {
				json_t *e = json_array();
				for (const char *const *c = f->choices; *c; c++)
					json_array_append_new(e, json_string(*c));
				json_object_set_new(p, "enum", e);
			}
			break;
		case JF_INT:
			json_object_set_new(p, "type", json_string("integer"));
			json_object_set_new(p, "format", json_string("int64"));
			json_object_set_new(p, "minimum", json_integer(f->min));
			json_object_set_new(p, "maximum", json_integer(f->max));
			break;
		case JF_BOOL:
			json_object_set_new(p, "type", json_string("boolean"));
			break;
		case JF_NUMBER:
			json_object_set_new(p, "type", json_string("number"));
			if (f->min || f->max) {
				json_object_set_new(p, "minimum", json_integer(f->min));
				json_object_set_new(p, "maximum", json_integer(f->max));
			}
			break;
		case JF_STRING_ARRAY:
			json_object_set_new(p, "type", json_string("array"));
			json_object_set_new(p, "items", json_pack("{s:s}", "type", "string"));
			break;
		}
		if (f->description)
			json_object_set_new(p, "description", json_string(f->description));
		json_object_set_new(props, f->name, p);
		if (f->required)
			json_array_append_new(required, json_string(f->name));
	}
	json_t *schema = json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props,
				   "additionalProperties", 0);
	if (json_array_size(required))
		json_object_set_new(schema, "required", required);
	else
		json_decref(required);
	return schema;
}

json_t *json_page(json_t *items, bool more, int64_t last_id)
{
	return json_pack("{s:o,s:o}", "items", items, "next_cursor",
			 more ? json_sprintf("%lld", (long long)last_id) : json_null());
}
