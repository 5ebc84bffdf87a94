/*
 * api_finance.c - HTTP handlers of finance's writes. Each reads the
 * required Idempotency-Key, decodes the body as the domain declares it and
 * runs the one domain operation (finance_write), which claims the key,
 * checks who asks and answers in its own transaction.
 */
#include "http/api_finance.h"

#include "finance/finance.h"
#include "http/http_idempotency.h"

static enum qerr write_op(struct http_req *req, struct http_res *res, enum finance_op op, bool has_id)
{
	int64_t id = 0;
	if (has_id && api_param_id(req, 0, "id", &id))
		return req->err.code;
	/* The body first: a malformed request is 400/422 whatever its key. */
	json_t *body = NULL, *out = NULL;
	if (finance_decode(op, req->body, req->body_len, &body, &req->err))
		return req->err.code;
	struct idempotency idem;
	bool present;
	if (http_idempotency(req, true, &idem, &present)) {
		json_decref(body);
		return req->err.code;
	}
	int status = 0;
	enum qerr rc = finance_write(req->db, &req->actor, &idem, op, id, body, &out, &status, &req->err);
	json_decref(body);
	return http_idempotent_reply(res, rc, status, out);
}

#define FINANCE_WRITE(name, op, has_id)                                                                                \
	enum qerr name(struct http_req *req, struct http_res *res)                                                     \
	{                                                                                                              \
		return write_op(req, res, op, has_id);                                                                 \
	}

FINANCE_WRITE(api_finance_issue, FINANCE_ISSUE, false)
FINANCE_WRITE(api_finance_accept, FINANCE_ACCEPT, true)
FINANCE_WRITE(api_finance_refuse, FINANCE_REFUSE, true)
FINANCE_WRITE(api_finance_settle, FINANCE_SETTLE, true)
FINANCE_WRITE(api_finance_split, FINANCE_SPLIT, true)
FINANCE_WRITE(api_finance_transfer, FINANCE_TRANSFER, true)
FINANCE_WRITE(api_finance_transfer_accept, FINANCE_TRANSFER_ACCEPT, true)
FINANCE_WRITE(api_finance_transfer_refuse, FINANCE_TRANSFER_REFUSE, true)
FINANCE_WRITE(api_finance_transfer_cancel, FINANCE_TRANSFER_CANCEL, true)
FINANCE_WRITE(api_finance_discount_apply, FINANCE_DISCOUNT_APPLY, false)
FINANCE_WRITE(api_finance_discount_approve, FINANCE_DISCOUNT_APPROVE, true)
FINANCE_WRITE(api_finance_discount_reject, FINANCE_DISCOUNT_REJECT, true)
FINANCE_WRITE(api_finance_discount_withdraw, FINANCE_DISCOUNT_WITHDRAW, true)
FINANCE_WRITE(api_finance_limit_set, FINANCE_LIMIT_SET, false)
FINANCE_WRITE(api_finance_settings_set, FINANCE_SETTINGS_SET, false)
FINANCE_WRITE(api_finance_sweep, FINANCE_SWEEP, false)
