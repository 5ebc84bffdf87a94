/*
 * server.c - the HTTP server: libmicrohttpd with an internal thread pool on
 * epoll, per-connection body buffering with a cap (413), one SQLite
 * connection per worker thread, authentication, dispatch, static files,
 * access log, and graceful shutdown on SIGINT/SIGTERM.
 */
#include "http/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base/log.h"
#include "base/util.h"
#include "store/migrate.h"

#define SESSION_COOKIE "qilian_session"

struct conn_ctx {
	int64_t start_us;
	const struct http_route *route;
	struct buf body;
	size_t limit;
	bool too_large;
	int status;
	uint64_t bytes;
	char method[16];
	char path[256];
};

static const struct http_config *server_cfg;
static pthread_key_t db_key;

static void db_key_destroy(void *p)
{
	db_close(p);
}

/* This worker thread's database connection, opened on first use. */
static struct db *thread_db(struct qerror *err)
{
	struct db *db = pthread_getspecific(db_key);
	if (db)
		return db;
	db = db_open(server_cfg->db_path, false, err);
	if (db)
		pthread_setspecific(db_key, db);
	return db;
}

const char *http_query(struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

static void client_address(struct MHD_Connection *conn, char *buf, size_t cap);

const char *http_client(struct http_req *req)
{
	if (!req->client[0])
		client_address(req->conn, req->client, sizeof req->client);
	return req->client;
}

const char *http_header(struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

enum qerr http_query_int(struct http_req *req, const char *name, int64_t min, int64_t max, int64_t def,
			 int64_t *out)
{
	const char *v = http_query(req, name);
	if (!v || !*v) {
		*out = def;
		return QERR_OK;
	}
	if (!util_parse_i64(v, min, max, out))
		return qerr_set(&req->err, QERR_INVALID, "invalid_parameter", name, "%s must be an integer from %lld to %lld",
				name, (long long)min, (long long)max);
	return QERR_OK;
}

enum qerr http_body_json(struct http_req *req, const struct jfield *fields, bool partial, json_t **out)
{
	return json_decode(req->body, req->body_len, fields, partial, out, &req->err);
}

void http_ok(struct http_res *res, int status, json_t *v)
{
	res->status = status;
	json_decref(res->json);
	res->json = v;
}

unsigned http_who_bit(const struct http_req *req)
{
	if (!req->authenticated)
		return WHO_ANON;
	return WHO(req->actor.org_type, req->actor.role);
}

static enum MHD_Result queue(struct MHD_Connection *conn, struct conn_ctx *ctx, int status, const char *type,
			     char *body, size_t len, const struct http_res *res)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (res && res->set_cookie[0])
		MHD_add_response_header(r, "Set-Cookie", res->set_cookie);
	if (res && res->disposition)
		MHD_add_response_header(r, "Content-Disposition", res->disposition);
	if (res && res->retry_after[0])
		MHD_add_response_header(r, "Retry-After", res->retry_after);
	if (status == 401)
		MHD_add_response_header(r, "WWW-Authenticate", "Bearer realm=\"qilian\"");
	ctx->status = status;
	ctx->bytes = len;
	enum MHD_Result ok = MHD_queue_response(conn, (unsigned)status, r);
	MHD_destroy_response(r);
	return ok;
}

/* An error response; res (may be NULL) is the failing handler's, for headers such as Retry-After. */
static enum MHD_Result queue_error_res(struct MHD_Connection *conn, struct conn_ctx *ctx, const struct qerror *e,
				       json_t *extra, const struct http_res *res)
{
	json_t *err = json_pack("{s:s,s:s}", "code", e->slug[0] ? e->slug : qerr_default_slug(e->code), "message",
				e->message[0] ? e->message : qerr_default_slug(e->code));
	if (e->field[0])
		json_object_set_new(err, "field", json_string(e->field));
	if (e->line)
		json_object_set_new(err, "line", json_integer(e->line));
	json_t *root = json_pack("{s:o}", "error", err);
	if (extra)
		json_object_update(root, extra);
	char *body = json_encode(root);
	json_decref(root);
	return queue(conn, ctx, qerr_http_status(e->code), "application/json; charset=utf-8", body, strlen(body), res);
}

static enum MHD_Result queue_error(struct MHD_Connection *conn, struct conn_ctx *ctx, const struct qerror *e,
				   json_t *extra)
{
	return queue_error_res(conn, ctx, e, extra, NULL);
}

static const char *content_type_for(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
		{".json", "application/json; charset=utf-8"}, {".svg", "image/svg+xml"},
		{".png", "image/png"}, {".jpg", "image/jpeg"}, {".ico", "image/x-icon"},
		{".woff2", "font/woff2"}, {".txt", "text/plain; charset=utf-8"}, {".csv", "text/csv; charset=utf-8"},
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

/* Serves a file under the web directory; the UI is a single page, so unknown non-file paths get index.html. */
static enum MHD_Result serve_static(struct MHD_Connection *conn, struct conn_ctx *ctx, const char *url)
{
	struct qerror e = {0};
	if (!server_cfg->web_dir || strstr(url, "..") || strchr(url, '\\')) {
		qerr_set(&e, QERR_NOT_FOUND, "not_found", NULL, "not found");
		return queue_error(conn, ctx, &e, NULL);
	}
	char path[1024];
	const char *rel = strcmp(url, "/") == 0 ? "/index.html" : url;
	snprintf(path, sizeof path, "%s%s", server_cfg->web_dir, rel);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		fd = -1;
	}
	if (fd < 0 && !strchr(strrchr(rel, '/'), '.')) {
		rel = "/index.html";
		snprintf(path, sizeof path, "%s%s", server_cfg->web_dir, rel);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && fstat(fd, &st) < 0) {
			close(fd);
			fd = -1;
		}
	}
	if (fd < 0) {
		qerr_set(&e, QERR_NOT_FOUND, "not_found", NULL, "no file %s", url);
		return queue_error(conn, ctx, &e, NULL);
	}
	struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
	if (!r) {
		close(fd);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", content_type_for(rel));
	MHD_add_response_header(r, "Cache-Control", "no-cache");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	ctx->status = 200;
	ctx->bytes = (uint64_t)st.st_size;
	enum MHD_Result ok = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ok;
}

static void client_address(struct MHD_Connection *conn, char *buf, size_t cap)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	buf[0] = 0;
	if (!ci || !ci->client_addr)
		return;
	/* Copy out of the generic sockaddr rather than casting it (alignment). */
	if (ci->client_addr->sa_family == AF_INET) {
		struct sockaddr_in in4;
		memcpy(&in4, ci->client_addr, sizeof in4);
		inet_ntop(AF_INET, &in4.sin_addr, buf, (socklen_t)cap);
	} else if (ci->client_addr->sa_family == AF_INET6) {
		struct sockaddr_in6 in6;
		memcpy(&in6, ci->client_addr, sizeof in6);
		inet_ntop(AF_INET6, &in6.sin6_addr, buf, (socklen_t)cap);
	}
}

