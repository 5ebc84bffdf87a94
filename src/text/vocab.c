/*
 * vocab.c - the industrial vocabulary: loading it from the database into an
 * immutable snapshot (a hash set of keys over a sorted key list), the
 * compounds an indexer adds, and query expansion (see vocab.h).
 */
#include "text/vocab.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const text_vocab_kind_names[] = {"synonym", "colloquial", "abbreviation", "english", "narrower", NULL};
const char *const text_vocab_kind_zh[] = {"同义词", "俗称", "缩写", "英文", "下位词", NULL};

#define W_NARROWER 0.8 /* a narrower term of a query term, times the entry's weight */

bool text_vocab_kind_parse(const char *s, enum text_vocab_kind *out)
{
	for (int i = 0; s && text_vocab_kind_names[i]; i++)
		if (strcmp(s, text_vocab_kind_names[i]) == 0) {
			*out = (enum text_vocab_kind)i;
			return true;
		}
	return false;
}

struct entry {
	char *canonical, *term;
	char ckey[TEXT_TOKEN_MAX + 1], tkey[TEXT_TOKEN_MAX + 1];
	uint8_t kind, weight;
};

/* key -> entry, role 0: the key is the entry's canonical term, 1: its term */
struct kref {
	const char *key;
	uint32_t entry;
	uint8_t role;
};

struct text_vocab {
	atomic_int refs;
	char *path;
	int64_t version;
	struct entry *e;
	size_t n;
	struct kref *refs_by_key; /* sorted by key */
	size_t nrefs;
	uint32_t *slots; /* first kref of a key + 1, open addressing */
	uint32_t nslots;
	uint64_t keys_hash;
};

static uint32_t hash_key(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

/* ---- keys ---- */

struct keybuf {
	char *key;
	size_t len;
	bool too_long;
};

static int key_word(void *ctx, const struct text_token *tok)
{
	struct keybuf *k = ctx;
	if (k->len + tok->len > TEXT_TOKEN_MAX) {
		k->too_long = true;
		return 1;
	}
	memcpy(k->key + k->len, tok->term, tok->len);
	k->len += tok->len;
	k->key[k->len] = '\0';
	return 0;
}

bool text_vocab_key(const char *term, char key[TEXT_TOKEN_MAX + 1])
{
	struct keybuf k = {key, 0, false};
	key[0] = '\0';
	if (!term)
		return false;
	int rc = text_tokenize_query(term, strlen(term), key_word, &k);
	return (rc == 0 || rc == 1) && !k.too_long && k.len > 0;
}

/* ---- snapshots ---- */

static void vocab_free(struct text_vocab *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		free(v->e[i].canonical);
		free(v->e[i].term);
	}
	free(v->e);
	free(v->refs_by_key);
	free(v->slots);
	free(v->path);
	free(v);
}

void text_vocab_release(struct text_vocab *v)
{
	if (v && atomic_fetch_sub(&v->refs, 1) == 1)
		vocab_free(v);
}

size_t text_vocab_size(const struct text_vocab *v)
{
	return v ? v->n : 0;
}

uint64_t text_vocab_keys_hash(const struct text_vocab *v)
{
	return v ? v->keys_hash : 0;
}

static int cmp_kref(const void *a, const void *b)
{
	const struct kref *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	return x->entry < y->entry ? -1 : x->entry > y->entry;
}

/* The first kref of key, or UINT32_MAX. */
static uint32_t find_key(const struct text_vocab *v, const char *key, size_t len)
{
	if (!v || !v->nslots)
		return UINT32_MAX;
	uint32_t mask = v->nslots - 1;
	for (uint32_t h = hash_key(key, len) & mask;; h = (h + 1) & mask) {
		uint32_t s = v->slots[h];
		if (!s)
			return UINT32_MAX;
		const char *k = v->refs_by_key[s - 1].key;
		if (strlen(k) == len && memcmp(k, key, len) == 0)
			return s - 1;
	}
}

