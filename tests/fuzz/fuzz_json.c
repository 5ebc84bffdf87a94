/*
 * fuzz_json.c - libFuzzer harness for json_decode against the enterprise
 * create fields, strict and partial: it never crashes, fails with 400 or
 * 422 naming a field, and on success returns an object holding only known
 * fields, each of the declared type and range, with every required field
 * present unless partial.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonio.h"
#include "base/util.h"
#include "registry/enterprise.h"

static const struct jfield *find(const struct jfield *fields, const char *name)
{
	for (const struct jfield *f = fields; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

static void check_success(const json_t *obj, const struct jfield *fields, int partial)
{
	if (!json_is_object(obj))
		abort();
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v) {
		const struct jfield *f = find(fields, key);
		if (!f)
			abort();
		if (json_is_null(v) && !f->required)
			continue;
		switch (f->type) {
		case JF_STRING: {
			if (!json_is_string(v))
				abort();
			const char *s = json_string_value(v);
			if (strlen(s) != json_string_length(v) || !util_utf8_valid(s, strlen(s)))
				abort();
			int64_t n = (int64_t)util_utf8_len(s);
			if ((f->min && n < f->min) || (f->max && n > f->max))
				abort();
			if (f->choices) {
				const char *const *c = f->choices;
				while (*c && strcmp(*c, s) != 0)
					c++;
				if (!*c)
					abort();
			}
			break;
		}
		case JF_INT:
			if (!json_is_integer(v) || json_integer_value(v) < f->min || json_integer_value(v) > f->max)
				abort();
			break;
		case JF_BOOL:
			if (!json_is_boolean(v))
				abort();
			break;
		case JF_STRING_ARRAY:
			if (!json_is_array(v))
				abort();
			break;
		case JF_NUMBER:
			if (!json_is_number(v) || ((f->min || f->max) && (json_number_value(v) < (double)f->min ||
									  json_number_value(v) > (double)f->max)))
				abort();
			break;
		}
	}
	if (!partial)
		for (const struct jfield *f = fields; f->name; f++)
			if (f->required && !json_object_get(obj, f->name))
				abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct jfield *const lists[] = {enterprise_create_fields, enterprise_update_fields};
	for (int l = 0; l < 2; l++) {
		for (int partial = 0; partial < 2; partial++) {
			json_t *obj = (json_t *)1;
			struct qerror e;
			memset(&e, 0, sizeof e);
			enum qerr rc = json_decode((const char *)data, size, lists[l], partial, &obj, &e);
			if (rc == QERR_OK) {
				check_success(obj, lists[l], partial);
				char *s = json_encode(obj);
				if (!s)
					abort();
				free(s);
				json_decref(obj);
				continue;
			}
			if (obj != NULL || e.code != rc || !e.slug[0])
				abort();
			if (rc == QERR_BAD_REQUEST) {
				if (strcmp(e.slug, "malformed_json") != 0 || e.field[0])
					abort();
			} else if (rc == QERR_INVALID) {
				/* Only an unknown key that is itself "" may leave the field empty. */
				if (!e.field[0] && strcmp(e.slug, "unknown_field") != 0)
					abort();
			} else {
				abort();
			}
		}
	}
	return 0;
}
