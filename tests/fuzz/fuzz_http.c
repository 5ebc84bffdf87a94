/*
 * fuzz_http.c - libFuzzer harness for the HTTP front door. Each input is
 * what a client sends on one connection: a request line, headers, perhaps
 * a body and more requests. It goes to the real daemon (http_daemon_start:
 * the same callbacks, limits, precheck, routing, authentication, static
 * files and handlers as `qilian serve`) through a socket pair, driven by
 * MHD_run on this thread until the server has nothing more to say, then
 * the client side is closed and the connection must be cleaned up.
 *
 * Made once: a database with an operator admin and a chain, a small web directory,
 * and a session token. "@TOKEN@" in an input becomes that token, so the
 * seeds (tests/fuzz/corpus/fuzz_http/) reach the authenticated routes;
 * a logout or a password change that kills the session logs in again.
 * The harness's own login comes from another client address than the
 * inputs, so the inputs' failed logins cannot lock it out.
 *
 * libmicrohttpd itself is not instrumented: what the fuzzer finds is our
 * handling of whatever its parser lets through (the request target that
 * crashed serve_static, for instance: "GET x HTTP/1.1").
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <ftw.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "cli/cli.h"
#include "http/http.h"

#define FUZZ_EMAIL "fuzz-operator@qilian.test"
#define FUZZ_PASSWORD "fuzz-password-8c2e1"
#define TOKEN_MARK "@TOKEN@"

static struct http_config cfg;
static struct MHD_Daemon *daemon_;
static char token[ACCOUNT_TOKEN_HEX + 1] = "0000000000000000000000000000000000000000000000000000000000000000";
static char dir[] = "/tmp/qilian-fuzz-http-XXXXXX";
static char fuzz_db[256], web_dir[256], spool_dir[256];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

/* Runs a qilian subcommand in-process with stdout silenced; aborts on failure (set-up must work). */
static void run_cli(int argc, char **argv)
{
	fflush(stdout);
	int saved = dup(1), null = open("/dev/null", O_WRONLY);
	dup2(null, 1);
	int rc = cli_main(argc, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(null);
	if (rc != 0) {
		fprintf(stderr, "fuzz_http: set-up command %s failed (%d)\n", argv[3], rc);
		abort();
	}
}

/*
 * Sends request on a new connection from addr and drives the daemon until
 * it closes the connection or has been idle for a while; returns what it
 * answered (malloc'd, NUL-terminated) when reply is non-NULL.
 */
static void exchange(const char *request, size_t len, const char *addr, char **reply)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0)
		abort();
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons(40000);
	inet_pton(AF_INET, addr, &sa.sin_addr);
	if (MHD_add_connection(daemon_, sv[0], (struct sockaddr *)&sa, sizeof sa) != MHD_YES) {
		close(sv[1]);
		return;
	}
	size_t sent = 0, got = 0, cap = 0;
	char *out = NULL;
	int idle = 0;
	for (int round = 0; round < 10000 && idle < 8; round++) {
		bool busy = false;
		if (sent < len) {
			ssize_t w = write(sv[1], request + sent, len - sent);
			if (w > 0) {
				sent += (size_t)w;
				busy = true;
			}
		}
		MHD_run(daemon_);
		char buf[16384];
		ssize_t r;
		while ((r = read(sv[1], buf, sizeof buf)) > 0) {
			busy = true;
			if (reply) {
				if (got + (size_t)r + 1 > cap) {
					cap = (got + (size_t)r + 1) * 2;
					out = realloc(out, cap);
					if (!out)
						abort();
				}
				memcpy(out + got, buf, (size_t)r);
				got += (size_t)r;
			}
		}
		if (r == 0)
			break; /* the server closed the connection */
		idle = busy ? 0 : idle + 1;
	}
	close(sv[1]);
	/* The client is gone: the daemon must notice and release the connection. */
	for (int round = 0; round < 100; round++) {
		MHD_run(daemon_);
		const union MHD_DaemonInfo *di = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (di && di->num_connections == 0)
			break;
	}
	if (reply) {
		if (!out)
			out = calloc(1, 1);
		else
			out[got] = 0;
		*reply = out;
	}
}

static void log_in(void)
{
	char body[160], request[512];
	snprintf(body, sizeof body, "{\"email\":\"%s\",\"password\":\"%s\"}", FUZZ_EMAIL, FUZZ_PASSWORD);
	int n = snprintf(request, sizeof request,
			 "POST /api/v1/auth/login HTTP/1.1\r\nHost: fuzz\r\nContent-Type: application/json\r\n"
			 "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
			 strlen(body), body);
	char *reply = NULL;
	exchange(request, (size_t)n, "10.9.9.9", &reply);
	const char *t = strstr(reply, "\"token\":\"");
	if (!t || strlen(t + 9) < ACCOUNT_TOKEN_HEX) {
		fprintf(stderr, "fuzz_http: login failed: %.400s\n", reply);
		abort();
	}
	memcpy(token, t + 9, ACCOUNT_TOKEN_HEX);
	free(reply);
}

