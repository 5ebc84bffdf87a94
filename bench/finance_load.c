/*
 * finance_load.c - the transfer load of bench/finance_load.mjs in C, so that the load generator
 * does not take the server's CPU (Node's HTTP client cost about as much CPU per request as the
 * server's whole transfer on this 2-core machine). Same semantics: the chain leader issues one
 * certificate to the demo SME, which accepts it and splits it into one piece per client; each of
 * CLIENTS clients (a thread with one keep-alive connection) then passes 1 fen of its piece to the
 * SME's supplier again and again (POST /api/v1/finance/pieces/{id}/transfers, a fresh
 * Idempotency-Key each), going on with the remainder piece its answer names. After WARMUP seconds
 * it measures for LOAD_SECONDS and prints the same JSON object as finance_load.mjs, plus its own
 * CPU time (generator_cpu_us, set-up included). The caller runs `qilian finance verify` on the
 * database afterwards (bench/finance-perf.sh does).
 *
 * Build: cc -O2 -pthread bench/finance_load.c -o finance_load -ljansson
 * Usage: finance_load HOST:PORT   (env CLIENTS 8, LOAD_SECONDS 10, WARMUP 1, SUPPLIER, PW)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_in server;
static char host_header[96];
static atomic_long seq;
static atomic_bool measuring, stopping;

struct conn {
	int fd;
	char buf[65536];
	size_t have; /* bytes in buf not yet consumed */
};

static void die(const char *what)
{
	fprintf(stderr, "finance_load: %s\n", what);
	exit(1);
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void conn_open(struct conn *c)
{
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&server, sizeof server) != 0)
		die("cannot connect");
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	c->have = 0;
}

static void send_all(struct conn *c, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("send failed");
		p += w;
		n -= (size_t)w;
	}
}

/* Appends what the server sent next to c->buf (keeping room for a NUL). */
static void recv_more(struct conn *c)
{
	ssize_t r;
	while ((r = recv(c->fd, c->buf + c->have, sizeof c->buf - 1 - c->have, 0)) < 0 && errno == EINTR)
		;
	if (r <= 0)
		die("connection closed by the server");
	c->have += (size_t)r;
}

/* One request on the connection; returns the status and the body (malloc'd, NUL-terminated). */
static int request(struct conn *c, const char *token, const char *method, const char *path, const char *body,
		   char **out)
{
	char head[1024];
	int n;
	if (body) {
		long k = atomic_fetch_add(&seq, 1) + 1;
		n = snprintf(
		    head, sizeof head,
		    "%s %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
		    "Content-Type: application/json\r\nContent-Length: %zu\r\nIdempotency-Key: bench-c-%d-%ld\r\n\r\n",
		    method, path, host_header, token, strlen(body), (int)getpid(), k);
	} else {
		n = snprintf(head, sizeof head, "%s %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n\r\n",
			     method, path, host_header, token);
	}
	if (n <= 0 || (size_t)n >= sizeof head)
		die("request head too long");
	send_all(c, head, (size_t)n);
	if (body)
		send_all(c, body, strlen(body));
	/* The answer: headers up to a blank line, then Content-Length bytes (libmicrohttpd sends it). */
	char *end;
	for (;;) {
		c->buf[c->have] = 0;
		if ((end = strstr(c->buf, "\r\n\r\n")))
			break;
		if (c->have + 1 >= sizeof c->buf)
			die("answer headers too long");
		recv_more(c);
	}
	int status = 0;
	if (sscanf(c->buf, "HTTP/1.%*d %d", &status) != 1)
		die("bad status line");
	size_t hlen = (size_t)(end + 4 - c->buf), blen = 0;
	for (char *h = strstr(c->buf, "\r\n"); h && h < end; h = strstr(h + 2, "\r\n"))
		if (strncasecmp(h + 2, "Content-Length:", 15) == 0)
			blen = strtoul(h + 17, NULL, 10);
	if (hlen + blen >= sizeof c->buf)
		die("answer too long");
	while (c->have < hlen + blen)
		recv_more(c);
	*out = strndup(c->buf + hlen, blen);
	memmove(c->buf, c->buf + hlen + blen, c->have - hlen - blen);
	c->have -= hlen + blen;
	return status;
}

