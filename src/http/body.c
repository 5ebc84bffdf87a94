/* body.c - request bodies in memory or spooled to an unnamed temporary file (see body.h). */
#include "http/body.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/csv.h"

void http_body_init(struct http_body *b)
{
	memset(b, 0, sizeof *b);
	b->fd = -1;
}

/* A temporary file with no name: O_TMPFILE, else mkstemp and unlink at once. */
static int spool_open(const char *dir)
{
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s/qilian-body-XXXXXX", dir) >= sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

enum qerr http_body_spool(struct http_body *b, const char *dir, struct qerror *err)
{
	if (!dir || !*dir)
		dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	b->fd = spool_open(dir);
	if (b->fd < 0)
		return qerr_set(err, QERR_UNAVAILABLE, "spool_unavailable", NULL,
				"cannot make a temporary file for the upload in %.200s: %s", dir, strerror(errno));
	return QERR_OK;
}

bool http_body_append(struct http_body *b, const char *p, size_t n)
{
	if (b->fd < 0) {
		if (!buf_append(&b->mem, p, n))
			return false;
		b->len += n;
		return true;
	}
	b->len += n;
	while (n && !b->write_errno) {
		ssize_t w = write(b->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			b->write_errno = w < 0 ? errno : EIO;
			break;
		}
		p += w;
		n -= (size_t)w;
	}
	return true;
}

enum qerr http_body_finish(struct http_body *b, const char **data, size_t *len, struct qerror *err)
{
	if (b->fd < 0) {
		*data = b->mem.data ? b->mem.data : "";
		*len = b->mem.len;
		return QERR_OK;
	}
	if (b->write_errno)
		return qerr_set(err, QERR_UNAVAILABLE, "spool_failed", NULL, "cannot store the upload: %s",
				strerror(b->write_errno));
	if (!b->map) {
		b->map = csv_map_fd(b->fd, "the upload", &b->map_len, err);
		if (!b->map)
			return err->code;
	}
	*data = b->map;
	*len = b->map_len;
	return QERR_OK;
}

void http_body_free(struct http_body *b)
{
	buf_free(&b->mem);
	if (b->map)
		csv_unmap(b->map, b->map_len);
	if (b->fd >= 0)
		close(b->fd);
	http_body_init(b);
}
