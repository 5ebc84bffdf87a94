/*
 * server.c - the HTTP server: libmicrohttpd with an internal thread pool on
 * epoll, one SQLite connection per worker thread, authentication,
 * dispatch, static files, access log, and graceful shutdown on
 * SIGINT/SIGTERM.
 *
 * A request is decided when its head arrives, before any of its body is
 * read (precheck): a request target that is not an absolute path, an
 * ambiguous body length (two different Content-Lengths, or one with
 * Transfer-Encoding), an unknown route or method, missing or bad
 * credentials, a role that may not call the route, an undeclared query
 * parameter, a failed CSRF check and a declared body over the limit are
 * answered at once, and libmicrohttpd closes the connection without
 * reading the body. Only an accepted request's body is read: JSON into
 * memory under --max-body, CSV imports spooled to a temporary file
 * (body.h). Deadlines on the head and the body (conn_guard.h) and a cap on
 * connections per client address keep slow or numerous clients from
 * holding every connection. Every response we make carries the security
 * headers (Content-Security-Policy, X-Frame-Options, nosniff).
 */
#include "http/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base/log.h"
#include "base/util.h"
#include "http/body.h"
#include "http/conn_guard.h"
#include "store/migrate.h"

/* Runs of a request whose transaction lost a serialisation conflict (PostgreSQL), after the first. */
#define HTTP_SERIAL_RETRIES 12

#define SESSION_COOKIE "qilian_session"

/*
 * The web UI loads only its own scripts, styles and ECharts (web/vendor),
 * and may not be framed. ECharts' SVG renderer and its tooltips set style
 * attributes, and the chain map's tooltips are HTML with style attributes:
 * style-src-attr allows those attributes (not <style> elements, not styles
 * from elsewhere). Nothing needs inline scripts.
 */
#define SECURITY_POLICY                                                                                                \
	"default-src 'self'; style-src-attr 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

/* One request on a connection: what precheck decided, the body, and what the access log needs. */
struct conn_ctx {
	int64_t start_us;
	const struct http_route *route;      /* the API route, NULL for static files */
	const char *params[HTTP_MAX_PARAMS]; /* {name} parts, pointing into scratch */
	char scratch[1024];
	struct http_body body;
	size_t limit;       /* largest body accepted */
	bool too_large;     /* a body without a declared length went over limit */
	bool answered;      /* a response is queued: ignore whatever else arrives */
	bool secure;        /* served over TLS: the session cookie gets Secure */
	bool authenticated; /* actor and token are valid */
	struct db *read_db; /* the read transaction the session check ran in, kept for the handler */
	struct db_stmt *unconfirmed; /* the session check riding with the handler's first statement (speculate) */
	bool standby;       /* the handler reads from the --read-db standby */
	struct actor actor;
	char token[ACCOUNT_TOKEN_HEX + 1];
	int status;
	uint64_t bytes;
	char method[16];
	char path[256];
};

static const struct http_config *server_cfg;
static pthread_key_t db_key, standby_key;
static pthread_once_t db_key_once = PTHREAD_ONCE_INIT;

static void db_key_destroy(void *p)
{
	db_close(p);
}

static void db_key_create(void)
{
	if (pthread_key_create(&db_key, db_key_destroy) != 0 || pthread_key_create(&standby_key, db_key_destroy) != 0)
		abort(); /* only fails when the process is out of keys: nothing would work */
}

/* This worker thread's database connection, opened on first use. */
static struct db *thread_db(struct qerror *err)
{
	struct db *db = pthread_getspecific(db_key);
	if (db)
		return db;
	db = db_open(server_cfg->db_path, false, err);
	if (db && db_share_writer(db, err)) {
		db_close(db);
		return NULL;
	}
	if (db)
		pthread_setspecific(db_key, db);
	return db;
}

/*
 * This worker thread's connection to the --read-db standby, opened on first
 * use; NULL (logged) when it cannot be opened, and the primary answers.
 */