/* Finds the session token: Bearer header first (API clients), then the cookie (web UI). */
static const char *find_token(struct http_req *req, bool *from_cookie)
{
	*from_cookie = false;
	const char *auth = http_header(req, "Authorization");
	if (auth && strncasecmp(auth, "Bearer ", 7) == 0)
		return auth + 7;
	const char *c = MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
	if (c)
		*from_cookie = true;
	return c;
}

static bool safe_method(const char *m)
{
	return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
}

/*
 * A cookie-authenticated write must come from our own pages: browsers send
 * a custom header only from same-origin scripts (cross-site forms cannot
 * set it and cross-origin fetches with it need a CORS grant we never give),
 * and an Origin, when present, must be this host.
 */
static bool csrf_ok(struct http_req *req)
{
	const char *xr = http_header(req, "X-Requested-With");
	if (!xr || strcmp(xr, "qilian") != 0)
		return false;
	const char *origin = http_header(req, "Origin");
	const char *host = http_header(req, "Host");
	if (!origin)
		return true;
	if (!host)
		return false;
	const char *o = strstr(origin, "://");
	return o && strcmp(o + 3, host) == 0;
}

/* Rejects query parameters a route does not declare: a typo should not silently list everything. */
static enum MHD_Result check_query_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	(void)value;
	struct http_req *req = cls;
	const struct http_route *r = (const void *)req->params[HTTP_MAX_PARAMS - 1];
	for (const struct http_qparam *q = r->query; q && q->name; q++)
		if (strcmp(q->name, key) == 0)
			return MHD_YES;
	qerr_set(&req->err, QERR_INVALID, "unknown_parameter", key, "unknown query parameter '%.48s'", key);
	return MHD_NO;
}

