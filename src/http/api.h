/*
 * api.h - what every domain's HTTP handlers share: CSV import/export,
 * path parameter ids, who may write, and the system routes' handlers.
 * Internal to src/http. Each domain declares its own handlers in
 * api_<domain>.h and its routes in routes_<domain>.c.
 */
#ifndef QILIAN_API_H
#define QILIAN_API_H
#include <stdio.h>
#include "http/http.h"

/* Organisations that publish and trade: the operator, large enterprises and SMEs (not banks or providers). */
#define WHO_WRITERS (WHO_ORG(ORG_OPERATOR) | WHO_ORG(ORG_LARGE) | WHO_ORG(ORG_SME))

/* A CSV import and export as enterprise_import and the chain map's (see cli.h for the same shapes). */
typedef enum qerr (*api_import_fn)(struct db *, const struct actor *, const char *, size_t, void (*)(long, void *),
				   void *, json_t **, struct qerror *);
typedef enum qerr (*api_export_fn)(struct db *, const struct actor *, FILE *, long *, struct qerror *);

/* Imports the request's CSV body; a rejected file answers with the error and {"report": …}. */
enum qerr api_csv_import(struct http_req *req, struct http_res *res, api_import_fn fn);

/* Answers with the CSV fn writes, as an attachment named by disposition. */
enum qerr api_csv_export(struct http_req *req, struct http_res *res, api_export_fn fn, const char *disposition);

/* Parses path parameter idx as a positive id (422 naming name otherwise). */
enum qerr api_param_id(struct http_req *req, int idx, const char *name, int64_t *out);

/* The system routes (routes_system.c; handlers in api_registry.c). */
enum qerr api_health(struct http_req *req, struct http_res *res);
enum qerr api_openapi(struct http_req *req, struct http_res *res);

#endif
