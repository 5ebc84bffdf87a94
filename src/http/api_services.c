/*
 * api_services.c - HTTP handlers for service requests, their routing rules,
 * limits, extensions, escalation, call-backs and statistics, and the
 * working-day calculator. Who may do what is decided in src/services
 * (service.c, service_admin.c); this file only translates.
 */
#include "http/api_services.h"

#include <string.h>
#include "platform/workdays.h"
#include "services/service.h"

static enum qerr reply(struct http_res *res, enum qerr rc, int status, json_t **out)
{
	if (rc)
		return rc;
	http_ok(res, status, *out);
	return QERR_OK;
}

enum qerr api_service_submit(struct http_req *req, struct http_res *res)
{
	json_t *body, *out = NULL;
	if (http_body_json(req, service_request_fields, false, &body))
		return req->err.code;
	enum qerr rc = service_submit(req->db, &req->actor, body, &out, &req->err);
	json_decref(body);
	return reply(res, rc, 201, &out);
}

enum qerr api_service_list(struct http_req *req, struct http_res *res)
{
	int64_t limit, cursor;
	if (http_query_int(req, "limit", 1, 500, 50, &limit) || http_query_int(req, "cursor", 0, INT64_MAX, 0, &cursor))
		return req->err.code;
	struct service_filter f = {
	    .role = http_query(req, "role"),
	    .status = http_query(req, "status"),
	    .enterprise = http_query(req, "enterprise"),
	    .limit = (int)limit,
	    .cursor = cursor,
	};
	json_t *out = NULL;
	return reply(res, service_list(req->db, &req->actor, &f, &out, &req->err), 200, &out);
}

enum qerr api_service_get(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(res, service_get(req->db, &req->actor, id, &out, &req->err), 200, &out);
}

/* An action with an optional body of fields, whose text member key is passed on. */
static enum qerr action(struct http_req *req, struct http_res *res, enum service_action a, const struct jfield *fields,
			const char *key)
{
	int64_t id;
	json_t *body = NULL, *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	if (fields && http_body_json(req, fields, false, &body))
		return req->err.code;
	enum qerr rc =
	    service_act(req->db, &req->actor, id, a, body ? json_str(body, key, NULL) : NULL, &out, &req->err);
	json_decref(body);
	return reply(res, rc, 200, &out);
}

enum qerr api_service_accept(struct http_req *req, struct http_res *res)
{
	return action(req, res, SERVICE_ACCEPT, service_note_fields, "note");
}
enum qerr api_service_start(struct http_req *req, struct http_res *res)
{
	return action(req, res, SERVICE_START, service_note_fields, "note");
}
enum qerr api_service_resolve(struct http_req *req, struct http_res *res)
{
	return action(req, res, SERVICE_RESOLVE, service_resolve_fields, "resolution");
}
enum qerr api_service_confirm(struct http_req *req, struct http_res *res)
{
	return action(req, res, SERVICE_CONFIRM, service_note_fields, "note");
}
enum qerr api_service_reopen(struct http_req *req, struct http_res *res)
{
	return action(req, res, SERVICE_REOPEN, service_note_fields, "note");
}
enum qerr api_service_propose_withdrawal(struct http_req *req, struct http_res *res)
{
	return action(req, res, SERVICE_PROPOSE_WITHDRAWAL, service_note_fields, "note");
}
enum qerr api_service_supervise(struct http_req *req, struct http_res *res)
{
	return action(req, res, SERVICE_SUPERVISE, service_note_fields, "note");
}

enum qerr api_service_withdraw(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, service_withdraw_fields, false, &body))
		return req->err.code;
	enum qerr rc = service_withdraw(req->db, &req->actor, id, json_is_true(json_object_get(body, "confirm")),
					json_str(body, "reason", NULL), &out, &req->err);
	json_decref(body);
	return reply(res, rc, 200, &out);
}

enum qerr api_service_transfer(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, service_transfer_fields, false, &body))
		return req->err.code;
	enum qerr rc = service_transfer(req->db, &req->actor, id, json_int(body, "handler_org_id", 0),
					json_str(body, "reason", NULL), &out, &req->err);
	json_decref(body);
	return reply(res, rc, 200, &out);
}

enum qerr api_service_rate(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, service_rate_fields, false, &body))
		return req->err.code;
	enum qerr rc = service_rate(req->db, &req->actor, id, (int)json_int(body, "rating", 0),
				    json_str(body, "comment", NULL), &out, &req->err);
	json_decref(body);
	return reply(res, rc, 200, &out);
}

enum qerr api_service_extension_request(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, service_extension_fields, false, &body))
		return req->err.code;
	enum qerr rc = service_extension_request(req->db, &req->actor, id, json_int(body, "days", 0),
						 json_str(body, "reason", NULL), &out, &req->err);
	json_decref(body);
	return reply(res, rc, 201, &out);
}

static enum qerr decide(struct http_req *req, struct http_res *res, bool approve)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(res, service_extension_decide(req->db, &req->actor, id, approve, &out, &req->err), 200, &out);
}
enum qerr api_service_extension_approve(struct http_req *req, struct http_res *res)
{
	return decide(req, res, true);
}
enum qerr api_service_extension_reject(struct http_req *req, struct http_res *res)
{
	return decide(req, res, false);
}