static enum MHD_Result dispatch_request(struct MHD_Connection *conn, struct conn_ctx *ctx, const char *method,
					const char *url)
{
	struct http_req req;
	memset(&req, 0, sizeof req);
	struct http_res res;
	memset(&res, 0, sizeof res);
	char scratch[1024];
	const struct http_route *route = NULL;
	const char *params[HTTP_MAX_PARAMS] = {0};
	int m = http_route_match(method, url, &route, scratch, sizeof scratch, params);
	if (m == 404) {
		qerr_set(&req.err, QERR_NOT_FOUND, "no_such_route", NULL, "no API route %s %.200s", method, url);
		return queue_error(conn, ctx, &req.err, NULL);
	}
	if (m == 405) {
		qerr_set(&req.err, QERR_METHOD, "method_not_allowed", NULL, "%s is not allowed on %.200s", method, url);
		return queue_error(conn, ctx, &req.err, NULL);
	}
	req.method = method;
	req.path = url;
	req.conn = conn;
	req.body = ctx->body.data;
	req.body_len = ctx->body.len;
	memcpy(req.params, params, sizeof params);
	req.db = thread_db(&req.err);
	if (!req.db)
		return queue_error(conn, ctx, &req.err, NULL);
	db_release(req.db);
	/*
	 * A read request runs in one read transaction: one snapshot for the
	 * session check and the handler, and one round of file locks instead of
	 * one per statement. Writers start their own (BEGIN IMMEDIATE) later.
	 */
	if (safe_method(method) && db_begin_read(req.db, &req.err))
		return queue_error(conn, ctx, &req.err, NULL);

	/* Undeclared query parameters are a client bug worth reporting (a slot of params carries the route). */
	req.params[HTTP_MAX_PARAMS - 1] = (const char *)route;
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, check_query_arg, &req);
	req.params[HTTP_MAX_PARAMS - 1] = params[HTTP_MAX_PARAMS - 1];

	bool from_cookie = false;
	const char *token = find_token(&req, &from_cookie);
	if (token && *token) {
		struct qerror aerr = {0};
		if (account_session(req.db, token, &req.actor, &aerr) == QERR_OK) {
			req.authenticated = true;
			snprintf(req.token, sizeof req.token, "%s", token);
		} else if (!(route->who & WHO_ANON)) {
			return queue_error(conn, ctx, &aerr, NULL);
		}
	}
	if (!(route->who & http_who_bit(&req))) {
		if (!req.authenticated)
			qerr_set(&req.err, QERR_UNAUTHORIZED, "unauthorized", NULL, "请先登录 (login required)");
		else
			qerr_set(&req.err, QERR_FORBIDDEN, "forbidden", NULL,
				 "无权访问 (your organisation type or role may not do this)");
		return queue_error(conn, ctx, &req.err, NULL);
	}
	if (req.err.code)
		return queue_error(conn, ctx, &req.err, NULL);
	if (req.authenticated && from_cookie && !safe_method(method) && !csrf_ok(&req)) {
		qerr_set(&req.err, QERR_FORBIDDEN, "csrf_rejected", NULL,
			 "cookie-authenticated writes need the X-Requested-With: qilian header from this origin");
		return queue_error(conn, ctx, &req.err, NULL);
	}
	res.status = route->ok_status ? route->ok_status : 200;
	enum qerr rc = route->fn(&req, &res);
	if (rc) {
		if (!req.err.code)
			qerr_set(&req.err, rc, NULL, NULL, "%s", qerr_default_slug(rc));
		enum MHD_Result r = queue_error_res(conn, ctx, &req.err, res.json, &res);
		json_decref(res.json);
		free(res.raw);
		return r;
	}
	if (res.raw) {
		return queue(conn, ctx, res.status, res.content_type ? res.content_type : "application/octet-stream",
			     res.raw, res.raw_len, &res);
	}
	char *body = res.json ? json_encode(res.json) : strdup("{}");
	json_decref(res.json);
	if (!body)
		return MHD_NO;
	return queue(conn, ctx, res.status, "application/json; charset=utf-8", body, strlen(body), &res);
}

/* Runs a request, then leaves this thread's connection clean: no open transaction, no statement mid-result. */
static enum MHD_Result dispatch(struct MHD_Connection *conn, struct conn_ctx *ctx, const char *method, const char *url)
{
	enum MHD_Result r = dispatch_request(conn, ctx, method, url);
	struct db *db = pthread_getspecific(db_key);
	if (db)
		db_release(db);
	return r;
}