static struct db *thread_standby(void)
{
	struct db *db = pthread_getspecific(standby_key);
	if (db)
		return db;
	struct qerror e = {0};
	db = db_open_standby(server_cfg->read_db_path, server_cfg->db_path, &e);
	if (!db) {
		log_error("read database unavailable, reading from the primary: %s", e.message);
		return NULL;
	}
	pthread_setspecific(standby_key, db);
	return db;
}

/* Closes this thread's standby connection after a failure, so the next request opens a fresh one. */
static void standby_drop(void)
{
	struct db *db = pthread_getspecific(standby_key);
	if (db) {
		pthread_setspecific(standby_key, NULL);
		db_close(db);
	}
}

struct db *http_primary_db(struct http_req *req)
{
	return thread_db(&req->err);
}

static const char *header(struct MHD_Connection *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

const char *http_query(struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

static void client_address(struct MHD_Connection *conn, char *buf, size_t cap);

/*
 * Behind a trusted proxy every connection comes from the proxy, so the
 * client is the last address the proxy appended to X-Forwarded-For (the
 * earlier ones are the client's own word and are ignored). Login throttling
 * keys on this address.
 */
static bool forwarded_client(struct http_req *req, char *buf, size_t cap)
{
	const char *xff = header(req->conn, "X-Forwarded-For");
	if (!xff)
		return false;
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	while (*last == ' ' || *last == '\t')
		last++;
	size_t n = strcspn(last, " \t");
	if (n == 0 || n >= cap)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF.:", last[i]))
			return false;
	memcpy(buf, last, n);
	buf[n] = 0;
	return true;
}

const char *http_client(struct http_req *req)
{
	if (!req->client[0] &&
	    !(server_cfg->trust_proxy && forwarded_client(req, req->client, sizeof req->client)))
		client_address(req->conn, req->client, sizeof req->client);
	return req->client;
}

const char *http_header(struct http_req *req, const char *name)
{
	return header(req->conn, name);
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

static void add_security_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Content-Security-Policy", SECURITY_POLICY);
}

static enum MHD_Result queue(struct MHD_Connection *conn, struct conn_ctx *ctx, int status, const char *type,
			     char *body, size_t len, const struct http_res *res)
{
	ctx->answered = true;
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	add_security_headers(r);
	if (res && res->set_cookie[0]) {
		char cookie[sizeof res->set_cookie + 16];
		snprintf(cookie, sizeof cookie, "%s%s", res->set_cookie, ctx->secure ? "; Secure" : "");
		MHD_add_response_header(r, "Set-Cookie", cookie);
	}
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

/*
 * Makes s valid UTF-8 in place, replacing each byte that does not begin a
 * valid sequence with '?'. Messages quote the request (a path, a query
 * key), which may be any bytes and may be cut mid-character by a %.200s;
 * jansson refuses such text, and the error body would be lost.
 */
static void utf8_scrub(char *s)
{
	for (size_t i = 0; s[i];) {
		unsigned char c = (unsigned char)s[i];
		size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
		if (c < 0x80 || util_utf8_valid(s + i, n))
			i += n;
		else
			s[i++] = '?';
	}
}

/* An error response; res (may be NULL) is the failing handler's, for headers such as Retry-After. */
static enum MHD_Result queue_error_res(struct MHD_Connection *conn, struct conn_ctx *ctx, const struct qerror *error,
				       json_t *extra, const struct http_res *res)
{
	struct qerror e = *error;
	utf8_scrub(e.slug);
	utf8_scrub(e.message);
	utf8_scrub(e.field);
	json_t *err = json_pack("{s:s,s:s}", "code", e.slug[0] ? e.slug : qerr_default_slug(e.code), "message",
				e.message[0] ? e.message : qerr_default_slug(e.code));
	if (err && e.field[0])
		json_object_set_new(err, "field", json_string(e.field));
	if (err && e.line)
		json_object_set_new(err, "line", json_integer(e.line));
	json_t *root = err ? json_pack("{s:o}", "error", err) : NULL;
	if (root && extra)
		json_object_update(root, extra);
	char *body = root ? json_encode(root) : NULL;
	json_decref(root);
	if (!body)
		body = strdup("{\"error\":{\"code\":\"internal\",\"message\":\"the error could not be encoded\"}}");
	if (!body)
		return MHD_NO;
	return queue(conn, ctx, qerr_http_status(e.code), "application/json; charset=utf-8", body, strlen(body), res);
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

/*
 * Serves a file under the web directory; the UI is a single page, so unknown
 * non-file paths get index.html. url starts with '/' (precheck refused the rest).
 */
static enum MHD_Result serve_static(struct MHD_Connection *conn, struct conn_ctx *ctx, const char *url)
{
	struct qerror e = {0};
	if (!server_cfg->web_dir || url[0] != '/' || strstr(url, "..") || strchr(url, '\\')) {
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
	const char *last = strrchr(rel, '/');
	if (fd < 0 && !strchr(last ? last : rel, '.')) {
		rel = "/index.html";
		snprintf(path, sizeof path, "%s%s", server_cfg->web_dir, rel);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && fstat(fd, &st) < 0) {
			close(fd);
			fd = -1;
		}
	}
	if (fd < 0) {
		qerr_set(&e, QERR_NOT_FOUND, "not_found", NULL, "no file %.200s", url);
		return queue_error(conn, ctx, &e, NULL);
	}
	ctx->answered = true;
	struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
	if (!r) {
		close(fd);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", content_type_for(rel));
	MHD_add_response_header(r, "Cache-Control", "no-cache");
	add_security_headers(r);
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
static const char *find_token(struct MHD_Connection *conn, bool *from_cookie)
{
	*from_cookie = false;
	const char *auth = header(conn, "Authorization");
	if (auth && strncasecmp(auth, "Bearer ", 7) == 0)
		return auth + 7;
	const char *c = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, SESSION_COOKIE);
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
static bool csrf_ok(struct MHD_Connection *conn)
{
	const char *xr = header(conn, "X-Requested-With");
	if (!xr || strcmp(xr, "qilian") != 0)
		return false;
	const char *origin = header(conn, "Origin");
	const char *host = header(conn, "Host");
	if (!origin)
		return true;
	if (!host)
		return false;
	const char *o = strstr(origin, "://");
	return o && strcmp(o + 3, host) == 0;
}

/* Served over TLS: --secure-cookies, or a trusted proxy's X-Forwarded-Proto naming https first. */
static bool request_is_secure(struct MHD_Connection *conn)
{
	if (server_cfg->secure_cookies)
		return true;
	if (!server_cfg->trust_proxy)
		return false;
	const char *proto = header(conn, "X-Forwarded-Proto");
	if (!proto)
		return false;
	while (*proto == ' ')
		proto++;
	return strncasecmp(proto, "https", 5) == 0 && (proto[5] == 0 || proto[5] == ',' || proto[5] == ' ');
}

struct query_check {
	const struct http_route *route;
	struct qerror *err;
};

/* Rejects query parameters a route does not declare: a typo should not silently list everything. */
static enum MHD_Result check_query_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	(void)value;
	struct query_check *qc = cls;
	for (const struct http_qparam *q = qc->route->query; q && q->name; q++)
		if (strcmp(q->name, key) == 0)
			return MHD_YES;
	qerr_set(qc->err, QERR_INVALID, "unknown_parameter", key, "unknown query parameter '%.48s'", key);
	return MHD_NO;
}

/* How the request says its body ends. */
struct framing {
	const char *length; /* the first Content-Length, or NULL */
	bool conflicting;   /* another Content-Length with a different value */
	bool chunked;       /* a Transfer-Encoding header */
};

static enum MHD_Result scan_framing(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct framing *f = cls;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
		if (f->length && strcmp(f->length, value ? value : "") != 0)
			f->conflicting = true;
		if (!f->length)
			f->length = value ? value : "";
	} else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
		f->chunked = true;
	}
	return MHD_YES;
}

static enum MHD_Result refuse(struct MHD_Connection *conn, struct conn_ctx *ctx, enum qerr code, const char *slug,
			      const char *message)
{
	struct qerror e = {0};
	qerr_set(&e, code, slug, NULL, "%s", message);
	return queue_error(conn, ctx, &e, NULL);
}

/*
 * The actor each worker thread last found for a few tokens, for
 * speculate(). Only a guess: every answer made with it waits for the
 * session check of its own request (account_session_confirm).
 */
#define SESSION_GUESSES 16
static __thread struct {
	char token[ACCOUNT_TOKEN_HEX + 1];
	struct actor actor;
} guesses[SESSION_GUESSES];

/* (tokens are random hex: the first two digits spread them) */
static unsigned guess_slot(const char *token)
{
	char two[3] = {token[0], token[1], 0};
	return (unsigned)strtoul(two, NULL, 16) % SESSION_GUESSES;
}

static void guess_set(const char *token, const struct actor *a)
{
	if (strlen(token) != ACCOUNT_TOKEN_HEX)
		return;
	unsigned i = guess_slot(token);
	memcpy(guesses[i].token, token, sizeof guesses[i].token);
	guesses[i].actor = *a;
}

static void guess_forget(const char *token)
{
	if (strlen(token) == ACCOUNT_TOKEN_HEX && strcmp(guesses[guess_slot(token)].token, token) == 0)
		guesses[guess_slot(token)].token[0] = 0;
}

/*
 * A read request whose token this thread saw lately, on a backend that
 * can defer a statement (PostgreSQL): the session check is not run now but
 * goes with the handler's first statement, in one round trip, and the
 * handler runs with the actor found last time. The driver reads the
 * check's answer before the handler's (account_session_defer): if it does
 * not find that same actor in the request's snapshot (logout, expiry, a
 * disabled user, a new role; or the check could not ride along), the
 * handler's statements and writes all fail, and dispatch_request drops the
 * answer and runs the request again the usual way. Only where nothing is
 * answered before the handler runs: a route the guess may call, good query
 * arguments, no body.
 */
static bool speculate(struct MHD_Connection *conn, struct conn_ctx *ctx, struct db *db, const char *token)
{
	if (!db_is_pg(db) || strlen(token) != ACCOUNT_TOKEN_HEX)
		return false;
	unsigned i = guess_slot(token);
	if (strcmp(guesses[i].token, token) != 0)
		return false;
	const struct actor *a = &guesses[i].actor;
	if (!(ctx->route->who & WHO(a->org_type, a->role)) ||
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH) ||
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING))
		return false;
	struct qerror e = {0};
	struct query_check qc = {ctx->route, &e};
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, check_query_arg, &qc);
	ctx->actor = *a;
	if (e.code || !(ctx->unconfirmed = account_session_defer(db, token, &ctx->actor)))
		return false;
	ctx->read_db = db;
	return true;
}

