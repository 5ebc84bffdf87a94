/*
 * api_inbox.c - HTTP handlers for the organisation's inbox (站内通知):
 * the notifications every chain sends (platform/inbox.h), listed, counted
 * and marked read.
 */
#include "http/api_inbox.h"

#include "platform/inbox.h"

enum qerr api_inbox_list(struct http_req *req, struct http_res *res)
{
	int64_t limit, cursor, unread;
	json_t *out;
	if (http_query_int(req, "limit", 1, 500, 50, &limit) || http_query_int(req, "cursor", 0, INT64_MAX, 0, &cursor) ||
	    http_query_int(req, "unread", 0, 1, 0, &unread) ||
	    inbox_list(req->db, &req->actor, unread == 1, (int)limit, cursor, &out, &req->err))
		return req->err.code;
	http_ok(res, 200, out);
	return QERR_OK;
}

enum qerr api_inbox_count(struct http_req *req, struct http_res *res)
{
	int64_t unread;
	if (inbox_count(req->db, &req->actor, &unread, &req->err))
		return req->err.code;
	http_ok(res, 200, json_pack("{s:I}", "unread", (json_int_t)unread));
	return QERR_OK;
}

enum qerr api_inbox_read(struct http_req *req, struct http_res *res)
{
	int64_t id;
	if (api_param_id(req, 0, "id", &id) || inbox_read(req->db, &req->actor, id, &req->err))
		return req->err.code;
	http_ok(res, 200, json_pack("{s:I,s:b}", "id", (json_int_t)id, "read", 1));
	return QERR_OK;
}

enum qerr api_inbox_read_all(struct http_req *req, struct http_res *res)
{
	int64_t marked;
	if (inbox_read_all(req->db, &req->actor, &marked, &req->err))
		return req->err.code;
	http_ok(res, 200, json_pack("{s:I}", "marked", (json_int_t)marked));
	return QERR_OK;
}
