/* qerr.c - filling error records and mapping them to HTTP statuses. */
#include "base/qerr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum qerr qerr_set(struct qerror *e, enum qerr code, const char *slug, const char *field,
		   const char *fmt, ...)
{
	if (!e)
		return code;
	e->code = code;
	e->line = 0;
	snprintf(e->slug, sizeof e->slug, "%s", slug ? slug : qerr_default_slug(code));
	snprintf(e->field, sizeof e->field, "%s", field ? field : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	return code;
}

void qerr_clear(struct qerror *e)
{
	if (e)
		memset(e, 0, sizeof *e);
}

int qerr_http_status(enum qerr code)
{
	switch (code) {
	case QERR_OK: return 200;
	case QERR_BAD_REQUEST: return 400;
	case QERR_UNAUTHORIZED: return 401;
	case QERR_FORBIDDEN: return 403;
	case QERR_NOT_FOUND: return 404;
	case QERR_METHOD: return 405;
	case QERR_CONFLICT: return 409;
	case QERR_TOO_LARGE: return 413;
	case QERR_INVALID: return 422;
	case QERR_TOO_MANY: return 429;
	case QERR_UNAVAILABLE: return 503;
	case QERR_NOT_IMPLEMENTED: return 501;
	case QERR_INTERNAL: break;
	}
	return 500;
}

const char *qerr_default_slug(enum qerr code)
{
	switch (code) {
	case QERR_OK: return "ok";
	case QERR_BAD_REQUEST: return "bad_request";
	case QERR_UNAUTHORIZED: return "unauthorized";
	case QERR_FORBIDDEN: return "forbidden";
	case QERR_NOT_FOUND: return "not_found";
	case QERR_METHOD: return "method_not_allowed";
	case QERR_CONFLICT: return "conflict";
	case QERR_TOO_LARGE: return "payload_too_large";
	case QERR_INVALID: return "invalid";
	case QERR_TOO_MANY: return "too_many_requests";
	case QERR_UNAVAILABLE: return "unavailable";
	case QERR_NOT_IMPLEMENTED: return "not_implemented";
	case QERR_INTERNAL: break;
	}
	return "internal_error";
}