static bool index_keys(struct text_vocab *v)
{
	v->nrefs = 0;
	v->refs_by_key = malloc((v->n * 2 + 1) * sizeof *v->refs_by_key);
	if (!v->refs_by_key)
		return false;
	for (size_t i = 0; i < v->n; i++) {
		v->refs_by_key[v->nrefs++] = (struct kref){v->e[i].ckey, (uint32_t)i, 0};
		v->refs_by_key[v->nrefs++] = (struct kref){v->e[i].tkey, (uint32_t)i, 1};
	}
	qsort(v->refs_by_key, v->nrefs, sizeof *v->refs_by_key, cmp_kref);
	uint32_t ns = 64;
	while (ns < v->nrefs * 2 + 2)
		ns *= 2;
	v->slots = calloc(ns, sizeof *v->slots);
	if (!v->slots)
		return false;
	v->nslots = ns;
	uint64_t fp = 1469598103934665603ull;
	for (size_t i = 0; i < v->nrefs; i++) {
		if (i && strcmp(v->refs_by_key[i].key, v->refs_by_key[i - 1].key) == 0)
			continue;
		const char *k = v->refs_by_key[i].key;
		size_t len = strlen(k);
		uint32_t h = hash_key(k, len) & (ns - 1);
		while (v->slots[h])
			h = (h + 1) & (ns - 1);
		v->slots[h] = (uint32_t)i + 1;
		for (size_t j = 0; j <= len; j++)
			fp = (fp ^ (uint8_t)k[j]) * 1099511628211ull;
	}
	v->keys_hash = v->nrefs ? fp : 0;
	return true;
}

static enum qerr load(struct db *db, struct text_vocab *v, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, "SELECT canonical, kind, term, weight FROM vocab ORDER BY id", err);
	if (!st)
		return err->code;
	size_t cap = 0;
	int step;
	while ((step = db_step(st, err)) == DB_ROW) {
		enum text_vocab_kind kind;
		struct entry en = {0};
		if (!text_vocab_kind_parse(db_col_text(st, 1), &kind) || !text_vocab_key(db_col_text(st, 0), en.ckey) ||
		    !text_vocab_key(db_col_text(st, 2), en.tkey) || strcmp(en.ckey, en.tkey) == 0)
			continue; /* the writers refuse these; a row that slipped in is ignored */
		int w = db_col_int(st, 3);
		en.kind = (uint8_t)kind;
		en.weight = (uint8_t)(w < 1 ? 1 : w > 100 ? 100 : w);
		en.canonical = strdup(db_col_text(st, 0));
		en.term = strdup(db_col_text(st, 2));
		if (v->n == cap) {
			size_t nc = cap ? cap * 2 : 256;
			struct entry *ne = realloc(v->e, nc * sizeof *ne);
			if (!ne) {
				free(en.canonical);
				free(en.term);
				db_reset(st);
				return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
			}
			v->e = ne;
			cap = nc;
		}
		v->e[v->n++] = en;
		if (!en.canonical || !en.term) {
			db_reset(st);
			return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		}
	}
	db_reset(st);
	if (step < 0)
		return err->code;
	if (!index_keys(v))
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	return QERR_OK;
}

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct text_vocab *cached;

enum qerr text_vocab_get(struct db *db, struct text_vocab **out, struct qerror *err)
{
	*out = NULL;
	int64_t version;
	if (db_counter(db, "vocab", &version, err))
		return err->code;
	const char *path = db_path(db);
	pthread_mutex_lock(&cache_lock);
	if (cached && cached->version == version && strcmp(cached->path, path) == 0) {
		atomic_fetch_add(&cached->refs, 1);
		*out = cached;
		pthread_mutex_unlock(&cache_lock);
		return QERR_OK;
	}
	pthread_mutex_unlock(&cache_lock);
	struct text_vocab *v = calloc(1, sizeof *v);
	if (!v || !(v->path = strdup(path))) {
		vocab_free(v);
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	}
	atomic_init(&v->refs, 1);
	v->version = version;
	enum qerr rc = load(db, v, err);
	if (rc) {
		vocab_free(v);
		return rc;
	}
	pthread_mutex_lock(&cache_lock);
	/* keep the newer of ours and one another thread cached meanwhile */
	if (!cached || strcmp(cached->path, path) != 0 || cached->version <= version) {
		struct text_vocab *old = cached;
		atomic_fetch_add(&v->refs, 1);
		cached = v;
		pthread_mutex_unlock(&cache_lock);
		text_vocab_release(old);
	} else {
		pthread_mutex_unlock(&cache_lock);
	}
	*out = v;
	return QERR_OK;
}

