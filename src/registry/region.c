/* region.c - lookups in the compiled-in GB/T 2260 table. */
#include "registry/region.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_code(const void *key, const void *elem)
{
	return strcmp((const char *)key, ((const struct region *)elem)->code);
}

const struct region *region_find(const char *code)
{
	if (!code || strlen(code) != 6)
		return NULL;
	return bsearch(code, region_table, region_table_len, sizeof region_table[0], cmp_code);
}

enum qerr region_check(const char *code, const char *field, struct qerror *err)
{
	if (region_find(code))
		return QERR_OK;
	return qerr_set(err, QERR_INVALID, "invalid_region", field,
			"行政区划代码'%.16s'不存在 (unknown GB/T 2260 region code '%.16s')", code ? code : "",
			code ? code : "");
}

char *region_full_name(const char *code, char *buf, size_t cap)
{
	buf[0] = 0;
	const struct region *chain[3];
	int n = 0;
	for (const struct region *r = region_find(code); r && n < 3; r = r->parent[0] ? region_find(r->parent) : NULL)
		chain[n++] = r;
	/* Only whole names go in: a cut would leave half a UTF-8 character, which JSON cannot carry. */
	size_t used = 0;
	for (int i = n - 1; i >= 0; i--) {
		int w = snprintf(buf + used, cap - used, "%s%s", used ? " " : "", chain[i]->name);
		if (w < 0 || (size_t)w >= cap - used) {
			buf[used] = 0;
			break;
		}
		used += (size_t)w;
	}
	return buf;
}

void region_province_of(const char *code, char out[7])
{
	snprintf(out, 7, "%.2s0000", code);
}

size_t region_children(const char *parent, void (*fn)(const struct region *, void *), void *ctx)
{
	const char *p = parent ? parent : "";
	size_t n = 0;
	for (size_t i = 0; i < region_table_len; i++) {
		if (strcmp(region_table[i].parent, p) == 0) {
			if (fn)
				fn(&region_table[i], ctx);
			n++;
		}
	}
	return n;
}

size_t region_prefix_len(const char *code)
{
	if (!code || strlen(code) != 6)
		return 0;
	if (strcmp(code + 2, "0000") == 0)
		return 2;
	if (strcmp(code + 4, "00") == 0)
		return 4;
	return 6;
}
