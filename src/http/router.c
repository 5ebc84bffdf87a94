/*
 * router.c - matching request paths against the domains' route tables, and
 * the OpenAPI 3 document generated from those same tables (so every route the
 * router knows is documented, with who may call it in x-qilian-roles).
 *
 * The tables (src/http/routes_<domain>.c) are combined by the build into
 * http_route_tables, by each table's order: the router tries them in that
 * order and a table's routes in theirs. The first pattern that matches the
 * path with the request's method wins (HEAD is answered by a GET route); a
 * path some route matches with another method is 405, any other path 404.
 */
#include "http/http.h"

#include <string.h>

size_t http_route_count(void)
{
	size_t n = 0;
	for (const struct http_route_table *const *t = http_route_tables; *t; t++)
		n += (*t)->count;
	return n;
}

const struct http_route *http_route_at(size_t i)
{
	for (const struct http_route_table *const *t = http_route_tables; *t; t++) {
		if (i < (*t)->count)
			return &(*t)->routes[i];
		i -= (*t)->count;
	}
	return NULL;
}

/* Matches path against one pattern; fills params (into scratch) and returns how many, or -1. */
static int match_pattern(const char *pattern, const char *path, char *scratch, const char *params[HTTP_MAX_PARAMS])
{
	const char *p = pattern, *u = path;
	char *out = scratch;
	int np = 0;
	while (*p) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			const char *seg_end = strchr(u, '/');
			size_t n = seg_end ? (size_t)(seg_end - u) : strlen(u);
			if (!close || n == 0 || np >= HTTP_MAX_PARAMS - 1)
				return -1;
			memcpy(out, u, n);
			out[n] = 0;
			params[np++] = out;
			out += n + 1;
			u += n;
			p = close + 1;
		} else if (*p == *u) {
			p++;
			u++;
		} else {
			return -1;
		}
	}
	return *u ? -1 : np;
}

int http_route_match(const char *method, const char *path, const struct http_route **route, char *scratch,
		     size_t scratch_len, const char *params[HTTP_MAX_PARAMS])
{
	*route = NULL;
	size_t plen = strlen(path);
	if (plen >= scratch_len)
		return 404;
	bool path_found = false;
	for (const struct http_route_table *const *t = http_route_tables; *t; t++) {
		for (size_t i = 0; i < (*t)->count; i++) {
			const struct http_route *r = &(*t)->routes[i];
			int np = match_pattern(r->pattern, path, scratch, params);
			if (np < 0)
				continue;
			path_found = true;
			if (strcmp(r->method, method) == 0 ||
			    (strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0)) {
				*route = r;
				for (int k = np; k < HTTP_MAX_PARAMS; k++)
					params[k] = NULL;
				return 0;
			}
		}
	}
	return path_found ? 405 : 404;
}

static json_t *roles_of(unsigned who)
{
	json_t *a = json_array();
	if (who & WHO_ANON)
		json_array_append_new(a, json_string("anonymous"));
	for (int t = 0; t < ORG_TYPE_COUNT; t++)
		for (int r = 0; r < ROLE_COUNT; r++)
			if (who & WHO(t, r))
				json_array_append_new(a, json_sprintf("%s:%s", org_type_names[t], user_role_names[r]));
	return a;
}

static json_t *error_response(const char *description)
{
	return json_pack("{s:s,s:{s:{s:{s:s}}}}", "description", description, "content", "application/json", "schema",
			 "$ref", "#/components/schemas/Error");
}

