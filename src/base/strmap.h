/*
 * strmap.h - a small string-keyed hash map (open addressing, keys copied)
 * for the caches of CSV imports: USCC -> enterprise, "chain/segment" ->
 * sid, a key -> the line it was first seen on. Each slot carries two
 * numbers whose meaning the caller gives.
 */
#ifndef QILIAN_STRMAP_H
#define QILIAN_STRMAP_H
#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
	char *key;     /* owned copy; NULL = empty slot */
	int64_t value; /* what the key maps to */
	int64_t aux;   /* a second number (e.g. the line the key was first seen on) */
};

/* Zero-initialise; free with strmap_free. */
struct strmap {
	struct strmap_slot *slots;
	size_t cap, len;
};

/* The slot for key, or NULL when absent. */
struct strmap_slot *strmap_find(const struct strmap *m, const char *key);

/* The slot for key, added with value = aux = 0 when absent; NULL when out of memory. */
struct strmap_slot *strmap_put(struct strmap *m, const char *key);

void strmap_free(struct strmap *m);

#endif