/*
 * The API half of precheck: route, credentials, role, query parameters and
 * CSRF, in that order (an anonymous caller learns nothing about a route's
 * parameters). Fills ctx->route, params and the actor.
 */
static enum MHD_Result precheck_api(struct MHD_Connection *conn, struct conn_ctx *ctx, const char *method,
				    const char *url)
{
	struct qerror e = {0};
	int m = http_route_match(method, url, &ctx->route, ctx->scratch, sizeof ctx->scratch, ctx->params);
	if (m == 404) {
		qerr_set(&e, QERR_NOT_FOUND, "no_such_route", NULL, "no API route %s %.200s", method, url);
		return queue_error(conn, ctx, &e, NULL);
	}
	if (m == 405) {
		qerr_set(&e, QERR_METHOD, "method_not_allowed", NULL, "%s is not allowed on %.200s", method, url);
		return queue_error(conn, ctx, &e, NULL);
	}
	const struct http_route *route = ctx->route;
	bool from_cookie = false;
	const char *token = find_token(conn, &from_cookie);
	/* With --read-db a read goes to the standby, unless its session wrote recently (below). */
	ctx->standby = server_cfg->read_db_path && safe_method(method);
	if (token && *token) {
		struct db *db = thread_db(&e);
		if (!db)
			return queue_error(conn, ctx, &e, NULL);
		/*
		 * A read request checks the session inside the read transaction its
		 * handler then runs in: one snapshot and one round of locks per request,
		 * as before requests were judged from their head. With a standby the
		 * session is checked on the primary on its own (a logout or a disabled
		 * user counts at once) and the handler reads on the standby.
		 */
		bool read = safe_method(method) && !ctx->standby;
		db_release(db);
		db_deferred(db); /* (a request that ended before its confirmation leaves nothing behind) */
		if (read && db_begin_read(db, &e))
			return queue_error(conn, ctx, &e, NULL);
		struct qerror aerr = {0};
		int64_t wrote_at = 0;
		enum qerr rc = QERR_OK;
		if (!read || !speculate(conn, ctx, db, token)) {
			rc = account_session_ex(db, token, &ctx->actor, &wrote_at, &aerr);
			if (read && rc == QERR_OK) {
				ctx->read_db = db;
				if (db_is_pg(db))
					guess_set(token, &ctx->actor);
			} else {
				db_release(db);
			}
		}
		/* A session reads back its own writes: from the primary for a while after each (and after its login). */
		if (ctx->standby && rc == QERR_OK && util_now_unix() - wrote_at < (int64_t)server_cfg->primary_after_write_s)
			ctx->standby = false;
		if (rc == QERR_OK) {
			ctx->authenticated = true;
			snprintf(ctx->token, sizeof ctx->token, "%s", token);
		} else if (!(route->who & WHO_ANON)) {
			return queue_error(conn, ctx, &aerr, NULL);
		}
	}
	unsigned who = ctx->authenticated ? WHO(ctx->actor.org_type, ctx->actor.role) : WHO_ANON;
	if (!(route->who & who)) {
		if (!ctx->authenticated)
			return refuse(conn, ctx, QERR_UNAUTHORIZED, "unauthorized", "请先登录 (login required)");
		return refuse(conn, ctx, QERR_FORBIDDEN, "forbidden", "无权访问 (your organisation type or role may not do this)");
	}
	struct query_check qc = {route, &e};
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, check_query_arg, &qc);
	if (e.code)
		return queue_error(conn, ctx, &e, NULL);
	if (ctx->authenticated && from_cookie && !safe_method(method) && !csrf_ok(conn))
		return refuse(conn, ctx, QERR_FORBIDDEN, "csrf_rejected",
			      "cookie-authenticated writes need the X-Requested-With: qilian header from this origin");
	return MHD_YES;
}

