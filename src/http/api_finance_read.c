/*
 * api_finance_read.c - HTTP handlers of finance's reads and the ledger.
 * Who sees what is decided in src/finance (finance_read.c); this file
 * parses the query and serialises.
 */
#include "http/api_finance.h"

#include <string.h>
#include "finance/finance.h"

static enum qerr reply(struct http_res *res, enum qerr rc, json_t **out)
{
	if (rc)
		return rc;
	http_ok(res, 200, *out);
	return QERR_OK;
}

static enum qerr list_filter(struct http_req *req, const char *role_param, struct finance_list *f)
{
	int64_t limit, cursor;
	if (http_query_int(req, "limit", 1, 500, 50, &limit) || http_query_int(req, "cursor", 0, INT64_MAX, 0, &cursor))
		return req->err.code;
	*f = (struct finance_list){
	    .role = role_param ? http_query(req, role_param) : NULL,
	    .status = http_query(req, "status"),
	    .limit = (int)limit,
	    .cursor = cursor,
	};
	return QERR_OK;
}

enum qerr api_finance_certificates(struct http_req *req, struct http_res *res)
{
	struct finance_list f;
	json_t *out = NULL;
	if (list_filter(req, "role", &f))
		return req->err.code;
	return reply(res, finance_certificate_list(req->db, &req->actor, &f, &out, &req->err), &out);
}

enum qerr api_finance_certificate(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(res, finance_certificate_get(req->db, &req->actor, id, &out, &req->err), &out);
}

enum qerr api_finance_pieces(struct http_req *req, struct http_res *res)
{
	struct finance_list f;
	json_t *out = NULL;
	if (list_filter(req, NULL, &f))
		return req->err.code;
	f.status = http_query(req, "state");
	return reply(res, finance_piece_list(req->db, &req->actor, &f, &out, &req->err), &out);
}

enum qerr api_finance_piece(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(res, finance_piece_get(req->db, &req->actor, id, &out, &req->err), &out);
}

enum qerr api_finance_transfers(struct http_req *req, struct http_res *res)
{
	struct finance_list f;
	json_t *out = NULL;
	if (list_filter(req, "direction", &f))
		return req->err.code;
	return reply(res, finance_transfer_list(req->db, &req->actor, &f, &out, &req->err), &out);
}

enum qerr api_finance_transfer_get(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(res, finance_transfer_get(req->db, &req->actor, id, &out, &req->err), &out);
}

enum qerr api_finance_discounts(struct http_req *req, struct http_res *res)
{
	struct finance_list f;
	json_t *out = NULL;
	if (list_filter(req, NULL, &f))
		return req->err.code;
	return reply(res, finance_application_list(req->db, &req->actor, &f, &out, &req->err), &out);
}

enum qerr api_finance_discount(struct http_req *req, struct http_res *res)
{
	int64_t id;
	json_t *out = NULL;
	if (api_param_id(req, 0, "id", &id))
		return req->err.code;
	return reply(res, finance_application_get(req->db, &req->actor, id, &out, &req->err), &out);
}

enum qerr api_finance_banks(struct http_req *req, struct http_res *res)
{
	json_t *out = NULL;
	return reply(res, finance_bank_list(req->db, &req->actor, &out, &req->err), &out);
}

enum qerr api_finance_interest(struct http_req *req, struct http_res *res)
{
	json_t *settings = NULL, *out = NULL;
	if (finance_settings_get(req->db, &settings, &req->err))
		return req->err.code;
	int64_t fee = json_integer_value(json_object_get(settings, "fee_bp"));
	json_decref(settings);
	return reply(res,
		     finance_interest_json(http_query(req, "amount_fen"), http_query(req, "rate_bp"),
					   http_query(req, "from"), http_query(req, "maturity"), fee, &out, &req->err),
		     &out);
}

enum qerr api_finance_limits(struct http_req *req, struct http_res *res)
{
	json_t *out = NULL;
	return reply(res, finance_limit_list(req->db, &req->actor, &out, &req->err), &out);
}

enum qerr api_finance_wallet(struct http_req *req, struct http_res *res)
{
	json_t *out = NULL;
	return reply(res, finance_wallet(req->db, &req->actor, &out, &req->err), &out);
}

enum qerr api_finance_overview(struct http_req *req, struct http_res *res)
{
	json_t *out = NULL;
	return reply(res, finance_overview(req->db, &req->actor, &out, &req->err), &out);
}

enum qerr api_finance_settings(struct http_req *req, struct http_res *res)
{
	json_t *out = NULL;
	return reply(res, finance_settings_get(req->db, &out, &req->err), &out);
}

enum qerr api_ledger_balances(struct http_req *req, struct http_res *res)
{
	json_t *out = NULL;
	return reply(res, finance_balances(req->db, &req->actor, &out, &req->err), &out);
}

enum qerr api_ledger_statement(struct http_req *req, struct http_res *res)
{
	int64_t limit, cursor;
	json_t *out = NULL;
	if (http_query_int(req, "limit", 1, 500, 50, &limit) || http_query_int(req, "cursor", 0, INT64_MAX, 0, &cursor))
		return req->err.code;
	return reply(res,
		     finance_statement(req->db, &req->actor, http_query(req, "from"), http_query(req, "to"), (int)limit,
				       cursor, &out, &req->err),
		     &out);
}
