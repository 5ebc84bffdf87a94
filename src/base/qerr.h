/*
 * qerr.h - error codes and the error record every fallible function fills.
 *
 * A function returns an enum qerr (QERR_OK is 0) and, on failure, fills a
 * struct qerror with a machine code (snake_case, shown to API clients), a
 * human message and the offending field if any. The HTTP layer maps the
 * enum to a status; the CLI prints the message and exits non-zero.
 */
#ifndef QILIAN_QERR_H
#define QILIAN_QERR_H

enum qerr {
	QERR_OK = 0,
	QERR_BAD_REQUEST,   /* 400: malformed syntax (JSON, CSV, query) */
	QERR_UNAUTHORIZED,  /* 401: no or bad credentials */
	QERR_FORBIDDEN,     /* 403: authenticated but not allowed */
	QERR_NOT_FOUND,     /* 404 */
	QERR_METHOD,        /* 405 */
	QERR_CONFLICT,      /* 409: state or uniqueness conflict */
	QERR_TOO_LARGE,     /* 413 */
	QERR_INVALID,       /* 422: well-formed but invalid values */
	QERR_TOO_MANY,      /* 429: throttled */
	QERR_INTERNAL,      /* 500: bug or I/O failure */
	QERR_UNAVAILABLE,   /* 503: e.g. database busy beyond timeout */
	QERR_NOT_IMPLEMENTED, /* 501: a part that is not plugged in (a data scope without its provider) */
};

struct qerror {
	enum qerr code;
	char slug[48];     /* snake_case machine code, e.g. "invalid_uscc" */
	char message[320]; /* human readable, may be Chinese or English */
	char field[64];    /* offending field, "" if none */
	long line;         /* input line for CSV errors, 0 if none */
};

/* Fills *e (if non-NULL) and returns code, so callers can `return qerr_set(...)`. */
enum qerr qerr_set(struct qerror *e, enum qerr code, const char *slug, const char *field,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Resets *e to "no error". */
void qerr_clear(struct qerror *e);

/* HTTP status for an error code (200 for QERR_OK). */
int qerr_http_status(enum qerr code);

/* Default slug for a code, used when a caller has none more specific. */
const char *qerr_default_slug(enum qerr code);

#endif