enum qerr api_service_escalate(struct http_req *req, struct http_res *res)
{
	json_t *body = NULL, *out = NULL;
	if (http_body_json(req, service_escalate_fields, false, &body))
		return req->err.code;
	const char *date = body ? json_str(body, "date", NULL) : NULL;
	struct qdate on;
	if (date && !qdate_parse(date, &on)) {
		json_decref(body);
		return qerr_set(&req->err, QERR_INVALID, "invalid_date", "date", "date must be YYYY-MM-DD");
	}
	if (!date)
		on = qdate_shanghai_today();
	json_decref(body);
	return reply(res, service_escalate(req->db, &req->actor, on, &out, &req->err), 200, &out);
}

enum qerr api_service_callback_sample(struct http_req *req, struct http_res *res)
{
	json_t *body, *out = NULL;
	if (http_body_json(req, service_sample_fields, false, &body))
		return req->err.code;
	enum qerr rc = service_callback_sample(req->db, &req->actor, body, &out, &req->err);
	json_decref(body);
	return reply(res, rc, 200, &out);
}

enum qerr api_service_callback(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, service_callback_fields, false, &body))
		return req->err.code;
	enum qerr rc = service_callback_record(req->db, &req->actor, id, json_str(body, "result", NULL),
					       json_str(body, "note", NULL), &out, &req->err);
	json_decref(body);
	return reply(res, rc, 200, &out);
}

enum qerr api_service_routes(struct http_req *req, struct http_res *res)
{
	json_t *out = NULL;
	return reply(res, service_route_list(req->db, &req->actor, &out, &req->err), 200, &out);
}

enum qerr api_service_route_create(struct http_req *req, struct http_res *res)
{
	json_t *body, *out = NULL;
	if (http_body_json(req, service_route_fields, false, &body))
		return req->err.code;
	enum qerr rc = service_route_create(req->db, &req->actor, body, &out, &req->err);
	json_decref(body);
	return reply(res, rc, 201, &out);
}

enum qerr api_service_route_update(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, service_route_fields, false, &body))
		return req->err.code;
	enum qerr rc = service_route_update(req->db, &req->actor, id, body, &out, &req->err);
	json_decref(body);
	return reply(res, rc, 200, &out);
}

enum qerr api_service_route_delete(struct http_req *req, struct http_res *res)
{
	int64_t id;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	if (service_route_delete(req->db, &req->actor, id, &req->err))
		return req->err.code;
	http_ok(res, 200, json_pack("{s:I,s:b}", "id", (json_int_t)id, "deleted", 1));
	return QERR_OK;
}

enum qerr api_service_limits(struct http_req *req, struct http_res *res)
{
	json_t *out = NULL;
	return reply(res, service_limits(req->db, &out, &req->err), 200, &out);
}

enum qerr api_service_limit_set(struct http_req *req, struct http_res *res)
{
	json_t *body, *out = NULL;
	if (http_body_json(req, service_limit_fields, false, &body))
		return req->err.code;
	enum qerr rc = service_limit_set(req->db, &req->actor, body, &out, &req->err);
	json_decref(body);
	return reply(res, rc, 200, &out);
}

enum qerr api_service_stats(struct http_req *req, struct http_res *res)
{
	json_t *out = NULL;
	return reply(res,
		     service_stats(req->db, &req->actor, http_query(req, "from"), http_query(req, "to"),
				   http_query(req, "by"), &out, &req->err),
		     200, &out);
}

enum qerr api_service_providers(struct http_req *req, struct http_res *res)
{
	json_t *out = NULL;
	return reply(res, service_providers(req->db, &out, &req->err), 200, &out);
}

enum qerr api_workdays_add(struct http_req *req, struct http_res *res)
{
	struct qdate from, due;
	const char *f = http_query(req, "from");
	int64_t days;
	if (!f || !qdate_parse(f, &from))
		return qerr_set(&req->err, QERR_INVALID, "invalid_date", "from", "from must be a date YYYY-MM-DD");
	if (http_query_int(req, "days", 0, WORKDAYS_MAX_COUNT, -1, &days))
		return req->err.code;
	if (days < 0)
		return qerr_set(&req->err, QERR_INVALID, "missing_field", "days", "days is required");
	bool prov = false;
	if (workdays_add_provisional(from, days, &due, &prov, &req->err))
		return req->err.code;
	char d[QDATE_TEXT_LEN], identity[WORKDAYS_IDENTITY_LEN];
	qdate_format(due, d);
	workdays_identity_upto(due, identity);
	/* Beyond the calendar's years the answer is counted Monday-Friday: provisional, and said so. */
	http_ok(res, 200,
		json_pack("{s:s,s:I,s:s,s:b,s:s,s:o}", "from", f, "days", (json_int_t)days, "due", d, "provisional",
			  prov, "identity", identity, "calendar", workdays_calendar_json()));
	return QERR_OK;
}