static bool is_api_path(const char *url)
{
	return strncmp(url, "/api/", 5) == 0 || strcmp(url, "/api") == 0;
}

/*
 * Decides a request from its head alone, before any body is read: queues
 * the refusal (ctx->answered) or returns MHD_YES with ctx ready for the
 * body. libmicrohttpd answers a refused request with Connection: close and
 * never reads its body.
 */
static enum MHD_Result precheck_head(struct MHD_Connection *conn, struct conn_ctx *ctx, const char *method,
				     const char *url)
{
	/* "GET x", "GET *", absolute forms: nothing here is addressed that way. */
	if (url[0] != '/')
		return refuse(conn, ctx, QERR_BAD_REQUEST, "bad_request_target",
			      "the request target must be a path starting with /");
	struct framing f = {0};
	MHD_get_connection_values(conn, MHD_HEADER_KIND, scan_framing, &f);
	if (f.conflicting)
		return refuse(conn, ctx, QERR_BAD_REQUEST, "conflicting_content_length",
			      "the request has Content-Length headers with different values");
	if (f.length && f.chunked)
		return refuse(conn, ctx, QERR_BAD_REQUEST, "ambiguous_body_length",
			      "the request has both Content-Length and Transfer-Encoding");
	ctx->secure = request_is_secure(conn);
	if (is_api_path(url)) {
		enum MHD_Result r = precheck_api(conn, ctx, method, url);
		if (ctx->answered || r != MHD_YES)
			return r;
	} else if (!safe_method(method)) {
		return refuse(conn, ctx, QERR_METHOD, "method_not_allowed", "static files are read-only");
	}
	bool csv = ctx->route && ctx->route->body_type && strcmp(ctx->route->body_type, "text/csv") == 0;
	ctx->limit = csv ? server_cfg->max_import : server_cfg->max_body;
	int64_t n = 0;
	if (f.length && util_parse_i64(f.length, 0, INT64_MAX, &n) && (uint64_t)n > ctx->limit) {
		struct qerror e = {0};
		qerr_set(&e, QERR_TOO_LARGE, "payload_too_large", NULL, "request body over the limit of %zu bytes",
			 ctx->limit);
		return queue_error(conn, ctx, &e, NULL);
	}
	bool has_body = f.chunked || n > 0;
	if (csv && has_body) {
		struct qerror e = {0};
		if (http_body_spool(&ctx->body, server_cfg->spool_dir, &e))
			return queue_error(conn, ctx, &e, NULL);
	}
	return MHD_YES;
}

