/* api_talent.h - HTTP handlers of the talent chain (api_talent.c, routes_talent.c). */
#ifndef QILIAN_API_TALENT_H
#define QILIAN_API_TALENT_H
#include "http/api.h"

enum qerr api_talent_list(struct http_req *req, struct http_res *res);
enum qerr api_talent_create(struct http_req *req, struct http_res *res);
enum qerr api_talent_get(struct http_req *req, struct http_res *res);
enum qerr api_talent_close(struct http_req *req, struct http_res *res);
enum qerr api_talent_matches(struct http_req *req, struct http_res *res);
enum qerr api_talent_contact(struct http_req *req, struct http_res *res);
enum qerr api_talent_contacts(struct http_req *req, struct http_res *res);
enum qerr api_talent_contact_approve(struct http_req *req, struct http_res *res);
enum qerr api_talent_contact_decline(struct http_req *req, struct http_res *res);
enum qerr api_talent_secondment_propose(struct http_req *req, struct http_res *res);
enum qerr api_talent_secondments(struct http_req *req, struct http_res *res);
enum qerr api_talent_secondment_agree(struct http_req *req, struct http_res *res);
enum qerr api_talent_secondment_consent(struct http_req *req, struct http_res *res);
enum qerr api_talent_secondment_cancel(struct http_req *req, struct http_res *res);

#endif