static json_t *must(struct conn *c, const char *token, const char *method, const char *path, const char *body, int want,
		    const char *what)
{
	char *text;
	int status = request(c, token, method, path, body, &text);
	if (status != want) {
		fprintf(stderr, "finance_load: %s: %d %s\n", what, status, text);
		exit(1);
	}
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);
	free(text);
	if (!j)
		die("answer is not JSON");
	return j;
}

static char *login(struct conn *c, const char *email, const char *pw)
{
	char body[256];
	snprintf(body, sizeof body, "{\"email\":\"%s\",\"password\":\"%s\"}", email, pw);
	json_t *j = must(c, "", "POST", "/api/v1/auth/login", body, 200, "login");
	char *t = strdup(json_string_value(json_object_get(j, "token")));
	json_decref(j);
	return t;
}

struct client {
	pthread_t th;
	const char *token, *supplier;
	long long piece;
	double *lat; /* ms, of the measured transfers */
	size_t nlat, cap;
	long errors;
};

static void *client_run(void *arg)
{
	struct client *cl = arg;
	struct conn *c = calloc(1, sizeof *c);
	conn_open(c);
	char path[96], body[128];
	snprintf(body, sizeof body, "{\"to\":\"%s\",\"amount_fen\":1}", cl->supplier);
	while (!atomic_load(&stopping)) {
		snprintf(path, sizeof path, "/api/v1/finance/pieces/%lld/transfers", cl->piece);
		double t0 = now_s();
		char *text;
		int status = request(c, cl->token, "POST", path, body, &text);
		double ms = (now_s() - t0) * 1000.0;
		if (status != 201) {
			if (++cl->errors < 5)
				fprintf(stderr, "%d %s\n", status, text);
			free(text);
			continue;
		}
		/* The remainder piece the answer names: the next transfer's piece. */
		const char *k = strstr(text, "\"remainder_piece_id\":");
		long long next = k ? strtoll(k + 21, NULL, 10) : 0;
		free(text);
		if (next <= 0)
			die("answer names no remainder piece");
		cl->piece = next;
		if (atomic_load(&measuring)) {
			if (cl->nlat == cl->cap) {
				cl->cap = cl->cap ? cl->cap * 2 : 4096;
				cl->lat = realloc(cl->lat, cl->cap * sizeof *cl->lat);
				if (!cl->lat)
					die("out of memory");
			}
			cl->lat[cl->nlat++] = ms;
		}
	}
	close(c->fd);
	free(c);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double env_num(const char *name, double dflt)
{
	const char *v = getenv(name);
	return v && *v ? strtod(v, NULL) : dflt;
}

int main(int argc, char **argv)
{
	if (argc != 2)
		die("usage: finance_load HOST:PORT");
	char host[64];
	int port = 0;
	if (sscanf(argv[1], "%63[^:]:%d", host, &port) != 2)
		die("usage: finance_load HOST:PORT");
	server.sin_family = AF_INET;
	server.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &server.sin_addr) != 1)
		die("HOST must be an IPv4 address");
	snprintf(host_header, sizeof host_header, "%s:%d", host, port);
	int clients = (int)env_num("CLIENTS", 8);
	double seconds = env_num("LOAD_SECONDS", 10), warmup = env_num("WARMUP", 1);
	const char *supplier = getenv("SUPPLIER") ? getenv("SUPPLIER") : "91320412MA1QFK001Q";
	const char *pw = getenv("PW") ? getenv("PW") : "qilian-demo-2026";
	if (clients < 1 || clients > 256)
		die("CLIENTS must be 1..256");

	struct conn setup = {0};
	conn_open(&setup);
	char *issuer = login(&setup, "buyer-admin@qilian.test", pw);
	char *sme = login(&setup, "sme-admin@qilian.test", pw);
	time_t mat = time(NULL) + 8 * 3600 + 90 * 86400;
	struct tm tm;
	gmtime_r(&mat, &tm);
	char day[16], body[512], path[128];
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	snprintf(body, sizeof body,
		 "{\"issuer\":\"91320500MA1MX4QF3P\",\"payee\":\"91320583MA1QEW0025\",\"face_fen\":8000000000000,"
		 "\"maturity\":\"%s\",\"contract_no\":\"BENCH-LOAD-C-%d\",\"invoices\":[\"BLC%d\"]}",
		 day, (int)getpid(), (int)getpid());
	json_t *cert = must(&setup, issuer, "POST", "/api/v1/finance/certificates", body, 201, "issue");
	long long cert_id = json_integer_value(json_object_get(cert, "id"));
	json_decref(cert);
	snprintf(path, sizeof path, "/api/v1/finance/certificates/%lld/accept", cert_id);
	json_decref(must(&setup, sme, "POST", path, "{}", 200, "accept"));
	snprintf(path, sizeof path, "/api/v1/finance/certificates/%lld", cert_id);
	json_t *got = must(&setup, sme, "GET", path, NULL, 200, "get");
	long long root = 0;
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(got, "pieces"), i,
			   p) if (strcmp(json_string_value(json_object_get(p, "state")), "held") == 0) root =
	    json_integer_value(json_object_get(p, "id"));
	json_decref(got);
	if (!root)
		die("the certificate has no held piece");
	struct client *cl = calloc((size_t)clients, sizeof *cl);
	for (int k = 0; k < clients - 1; k++) {
		snprintf(path, sizeof path, "/api/v1/finance/pieces/%lld/split", root);
		json_t *r = must(&setup, sme, "POST", path, "{\"amount_fen\":1000000000000}", 201, "split");
		json_t *ps = json_object_get(r, "pieces");
		cl[k].piece = json_integer_value(json_object_get(json_array_get(ps, 0), "id"));
		root = json_integer_value(json_object_get(json_array_get(ps, 1), "id"));
		json_decref(r);
	}
	cl[clients - 1].piece = root;
	close(setup.fd);

	for (int k = 0; k < clients; k++) {
		cl[k].token = sme;
		cl[k].supplier = supplier;
		if (pthread_create(&cl[k].th, NULL, client_run, &cl[k]) != 0)
			die("cannot start a client");
	}
	usleep((useconds_t)(warmup * 1e6));
	atomic_store(&measuring, true);
	double t0 = now_s();
	usleep((useconds_t)(seconds * 1e6));
	atomic_store(&measuring, false);
	double elapsed = now_s() - t0;
	atomic_store(&stopping, true);
	size_t total = 0;
	long errors = 0;
	for (int k = 0; k < clients; k++) {
		pthread_join(cl[k].th, NULL);
		total += cl[k].nlat;
		errors += cl[k].errors;
	}
	double *all = malloc((total ? total : 1) * sizeof *all);
	size_t at = 0;
	for (int k = 0; k < clients; k++) {
		memcpy(all + at, cl[k].lat, cl[k].nlat * sizeof *all);
		at += cl[k].nlat;
	}
	qsort(all, total, sizeof *all, cmp_double);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double cpu_us = (double)ru.ru_utime.tv_sec * 1e6 + (double)ru.ru_utime.tv_usec +
			(double)ru.ru_stime.tv_sec * 1e6 + (double)ru.ru_stime.tv_usec;
#define PCT(p) (total ? all[(size_t)((p) * (double)total) < total ? (size_t)((p) * (double)total) : total - 1] : 0.0)
	printf("{\"clients\":%d,\"seconds\":%.3f,\"transfers\":%zu,\"per_second\":%.0f,\"p50_ms\":%.2f,\"p90_ms\":%.2f,"
	       "\"p99_ms\":%.2f,\"max_ms\":%.2f,\"errors\":%ld,\"certificate\":%lld,\"generator\":\"c\","
	       "\"generator_cpu_us\":%.0f}\n",
	       clients, elapsed, total, (double)total / elapsed, PCT(0.5), PCT(0.9), PCT(0.99),
	       total ? all[total - 1] : 0.0, errors, cert_id, cpu_us);
	return 0;
}
