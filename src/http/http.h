/*
 * http.h - what a route handler sees: the parsed request, the actor asking,
 * and the response it fills. Handlers translate HTTP into domain calls and
 * back; they never run SQL or decide business rules themselves.
 */
#ifndef QILIAN_HTTP_H
#define QILIAN_HTTP_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/jsonio.h"
#include "base/qerr.h"
#include "registry/account.h"
#include "store/db.h"

struct MHD_Connection;

/* Who may call a route: one bit for anonymous, one per (organisation type, role). */
#define WHO_ANON (1u << 0)
#define WHO(type, role) (1u << (1 + (type) * ROLE_COUNT + (role)))
#define WHO_ADMINS_OF(type) WHO(type, ROLE_ADMIN)
#define WHO_ORG(type) (WHO(type, ROLE_ADMIN) | WHO(type, ROLE_MEMBER))
#define WHO_USERS                                                                                                      \
	(WHO_ORG(ORG_OPERATOR) | WHO_ORG(ORG_LARGE) | WHO_ORG(ORG_SME) | WHO_ORG(ORG_BANK) | WHO_ORG(ORG_PROVIDER))
#define WHO_ANY (WHO_ANON | WHO_USERS)
#define WHO_PLATFORM_ADMIN WHO(ORG_OPERATOR, ROLE_ADMIN)
#define WHO_ANY_ADMIN                                                                                                  \
	(WHO(ORG_OPERATOR, ROLE_ADMIN) | WHO(ORG_LARGE, ROLE_ADMIN) | WHO(ORG_SME, ROLE_ADMIN) |                        \
	 WHO(ORG_BANK, ROLE_ADMIN) | WHO(ORG_PROVIDER, ROLE_ADMIN))

#define HTTP_MAX_PARAMS 4

struct http_req {
	const char *method;
	const char *path;
	struct MHD_Connection *conn;
	const char *body;
	size_t body_len;
	const char *params[HTTP_MAX_PARAMS]; /* {name} parts of the route pattern, in order */
	struct db *db;                       /* this worker thread's connection (a standby's for some reads, see --read-db) */
	struct actor actor;                  /* valid when authenticated */
	bool authenticated;
	char token[ACCOUNT_TOKEN_HEX + 1];   /* the session token used, "" if none */
	char client[64];                     /* client address as text, filled by http_client() */
	struct qerror err;                   /* filled by a failing handler */
};

struct http_res {
	int status;              /* default 200 */
	json_t *json;            /* body as JSON (stolen), or NULL */
	char *raw;               /* or a raw body (malloc'd, stolen) ... */
	size_t raw_len;
	const char *content_type; /* ... with this type */
	char set_cookie[256];     /* Set-Cookie header value, "" for none */
	const char *disposition;  /* Content-Disposition, or NULL */
	char retry_after[16];     /* Retry-After header value (seconds), "" for none; sent with errors too (429) */
};

typedef enum qerr (*http_handler)(struct http_req *req, struct http_res *res);

/* Query-string parameter declaration, for validation and the OpenAPI document. */
struct http_qparam {
	const char *name;
	const char *type; /* "string" or "integer" */
	const char *description;
};

struct http_route {
	const char *method;
	const char *pattern;   /* "/api/v1/enterprises/{uscc}" */
	unsigned who;          /* WHO_* bits allowed */
	http_handler fn;
	const char *tag;
	const char *summary;
	const struct jfield *body;           /* JSON body fields, or NULL */
	const char *body_type;               /* "application/json" (default when body) or "text/csv" */
	const struct http_qparam *query;     /* NULL-name-terminated, or NULL */
	int ok_status;                       /* documented success status (200 when 0) */
	const char *ok_type;                 /* success content type (JSON when NULL) */
};

/*
 * One domain's routes: src/http/routes_<domain>.c defines
 * `const struct http_route_table http_routes_<domain>`, and the build
 * collects every such table into http_route_tables (scripts/gen-tables.cmake).
 */