void text_vocab_reset(void)
{
	pthread_mutex_lock(&cache_lock);
	struct text_vocab *old = cached;
	cached = NULL;
	pthread_mutex_unlock(&cache_lock);
	text_vocab_release(old);
}

/* ---- compounds in a text ---- */

struct word {
	char term[TEXT_TOKEN_MAX + 1];
	size_t len, start, end;
};

static bool ascii_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * Two words touch: nothing between them, or only spaces or hyphens next to
 * a Latin or digit word (CNC 加工, O-ring). Spaces between Chinese words
 * separate attributes (碳酸锂 电池级 is no 锂电池).
 */
static bool touching(const char *text, size_t end, size_t start)
{
	if (start < end)
		return false;
	if (start == end)
		return true;
	for (size_t i = end; i < start; i++)
		if (text[i] != ' ' && text[i] != '-')
			return false;
	return end > 0 && (ascii_alnum(text[end - 1]) || ascii_alnum(text[start]));
}

/* Concatenates w[from..to) into buf[TEXT_TOKEN_MAX + 1] if they touch; its length, or 0. */
static size_t span_key(const char *text, const struct word *w, int from, int to, char *buf)
{
	size_t len = 0;
	for (int i = from; i < to; i++) {
		if (i > from && !touching(text, w[i - 1].end, w[i].start))
			return 0;
		if (len + w[i].len > TEXT_TOKEN_MAX)
			return 0;
		memcpy(buf + len, w[i].term, w[i].len);
		len += w[i].len;
	}
	buf[len] = '\0';
	return len;
}

struct vtok {
	const struct text_vocab *v;
	const char *text;
	text_token_fn fn;
	void *ctx;
	struct word w[TEXT_VOCAB_MAX_SPAN];
	int nw;
};

static int vtok_cb(void *ctx, const struct text_token *tok)
{
	struct vtok *t = ctx;
	int rc = t->fn(t->ctx, tok);
	if (rc || (tok->flags & TEXT_TOKEN_SUBWORD))
		return rc;
	if (t->nw == TEXT_VOCAB_MAX_SPAN) {
		memmove(t->w, t->w + 1, (TEXT_VOCAB_MAX_SPAN - 1) * sizeof t->w[0]);
		t->nw--;
	}
	struct word *w = &t->w[t->nw++];
	memcpy(w->term, tok->term, tok->len);
	w->term[tok->len] = '\0';
	w->len = tok->len;
	w->start = tok->start;
	w->end = tok->end;
	char buf[TEXT_TOKEN_MAX + 1];
	for (int from = t->nw - 2; from >= 0; from--) {
		size_t len = span_key(t->text, t->w, from, t->nw, buf);
		if (!len)
			break;
		if (find_key(t->v, buf, len) == UINT32_MAX)
			continue;
		struct text_token c = {.term = buf, .len = len, .start = t->w[from].start, .end = w->end,
				       .flags = TEXT_TOKEN_SUBWORD | TEXT_VOCAB_COMPOUND};
		rc = t->fn(t->ctx, &c);
		if (rc)
			return rc;
	}
	return 0;
}

int text_vocab_tokenize(const struct text_vocab *v, const char *text, size_t len, text_token_fn fn, void *ctx)
{
	if (!v || !v->nrefs)
		return text_tokenize(text, len, fn, ctx);
	struct vtok t = {.v = v, .text = text, .fn = fn, .ctx = ctx};
	return text_tokenize(text, len, vtok_cb, &t);
}