/* True while the harness's session still works (an input may have logged it out). */
static bool session_alive(void)
{
	char request[256];
	int n = snprintf(request, sizeof request,
			 "GET /api/v1/auth/me HTTP/1.1\r\nHost: fuzz\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n",
			 token);
	char *reply = NULL;
	exchange(request, (size_t)n, "10.9.9.9", &reply);
	bool ok = strncmp(reply, "HTTP/1.1 200", 12) == 0;
	free(reply);
	return ok;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* At exit: the daemon goes, then the temporary directory (a crash leaves it, with the database, to look at). */
static void clean_up(void)
{
	if (daemon_)
		http_daemon_stop(daemon_);
	daemon_ = NULL;
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (!mkdtemp(dir))
		abort();
	snprintf(fuzz_db, sizeof fuzz_db, "%s/fuzz.db", dir);
	snprintf(web_dir, sizeof web_dir, "%s/web", dir);
	snprintf(spool_dir, sizeof spool_dir, "%s/spool", dir);
	mkdir(web_dir, 0700);
	mkdir(spool_dir, 0700);
	char path[512];
	snprintf(path, sizeof path, "%s/index.html", web_dir);
	write_file(path, "<!doctype html><title>fuzz</title>\n");
	snprintf(path, sizeof path, "%s/app.js", web_dir);
	write_file(path, "export {};\n");
	snprintf(path, sizeof path, "%s/lib", web_dir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/lib/api.css", web_dir);
	write_file(path, "body{}\n");

	char *migrate[] = {"qilian", "--db", fuzz_db, "migrate", NULL};
	run_cli(4, migrate);
	char *org[] = {"qilian", "--db", fuzz_db, "org", "add", "--name", "模糊测试服务中心", "--type", "operator", NULL};
	run_cli(9, org);
	char *user[] = {"qilian", "--db", fuzz_db, "user", "add", "--org", "1", "--role", "admin", "--email", FUZZ_EMAIL,
			"--name", "fuzz", "--password", FUZZ_PASSWORD, NULL};
	run_cli(15, user);
	char *chain[] = {"qilian", "--db", fuzz_db, "chain", "add", "nev", "新能源汽车产业链", NULL};
	run_cli(7, chain);

	log_set_quiet(1);
	cfg.db_path = fuzz_db;
	cfg.listen = "embedded";
	cfg.web_dir = web_dir;
	cfg.threads = 1;
	cfg.max_body = 64 << 10;
	cfg.max_import = 1 << 20;
	cfg.connection_limit = 64;
	cfg.timeout_s = 30;
	cfg.head_timeout_s = 10;
	cfg.min_body_rate = 4096;
	cfg.max_per_address = 8;
	cfg.spool_dir = spool_dir;
	cfg.trust_proxy = true;
	cfg.quiet = true;
	cfg.embedded = true;
	struct qerror e = {0};
	json_object_seed(0);
	daemon_ = http_daemon_start(&cfg, &e);
	if (!daemon_) {
		fprintf(stderr, "fuzz_http: %s\n", e.message);
		abort();
	}
	log_in();
	atexit(clean_up);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 16)
		return 0;
	/* Replace each @TOKEN@ with the session token. */
	size_t marks = 0;
	for (const uint8_t *p = data; (p = memmem(p, size - (size_t)(p - data), TOKEN_MARK, 7)); p += 7)
		marks++;
	size_t len = size + marks * (ACCOUNT_TOKEN_HEX - 7);
	char *request = malloc(len ? len : 1);
	if (!request)
		return 0;
	char *o = request;
	for (size_t i = 0; i < size;) {
		if (size - i >= 7 && memcmp(data + i, TOKEN_MARK, 7) == 0) {
			memcpy(o, token, ACCOUNT_TOKEN_HEX);
			o += ACCOUNT_TOKEN_HEX;
			i += 7;
		} else {
			*o++ = (char)data[i++];
		}
	}
	/* FUZZ_HTTP_ECHO=1 prints each answer (to check what the seeds reach). */
	static int echo = -1;
	if (echo < 0)
		echo = getenv("FUZZ_HTTP_ECHO") != NULL;
	char *reply = NULL;
	exchange(request, len, "127.0.0.1", echo ? &reply : NULL);
	if (reply)
		fprintf(stderr, "--- %.*s\n%.600s\n", (int)(len < 200 ? len : 200), request, reply);
	free(reply);
	free(request);
	if (marks && (memmem(data, size, "auth", 4) || memmem(data, size, "users", 5)) && !session_alive())
		log_in();
	atexit(clean_up);
	return 0;
}