struct http_route_table {
	const char *name;                /* "market" */
	int order;                       /* tables are matched and documented by increasing order (0-9999) */
	const struct http_route *routes; /* in matching order: a literal segment before a {parameter} */
	size_t count;
};

/* Every domain's table by increasing order, NULL-terminated (generated: build/gen/http_route_tables.c). */
extern const struct http_route_table *const http_route_tables[];

/* The number of routes in all tables, and route i of them in matching order (NULL past the end). */
size_t http_route_count(void);
const struct http_route *http_route_at(size_t i);

/*
 * The primary's connection of this worker thread, for a write a read
 * handler makes after its read (the matches shown are counted): req->db is
 * a standby's under `serve --read-db`. NULL with req->err filled when it
 * cannot be opened.
 */
struct db *http_primary_db(struct http_req *req);

/* Query-string value or NULL. */
const char *http_query(struct http_req *req, const char *name);

/* The client's address as text (computed on first use: only logins need it). */
const char *http_client(struct http_req *req);

/* Request header value or NULL. */
const char *http_header(struct http_req *req, const char *name);

/*
 * Parses a query parameter as an integer in [min,max]; absent gives def.
 * QERR_INVALID naming the parameter otherwise.
 */
enum qerr http_query_int(struct http_req *req, const char *name, int64_t min, int64_t max, int64_t def,
			 int64_t *out);

/* Decodes the JSON body against fields (see json_decode). */
enum qerr http_body_json(struct http_req *req, const struct jfield *fields, bool partial, json_t **out);

/* Sets a JSON response (steals v). */
void http_ok(struct http_res *res, int status, json_t *v);

/* The OpenAPI 3 document for every route of http_route_tables. New reference. */
json_t *http_openapi(void);

/* Finds the route for method+path; fills params (pointing into scratch). 0 found, 404 no path, 405 wrong method. */
int http_route_match(const char *method, const char *path, const struct http_route **route,
		     char *scratch, size_t scratch_len, const char *params[HTTP_MAX_PARAMS]);

/* The role bit for an actor (WHO_ANON when not authenticated). */
unsigned http_who_bit(const struct http_req *req);

struct http_config {
	const char *db_path;
	const char *listen;     /* "127.0.0.1:8080" */
	const char *web_dir;    /* static files, NULL to serve none */
	unsigned threads;
	size_t max_body;        /* JSON bodies */
	size_t max_import;      /* CSV bodies */
	unsigned connection_limit;
	unsigned timeout_s;       /* idle timeout (every byte resets it) */
	unsigned head_timeout_s;  /* request line and headers must arrive within this; 0: no deadline */
	uint64_t min_body_rate;   /* bytes a second a body must average after that grace; 0: none */
	unsigned max_per_address; /* concurrent connections from one client address; 0: no cap */
	const char *spool_dir;    /* CSV bodies are spooled here; NULL: $TMPDIR or /tmp */
	bool secure_cookies;      /* the session cookie is always Secure (served over TLS) */
	bool trust_proxy;         /* behind a proxy: X-Forwarded-Proto: https makes the cookie Secure */
	bool quiet;               /* no access log */
	const char *read_db_path;  /* --read-db: a standby for reads that tolerate lag, NULL for none */
	unsigned primary_after_write_s; /* a session's reads go to the primary this long after it wrote */
	bool embedded;            /* no listen socket and no threads: see http_daemon_start */
};

/* Runs the server until SIGINT/SIGTERM; returns 0 on a clean stop. */
int http_serve(const struct http_config *cfg, struct qerror *err);

struct MHD_Daemon;

/*
 * Starts the daemon http_serve runs, with the same callbacks and options
 * (cfg must outlive it). With cfg->embedded it has no listen socket and no
 * threads of its own: the caller hands it connections with
 * MHD_add_connection and drives it with MHD_run (the fuzz harness does).
 * Does not check the database schema (http_serve does). NULL with err
 * filled when the daemon cannot start.
 */
struct MHD_Daemon *http_daemon_start(const struct http_config *cfg, struct qerror *err);

/* Stops a daemon from http_daemon_start, closing its connections. */
void http_daemon_stop(struct MHD_Daemon *d);

#endif