/* ---- query expansion ---- */

#define QMAX_WORDS 128
#define QMAX_CAND 256

struct qword {
	struct word w;
	int first_sub, nsub; /* its sub-words in subs[] */
	bool in_compound;
};

struct expand {
	const struct text_vocab *v;
	const char *text;
	struct qword words[QMAX_WORDS];
	int nwords;
	struct word subs[QMAX_WORDS * 2];
	int nsubs;
	struct text_vocab_term cand[QMAX_CAND];
	int ncand;
};

static int expand_collect(void *ctx, const struct text_token *tok)
{
	struct expand *x = ctx;
	if (tok->flags & TEXT_TOKEN_SUBWORD) {
		if (x->nwords == 0 || x->nsubs == (int)(sizeof x->subs / sizeof x->subs[0]))
			return 0;
		struct word *s = &x->subs[x->nsubs++];
		memcpy(s->term, tok->term, tok->len);
		s->term[tok->len] = '\0';
		s->len = tok->len;
		s->start = tok->start;
		s->end = tok->end;
		x->words[x->nwords - 1].nsub++;
		return 0;
	}
	if (x->nwords == QMAX_WORDS)
		return 1;
	struct qword *q = &x->words[x->nwords++];
	memset(q, 0, sizeof *q);
	memcpy(q->w.term, tok->term, tok->len);
	q->w.term[tok->len] = '\0';
	q->w.len = tok->len;
	q->w.start = tok->start;
	q->w.end = tok->end;
	q->first_sub = x->nsubs;
	return 0;
}

/* Adds or strengthens a candidate term (unique by key; the heaviest wins, a query word of weight 1 stays). */
static void add_cand(struct expand *x, const char *key, const char *display, size_t dlen, double weight,
		     enum text_vocab_origin origin, int kind, const char *explain)
{
	if (weight < TEXT_VOCAB_W_MIN || !*key)
		return;
	for (int i = 0; i < x->ncand; i++)
		if (strcmp(x->cand[i].key, key) == 0) {
			struct text_vocab_term *c = &x->cand[i];
			/* heavier wins; at equal weight an explained expansion beats a bare part of a compound */
			if (weight > c->weight + 1e-12 ||
			    (weight > c->weight - 1e-12 && c->origin == TEXT_VOCAB_PART && origin == TEXT_VOCAB_EXPANDED)) {
				c->weight = weight;
				c->origin = origin;
				c->kind = kind;
				snprintf(c->explain, sizeof c->explain, "%s", explain ? explain : "");
			}
			return;
		}
	if (x->ncand == QMAX_CAND)
		return;
	struct text_vocab_term *c = &x->cand[x->ncand];
	c->order = x->ncand++;
	c->own = origin != TEXT_VOCAB_EXPANDED;
	snprintf(c->key, sizeof c->key, "%s", key);
	if (dlen >= sizeof c->display)
		dlen = sizeof c->display - 1;
	memcpy(c->display, display, dlen);
	c->display[dlen] = '\0';
	c->weight = weight;
	c->origin = origin;
	c->kind = kind;
	snprintf(c->explain, sizeof c->explain, "%s", explain ? explain : "");
}

/* Weight of a query word inside a compound: lighter for a single character. */
static double part_weight(const char *term, size_t len)
{
	/* one UTF-8 character of 3 bytes (a CJK character) or one ASCII byte */
	bool single = len == 1 || (len == 3 && (uint8_t)term[0] >= 0xe0 && (uint8_t)term[0] < 0xf0);
	return single ? TEXT_VOCAB_W_PART_CHAR : TEXT_VOCAB_W_PART;
}