static json_t *operation(const struct http_route *r)
{
	json_t *op = json_pack("{s:s,s:[s],s:o}", "summary", r->summary, "tags", r->tag, "x-qilian-roles", roles_of(r->who));
	char opid[128];
	snprintf(opid, sizeof opid, "%s", r->method);
	size_t n = strlen(opid);
	for (const char *p = r->pattern + 7; *p && n < sizeof opid - 1; p++) /* skip "/api/v1" */
		opid[n++] = (*p == '/' || *p == '{' || *p == '}' || *p == '-') ? '_' : *p;
	opid[n] = 0;
	json_object_set_new(op, "operationId", json_string(opid));
	json_t *params = json_array();
	for (const char *p = strchr(r->pattern, '{'); p; p = strchr(p + 1, '{')) {
		const char *close = strchr(p, '}');
		json_array_append_new(params, json_pack("{s:s%,s:s,s:b,s:{s:s}}", "name", p + 1, (size_t)(close - p - 1), "in",
							"path", "required", 1, "schema", "type", "string"));
	}
	for (const struct http_qparam *q = r->query; q && q->name; q++)
		json_array_append_new(params, json_pack("{s:s,s:s,s:b,s:s,s:{s:s}}", "name", q->name, "in", "query",
							"required", 0, "description", q->description, "schema", "type",
							q->type));
	if (json_array_size(params))
		json_object_set_new(op, "parameters", params);
	else
		json_decref(params);
	if (r->body) {
		json_object_set_new(op, "requestBody",
				    json_pack("{s:b,s:{s:{s:o}}}", "required", 1, "content", "application/json", "schema",
					      json_fields_schema(r->body)));
	} else if (r->body_type) {
		json_object_set_new(op, "requestBody", json_pack("{s:b,s:{s:{s:{s:s}}}}", "required", 1, "content",
								 r->body_type, "schema", "type", "string"));
	}
	char status[8];
	snprintf(status, sizeof status, "%d", r->ok_status ? r->ok_status : 200);
	json_t *ok_content = json_object();
	if (r->ok_type)
		json_object_set_new(ok_content, r->ok_type, json_pack("{s:{s:s}}", "schema", "type", "string"));
	else
		json_object_set_new(ok_content, "application/json", json_pack("{s:{s:s}}", "schema", "type", "object"));
	json_t *responses = json_pack("{s:{s:s,s:o}}", status, "description", "success", "content", ok_content);
	json_object_set_new(responses, "400", error_response("malformed request"));
	if (!(r->who & WHO_ANON))
		json_object_set_new(responses, "401", error_response("not logged in"));
	if ((r->who & WHO_USERS) != WHO_USERS)
		json_object_set_new(responses, "403", error_response("organisation type or role not allowed"));
	json_object_set_new(responses, "422", error_response("invalid values; error.field names the field"));
	json_object_set_new(op, "responses", responses);
	if (!(r->who & WHO_ANON))
		json_object_set_new(op, "security", json_pack("[{s:[]},{s:[]}]", "bearer", "cookie"));
	return op;
}

json_t *http_openapi(void)
{
	json_t *paths = json_object();
	for (size_t i = 0; i < http_route_count(); i++) {
		const struct http_route *r = http_route_at(i);
		json_t *item = json_object_get(paths, r->pattern);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, r->pattern, item);
		}
		char m[8];
		size_t k = 0;
		for (; k < sizeof m - 1 && r->method[k]; k++)
			m[k] = (char)(r->method[k] | 0x20);
		m[k] = 0;
		json_object_set_new(item, m, operation(r));
	}
	json_t *error_schema = json_pack(
		"{s:s,s:[s],s:{s:{s:s,s:[s,s],s:{s:{s:s},s:{s:s},s:{s:s},s:{s:s}}}}}", "type", "object", "required", "error",
		"properties", "error", "type", "object", "required", "code", "message", "properties", "code", "type",
		"string", "message", "type", "string", "field", "type", "string", "line", "type", "integer");
	return json_pack("{s:s,s:{s:s,s:s,s:s,s:{s:s}},s:[{s:s}],s:o,s:{s:{s:o},s:{s:{s:s,s:s},s:{s:s,s:s,s:s}}}}",
			 "openapi", "3.0.3", "info", "title", "Qilian 七链 API", "version", QILIAN_VERSION,
			 "description",
			 "Large, medium and small enterprises working together along the seven chains. "
			 "x-qilian-roles lists who may call each operation (organisation type:role).",
			 "license", "name", "Apache-2.0", "servers", "url", "/", "paths", paths, "components", "schemas",
			 "Error", error_schema, "securitySchemes", "bearer", "type", "http", "scheme", "bearer", "cookie",
			 "type", "apiKey", "in", "cookie", "name", "qilian_session");
}
