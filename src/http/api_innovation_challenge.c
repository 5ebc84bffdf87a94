/*
 * api_innovation_challenge.c - HTTP handlers of the open innovation
 * challenges (揭榜挂帅): posting, Q&A, sealed proposals and receipts,
 * evaluation, results, award and milestones. Bodies that carry arrays of
 * objects or integers (milestones, criteria, scores, shortlists), which
 * jsonio's field types cannot describe, are parsed here as JSON objects with
 * their keys checked against the route's field list; the domain checks the
 * values (src/sharing/challenge*.c).
 */
#include "http/api_innovation.h"

#include <string.h>
#include "sharing/challenge.h"

static enum qerr reply(struct http_res *res, enum qerr rc, int status, json_t **out)
{
	if (rc)
		return rc;
	http_ok(res, status, *out);
	return QERR_OK;
}

/* The body as a JSON object whose keys are all in fields and whose required fields are present. */
static enum qerr raw_body(struct http_req *req, const struct jfield *fields, bool partial, json_t **out)
{
	*out = NULL;
	json_error_t je;
	json_t *body = json_loadb(req->body ? req->body : "", req->body_len, JSON_REJECT_DUPLICATES, &je);
	if (!body)
		return qerr_set(&req->err, QERR_BAD_REQUEST, "malformed_json", NULL,
				"malformed JSON at line %d column %d: %s", je.line, je.column, je.text);
	if (!json_is_object(body)) {
		json_decref(body);
		return qerr_set(&req->err, QERR_BAD_REQUEST, "malformed_json", NULL,
				"request body must be a JSON object");
	}
	const char *key;
	json_t *v;
	json_object_foreach(body, key, v)
	{
		const struct jfield *f = fields;
		while (f->name && strcmp(f->name, key) != 0)
			f++;
		/* The error names the key before the body (which owns it) is released. */
		enum qerr rc = QERR_OK;
		if (!f->name)
			rc = qerr_set(&req->err, QERR_INVALID, "unknown_field", key, "unknown field %s", key);
		else if (f->type == JF_STRING && !json_is_string(v))
			rc = qerr_set(&req->err, QERR_INVALID, "invalid_type", key, "%s must be a string", key);
		if (rc) {
			json_decref(body);
			return rc;
		}
	}
	for (const struct jfield *f = fields; f->name && !partial; f++)
		if (f->required && !json_object_get(body, f->name)) {
			json_decref(body);
			return qerr_set(&req->err, QERR_INVALID, "missing_field", f->name, "%s is required", f->name);
		}
	*out = body;
	return QERR_OK;
}

typedef enum qerr (*id_call)(struct db *, const struct actor *, int64_t, json_t **, struct qerror *);

/* A call on path parameter 0 with no body. */
static enum qerr by_id(struct http_req *req, struct http_res *res, id_call fn, int status)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(res, fn(req->db, &req->actor, id, &out, &req->err), status, &out);
}

enum qerr api_challenge_list(struct http_req *req, struct http_res *res)
{
	int64_t mine;
	json_t *out = NULL;
	if (http_query_int(req, "mine", 0, 1, 0, &mine))
		return req->err.code;
	return reply(res, challenge_list(req->db, &req->actor, http_query(req, "status"), mine == 1, &out, &req->err),
		     200, &out);
}

enum qerr api_challenge_create(struct http_req *req, struct http_res *res)
{
	json_t *body, *out = NULL;
	if (raw_body(req, challenge_fields, false, &body))
		return req->err.code;
	enum qerr rc = challenge_create(req->db, &req->actor, body, &out, &req->err);
	json_decref(body);
	return reply(res, rc, 201, &out);
}

enum qerr api_challenge_get(struct http_req *req, struct http_res *res)
{
	return by_id(req, res, challenge_get, 200);
}

enum qerr api_challenge_update(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || raw_body(req, challenge_fields, true, &body))
		return req->err.code;
	enum qerr rc = challenge_update(req->db, &req->actor, id, body, &out, &req->err);
	json_decref(body);
	return reply(res, rc, 200, &out);
}

enum qerr api_challenge_open(struct http_req *req, struct http_res *res)
{
	return by_id(req, res, challenge_open, 200);
}

enum qerr api_challenge_panel(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, challenge_panel_fields, false, &body))
		return req->err.code;
	enum qerr rc =
	    challenge_set_panel(req->db, &req->actor, id, json_object_get(body, "reviewers"), &out, &req->err);
	json_decref(body);
	return reply(res, rc, 200, &out);
}

enum qerr api_challenge_register(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, challenge_register_fields, false, &body))
		return req->err.code;
	enum qerr rc = challenge_register(req->db, &req->actor, id, json_str(body, "enterprise", ""), &out, &req->err);
	json_decref(body);
	return reply(res, rc, 200, &out);
}

enum qerr api_challenge_questions(struct http_req *req, struct http_res *res)
{
	return by_id(req, res, challenge_questions, 200);
}

