/*
 * body.h - a request body as it arrives. JSON bodies are small (capped by
 * --max-body) and kept in memory. CSV imports may be hundreds of megabytes:
 * they are spooled to an unnamed temporary file as they arrive and mapped
 * read-only for the importer once complete, as the CLI maps the file it is
 * given, so a large import costs page cache rather than heap, and ten of
 * them at once do not grow the server by a gigabyte. Internal to src/http.
 */
#ifndef QILIAN_HTTP_BODY_H
#define QILIAN_HTTP_BODY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/qerr.h"
#include "base/util.h"

struct http_body {
	struct buf mem;	 /* in-memory body (when fd < 0) */
	int fd;		 /* spool file, or -1 */
	uint64_t len;	 /* bytes received */
	int write_errno; /* first failed write to the spool file, 0 if none */
	const char *map; /* the spooled body mapped by http_body_finish, or NULL */
	size_t map_len;
};

/* Starts an empty in-memory body. */
void http_body_init(struct http_body *b);

/*
 * Makes b spool to a new unnamed file in dir (O_TMPFILE, or a name unlinked
 * at once where the file system lacks it): nothing is left behind, even
 * after a crash. Call before the first byte. QERR_UNAVAILABLE if the file
 * cannot be made.
 */
enum qerr http_body_spool(struct http_body *b, const char *dir, struct qerror *err);

/*
 * Appends n bytes. False when out of memory; a failed write to the spool
 * file is remembered (write_errno) and reported by http_body_finish, and
 * later bytes are dropped.
 */
bool http_body_append(struct http_body *b, const char *p, size_t n);

/*
 * The whole body: *data/len point at the memory or the mapped spool file
 * (never NULL; "" when empty) and stay valid until http_body_free.
 * QERR_UNAVAILABLE if spooling failed (disk full), QERR_INTERNAL if the
 * file cannot be mapped.
 */
enum qerr http_body_finish(struct http_body *b, const char **data, size_t *len, struct qerror *err);

/* Frees the memory, unmaps and closes the spool file. */
void http_body_free(struct http_body *b);

#endif
