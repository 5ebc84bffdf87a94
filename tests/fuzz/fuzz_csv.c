/*
 * fuzz_csv.c - libFuzzer harness for the CSV reader: over any bytes,
 * csv_next returns records until 0 or -1, every field lies inside the
 * scratch buffer, is NUL-terminated, has the length it claims and is valid
 * UTF-8; line numbers never go backwards; errors carry a line. Each record
 * is written back with csv_write_field and must read back identically.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/util.h"

static void check_round_trip(const struct csv_reader *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return;
	for (size_t i = 0; i < r->nfields; i++)
		csv_write_field(f, r->field[i], i == 0);
	fputc('\n', f);
	fclose(f);
	struct csv_reader back;
	struct qerror e;
	csv_init(&back, text, len);
	int rc = csv_next(&back, &e);
	/* A record of one empty field is written as a blank line, which readers skip. */
	if (r->nfields == 1 && r->flen[0] == 0) {
		if (rc != 0)
			abort();
	} else {
		if (rc != 1 || back.nfields != r->nfields)
			abort();
		for (size_t i = 0; i < r->nfields; i++)
			if (back.flen[i] != r->flen[i] || memcmp(back.field[i], r->field[i], r->flen[i]) != 0)
				abort();
		if (csv_next(&back, &e) != 0)
			abort();
	}
	csv_free(&back);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A private copy: the reader must not read past len, and ASan sees that. */
	char *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	struct csv_reader r;
	csv_init(&r, copy, size);
	long last_line = 0;
	size_t records = 0;
	for (;;) {
		struct qerror e;
		memset(&e, 0, sizeof e);
		int rc = csv_next(&r, &e);
		if (rc == 0)
			break;
		if (rc < 0) {
			if (e.code == QERR_OK || e.line < 1 || e.line != r.record_line || !e.message[0])
				abort();
			break;
		}
		if (rc != 1 || r.nfields < 1 || r.nfields > CSV_MAX_FIELDS)
			abort();
		if (r.record_line <= last_line || r.line < r.record_line)
			abort();
		last_line = r.record_line;
		for (size_t i = 0; i < r.nfields; i++) {
			const char *p = r.field[i];
			if (p < r.scratch || p + r.flen[i] >= r.scratch + r.scratch_cap)
				abort();
			if (strlen(p) != r.flen[i])
				abort();
			if (!util_utf8_valid(p, r.flen[i]))
				abort();
			if (i && p <= r.field[i - 1])
				abort();
		}
		check_round_trip(&r);
		if (++records > size + 1) /* every record consumes at least one byte */
			abort();
	}
	/* At the end (or after an error) the reader does not move backwards or past the input. */
	if (r.p < copy || r.p > copy + size)
		abort();
	csv_free(&r);
	free(copy);
	return 0;
}
