/*
 * api_vocab.c - HTTP handlers for the industrial vocabulary: list, read, add,
 * change, remove, CSV import and export (the operator writes, everyone
 * signed in reads), and how a text is expanded (the query understanding
 * market matching applies).
 */
#include "http/api_vocab.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "registry/vocab.h"
#include "text/vocab.h"

enum qerr api_vocab_list(struct http_req *req, struct http_res *res)
{
	int64_t limit, cursor;
	json_t *out;
	if (http_query_int(req, "limit", 1, 500, 100, &limit) || http_query_int(req, "cursor", 0, INT64_MAX, 0, &cursor) ||
	    vocab_list(req->db, &req->actor, http_query(req, "q"), http_query(req, "kind"), (int)limit, cursor, &out,
		       &req->err))
		return req->err.code;
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_vocab_get(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out;
	if (api_param_id(req, 0, "id", &id) || vocab_get(req->db, &req->actor, id, &out, &req->err))
		return req->err.code;
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_vocab_create(struct http_req *req, struct http_res *res)
{
	json_t *body, *out;
	if (http_body_json(req, vocab_entry_fields, false, &body))
		return req->err.code;
	enum qerr rc = vocab_add(req->db, &req->actor, body, &out, &req->err);
	json_decref(body);
	if (rc)
		return rc;
	http_ok(res, 201, out);
	return QERR_OK;
}

enum qerr api_vocab_update(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, vocab_update_fields, true, &body))
		return req->err.code;
	enum qerr rc = vocab_update(req->db, &req->actor, id, body, &out, &req->err);
	json_decref(body);
	if (rc)
		return rc;
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_vocab_delete(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out;
	if (api_param_id(req, 0, "id", &id) || vocab_remove(req->db, &req->actor, id, &out, &req->err))
		return req->err.code;
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_vocab_import(struct http_req *req, struct http_res *res)
{
	return api_csv_import(req, res, vocab_import);
}

enum qerr api_vocab_export(struct http_req *req, struct http_res *res)
{
	return api_csv_export(req, res, vocab_export, "attachment; filename=\"vocab.csv\"");
}

enum qerr api_vocab_expand(struct http_req *req, struct http_res *res)
{
	const char *q = http_query(req, "q");
	if (!q || !*q || strlen(q) > 4000)
		return qerr_set(&req->err, QERR_INVALID, "required", "q", "q: the text to expand, 1-4000 bytes");
	struct text_vocab *v = NULL;
	if (text_vocab_get(req->db, &v, &req->err))
		return req->err.code;
	struct text_vocab_expansion *x = malloc(sizeof *x);
	if (!x) {
		text_vocab_release(v);
		return qerr_set(&req->err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	}
	int rc = text_vocab_expand(v, q, strlen(q), x);
	text_vocab_release(v);
	if (rc) {
		free(x);
		return qerr_set(&req->err, QERR_INTERNAL, "tokenizer_unavailable", NULL,
				"the Chinese word segmenter could not be loaded");
	}
	static const char *const origins[] = {"query", "part", "compound", "vocabulary"};
	json_t *terms = json_array();
	for (int i = 0; i < x->n; i++) {
		const struct text_vocab_term *t = &x->t[i];
		json_t *o = json_pack("{s:s,s:s,s:f,s:s}", "term", t->display, "key", t->key, "weight",
				      round(t->weight * 1000) / 1000, "origin", origins[t->origin]);
		if (o && t->kind >= 0)
			json_object_set_new(o, "kind", json_string(text_vocab_kind_names[t->kind]));
		if (o && t->explain[0])
			json_object_set_new(o, "explain", json_string(t->explain));
		json_array_append_new(terms, o);
	}
	free(x);
	http_ok(res, 200, json_pack("{s:s,s:o}", "q", q, "terms", terms));
	return QERR_OK;
}
