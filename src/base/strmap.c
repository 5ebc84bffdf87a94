/* strmap.c - string-keyed open-addressing hash map (see strmap.h). */
#include "base/strmap.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static struct strmap_slot *probe(struct strmap_slot *slots, size_t cap, const char *key)
{
	size_t j = hash_str(key) & (cap - 1);
	while (slots[j].key && strcmp(slots[j].key, key) != 0)
		j = (j + 1) & (cap - 1);
	return &slots[j];
}

struct strmap_slot *strmap_find(const struct strmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	struct strmap_slot *s = probe(m->slots, m->cap, key);
	return s->key ? s : NULL;
}

struct strmap_slot *strmap_put(struct strmap *m, const char *key)
{
	if ((m->len + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct strmap_slot *slots = calloc(cap, sizeof *slots);
		if (!slots)
			return NULL;
		for (size_t i = 0; i < m->cap; i++)
			if (m->slots[i].key)
				*probe(slots, cap, m->slots[i].key) = m->slots[i];
		free(m->slots);
		m->slots = slots;
		m->cap = cap;
	}
	struct strmap_slot *s = probe(m->slots, m->cap, key);
	if (!s->key) {
		s->key = strdup(key);
		if (!s->key)
			return NULL;
		s->value = s->aux = 0;
		m->len++;
	}
	return s;
}

void strmap_free(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	memset(m, 0, sizeof *m);
}
