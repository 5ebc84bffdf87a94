/* api_vocab.h - HTTP handlers for the industrial vocabulary (行业词表, registry/vocab.h; routes_vocab.c). */
#ifndef QILIAN_API_VOCAB_H
#define QILIAN_API_VOCAB_H
#include "http/api.h"

enum qerr api_vocab_list(struct http_req *req, struct http_res *res);
enum qerr api_vocab_get(struct http_req *req, struct http_res *res);
enum qerr api_vocab_create(struct http_req *req, struct http_res *res);
enum qerr api_vocab_update(struct http_req *req, struct http_res *res);
enum qerr api_vocab_delete(struct http_req *req, struct http_res *res);
enum qerr api_vocab_import(struct http_req *req, struct http_res *res);
enum qerr api_vocab_export(struct http_req *req, struct http_res *res);
enum qerr api_vocab_expand(struct http_req *req, struct http_res *res);

#endif
