/*
 * conn_guard.h - deadlines on receiving a request, which libmicrohttpd
 * lacks: its connection timeout is an idle timeout that every byte resets,
 * so a client sending one header byte a second holds a connection, and a
 * slot under the connection limit, for ever (issue 8: 4,200 such clients
 * made normal requests time out).
 *
 * Every connection is tracked from accept (MHD_OPTION_NOTIFY_CONNECTION).
 * Its request head (request line and headers) must be complete within
 * head_timeout of the connection opening or of the previous response
 * finishing, so an idle kept-alive connection is closed after that time
 * too. Its body must then arrive at min_body_rate bytes a second on
 * average after a grace of head_timeout: a body of n bytes gets
 * head_timeout + n / min_body_rate, and one that stalls is closed early.
 * While a handler runs or a response is sent no deadline applies (the idle
 * --timeout does).
 *
 * A sweeper thread shuts down (shutdown(2)) the socket of a connection that
 * misses its deadline; libmicrohttpd then sees the client gone and closes
 * the connection in its own thread with the usual callbacks. The sweeper
 * never touches a socket after libmicrohttpd's close notification, which
 * comes before it closes the descriptor, so it never hits a reused one.
 * Internal to src/http.
 */
#ifndef QILIAN_HTTP_CONN_GUARD_H
#define QILIAN_HTTP_CONN_GUARD_H
#include <microhttpd.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/qerr.h"

struct guard_config {
	unsigned head_timeout_ms; /* 0: no deadlines (the sweeper does not run) */
	uint64_t min_body_rate;	  /* bytes a second; 0: no deadline on bodies */
};

/*
 * Starts tracking with cfg (copied); with sweep, starts the sweeper thread.
 * QERR_INTERNAL if the thread cannot start.
 */
enum qerr guard_start(const struct guard_config *cfg, bool sweep, struct qerror *err);

/* Stops the sweeper (after the daemon has stopped: no connection is tracked any more). */
void guard_stop(void);

/* The MHD_OPTION_NOTIFY_CONNECTION callback: tracks a connection from start to close. */
void guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		  enum MHD_ConnectionNotificationCode toe);

/* The head of a request has arrived: its body (if any) is under way. */
void guard_body_started(struct MHD_Connection *conn);

/* n more bytes of the body have arrived. */
void guard_body_progress(struct MHD_Connection *conn, uint64_t n);

/* The request is complete (or answered): no deadline until the response is sent. */
void guard_busy(struct MHD_Connection *conn);

/* The response has been sent: the next request's head is awaited. */
void guard_request_done(struct MHD_Connection *conn);

/* How many connections the sweeper has closed so far. */
uint64_t guard_closed_total(void);

#endif