static size_t limit_for(const struct http_route *route)
{
	if (route && route->body_type && strcmp(route->body_type, "text/csv") == 0)
		return server_cfg->max_import;
	return server_cfg->max_body;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	(void)cls;
	(void)version;
	struct conn_ctx *ctx = *con_cls;
	if (!ctx) {
		ctx = calloc(1, sizeof *ctx);
		if (!ctx)
			return MHD_NO;
		ctx->start_us = util_mono_us();
		*con_cls = ctx;
		snprintf(ctx->method, sizeof ctx->method, "%s", method);
		snprintf(ctx->path, sizeof ctx->path, "%s", url);
		char scratch[1024];
		const char *params[HTTP_MAX_PARAMS];
		if (strncmp(url, "/api/", 5) == 0)
			http_route_match(method, url, &ctx->route, scratch, sizeof scratch, params);
		ctx->limit = limit_for(ctx->route);
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		int64_t n;
		if (cl && util_parse_i64(cl, 0, INT64_MAX, &n) && (uint64_t)n > ctx->limit) {
			/* Refuse before reading: the client may still be waiting for 100-continue. */
			struct qerror e = {0};
			qerr_set(&e, QERR_TOO_LARGE, "payload_too_large", NULL, "request body over the limit of %zu bytes",
				 ctx->limit);
			return queue_error(conn, ctx, &e, NULL);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!ctx->too_large) {
			if (ctx->body.len + *upload_data_size > ctx->limit) {
				ctx->too_large = true;
				buf_free(&ctx->body);
			} else if (!buf_append(&ctx->body, upload_data, *upload_data_size)) {
				return MHD_NO;
			}
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (ctx->too_large) {
		struct qerror e = {0};
		qerr_set(&e, QERR_TOO_LARGE, "payload_too_large", NULL, "request body over the limit of %zu bytes", ctx->limit);
		return queue_error(conn, ctx, &e, NULL);
	}
	if (strncmp(url, "/api/", 5) == 0 || strcmp(url, "/api") == 0)
		return dispatch(conn, ctx, method, url);
	if (!safe_method(method)) {
		struct qerror e = {0};
		qerr_set(&e, QERR_METHOD, "method_not_allowed", NULL, "static files are read-only");
		return queue_error(conn, ctx, &e, NULL);
	}
	return serve_static(conn, ctx, url);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	struct conn_ctx *ctx = *con_cls;
	if (!ctx)
		return;
	log_access(ctx->method, ctx->path, ctx->status, ctx->bytes, util_mono_us() - ctx->start_us);
	free(ctx->body.data);
	free(ctx);
	*con_cls = NULL;
}

static bool parse_listen(const char *listen, struct sockaddr_in *sa, struct qerror *err)
{
	char host[64];
	const char *colon = listen ? strrchr(listen, ':') : NULL;
	int64_t port;
	if (!colon || (size_t)(colon - listen) >= sizeof host || !util_parse_i64(colon + 1, 0, 65535, &port)) {
		qerr_set(err, QERR_INVALID, "invalid_listen", "listen", "--listen must be HOST:PORT, e.g. 127.0.0.1:8080");
		return false;
	}
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = 0;
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, strcmp(host, "localhost") == 0 ? "127.0.0.1" : host, &sa->sin_addr) != 1) {
		qerr_set(err, QERR_INVALID, "invalid_listen", "listen", "--listen host must be an IPv4 address");
		return false;
	}
	return true;
}

int http_serve(const struct http_config *cfg, struct qerror *err)
{
	server_cfg = cfg;
	log_set_quiet(cfg->quiet);
	struct sockaddr_in sa;
	if (!parse_listen(cfg->listen, &sa, err))
		return -1;
	/* Check the schema once, up front, with a connection of our own. */
	struct db *db = db_open(cfg->db_path, false, err);
	if (!db)
		return -1;
	if (migrate_check(db, err)) {
		db_close(db);
		return -1;
	}
	db_close(db);
	json_object_seed(0);
	if (pthread_key_create(&db_key, db_key_destroy) != 0) {
		qerr_set(err, QERR_INTERNAL, NULL, NULL, "pthread_key_create failed");
		return -1;
	}
	/* Workers inherit this mask, so only the main thread sees the signals, via sigwait. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO | MHD_USE_SUPPRESS_DATE_NO_CLOCK;
	struct MHD_Daemon *d = MHD_start_daemon(
		flags, ntohs(sa.sin_port), NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(cfg->threads ? cfg->threads : 4), MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)(cfg->connection_limit ? cfg->connection_limit : 4096), MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)(cfg->timeout_s ? cfg->timeout_s : 30), MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
	if (!d) {
		qerr_set(err, QERR_UNAVAILABLE, "listen_failed", "listen", "cannot listen on %s: %s", cfg->listen,
			 strerror(errno));
		return -1;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	log_info("qilian %s serving %s on %s (port %u, %u threads, web %s)", QILIAN_VERSION, cfg->db_path, cfg->listen,
		 di ? di->port : 0, cfg->threads ? cfg->threads : 4, cfg->web_dir ? cfg->web_dir : "-");
	int sig = 0;
	sigwait(&set, &sig);
	log_info("signal %d: finishing requests in flight and stopping", sig);
	MHD_stop_daemon(d);
	pthread_key_delete(db_key);
	log_info("stopped");
	return 0;
}
