/* http_idempotency.c - reading the Idempotency-Key header and fingerprinting the request. */
#include "http/http_idempotency.h"

enum qerr http_idempotency(struct http_req *req, bool required, struct idempotency *idem, bool *present)
{
	const char *key = http_header(req, "Idempotency-Key");
	*present = key != NULL;
	if (!key && !required)
		return QERR_OK;
	return idempotency_prepare(idem, key, req->method, req->path, req->body, req->body_len, &req->err);
}

enum qerr http_idempotent_reply(struct http_res *res, enum qerr rc, int status, json_t *out)
{
	if (rc) {
		json_decref(out);
		return rc;
	}
	http_ok(res, status > 0 ? status : 200, out);
	return QERR_OK;
}
