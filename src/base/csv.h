/*
 * csv.h - an RFC 4180 CSV reader over a byte range, and a field writer.
 *
 * Fields may be quoted ("a,b", "say ""hi"""), records end in LF or CRLF,
 * a UTF-8 byte-order mark at the start is skipped. Each record carries its
 * 1-based line number so import errors can point at the file. Quoted fields
 * may span lines. Fields must be valid UTF-8.
 *
 * Formula injection: a spreadsheet evaluates a cell that starts with = + -
 * @ tab or CR (=HYPERLINK(...), +cmd|...). The writer puts a protective
 * quote (') before such a value, and before a value that already starts
 * with quotes followed by one of those characters; the reader strips one
 * leading quote from a field that starts with one or more quotes and then
 * one of those characters. So reading what the writer wrote gives back
 * every value exactly, and export -> import -> export is byte-identical.
 * A plain decimal number ("-12", "-0.5") is not a formula and is written
 * as it is. A value typed as '=x in a hand-made file imports as =x.
 */
#ifndef QILIAN_CSV_H
#define QILIAN_CSV_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "base/qerr.h"

#define CSV_MAX_FIELDS 64

struct csv_reader {
	const char *p, *end;
	long line;          /* line of the next record */
	char *scratch;      /* unquoted copies of fields, owned */
	size_t scratch_cap;
	size_t nfields;
	const char *field[CSV_MAX_FIELDS];
	size_t flen[CSV_MAX_FIELDS];
	long record_line;   /* line where the current record started */
};

/* Starts reading data[0..len); data must outlive the reader. */
void csv_init(struct csv_reader *r, const char *data, size_t len);

/*
 * Reads the next record. Returns 1 with r->nfields/field/flen set (fields
 * are NUL-terminated and valid until the next call), 0 at end of input,
 * -1 on a malformed record (err says why and which line).
 * Blank lines are skipped.
 */
int csv_next(struct csv_reader *r, struct qerror *err);

void csv_free(struct csv_reader *r);

/*
 * Reads the header record and checks it is exactly columns[0..n) (header is
 * the same list as one comma-joined string, for the message). Returns
 * QERR_OK, the reader's error, or QERR_INVALID with slug "csv_empty" (line
 * 1) or "csv_bad_header" (the header's line) and the expected header in
 * the message.
 */
enum qerr csv_expect_header(struct csv_reader *r, const char *const *columns, size_t n, const char *header,
			    struct qerror *err);

/*
 * Writes one field, quoting when needed and with a protective quote before
 * a formula (see above); first=0 writes a comma before it. NULL writes an
 * empty field.
 */
void csv_write_field(FILE *f, const char *s, int first);

/* True when csv_write_field puts a protective quote before s. */
bool csv_needs_guard(const char *s);

/* Reads a whole file into memory (mmap); *len set. Free with csv_unmap. */
const char *csv_map_file(const char *path, size_t *len, struct qerror *err);

/* The same for an open file (name is for messages); fd stays the caller's and may be closed at once. */
const char *csv_map_fd(int fd, const char *name, size_t *len, struct qerror *err);
void csv_unmap(const char *data, size_t len);

#endif