enum qerr api_challenge_ask(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, challenge_question_fields, false, &body))
		return req->err.code;
	enum qerr rc = challenge_ask(req->db, &req->actor, id, json_str(body, "question", ""), &out, &req->err);
	json_decref(body);
	return reply(res, rc, 201, &out);
}

enum qerr api_challenge_answer(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, challenge_answer_fields, false, &body))
		return req->err.code;
	enum qerr rc = challenge_answer(req->db, &req->actor, id, json_str(body, "answer", ""), &out, &req->err);
	json_decref(body);
	return reply(res, rc, 200, &out);
}

enum qerr api_challenge_proposals(struct http_req *req, struct http_res *res)
{
	return by_id(req, res, challenge_proposals, 200);
}

enum qerr api_challenge_submit(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, challenge_proposal_fields, false, &body))
		return req->err.code;
	enum qerr rc = challenge_submit(req->db, &req->actor, id, body, &out, &req->err);
	json_decref(body);
	return reply(res, rc, 201, &out);
}

enum qerr api_challenge_verify_receipt(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, challenge_receipt_fields, false, &body))
		return req->err.code;
	enum qerr rc =
	    challenge_verify_receipt(req->db, &req->actor, id, json_str(body, "sha256", ""), &out, &req->err);
	json_decref(body);
	return reply(res, rc, 200, &out);
}

enum qerr api_challenge_evaluate(struct http_req *req, struct http_res *res)
{
	return by_id(req, res, challenge_evaluate, 200);
}

enum qerr api_challenge_evaluation(struct http_req *req, struct http_res *res)
{
	return by_id(req, res, challenge_evaluation, 200);
}

enum qerr api_challenge_results(struct http_req *req, struct http_res *res)
{
	return by_id(req, res, challenge_results, 200);
}

enum qerr api_challenge_shortlist(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || raw_body(req, challenge_shortlist_fields, false, &body))
		return req->err.code;
	enum qerr rc =
	    challenge_shortlist(req->db, &req->actor, id, json_object_get(body, "proposals"), &out, &req->err);
	json_decref(body);
	return reply(res, rc, 200, &out);
}

enum qerr api_challenge_award(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, challenge_award_fields, false, &body))
		return req->err.code;
	enum qerr rc = challenge_award(req->db, &req->actor, id, json_int(body, "proposal", 0), &out, &req->err);
	json_decref(body);
	return reply(res, rc, 200, &out);
}

enum qerr api_challenge_milestone(struct http_req *req, struct http_res *res)
{
	int64_t id, seq;
	json_t *body = NULL, *out = NULL;
	/* The body ({} or {"note"}) is read first: a malformed one is 400 whatever the path says. */
	if (http_body_json(req, challenge_milestone_fields, false, &body))
		return req->err.code;
	if (api_param_id(req, 0, "id", &id) || api_param_id(req, 1, "seq", &seq)) {
		json_decref(body);
		return req->err.code;
	}
	enum qerr rc =
	    challenge_accept_milestone(req->db, &req->actor, id, seq, json_str(body, "note", NULL), &out, &req->err);
	json_decref(body);
	return reply(res, rc, 200, &out);
}

enum qerr api_challenge_suggestions(struct http_req *req, struct http_res *res)
{
	int64_t id, limit;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_query_int(req, "limit", 1, 100, 20, &limit))
		return req->err.code;
	return reply(res, challenge_suggest(req->db, &req->actor, id, (int)limit, &out, &req->err), 200, &out);
}

enum qerr api_proposal_get(struct http_req *req, struct http_res *res)
{
	return by_id(req, res, challenge_proposal_get, 200);
}

enum qerr api_proposal_receipt(struct http_req *req, struct http_res *res)
{
	return by_id(req, res, challenge_receipt, 200);
}

enum qerr api_proposal_confirm(struct http_req *req, struct http_res *res)
{
	return by_id(req, res, challenge_confirm, 200);
}

enum qerr api_proposal_withdraw(struct http_req *req, struct http_res *res)
{
	return by_id(req, res, challenge_withdraw, 200);
}

enum qerr api_proposal_declaration(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, challenge_declaration_fields, false, &body))
		return req->err.code;
	enum qerr rc = challenge_declare(req->db, &req->actor, id, json_is_true(json_object_get(body, "conflict")),
					 json_str(body, "note", NULL), &out, &req->err);
	json_decref(body);
	return reply(res, rc, 201, &out);
}

enum qerr api_proposal_scores(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || raw_body(req, challenge_scores_fields, false, &body))
		return req->err.code;
	enum qerr rc = challenge_score(req->db, &req->actor, id, json_object_get(body, "scores"),
				       json_str(body, "comment", NULL), &out, &req->err);
	json_decref(body);
	return reply(res, rc, 201, &out);
}

enum qerr api_proposal_consent(struct http_req *req, struct http_res *res)
{
	return by_id(req, res, challenge_consent, 200);
}
