/*
 * http_idempotency.h - the Idempotency-Key of a request, for handlers of
 * writes that take one (platform/idempotency.h has the protocol: the
 * domain claims the key and stores its answer in its own transaction).
 * Internal to src/http.
 */
#ifndef QILIAN_HTTP_IDEMPOTENCY_H
#define QILIAN_HTTP_IDEMPOTENCY_H
#include <stdbool.h>
#include "http/http.h"
#include "platform/idempotency.h"

/*
 * Reads the request's Idempotency-Key header and fingerprints the request
 * (method, path, canonical body) into *idem. *present says whether the
 * header was sent. Without it: QERR_BAD_REQUEST "idempotency_key_required"
 * when required, else QERR_OK with *present false. A malformed key is
 * QERR_BAD_REQUEST "invalid_idempotency_key". Errors go to req->err.
 */
enum qerr http_idempotency(struct http_req *req, bool required, struct idempotency *idem, bool *present);

/*
 * Answers a write that took a key: the domain's status and JSON (stolen;
 * a replay's are the first answer's). Returns rc unchanged when it is an
 * error (the handler returns it and the server answers with req->err).
 */
enum qerr http_idempotent_reply(struct http_res *res, enum qerr rc, int status, json_t *out);

#endif
