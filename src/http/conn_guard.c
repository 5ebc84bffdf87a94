/* conn_guard.c - per-connection deadlines on the request head and body, enforced by a sweeper (see conn_guard.h). */
#include "http/conn_guard.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include "base/log.h"
#include "base/util.h"

enum guard_phase {
	GUARD_HEAD, /* awaiting a request line and headers */
	GUARD_BODY, /* receiving a body */
	GUARD_BUSY, /* handler running or response being sent */
};

struct guard_conn {
	struct guard_conn *prev, *next;
	int fd;
	enum guard_phase phase;
	int64_t since_us;  /* when the phase began */
	uint64_t received; /* body bytes so far */
	bool cut;	   /* shut down by the sweeper already */
};

static struct guard_config guard_cfg;
static pthread_mutex_t guard_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t guard_wake;
static struct guard_conn *guard_head; /* every tracked connection, under guard_lock */
static bool guard_stopping, guard_sweeping;
static pthread_t guard_thread;
static uint64_t guard_closed; /* under guard_lock */

/* True when c has missed its deadline at now_us. */
static bool guard_overdue(const struct guard_conn *c, int64_t now_us)
{
	int64_t grace_us = (int64_t)guard_cfg.head_timeout_ms * 1000;
	int64_t waited = now_us - c->since_us;
	switch (c->phase) {
	case GUARD_HEAD:
		return waited > grace_us;
	case GUARD_BODY:
		if (!guard_cfg.min_body_rate)
			return false;
		/* Allowed: the grace plus the time the bytes so far take at the minimum rate. */
		/* Saturate at 2^40 bytes (over any body limit) so the product fits. */
		return waited > grace_us + (int64_t)((c->received < (1ULL << 40) ? c->received : (1ULL << 40)) *
						     1000000 / guard_cfg.min_body_rate);
	case GUARD_BUSY:
		break;
	}
	return false;
}

static unsigned guard_sweep(void)
{
	unsigned n = 0;
	int64_t now = util_mono_us();
	pthread_mutex_lock(&guard_lock);
	for (struct guard_conn *c = guard_head; c; c = c->next) {
		if (c->cut || !guard_overdue(c, now))
			continue;
		/* Bytes the client sent wait unread in the socket: the server is the slow one (every thread
		   busy), not the client, so the deadline is not the client's to miss. */
		int unread = 0;
		if (ioctl(c->fd, FIONREAD, &unread) == 0 && unread > 0)
			continue;
		/* Still tracked, so libmicrohttpd has not closed fd yet: it is this connection's socket. */
		shutdown(c->fd, SHUT_RDWR);
		c->cut = true;
		n++;
	}
	guard_closed += n;
	pthread_mutex_unlock(&guard_lock);
	return n;
}

static void *guard_main(void *arg)
{
	(void)arg;
	/* Sweep four times per head timeout, at most once a second: deadlines are kept to a quarter. */
	unsigned tick_ms = guard_cfg.head_timeout_ms / 4;
	if (tick_ms > 1000)
		tick_ms = 1000;
	if (tick_ms < 50)
		tick_ms = 50;
	pthread_mutex_lock(&guard_lock);
	while (!guard_stopping) {
		struct timespec ts = util_mono_after_ns((int64_t)tick_ms * 1000000);
		pthread_cond_timedwait(&guard_wake, &guard_lock, &ts);
		if (guard_stopping)
			break;
		pthread_mutex_unlock(&guard_lock);
		unsigned n = guard_sweep();
		if (n)
			log_info("closed %u connection(s) too slow to send their request (head %u ms, body %llu B/s)",
				 n, guard_cfg.head_timeout_ms, (unsigned long long)guard_cfg.min_body_rate);
		pthread_mutex_lock(&guard_lock);
	}
	pthread_mutex_unlock(&guard_lock);
	return NULL;
}

enum qerr guard_start(const struct guard_config *cfg, bool sweep, struct qerror *err)
{
	guard_cfg = *cfg;
	guard_stopping = false;
	guard_sweeping = false;
	if (!sweep || !cfg->head_timeout_ms)
		return QERR_OK;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&guard_wake, &ca);
	pthread_condattr_destroy(&ca);
	int rc = pthread_create(&guard_thread, NULL, guard_main, NULL);
	if (rc) {
		pthread_cond_destroy(&guard_wake);
		return qerr_set(err, QERR_INTERNAL, NULL, NULL, "cannot start the connection sweeper: %s",
				strerror(rc));
	}
	guard_sweeping = true;
	return QERR_OK;
}

void guard_stop(void)
{
	if (!guard_sweeping)
		return;
	pthread_mutex_lock(&guard_lock);
	guard_stopping = true;
	pthread_cond_signal(&guard_wake);
	pthread_mutex_unlock(&guard_lock);
	pthread_join(guard_thread, NULL);
	pthread_cond_destroy(&guard_wake);
	guard_sweeping = false;
}

void guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		  enum MHD_ConnectionNotificationCode toe)
{
	(void)cls;
	struct guard_conn *c = *socket_context;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		c = calloc(1, sizeof *c);
		if (!c)
			return; /* untracked: only the idle timeout applies */
		c->fd = ci ? ci->connect_fd : -1;
		c->phase = GUARD_HEAD;
		c->since_us = util_mono_us();
		if (c->fd < 0) {
			free(c);
			return;
		}
		pthread_mutex_lock(&guard_lock);
		c->next = guard_head;
		if (guard_head)
			guard_head->prev = c;
		guard_head = c;
		pthread_mutex_unlock(&guard_lock);
		*socket_context = c;
		return;
	}
	if (!c)
		return;
	pthread_mutex_lock(&guard_lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		guard_head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&guard_lock);
	free(c);
	*socket_context = NULL;
}

static struct guard_conn *guard_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

static void guard_enter(struct MHD_Connection *conn, enum guard_phase phase)
{
	struct guard_conn *c = guard_of(conn);
	if (!c)
		return;
	pthread_mutex_lock(&guard_lock);
	c->phase = phase;
	c->since_us = util_mono_us();
	c->received = 0;
	pthread_mutex_unlock(&guard_lock);
}

void guard_body_started(struct MHD_Connection *conn)
{
	guard_enter(conn, GUARD_BODY);
}

void guard_busy(struct MHD_Connection *conn)
{
	guard_enter(conn, GUARD_BUSY);
}

void guard_request_done(struct MHD_Connection *conn)
{
	guard_enter(conn, GUARD_HEAD);
}

void guard_body_progress(struct MHD_Connection *conn, uint64_t n)
{
	struct guard_conn *c = guard_of(conn);
	if (!c)
		return;
	pthread_mutex_lock(&guard_lock);
	c->received += n;
	pthread_mutex_unlock(&guard_lock);
}

uint64_t guard_closed_total(void)
{
	pthread_mutex_lock(&guard_lock);
	uint64_t n = guard_closed;
	pthread_mutex_unlock(&guard_lock);
	return n;
}
