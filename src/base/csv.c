/* csv.c - RFC 4180 CSV reader with line numbers, and a quoting writer that keeps formulas inert. */
#include "base/csv.h"

#include <errno.h>
#include <stdbool.h>
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

/*
 * True when the byte at p ends a line: LF, or a CR not followed by LF (old
 * Mac files). The reader already ends records at a lone CR; counting it as a
 * line keeps every record's line number distinct and matches what editors show.
 */
static bool is_line_end(const char *p, const char *end)
{
	return *p == '\n' || (*p == '\r' && (p + 1 >= end || p[1] != '\n'));
}

/* Fills err (which may be NULL) with a message about the current record and returns -1. */
static int csv_fail(const struct csv_reader *r, struct qerror *err, enum qerr code, const char *slug,
		    const char *what, size_t field)
{
	if (field)
		qerr_set(err, code, slug, NULL, "line %ld: field %zu %s", r->record_line, field, what);
	else
		qerr_set(err, code, slug, NULL, "line %ld: %s", r->record_line, what);
	if (err)
		err->line = r->record_line;
	return -1;
}

static int csv_oom(const struct csv_reader *r, struct qerror *err)
{
	return csv_fail(r, err, QERR_INTERNAL, "out_of_memory", "out of memory", 0);
}

/* The characters a spreadsheet takes as the start of a formula (OWASP's list). */
static bool csv_formula_char(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/* Where the formula character is when s is zero or more quotes (') and then one; NULL otherwise. */
static const char *csv_formula_after_quotes(const char *s)
{
	const char *p = s;
	while (*p == '\'')
		p++;
	return csv_formula_char(*p) ? p : NULL;
}

int csv_next(struct csv_reader *r, struct qerror *err)
{
	/* Skip blank lines. */
	while (r->p < r->end && (*r->p == '\n' || *r->p == '\r')) {
		if (is_line_end(r->p, r->end))
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
		return csv_oom(r, err);
	size_t out = 0;
	r->nfields = 0;
	for (;;) {
		if (r->nfields >= CSV_MAX_FIELDS) {
			char what[48];
			snprintf(what, sizeof what, "more than %d fields", CSV_MAX_FIELDS);
			return csv_fail(r, err, QERR_BAD_REQUEST, "csv_too_many_fields", what, 0);
		}
		size_t start = out;
		if (q < r->end && *q == '"') {
			q++;
			for (;;) {
				if (q >= r->end)
					return csv_fail(r, err, QERR_BAD_REQUEST, "csv_unterminated_quote",
							"quoted field is not closed", 0);
				if (*q == '"') {
					if (q + 1 < r->end && q[1] == '"') {
						q += 2;
						if (grow(r, out + 2) < 0)
							return csv_oom(r, err);
						r->scratch[out++] = '"';
						continue;
					}
					q++;
					break;
				}
				if (is_line_end(q, r->end))
					r->line++;
				if (grow(r, out + 2) < 0)
					return csv_oom(r, err);
				r->scratch[out++] = *q++;
			}
			if (q < r->end && *q != ',' && *q != '\n' && *q != '\r')
				return csv_fail(r, err, QERR_BAD_REQUEST, "csv_bad_quote",
						"unexpected character after a closing quote", 0);
		} else {
			const char *s = q;
			while (q < r->end && *q != ',' && *q != '\n' && *q != '\r') {
				if (*q == '"')
					return csv_fail(r, err, QERR_BAD_REQUEST, "csv_bad_quote",
							"quote inside an unquoted field", 0);
				q++;
			}
			size_t n = (size_t)(q - s);
			if (grow(r, out + n + 2) < 0)
				return csv_oom(r, err);
			memcpy(r->scratch + out, s, n);
			out += n;
		}
		if (grow(r, out + 2) < 0)
			return csv_oom(r, err);
		r->scratch[out] = 0;
		/* A protective quote the writer put before a formula character goes again (see csv.h). */
		if (out > start && r->scratch[start] == '\'' && csv_formula_after_quotes(r->scratch + start)) {
			memmove(r->scratch + start, r->scratch + start + 1, out - start);
			out--;
		}
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
	/* The record ends at LF, CRLF or a lone CR: one line each. */
	if (q < r->end) {
		r->line++;
		if (*q == '\r')
			q++;
		if (q < r->end && *q == '\n')
			q++;
	}
	r->p = q;
	for (size_t i = 0; i < r->nfields; i++) {
		r->field[i] = r->scratch + (uintptr_t)r->field[i];
		/*
		 * Fields are handed out as C strings: an embedded NUL would silently cut
		 * a value short ("91350100M000100Y43\0junk" would pass as a USCC).
		 */
		if (memchr(r->field[i], 0, r->flen[i]) || !util_utf8_valid(r->field[i], r->flen[i]))
			return csv_fail(r, err, QERR_BAD_REQUEST, "csv_bad_encoding",
					"is not valid UTF-8 text (or contains a NUL byte)", i + 1);
	}
	return 1;
}

/*
 * A plain decimal number ("-12", "-0.5"): a spreadsheet reads it as a
 * number, never as a formula, so a negative amount or count is written as
 * it is rather than as the text '-12.
 */
static bool csv_plain_number(const char *s)
{
	if (*s == '-')
		s++;
	if (!(*s >= '0' && *s <= '9'))
		return false;
	while (*s >= '0' && *s <= '9')
		s++;
	if (*s == '.') {
		s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == 0;
}

bool csv_needs_guard(const char *s)
{
	const char *p = csv_formula_after_quotes(s);
	if (!p)
		return false;
	/* With leading quotes the reader would strip one: always guard, or the value would change. */
	return p != s || !csv_plain_number(s);
}

void csv_write_field(FILE *f, const char *s, int first)
{
	if (!first)
		fputc(',', f);
	if (!s)
		return;
	bool guard = csv_needs_guard(s);
	/* A leading byte-order mark is quoted too: at the start of a file a reader would skip it. */
	if (!strpbrk(s, ",\"\r\n") && strncmp(s, "\xEF\xBB\xBF", 3) != 0) {
		if (guard)
			fputc('\'', f);
		fputs(s, f);
		return;
	}
	fputc('"', f);
	if (guard)
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

const char *csv_map_fd(int fd, const char *name, size_t *len, struct qerror *err)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		qerr_set(err, QERR_INVALID, "file_unreadable", "file", "%s is not a regular file", name);
		return NULL;
	}
	*len = (size_t)st.st_size;
	if (*len == 0)
		return "";
	void *p = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		qerr_set(err, QERR_INTERNAL, "file_unreadable", "file", "cannot map %s: %s", name, strerror(errno));
		return NULL;
	}
	madvise(p, *len, MADV_SEQUENTIAL);
	return p;
}

const char *csv_map_file(const char *path, size_t *len, struct qerror *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		qerr_set(err, QERR_INVALID, "file_unreadable", "file", "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	const char *p = csv_map_fd(fd, path, len, err);
	close(fd); /* the mapping keeps the file */
	return p;
}

void csv_unmap(const char *data, size_t len)
{
	if (len)
		munmap((void *)data, len);
}

enum qerr csv_expect_header(struct csv_reader *r, const char *const *columns, size_t n, const char *header,
			    struct qerror *err)
{
	int rc = csv_next(r, err);
	if (rc < 0)
		return err->code;
	if (rc == 0) {
		qerr_set(err, QERR_INVALID, "csv_empty", "file",
			 "CSV文件为空，表头应为 %s (CSV is empty; expected header %s)", header, header);
		err->line = 1;
		return QERR_INVALID;
	}
	bool ok = r->nfields == n;
	for (size_t i = 0; ok && i < n; i++)
		ok = strcmp(r->field[i], columns[i]) == 0;
	if (!ok) {
		qerr_set(err, QERR_INVALID, "csv_bad_header", "file", "第1行表头应为 %s (line 1: header must be %s)",
			 header, header);
		err->line = r->record_line;
		return QERR_INVALID;
	}
	return QERR_OK;
}
