/*
 * api_inbox.h - the inbox's HTTP handlers (routes_platform.c, api_inbox.c):
 * the caller's organisation's notifications, of every chain. Internal to
 * src/http.
 */
#ifndef QILIAN_API_INBOX_H
#define QILIAN_API_INBOX_H
#include "http/api.h"

/* GET /api/v1/inbox?unread=&limit=&cursor= : one page, newest first. */
enum qerr api_inbox_list(struct http_req *req, struct http_res *res);
/* GET /api/v1/inbox/count : {"unread": N}. */
enum qerr api_inbox_count(struct http_req *req, struct http_res *res);
/* POST /api/v1/inbox/{id}/read : {"id", "read": true}; 404 when not the organisation's. */
enum qerr api_inbox_read(struct http_req *req, struct http_res *res);
/* POST /api/v1/inbox/read-all : {"marked": N}. */
enum qerr api_inbox_read_all(struct http_req *req, struct http_res *res);

#endif