/* A refused request gives back the read transaction its session check opened. */
static void drop_read(struct conn_ctx *ctx)
{
	if (ctx->read_db) {
		db_release(ctx->read_db);
		if (ctx->unconfirmed)
			db_deferred(ctx->read_db); /* a guess never confirmed: nothing of it stays on the connection */
		ctx->read_db = NULL;
	}
	ctx->unconfirmed = NULL;
}

static enum MHD_Result precheck(struct MHD_Connection *conn, struct conn_ctx *ctx, const char *method,
				const char *url)
{
	enum MHD_Result r = precheck_head(conn, ctx, method, url);
	if (ctx->answered || r != MHD_YES)
		drop_read(ctx);
	return r;
}

static enum MHD_Result dispatch_request(struct MHD_Connection *conn, struct conn_ctx *ctx, const char *method,
					const char *url)
{
	struct http_req req;
	memset(&req, 0, sizeof req);
	struct http_res res;
	memset(&res, 0, sizeof res);
	const struct http_route *route = ctx->route;
	req.method = method;
	req.path = url;
	req.conn = conn;
	memcpy(req.params, ctx->params, sizeof req.params);
	req.actor = ctx->actor;
	req.authenticated = ctx->authenticated;
	memcpy(req.token, ctx->token, sizeof req.token);
	if (http_body_finish(&ctx->body, &req.body, &req.body_len, &req.err))
		return queue_error(conn, ctx, &req.err, NULL);
	/*
	 * A read request runs in one read transaction: one snapshot for the
	 * handler, and one round of file locks instead of one per statement.
	 * Writers start their own (BEGIN IMMEDIATE) later. The one the session
	 * check opened is reused; if another connection of this thread ended it
	 * meanwhile, the transaction open now is as good a snapshot. A read sent
	 * to the standby starts its transaction there; a standby that fails to
	 * start one is dropped for this thread and the primary answers.
	 */
	req.db = ctx->standby ? thread_standby() : NULL;
	if (req.db) {
		db_release(req.db);
		if (db_begin_read(req.db, &req.err)) {
			log_error("read database failed, reading from the primary: %s", req.err.message);
			qerr_clear(&req.err);
			standby_drop();
			req.db = NULL;
		}
	}
	if (!req.db) {
		req.db = thread_db(&req.err);
		if (!req.db)
			return queue_error(conn, ctx, &req.err, NULL);
		bool reuse = ctx->read_db == req.db && db_in_transaction(req.db);
		if (!reuse) {
			db_release(req.db);
			if (safe_method(method) && db_begin_read(req.db, &req.err))
				return queue_error(conn, ctx, &req.err, NULL);
		}
	}
	ctx->read_db = NULL;
	res.status = route->ok_status ? route->ok_status : 200;
	enum qerr rc = route->fn(&req, &res);
	if (ctx->unconfirmed) {
		/*
		 * speculate()'s guess: the answer stands only if this request's own
		 * session check found the same actor (the handler's statements were
		 * refused otherwise); before any retry below, which then runs with an
		 * actor confirmed.
		 */
		struct db_stmt *check = ctx->unconfirmed;
		ctx->unconfirmed = NULL;
		if (!account_session_confirm(req.db, check, &ctx->actor)) {
			guess_forget(ctx->token);
			json_decref(res.json);
			free(res.raw);
			db_release(req.db);
			ctx->authenticated = false;
			memset(&ctx->actor, 0, sizeof ctx->actor);
			ctx->token[0] = 0;
			enum MHD_Result r = precheck_api(conn, ctx, method, url); /* the guess is gone: the usual way */
			if (ctx->answered || r != MHD_YES)
				return r;
			return dispatch_request(conn, ctx, method, url);
		}
	}
	/*
	 * PostgreSQL runs writes serialisable (docs/operations.md): a
	 * transaction that lost to a concurrent one was rolled back whole and is
	 * run again, the whole request, up to HTTP_SERIAL_RETRIES times with a
	 * growing random pause. Nothing was committed and nothing sent yet.
	 */
	for (int attempt = 0; rc == QERR_UNAVAILABLE && strcmp(req.err.slug, "serialization_failure") == 0 &&
			      attempt < HTTP_SERIAL_RETRIES;
	     attempt++) {
		log_info("%s %s: serialisation conflict, running it again (%d)", method, route->pattern, attempt + 1);
		json_decref(res.json);
		free(res.raw);
		memset(&res, 0, sizeof res);
		res.status = route->ok_status ? route->ok_status : 200;
		qerr_clear(&req.err);
		db_release(req.db);
		useconds_t cap = 1000u << (attempt < 6 ? attempt : 6); /* 1 ms .. 64 ms */
		usleep(cap / 2 + (useconds_t)(randombytes_uniform(cap / 2 + 1)));
		if (safe_method(method) && db_begin_read(req.db, &req.err)) {
			rc = req.err.code;
			break;
		}
		rc = route->fn(&req, &res);
	}
	/* Every try lost (or the database is away): a 503 the client may retry, never a 500. */
	if (rc == QERR_UNAVAILABLE &&
	    (strcmp(req.err.slug, "serialization_failure") == 0 || strcmp(req.err.slug, "database_busy") == 0) &&
	    !res.retry_after[0])
		snprintf(res.retry_after, sizeof res.retry_after, "1");
	if (!rc && ctx->authenticated && server_cfg->read_db_path && !safe_method(method)) {
		/* Before the answer leaves: this session's next reads go to the primary (see precheck_api). */
		struct qerror werr = {0};
		struct db *primary = thread_db(&werr);
		if (primary)
			db_release(primary);
		if (!primary || account_session_wrote(primary, ctx->token, &werr))
			log_error("session write time not recorded: %s", werr.message);
	}
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
	if ((db = pthread_getspecific(standby_key)))
		db_release(db);
	return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	(void)cls;
	(void)version;
	struct conn_ctx *ctx = *con_cls;
	if (!ctx) {
		/* The head has arrived: decide now, before reading any body. */
		ctx = calloc(1, sizeof *ctx);
		if (!ctx)
			return MHD_NO;
		ctx->start_us = util_mono_us();
		http_body_init(&ctx->body);
		*con_cls = ctx;
		snprintf(ctx->method, sizeof ctx->method, "%s", method);
		snprintf(ctx->path, sizeof ctx->path, "%s", url);
		enum MHD_Result r = precheck(conn, ctx, method, url);
		if (ctx->answered)
			guard_busy(conn);
		else
			guard_body_started(conn);
		return r;
	}
	if (*upload_data_size) {
		guard_body_progress(conn, *upload_data_size);
		if (!ctx->answered && !ctx->too_large) {
			if (ctx->body.len + *upload_data_size > ctx->limit) {
				/* Chunked and over the limit: libmicrohttpd cannot answer mid-body, so drop the rest and answer 413. */
				ctx->too_large = true;
				http_body_free(&ctx->body);
			} else if (!http_body_append(&ctx->body, upload_data, *upload_data_size)) {
				return MHD_NO;
			}
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (ctx->answered)
		return MHD_YES;
	guard_busy(conn);
	if (ctx->too_large) {
		struct qerror e = {0};
		qerr_set(&e, QERR_TOO_LARGE, "payload_too_large", NULL, "request body over the limit of %zu bytes", ctx->limit);
		return queue_error(conn, ctx, &e, NULL);
	}
	if (ctx->route)
		return dispatch(conn, ctx, method, url);
	return serve_static(conn, ctx, url);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)toe;
	struct conn_ctx *ctx = *con_cls;
	guard_request_done(conn);
	if (!ctx)
		return;
	drop_read(ctx); /* the client went away between its head and the answer */
	log_access(ctx->method, ctx->path, ctx->status, ctx->bytes, util_mono_us() - ctx->start_us);
	http_body_free(&ctx->body);
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

/* Listen address for the running daemon (MHD_OPTION_SOCK_ADDR keeps the pointer). */
static struct sockaddr_in listen_addr;

struct MHD_Daemon *http_daemon_start(const struct http_config *cfg, struct qerror *err)
{
	server_cfg = cfg;
	pthread_once(&db_key_once, db_key_create);
	unsigned flags;
	struct MHD_OptionItem opts[16];
	size_t n = 0;
	if (cfg->embedded) {
		flags = MHD_USE_NO_LISTEN_SOCKET;
	} else {
		if (!parse_listen(cfg->listen, &listen_addr, err))
			return NULL;
		flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO | MHD_USE_SUPPRESS_DATE_NO_CLOCK;
		opts[n++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &listen_addr};
		opts[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, cfg->threads ? cfg->threads : 4, NULL};
		opts[n++] = (struct MHD_OptionItem){MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, NULL};
	}
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT,
					     cfg->connection_limit ? cfg->connection_limit : 4096, NULL};
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->max_per_address, NULL};
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s ? cfg->timeout_s : 30, NULL};
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT, 16384, NULL};
	/* Options taking a function and its closure: the function goes in value (MHD_OPTION_ARRAY's rule). */
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, NULL};
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)guard_notify, NULL};
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};

	struct guard_config g = {cfg->head_timeout_s * 1000u, cfg->min_body_rate};
	if (guard_start(&g, !cfg->embedded, err))
		return NULL;
	struct MHD_Daemon *d = MHD_start_daemon(flags, cfg->embedded ? 0 : ntohs(listen_addr.sin_port), NULL, NULL,
						on_request, NULL, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (!d) {
		int e = errno;
		guard_stop();
		qerr_set(err, QERR_UNAVAILABLE, "listen_failed", "listen", "cannot listen on %s: %s",
			 cfg->listen ? cfg->listen : "-", strerror(e));
		return NULL;
	}
	return d;
}