/* The vocabulary's expansions of query key (written as shown), found at weight b. */
static void expand_key(struct expand *x, const char *key, const char *shown, double b)
{
	const struct text_vocab *v = x->v;
	uint32_t first = find_key(v, key, strlen(key));
	if (first == UINT32_MAX)
		return;
	char why[200];
	for (uint32_t r = first; r < v->nrefs && strcmp(v->refs_by_key[r].key, key) == 0; r++) {
		const struct entry *e = &v->e[v->refs_by_key[r].entry];
		double w = b * e->weight / 100.0;
		const char *kz = text_vocab_kind_zh[e->kind];
		if (v->refs_by_key[r].role == 1) { /* the query says e->term */
			if (e->kind == TEXT_VOCAB_NARROWER) {
				snprintf(why, sizeof why, "%s ⊂ %s (%s)", shown, e->canonical, kz);
				add_cand(x, e->ckey, e->canonical, strlen(e->canonical), w * TEXT_VOCAB_W_BROADER,
					 TEXT_VOCAB_EXPANDED, e->kind, why);
				continue;
			}
			snprintf(why, sizeof why, "%s → %s (%s)", shown, e->canonical, kz);
			add_cand(x, e->ckey, e->canonical, strlen(e->canonical), w, TEXT_VOCAB_EXPANDED, e->kind, why);
			/* the canonical term's other names, its narrower terms and what it is a kind of */
			uint32_t c0 = find_key(v, e->ckey, strlen(e->ckey));
			for (uint32_t c = c0; c != UINT32_MAX && c < v->nrefs && strcmp(v->refs_by_key[c].key, e->ckey) == 0;
			     c++) {
				const struct entry *e2 = &v->e[v->refs_by_key[c].entry];
				if (e2 == e)
					continue;
				double w2 = w * e2->weight / 100.0;
				if (v->refs_by_key[c].role == 1) {
					if (e2->kind == TEXT_VOCAB_NARROWER && strcmp(e2->ckey, key) != 0) {
						snprintf(why, sizeof why, "%s → %s (%s); %s ⊂ %s (%s)", shown, e->canonical, kz,
							 e->canonical, e2->canonical, text_vocab_kind_zh[e2->kind]);
						add_cand(x, e2->ckey, e2->canonical, strlen(e2->canonical), w2 * TEXT_VOCAB_W_BROADER,
							 TEXT_VOCAB_EXPANDED, e2->kind, why);
					}
					continue;
				}
				if (strcmp(e2->tkey, key) == 0)
					continue;
				if (e2->kind == TEXT_VOCAB_NARROWER) {
					snprintf(why, sizeof why, "%s → %s (%s); %s ⊂ %s (%s)", shown, e->canonical, kz,
						 e2->term, e->canonical, text_vocab_kind_zh[e2->kind]);
					add_cand(x, e2->tkey, e2->term, strlen(e2->term), w2 * W_NARROWER, TEXT_VOCAB_EXPANDED,
						 e2->kind, why);
				} else {
					snprintf(why, sizeof why, "%s → %s (%s) → %s (%s)", shown, e->canonical, kz, e2->term,
						 text_vocab_kind_zh[e2->kind]);
					add_cand(x, e2->tkey, e2->term, strlen(e2->term), w2, TEXT_VOCAB_EXPANDED, e2->kind, why);
				}
			}
		} else { /* the query says e->canonical */
			if (e->kind == TEXT_VOCAB_NARROWER) {
				snprintf(why, sizeof why, "%s ⊂ %s (%s)", e->term, shown, kz);
				add_cand(x, e->tkey, e->term, strlen(e->term), w * W_NARROWER, TEXT_VOCAB_EXPANDED, e->kind,
					 why);
			} else {
				snprintf(why, sizeof why, "%s → %s (%s)", shown, e->term, kz);
				add_cand(x, e->tkey, e->term, strlen(e->term), w, TEXT_VOCAB_EXPANDED, e->kind, why);
			}
		}
	}
}

