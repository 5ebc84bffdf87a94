/*
 * api_innovation_voucher.c - HTTP handlers of the innovation vouchers:
 * issue, wallet, apply to a completed booking, the owner's claims, the
 * operator's approvals, a booking's bill and the ledger check. Who may do
 * what is decided in src/sharing/voucher.c; this file only translates.
 */
#include "http/api_innovation.h"

#include "sharing/voucher.h"

#define END_FIELDS                                                                                                     \
	{                                                                                                              \
		NULL, 0, false, 0, 0, NULL, NULL                                                                       \
	}

const struct jfield api_voucher_apply_fields[] = {
    {"booking", JF_INT, true, 1, INT64_MAX, NULL, "id of the completed booking whose bill the voucher pays part of"},
    END_FIELDS,
};

static enum qerr reply(struct http_res *res, enum qerr rc, int status, json_t **out)
{
	if (rc)
		return rc;
	http_ok(res, status, *out);
	return QERR_OK;
}

enum qerr api_voucher_list(struct http_req *req, struct http_res *res)
{
	json_t *out = NULL;
	return reply(res, voucher_list(req->db, &req->actor, &out, &req->err), 200, &out);
}

enum qerr api_voucher_issue(struct http_req *req, struct http_res *res)
{
	json_t *body, *out = NULL;
	if (http_body_json(req, voucher_issue_fields, false, &body))
		return req->err.code;
	enum qerr rc = voucher_issue(req->db, &req->actor, body, &out, &req->err);
	json_decref(body);
	return reply(res, rc, 201, &out);
}

enum qerr api_voucher_verify(struct http_req *req, struct http_res *res)
{
	json_t *out = NULL;
	return reply(res, voucher_verify(req->db, &req->actor, &out, &req->err), 200, &out);
}

enum qerr api_voucher_get(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(res, voucher_get(req->db, &req->actor, id, &out, &req->err), 200, &out);
}

enum qerr api_voucher_preview(struct http_req *req, struct http_res *res)
{
	int64_t id, booking;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_query_int(req, "booking", 1, INT64_MAX, 0, &booking))
		return req->err.code;
	if (!booking)
		return qerr_set(&req->err, QERR_INVALID, "missing_field", "booking", "booking is required");
	return reply(res, voucher_preview(req->db, &req->actor, id, booking, &out, &req->err), 200, &out);
}

enum qerr api_voucher_apply(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, api_voucher_apply_fields, false, &body))
		return req->err.code;
	enum qerr rc = voucher_apply(req->db, &req->actor, id, json_int(body, "booking", 0), &out, &req->err);
	json_decref(body);
	return reply(res, rc, 201, &out);
}

enum qerr api_voucher_applications(struct http_req *req, struct http_res *res)
{
	json_t *out = NULL;
	return reply(res,
		     voucher_application_list(req->db, &req->actor, http_query(req, "role"), http_query(req, "status"),
					      &out, &req->err),
		     200, &out);
}

enum qerr api_voucher_application(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(res, voucher_application_get(req->db, &req->actor, id, &out, &req->err), 200, &out);
}

enum qerr api_voucher_claim(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(res, voucher_claim(req->db, &req->actor, id, &out, &req->err), 200, &out);
}

enum qerr api_voucher_approve(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(res, voucher_decide(req->db, &req->actor, id, true, NULL, &out, &req->err), 200, &out);
}

enum qerr api_voucher_reject(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *body, *out = NULL;
	if (api_param_id(req, 0, "id", &id) || http_body_json(req, voucher_reject_fields, false, &body))
		return req->err.code;
	enum qerr rc = voucher_decide(req->db, &req->actor, id, false, json_str(body, "reason", NULL), &out, &req->err);
	json_decref(body);
	return reply(res, rc, 200, &out);
}

enum qerr api_voucher_booking(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(res, voucher_booking_view(req->db, &req->actor, id, &out, &req->err), 200, &out);
}

enum qerr api_voucher_bookings(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(res, voucher_candidates(req->db, &req->actor, id, &out, &req->err), 200, &out);
}

enum qerr api_voucher_revoke(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(res, voucher_revoke(req->db, &req->actor, id, &out, &req->err), 200, &out);
}