void http_daemon_stop(struct MHD_Daemon *d)
{
	MHD_stop_daemon(d);
	guard_stop();
}

int http_serve(const struct http_config *cfg, struct qerror *err)
{
	log_set_quiet(cfg->quiet);
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
	/* Workers (and the sweeper) inherit this mask, so only the main thread sees the signals, via sigwait. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct MHD_Daemon *d = http_daemon_start(cfg, err);
	if (!d)
		return -1;
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	char shown[512];
	log_info("qilian %s serving %s on %s (port %u, %u threads, web %s)", QILIAN_VERSION,
		 db_path_masked(cfg->db_path, shown, sizeof shown), cfg->listen, di ? di->port : 0,
		 cfg->threads ? cfg->threads : 4, cfg->web_dir ? cfg->web_dir : "-");
	if (cfg->read_db_path)
		log_info("reads that tolerate lag from %s; a session reads from the primary for %u s after it writes",
			 db_path_masked(cfg->read_db_path, shown, sizeof shown), cfg->primary_after_write_s);
	log_info("limits: %u connections, %u per address, head within %u s, bodies at %llu B/s or more, idle %u s",
		 cfg->connection_limit ? cfg->connection_limit : 4096, cfg->max_per_address, cfg->head_timeout_s,
		 (unsigned long long)cfg->min_body_rate, cfg->timeout_s ? cfg->timeout_s : 30);
	int sig = 0;
	sigwait(&set, &sig);
	log_info("signal %d: finishing requests in flight and stopping", sig);
	http_daemon_stop(d);
	log_info("stopped");
	return 0;
}