/* The query's own terms first in text order, then expansions heaviest first (ties: found first). */
static int cmp_cand(const void *a, const void *b)
{
	const struct text_vocab_term *x = a, *y = b;
	bool qx = x->own, qy = y->own;
	if (qx != qy)
		return qx ? -1 : 1;
	if (!qx && x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return x->order - y->order;
}

int text_vocab_expand(const struct text_vocab *v, const char *text, size_t len, struct text_vocab_expansion *out)
{
	out->n = 0;
	struct expand *x = calloc(1, sizeof *x);
	if (!x)
		return TEXT_TOKENIZE_NOMEM;
	x->v = v && v->nrefs ? v : NULL;
	x->text = text;
	int rc = text_tokenize(text, len, expand_collect, x);
	if (rc < 0) {
		free(x);
		return rc;
	}
	/* compounds: the longest span of touching words the vocabulary knows, left to right */
	struct {
		int from, to;
		char key[TEXT_TOKEN_MAX + 1];
	} found[QMAX_WORDS];
	int nfound = 0;
	for (int i = 0; x->v && i < x->nwords;) {
		int took = 0;
		struct word span[TEXT_VOCAB_MAX_SPAN];
		int maxl = x->nwords - i < TEXT_VOCAB_MAX_SPAN ? x->nwords - i : TEXT_VOCAB_MAX_SPAN;
		for (int l = 0; l < maxl; l++)
			span[l] = x->words[i + l].w;
		for (int l = maxl; l >= 1 && !took; l--) {
			char buf[TEXT_TOKEN_MAX + 1];
			size_t kl = span_key(text, span, 0, l, buf);
			if (!kl || find_key(x->v, buf, kl) == UINT32_MAX)
				continue;
			found[nfound].from = i;
			found[nfound].to = i + l;
			memcpy(found[nfound].key, buf, kl + 1);
			nfound++;
			took = l;
		}
		i += took ? took : 1;
	}
	/* the query's words: weight 1 where they stand alone, lighter where they are part of a known term */
	for (int f = 0; f < nfound; f++)
		for (int i = found[f].from; i < found[f].to; i++)
			x->words[i].in_compound = true;
	for (int i = 0; i < x->nwords; i++) {
		const struct qword *q = &x->words[i];
		bool alone = !q->in_compound;
		for (int j = 0; !alone && j < x->nwords; j++)
			if (!x->words[j].in_compound && strcmp(x->words[j].w.term, q->w.term) == 0)
				alone = true;
		double w = alone ? 1.0 : part_weight(q->w.term, q->w.len);
		/* a single word the vocabulary knows keeps weight 1; its sub-words go lighter */
		bool known_word = false;
		for (int f = 0; f < nfound; f++)
			if (found[f].from == i && found[f].to == i + 1)
				known_word = true;
		if (known_word)
			w = 1.0;
		add_cand(x, q->w.term, text + q->w.start, q->w.end - q->w.start, w,
			 w < 1.0 ? TEXT_VOCAB_PART : TEXT_VOCAB_QUERY, -1, NULL);
		for (int s = q->first_sub; s < q->first_sub + q->nsub; s++) {
			double ws = (known_word || !alone) ? part_weight(x->subs[s].term, x->subs[s].len) : 1.0;
			if (ws < 1.0 && ws < TEXT_VOCAB_W_PART)
				ws = TEXT_VOCAB_W_PART; /* sub-words have 2+ characters */
			add_cand(x, x->subs[s].term, text + x->subs[s].start, x->subs[s].end - x->subs[s].start, ws,
				 ws < 1.0 ? TEXT_VOCAB_PART : TEXT_VOCAB_QUERY, -1, NULL);
		}
	}
	/* the words inside a compound expand too, at their lighter weight (伺服马达: 马达 → 电机) */
	for (int f = 0; f < nfound; f++)
		for (int i = found[f].from; found[f].to - found[f].from > 1 && i < found[f].to; i++) {
			const struct qword *q = &x->words[i];
			char shown[TEXT_VOCAB_TERM_MAX + 4];
			snprintf(shown, sizeof shown, "%.*s", (int)(q->w.end - q->w.start), text + q->w.start);
			expand_key(x, q->w.term, shown, part_weight(q->w.term, q->w.len));
		}
	for (int f = 0; f < nfound; f++) {
		const struct word *a = &x->words[found[f].from].w, *z = &x->words[found[f].to - 1].w;
		char shown[TEXT_VOCAB_TERM_MAX + 4];
		size_t sl = z->end - a->start;
		if (sl >= sizeof shown)
			sl = sizeof shown - 1;
		memcpy(shown, text + a->start, sl);
		shown[sl] = '\0';
		if (found[f].to - found[f].from > 1)
			add_cand(x, found[f].key, shown, sl, 1.0, TEXT_VOCAB_WHOLE, -1, NULL);
		expand_key(x, found[f].key, shown, 1.0);
	}
	/*
	 * An expansion spelling a heavier term inside it (永磁同步电机 holds 电机, 尼龙锁紧螺母 holds 螺母) says
	 * nothing new about a listing that the heavier term does not: without this, a generic query
	 * (螺母) would rank the listings that stack several narrower names above the plain product.
	 */
	for (int i = 0; i < x->ncand; i++) {
		struct text_vocab_term *c = &x->cand[i];
		if (c->origin != TEXT_VOCAB_EXPANDED)
			continue;
		for (int j = 0; j < x->ncand; j++) {
			const struct text_vocab_term *d = &x->cand[j];
			if (j != i && d->weight >= c->weight && d->origin != TEXT_VOCAB_PART && strstr(c->key, d->key)) {
				c->weight *= TEXT_VOCAB_W_REDUNDANT;
				break;
			}
		}
	}
	int kept = 0;
	for (int i = 0; i < x->ncand; i++)
		if (x->cand[i].weight >= TEXT_VOCAB_W_MIN)
			x->cand[kept++] = x->cand[i];
	x->ncand = kept;
	qsort(x->cand, (size_t)x->ncand, sizeof x->cand[0], cmp_cand);
	/*
	 * A long text (a demand's description) names its product in its own
	 * words already: few expansions there, the heaviest (each one is a
	 * posting list the search must walk).
	 */
	int own = 0, added = 0, words = x->nwords;
	for (int i = 0; i < x->ncand; i++)
		own += x->cand[i].own;
	int cap = own + (words > TEXT_VOCAB_LONG_TEXT ? TEXT_VOCAB_MAX_EXPANSIONS_LONG : TEXT_VOCAB_MAX_EXPANSIONS);
	for (int i = 0; i < x->ncand; i++)
		if (!x->cand[i].own && ++added > cap - own) {
			x->ncand = i;
			break;
		}
	out->n = x->ncand < TEXT_VOCAB_MAX_TERMS ? x->ncand : TEXT_VOCAB_MAX_TERMS;
	memcpy(out->t, x->cand, (size_t)out->n * sizeof out->t[0]);
	free(x);
	return 0;
}

/* ---- the shipped vocabulary ---- */

int text_vocab_seed_each(int (*fn)(void *ctx, const char *canonical, const char *kind, const char *term, int weight,
				   const char *source, long line),
			 void *ctx)
{
	const char *p = text_vocab_seed_tsv;
	long line = 0;
	char buf[1024];
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		line++;
		if (n && n < sizeof buf && p[0] != '#' && strncmp(p, "canonical\t", 10) != 0) {
			memcpy(buf, p, n);
			buf[n] = '\0';
			if (n && buf[n - 1] == '\r')
				buf[n - 1] = '\0';
			char *f[5];
			int nf = 0;
			char *s = buf;
			while (nf < 5) {
				f[nf++] = s;
				char *tab = strchr(s, '\t');
				if (!tab)
					break;
				*tab = '\0';
				s = tab + 1;
			}
			if (nf >= 4) {
				int rc = fn(ctx, f[0], f[1], f[2], (int)strtol(f[3], NULL, 10), nf == 5 ? f[4] : "", line);
				if (rc)
					return rc;
			}
		}
		p += n;
		if (*p == '\n')
			p++;
	}
	return 0;
}
