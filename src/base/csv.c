/* csv.c - RFC 4180 CSV reader with line numbers, and a quoting writer. */
#include "base/csv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base/util.h"

void csv_init(struct csv_reader *r, const char *data, size_t len)
{
	memset(r, 0, sizeof *r);
	r->p = data;
	r->end = data + len;
	r->line = 1;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		r->p += 3;
}

void csv_free(struct csv_reader *r)
{
	free(r->scratch);
	r->scratch = NULL;
	r->scratch_cap = 0;
}

static int grow(struct csv_reader *r, size_t need)
{
	if (need <= r->scratch_cap)
		return 0;
	size_t cap = r->scratch_cap ? r->scratch_cap : 1024;
	while (cap < need)
		cap *= 2;
	char *s = realloc(r->scratch, cap);
	if (!s)
		return -1;
	r->scratch = s;
	r->scratch_cap = cap;
	return 0;
}

int csv_next(struct csv_reader *r, struct qerror *err)
{
	/* Skip blank lines. */
	while (r->p < r->end && (*r->p == '\n' || *r->p == '\r')) {
		if (*r->p == '\n')
			r->line++;
		r->p++;
	}
	if (r->p >= r->end)
		return 0;
	r->record_line = r->line;
	/* A record is at most as long as the bytes left; one scratch copy holds it all. */
	const char *q = r->p;
	size_t max = (size_t)(r->end - q);
	/* Find the record end cheaply when there are no quotes (the common case). */
	if (grow(r, (max < 4096 ? max : 4096) + CSV_MAX_FIELDS + 1) < 0)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory"), -1;
	size_t out = 0;
	r->nfields = 0;
	for (;;) {
		if (r->nfields >= CSV_MAX_FIELDS) {
			qerr_set(err, QERR_BAD_REQUEST, "csv_too_many_fields", NULL, "line %ld: more than %d fields",
				 r->record_line, CSV_MAX_FIELDS);
			err->line = r->record_line;
			return -1;
		}
		size_t start = out;
		if (q < r->end && *q == '"') {
			q++;
			for (;;) {
				if (q >= r->end) {
					qerr_set(err, QERR_BAD_REQUEST, "csv_unterminated_quote", NULL,
						 "line %ld: quoted field is not closed", r->record_line);
					err->line = r->record_line;
					return -1;
				}
				if (*q == '"') {
					if (q + 1 < r->end && q[1] == '"') {
						q += 2;
						if (grow(r, out + 2) < 0)
							return -1;
						r->scratch[out++] = '"';
						continue;
					}
					q++;
					break;
				}
				if (*q == '\n')
					r->line++;
				if (grow(r, out + 2) < 0)
					return -1;
				r->scratch[out++] = *q++;
			}
			if (q < r->end && *q != ',' && *q != '\n' && *q != '\r') {
				qerr_set(err, QERR_BAD_REQUEST, "csv_bad_quote", NULL,
					 "line %ld: unexpected character after a closing quote", r->record_line);
				err->line = r->record_line;
				return -1;
			}
		} else {
			const char *s = q;
			while (q < r->end && *q != ',' && *q != '\n' && *q != '\r') {
				if (*q == '"') {
					qerr_set(err, QERR_BAD_REQUEST, "csv_bad_quote", NULL,
						 "line %ld: quote inside an unquoted field", r->record_line);
					err->line = r->record_line;
					return -1;
				}
				q++;
			}
			size_t n = (size_t)(q - s);
			if (grow(r, out + n + 2) < 0)
				return -1;
			memcpy(r->scratch + out, s, n);
			out += n;
		}
		if (grow(r, out + 2) < 0)
			return -1;
		r->scratch[out++] = 0;
		/* Pointers are fixed up after the record: scratch may move while growing. */
		r->flen[r->nfields] = out - 1 - start;
		r->field[r->nfields] = (const char *)(uintptr_t)start;
		r->nfields++;
		if (q < r->end && *q == ',') {
			q++;
			continue;
		}
		break;
	}
	if (q < r->end && *q == '\r')
		q++;
	if (q < r->end && *q == '\n') {
		q++;
		r->line++;
	}
	r->p = q;
	for (size_t i = 0; i < r->nfields; i++) {
		r->field[i] = r->scratch + (uintptr_t)r->field[i];
		if (!util_utf8_valid(r->field[i], r->flen[i])) {
			qerr_set(err, QERR_BAD_REQUEST, "csv_bad_encoding", NULL, "line %ld: field %zu is not valid UTF-8",
				 r->record_line, i + 1);
			err->line = r->record_line;
			return -1;
		}
	}
	return 1;
}

void csv_write_field(FILE *f, const char *s, int first)
{
	if (!first)
		fputc(',', f);
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

const char *csv_map_file(const char *path, size_t *len, struct qerror *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		qerr_set(err, QERR_INVALID, "file_unreadable", "file", "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		qerr_set(err, QERR_INVALID, "file_unreadable", "file", "%s is not a regular file", path);
		return NULL;
	}
	*len = (size_t)st.st_size;
	if (*len == 0) {
		close(fd);
		return "";
	}
	void *p = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		qerr_set(err, QERR_INTERNAL, "file_unreadable", "file", "cannot map %s: %s", path, strerror(errno));
		return NULL;
	}
	madvise(p, *len, MADV_SEQUENTIAL);
	return p;
}

void csv_unmap(const char *data, size_t len)
{
	if (len)
		munmap((void *)data, len);
}
