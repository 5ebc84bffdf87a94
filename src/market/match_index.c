/*
 * match_index.c - the listing index behind market matching: building it
 * from the database, catching up by seq, and MaxScore top-k search over
 * block-max posting lists (see match_index.h for the shape and why).
 */
#include "market/match_index.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/qtime.h"
#include "text/tokenizer.h"
#include "text/vocab.h"

#define MI_BLOCK 64
#define BM25_K1 1.2
#define BM25_B 0.75
#define MI_KNORM 1024

struct mi_list {
	uint32_t *docs;
	uint8_t *freq;      /* NULL for segment lists (constant weight) */
	uint32_t *blast;    /* last doc of each block */
	uint8_t *bfreq;     /* highest frequency in each block */
	uint16_t *blen;     /* shortest document in each block */
	/* chunks: the document numbers >> chunk_shift holding postings (ascending), each one's best frequency and
	 * shortest document */
	uint32_t *cid;
	uint8_t *cfreq;
	uint16_t *clen;
	uint32_t nc, ccap;
	uint32_t n, cap;
	uint8_t max_freq;
	uint16_t min_len;
};

struct mi_term {
	uint32_t off;       /* into pool */
	uint8_t len;
	struct mi_list list;
};

struct mi_doc {
	int64_t id;
	int64_t enterprise_id;
	int64_t deadline;
	uint32_t sid;
	uint32_t region_off, cert_off;
	uint16_t region_n, cert_n;
	uint16_t len;
	uint8_t alive, is_public;
	float static_score;
};

/* What scoring reads for every candidate, packed apart from mi_doc so candidates stay in cache. */
struct mi_hot {
	uint16_t len;
	uint8_t alive;
	uint8_t has_certs;
	float static_score;
};

struct mi_index {
	/* The two locks first: clearing or swapping an index (index_data) never writes them, since threads
	 * waiting on them change them meanwhile (saving and restoring them once lost a waiter's update:
	 * two threads then built one index at once, a double free under ASan). */
	pthread_rwlock_t lock;
	pthread_mutex_t rebuild; /* held by the one thread rebuilding for another vocabulary (acquire) */
	enum mi_kind kind;
	bool built;
	char *path;
	int64_t version;
	/* terms */
	struct mi_term *terms;
	uint32_t nterms, terms_cap;
	uint32_t *slots; /* term id + 1, open addressing */
	uint32_t nslots;
	char *pool;
	size_t pool_len, pool_cap;
	/* segments: list per sid */
	struct mi_list *segs;
	uint32_t nsegs;
	/* certification tags interned, and the documents holding each */
	struct mi_list *cert_lists;
	uint32_t ncert_lists;
	char (*certs)[64];
	uint32_t ncerts, certs_cap;
	/* documents */
	struct mi_doc *docs;
	struct mi_hot *hot;
	uint32_t ndocs, docs_cap, hot_cap, alive;
	float max_static;
	uint64_t total_len;
	uint32_t *regions; /* region codes as numbers: 32, 3205, 320505 */
	size_t nregions, regions_cap;
	uint16_t *doc_certs;
	size_t ndoc_certs, doc_certs_cap;
	uint32_t *doc_of; /* listing id -> doc + 1 */
	size_t doc_of_cap;
	int64_t postings;
	double build_ms;
	/* per-enterprise scorecard bonus, and the counters the static scores were computed at */
	int64_t *static_ent;
	float *static_val;
	size_t nstatic;
	int64_t static_enterprises, static_orders;
	/* the vocabulary whose compounds the documents were indexed with (and the queries expanded with) */
	struct text_vocab *vocab;
	uint64_t vocab_hash;
};

static atomic_bool cancel_builds;

/*
 * Chunks of 2^chunk_shift document numbers: every list knows its best
 * frequency and shortest document in each chunk it has postings in, so a
 * search bounds a list per chunk (0 where it has no posting). A full build
 * numbers listings by segment and title, so outside the query's own
 * products most of its words are absent and whole chunks are skipped.
 */
static unsigned chunk_shift = MI_CHUNK_SHIFT;

void mi_set_chunk_shift(unsigned shift)
{
	mi_reset();
	chunk_shift = shift < 2 ? 2 : shift > 24 ? 24 : shift;
}

void mi_cancel_builds(bool on)
{
	atomic_store(&cancel_builds, on);
}

static struct mi_index indexes[2] = {
	{.lock = PTHREAD_RWLOCK_INITIALIZER, .rebuild = PTHREAD_MUTEX_INITIALIZER, .kind = MI_SUPPLIES},
	{.lock = PTHREAD_RWLOCK_INITIALIZER, .rebuild = PTHREAD_MUTEX_INITIALIZER, .kind = MI_DEMANDS},
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Grows *p (of elem-sized items, *cap of them) to hold need; false when out of memory. */
static bool grow(void *p, size_t elem, size_t *cap, size_t need)
{
	if (need <= *cap)
		return true;
	size_t c = *cap ? *cap : 16;
	while (c < need)
		c *= 2;
	void *n = realloc(*(void **)p, c * elem);
	if (!n)
		return false;
	*(void **)p = n;
	*cap = c;
	return true;
}

static bool grow32(void *p, size_t elem, uint32_t *cap, size_t need)
{
	size_t c = *cap;
	bool ok = grow(p, elem, &c, need);
	*cap = (uint32_t)c;
	return ok;
}

static void list_free(struct mi_list *l)
{
	free(l->docs);
	free(l->freq);
	free(l->blast);
	free(l->bfreq);
	free(l->blen);
	free(l->cid);
	free(l->cfreq);
	free(l->clen);
	memset(l, 0, sizeof *l);
}

static bool list_add(struct mi_list *l, uint32_t doc, int freq, uint16_t len, bool with_freq)
{
	if (l->n == l->cap) {
		uint32_t c = l->cap ? l->cap * 2 : 4;
		uint32_t *d = realloc(l->docs, c * sizeof *d);
		if (!d)
			return false;
		l->docs = d;
		if (with_freq) {
			uint8_t *f = realloc(l->freq, c);
			if (!f)
				return false;
			l->freq = f;
		}
		uint32_t nb = (c + MI_BLOCK - 1) / MI_BLOCK;
		uint32_t *bl = realloc(l->blast, nb * sizeof *bl);
		if (!bl)
			return false;
		l->blast = bl;
		uint8_t *bf = realloc(l->bfreq, nb);
		if (!bf)
			return false;
		l->bfreq = bf;
		uint16_t *bn = realloc(l->blen, nb * sizeof *bn);
		if (!bn)
			return false;
		l->blen = bn;
		l->cap = c;
	}
	uint8_t f = (uint8_t)(freq > 255 ? 255 : freq);
	uint32_t b = l->n / MI_BLOCK;
	if (l->n % MI_BLOCK == 0) {
		l->bfreq[b] = f;
		l->blen[b] = len;
	} else {
		if (f > l->bfreq[b])
			l->bfreq[b] = f;
		if (len < l->blen[b])
			l->blen[b] = len;
	}
	l->blast[b] = doc;
	uint32_t ch = doc >> chunk_shift;
	if (l->nc == 0 || l->cid[l->nc - 1] != ch) {
		if (l->nc == l->ccap) {
			uint32_t c = l->ccap ? l->ccap * 2 : 4;
			uint32_t *ci = realloc(l->cid, c * sizeof *ci);
			if (!ci)
				return false;
			l->cid = ci;
			uint8_t *cf = realloc(l->cfreq, c);
			if (!cf)
				return false;
			l->cfreq = cf;
			uint16_t *cl = realloc(l->clen, c * sizeof *cl);
			if (!cl)
				return false;
			l->clen = cl;
			l->ccap = c;
		}
		l->cid[l->nc] = ch;
		l->cfreq[l->nc] = f;
		l->clen[l->nc] = len;
		l->nc++;
	} else {
		if (f > l->cfreq[l->nc - 1])
			l->cfreq[l->nc - 1] = f;
		if (len < l->clen[l->nc - 1])
			l->clen[l->nc - 1] = len;
	}
	if (l->n == 0 || f > l->max_freq)
		l->max_freq = f;
	if (l->n == 0 || len < l->min_len)
		l->min_len = len;
	l->docs[l->n] = doc;
	if (with_freq)
		l->freq[l->n] = f;
	l->n++;
	return true;
}

static size_t list_bytes(const struct mi_list *l, bool with_freq)
{
	size_t nb = (l->cap + MI_BLOCK - 1) / MI_BLOCK;
	return l->cap * (4 + (with_freq ? 1 : 0)) + nb * (4 + 1 + 2) + (size_t)l->ccap * (4 + 1 + 2);
}

static uint32_t hash_term(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

/* Everything of an index but its locks (they come first in struct mi_index). */
#define INDEX_DATA_OFF offsetof(struct mi_index, kind)
#define INDEX_DATA_SIZE (sizeof(struct mi_index) - INDEX_DATA_OFF)
static void *index_data(struct mi_index *ix) { return (char *)ix + INDEX_DATA_OFF; }

static void index_clear(struct mi_index *ix)
{
	for (uint32_t i = 0; i < ix->nterms; i++)
		list_free(&ix->terms[i].list);
	for (uint32_t i = 0; i < ix->nsegs; i++)
		list_free(&ix->segs[i]);
	for (uint32_t i = 0; i < ix->ncert_lists; i++)
		list_free(&ix->cert_lists[i]);
	free(ix->cert_lists);
	free(ix->terms);
	free(ix->slots);
	free(ix->pool);
	free(ix->segs);
	free(ix->certs);
	free(ix->docs);
	free(ix->hot);
	free(ix->regions);
	free(ix->doc_certs);
	free(ix->doc_of);
	free(ix->static_ent);
	free(ix->static_val);
	free(ix->path);
	text_vocab_release(ix->vocab);
	enum mi_kind kind = ix->kind;
	memset(index_data(ix), 0, INDEX_DATA_SIZE);
	ix->kind = kind;
}

void mi_reset(void)
{
	for (int k = 0; k < 2; k++) {
		pthread_rwlock_wrlock(&indexes[k].lock);
		index_clear(&indexes[k]);
		pthread_rwlock_unlock(&indexes[k].lock);
	}
}

/* Term id of s, or UINT32_MAX when absent (and !add) or out of memory. */
static uint32_t term_id(struct mi_index *ix, const char *s, size_t n, bool add)
{
	if (ix->nslots == 0) {
		if (!add)
			return UINT32_MAX;
		ix->nslots = 1u << 16;
		ix->slots = calloc(ix->nslots, sizeof *ix->slots);
		if (!ix->slots)
			return UINT32_MAX;
	}
	uint32_t mask = ix->nslots - 1;
	for (uint32_t h = hash_term(s, n) & mask;; h = (h + 1) & mask) {
		uint32_t t = ix->slots[h];
		if (!t)
			break;
		struct mi_term *tm = &ix->terms[t - 1];
		if (tm->len == n && memcmp(ix->pool + tm->off, s, n) == 0)
			return t - 1;
	}
	if (!add)
		return UINT32_MAX;
	if ((ix->nterms + 1) * 2 > ix->nslots) {
		uint32_t ns = ix->nslots * 2;
		uint32_t *slots = calloc(ns, sizeof *slots);
		if (!slots)
			return UINT32_MAX;
		for (uint32_t i = 0; i < ix->nterms; i++) {
			struct mi_term *tm = &ix->terms[i];
			uint32_t h = hash_term(ix->pool + tm->off, tm->len) & (ns - 1);
			while (slots[h])
				h = (h + 1) & (ns - 1);
			slots[h] = i + 1;
		}
		free(ix->slots);
		ix->slots = slots;
		ix->nslots = ns;
		mask = ns - 1;
	}
	if (!grow32(&ix->terms, sizeof *ix->terms, &ix->terms_cap, ix->nterms + 1) ||
	    !grow(&ix->pool, 1, &ix->pool_cap, ix->pool_len + n))
		return UINT32_MAX;
	struct mi_term *tm = &ix->terms[ix->nterms];
	memset(tm, 0, sizeof *tm);
	tm->off = (uint32_t)ix->pool_len;
	tm->len = (uint8_t)n;
	memcpy(ix->pool + ix->pool_len, s, n);
	ix->pool_len += n;
	uint32_t h = hash_term(s, n) & mask;
	while (ix->slots[h])
		h = (h + 1) & mask;
	ix->slots[h] = ++ix->nterms;
	return ix->nterms - 1;
}

/* Interned certification id of tag, or UINT16_MAX when absent (and !add). */
static uint16_t cert_id(struct mi_index *ix, const char *s, size_t n, bool add)
{
	if (n == 0 || n >= 64)
		return UINT16_MAX;
	for (uint32_t i = 0; i < ix->ncerts; i++)
		if (strlen(ix->certs[i]) == n && memcmp(ix->certs[i], s, n) == 0)
			return (uint16_t)i;
	if (!add || ix->ncerts >= UINT16_MAX - 1 ||
	    !grow32(&ix->certs, sizeof *ix->certs, &ix->certs_cap, ix->ncerts + 1))
		return UINT16_MAX;
	memcpy(ix->certs[ix->ncerts], s, n);
	ix->certs[ix->ncerts][n] = '\0';
	return (uint16_t)ix->ncerts++;
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* Calls fn on every ';'- or ','-separated trimmed part of s. */
static void each_part(const char *s, void (*fn)(void *, const char *, size_t), void *ctx)
{
	while (s && *s) {
		const char *e = s;
		while (*e && *e != ';' && *e != ',')
			e++;
		const char *a = s, *b = e;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (b > a)
			fn(ctx, a, (size_t)(b - a));
		s = *e ? e + 1 : e;
	}
}

static uint32_t region_code(const char *s, size_t n)
{
	if (n != 2 && n != 4 && n != 6)
		return 0;
	uint32_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	return v;
}

static int code_digits(uint32_t c)
{
	return c >= 10000 ? 6 : c >= 100 ? 4 : 2;
}

/* The code's prefix of 2*level digits (level 1..3), or 0 when it is shorter. */
static uint32_t code_prefix(uint32_t c, int level)
{
	int d = code_digits(c);
	if (2 * level > d)
		return 0;
	while (d > 2 * level) {
		c /= 100;
		d -= 2;
	}
	return c;
}

static int code_level(uint32_t a, uint32_t b)
{
	for (int l = 3; l >= 1; l--) {
		uint32_t pa = code_prefix(a, l), pb = code_prefix(b, l);
		if (pa && pa == pb)
			return l;
	}
	return 0;
}

int mi_region_level(const char *a, size_t alen, const char *b, size_t blen)
{
	uint32_t ca = region_code(a, alen), cb = region_code(b, blen);
	return ca && cb ? code_level(ca, cb) : 0;
}

static const double region_weight[4] = {0, MI_W_REGION_PROVINCE, MI_W_REGION_CITY, MI_W_REGION_COUNTY};

double mi_region_weight(int level)
{
	return level >= 0 && level <= 3 ? region_weight[level] : 0;
}

/* ---- building ---- */

struct doc_build {
	struct mi_index *ix;
	uint32_t *tids;
	uint8_t *wts;
	size_t n, cap, wts_cap;
	uint64_t *pairs;
	size_t pairs_cap;
	uint32_t len;
	uint8_t weight;
	bool oom;
};

static int collect_term(void *ctx, const struct text_token *tok)
{
	struct doc_build *b = ctx;
	uint32_t t = term_id(b->ix, tok->term, tok->len, true);
	if (t == UINT32_MAX || !grow(&b->tids, sizeof *b->tids, &b->cap, b->n + 1)) {
		b->oom = true;
		return 1;
	}
	if (!grow(&b->wts, 1, &b->wts_cap, b->n + 1)) {
		b->oom = true;
		return 1;
	}
	b->tids[b->n] = t;
	b->wts[b->n] = b->weight;
	b->n++;
	if (!(tok->flags & TEXT_TOKEN_SUBWORD))
		b->len++;
	return 0;
}

struct doc_row {
	int64_t id, enterprise_id, deadline;
	uint32_t sid;
	const char *title, *description, *regions, *ent_region, *certs;
	bool is_public;
	float static_score;
};

static void add_region(void *ctx, const char *s, size_t n)
{
	struct mi_index *ix = ctx;
	uint32_t c = region_code(s, n);
	if (c && grow(&ix->regions, sizeof *ix->regions, &ix->regions_cap, ix->nregions + 1))
		ix->regions[ix->nregions++] = c;
}

static void add_cert(void *ctx, const char *s, size_t n)
{
	struct mi_index *ix = ctx;
	uint16_t c = cert_id(ix, s, n, true);
	if (c != UINT16_MAX && grow(&ix->doc_certs, sizeof *ix->doc_certs, &ix->doc_certs_cap, ix->ndoc_certs + 1))
		ix->doc_certs[ix->ndoc_certs++] = c;
}

static int cmp_u64_wrapper(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void kill_listing(struct mi_index *ix, int64_t id)
{
	if (id <= 0 || (size_t)id >= ix->doc_of_cap || !ix->doc_of[id])
		return;
	struct mi_doc *d = &ix->docs[ix->doc_of[id] - 1];
	if (d->alive) {
		d->alive = 0;
		ix->hot[ix->doc_of[id] - 1].alive = 0;
		ix->alive--;
		ix->total_len -= d->len;
	}
	ix->doc_of[id] = 0;
}

static enum qerr add_doc(struct mi_index *ix, const struct doc_row *r, struct doc_build *b, struct qerror *err)
{
	kill_listing(ix, r->id);
	size_t old_cap = ix->doc_of_cap;
	if (!grow32(&ix->docs, sizeof *ix->docs, &ix->docs_cap, ix->ndocs + 1) ||
	    !grow32(&ix->hot, sizeof *ix->hot, &ix->hot_cap, ix->ndocs + 1) ||
	    !grow(&ix->doc_of, sizeof *ix->doc_of, &ix->doc_of_cap, (size_t)r->id + 1))
		goto oom;
	if (ix->doc_of_cap > old_cap)
		memset(ix->doc_of + old_cap, 0, (ix->doc_of_cap - old_cap) * sizeof *ix->doc_of);
	uint32_t docno = ix->ndocs;
	struct mi_doc *d = &ix->docs[docno];
	memset(d, 0, sizeof *d);
	d->id = r->id;
	d->enterprise_id = r->enterprise_id;
	d->deadline = r->deadline;
	d->sid = r->sid;
	d->is_public = r->is_public;
	d->static_score = r->static_score;
	d->region_off = (uint32_t)ix->nregions;
	if (r->ent_region)
		add_region(ix, r->ent_region, strlen(r->ent_region));
	each_part(r->regions, add_region, ix);
	d->region_n = (uint16_t)(ix->nregions - d->region_off);
	d->cert_off = (uint32_t)ix->ndoc_certs;
	each_part(r->certs, add_cert, ix);
	d->cert_n = (uint16_t)(ix->ndoc_certs - d->cert_off);
	if (d->cert_n > 1)
		qsort(ix->doc_certs + d->cert_off, d->cert_n, sizeof *ix->doc_certs, cmp_u16);
	for (uint16_t i = 0; i < d->cert_n; i++) {
		uint16_t c = ix->doc_certs[d->cert_off + i];
		if (c >= ix->ncert_lists) {
			uint32_t nc = (uint32_t)c + 16;
			struct mi_list *cl = realloc(ix->cert_lists, nc * sizeof *cl);
			if (!cl)
				goto oom;
			memset(cl + ix->ncert_lists, 0, (nc - ix->ncert_lists) * sizeof *cl);
			ix->cert_lists = cl;
			ix->ncert_lists = nc;
		}
		if ((i == 0 || ix->doc_certs[d->cert_off + i - 1] != c) && !list_add(&ix->cert_lists[c], docno, 1, 0, false))
			goto oom;
	}

	b->n = 0;
	b->len = 0;
	b->weight = MI_TITLE_WEIGHT;
	int rc = text_vocab_tokenize(ix->vocab, r->title, strlen(r->title), collect_term, b);
	if (rc == 0) {
		b->weight = 1;
		rc = text_vocab_tokenize(ix->vocab, r->description, strlen(r->description), collect_term, b);
	}
	if (b->oom || rc == TEXT_TOKENIZE_NOMEM)
		goto oom;
	if (rc)
		return qerr_set(err, QERR_INTERNAL, "tokenizer_unavailable", NULL,
				"the Chinese word segmenter could not be loaded (see /etc/friso/friso.ini)");
	d->len = (uint16_t)(b->len > UINT16_MAX ? UINT16_MAX : b->len);
	/* Sum weights per term: sort (term, weight) pairs by term. */
	if (!grow(&b->pairs, sizeof *b->pairs, &b->pairs_cap, b->n ? b->n : 1))
		goto oom;
	uint64_t *pairs = b->pairs;
	for (size_t i = 0; i < b->n; i++)
		pairs[i] = ((uint64_t)b->tids[i] << 8) | b->wts[i];
	qsort(pairs, b->n, sizeof *pairs, cmp_u64_wrapper);
	for (size_t i = 0; i < b->n;) {
		uint32_t t = (uint32_t)(pairs[i] >> 8);
		int f = 0;
		while (i < b->n && (uint32_t)(pairs[i] >> 8) == t)
			f += (int)(pairs[i++] & 0xff);
		if (!list_add(&ix->terms[t].list, docno, f, d->len, true))
			goto oom;
		ix->postings++;
	}
	if (r->sid) {
		if (r->sid >= ix->nsegs) {
			uint32_t ns = r->sid + 16;
			struct mi_list *segs = realloc(ix->segs, ns * sizeof *segs);
			if (!segs)
				goto oom;
			memset(segs + ix->nsegs, 0, (ns - ix->nsegs) * sizeof *segs);
			ix->segs = segs;
			ix->nsegs = ns;
		}
		if (!list_add(&ix->segs[r->sid], docno, 1, d->len, false))
			goto oom;
	}
	d->alive = 1;
	ix->hot[docno] = (struct mi_hot){.len = d->len, .alive = 1, .has_certs = d->cert_n > 0,
					  .static_score = d->static_score};
	if (d->static_score > ix->max_static)
		ix->max_static = d->static_score;
	ix->ndocs++;
	ix->alive++;
	ix->total_len += d->len;
	ix->doc_of[r->id] = docno + 1;
	return QERR_OK;
oom:
	return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory building the match index");
}

/* "YYYY-MM-DDTHH:MM:SSZ" (or a date alone) as epoch seconds; 0 when absent or unreadable. */
static int64_t parse_time(const char *s)
{
	int64_t t;
	return qtime_parse(s, QTIME_OFFSET | QTIME_NO_ZONE | QTIME_DATE, &t, NULL) ? t : 0;
}

double mi_level_weight(const char *level)
{
	if (strcmp(level, "little_giant") == 0)
		return MI_W_LEVEL_MAX;
	if (strcmp(level, "provincial") == 0)
		return MI_W_LEVEL_PROVINCIAL;
	if (strcmp(level, "innovative") == 0)
		return MI_W_LEVEL_INNOVATIVE;
	return 0.0;
}

/*
 * A supplier's scorecard bonus: the mean of its on-time and acceptance
 * rates, scaled by MI_W_SCORECARD and by how much evidence there is (full
 * weight from five orders on). No orders, no bonus.
 */
double mi_scorecard_bonus(int64_t orders, int64_t delivered, int64_t on_time, int64_t accepted, int64_t rejected)
{
	if (orders <= 0)
		return 0;
	double on_time_rate = delivered > 0 ? (double)on_time / (double)delivered : 0.5;
	double accept_rate = accepted + rejected > 0 ? (double)accepted / (double)(accepted + rejected) : 0.5;
	double confidence = orders >= 5 ? 1.0 : (double)orders / 5.0;
	return MI_W_SCORECARD * confidence * (on_time_rate + accept_rate) / 2.0;
}

static enum qerr load_static(struct db *db, struct mi_index *ix, struct qerror *err)
{
	free(ix->static_ent);
	free(ix->static_val);
	ix->static_ent = NULL;
	ix->static_val = NULL;
	ix->nstatic = 0;
	struct db_stmt *st =
	    db_prepare(db,
		       "SELECT supplier_id, count(*), count(delivered_at),"
		       " sum(CASE WHEN delivered_at IS NOT NULL AND delivered_at <= due_at THEN 1 ELSE 0 END),"
		       " sum(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END),"
		       " sum(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END)"
		       " FROM orders GROUP BY supplier_id ORDER BY supplier_id",
		       err);
	if (!st)
		return err->code;
	size_t cap = 0;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (!grow(&ix->static_ent, sizeof *ix->static_ent, &cap, ix->nstatic + 1))
			return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		size_t c2 = ix->nstatic;
		if (!grow(&ix->static_val, sizeof *ix->static_val, &c2, cap))
			return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		ix->static_ent[ix->nstatic] = db_col_int64(st, 0);
		ix->static_val[ix->nstatic] =
		    (float)mi_scorecard_bonus(db_col_int64(st, 1), db_col_int64(st, 2), db_col_int64(st, 3),
					      db_col_int64(st, 4), db_col_int64(st, 5));
		ix->nstatic++;
	}
	db_reset(st);
	return rc < 0 ? err->code : QERR_OK;
}

static float scorecard_of(const struct mi_index *ix, int64_t enterprise_id)
{
	size_t lo = 0, hi = ix->nstatic;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ix->static_ent[mid] < enterprise_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ix->nstatic && ix->static_ent[lo] == enterprise_id ? ix->static_val[lo] : 0.0f;
}

/* Reads the listings written after seq `after` (all active ones when full) into the index. */
static enum qerr load_rows(struct db *db, struct mi_index *ix, int64_t after, bool full, struct qerror *err)
{
	/*
	 * A full build numbers documents by segment and then title, so that
	 * listings of one product sit next to each other: a query's candidates
	 * then come in runs, which keeps posting blocks and the per-document
	 * arrays in cache. Catching up appends in seq order.
	 */
#define SUPPLY_COLUMNS                                                                                                 \
	"SELECT s.id, s.enterprise_id, s.title, s.description, coalesce(s.sid,0), s.regions,"                          \
	" s.certifications, e.region, e.level, CASE WHEN s.status = 'active' THEN 1 ELSE 0 END, 0, 1"                  \
	" FROM supplies s JOIN enterprises e ON e.id = s.enterprise_id"
#define DEMAND_COLUMNS                                                                                                 \
	"SELECT d.id, d.enterprise_id, d.title, d.description, coalesce(d.sid,0),"                                     \
	" coalesce(d.region,''), d.certifications, NULL, 'none', CASE WHEN d.status = 'open' THEN 1 ELSE 0 END,"       \
	" coalesce(d.deadline,''), CASE WHEN d.visibility = 'public' THEN 1 ELSE 0 END FROM demands d"
	/* (1099511627776 = 2^40: listings without a segment sort after every sid.) */
	struct db_stmt *st;
	if (ix->kind == MI_SUPPLIES)
		st = full ? db_prepare(db,
				       SUPPLY_COLUMNS " WHERE s.seq > ?1 AND ?2 = 1 AND s.status = 'active'"
						      " ORDER BY coalesce(s.sid, 1099511627776), s.title, s.id",
				       err)
			  : db_prepare(db, SUPPLY_COLUMNS " WHERE s.seq > ?1 AND ?2 = 0 ORDER BY s.seq, s.id", err);
	else
		st = full ? db_prepare(db,
				       DEMAND_COLUMNS " WHERE d.seq > ?1 AND ?2 = 1 AND d.status = 'open'"
						      " ORDER BY coalesce(d.sid, 1099511627776), d.title, d.id",
				       err)
			  : db_prepare(db, DEMAND_COLUMNS " WHERE d.seq > ?1 AND ?2 = 0 ORDER BY d.seq, d.id", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, after);
	db_bind_int(st, 2, full);
	struct doc_build b = {.ix = ix};
	enum qerr rc = QERR_OK;
	int step;
	while ((step = db_step(st, err)) == DB_ROW) {
		struct doc_row r = {
		    .id = db_col_int64(st, 0),
		    .enterprise_id = db_col_int64(st, 1),
		    .title = db_col_text(st, 2),
		    .description = db_col_text(st, 3),
		    .sid = (uint32_t)db_col_int64(st, 4),
		    .regions = db_col_text(st, 5),
		    .certs = db_col_text(st, 6),
		    .ent_region = db_col_text_or_null(st, 7),
		    .is_public = db_col_int(st, 11) != 0,
		};
		r.static_score = (float)mi_level_weight(db_col_text(st, 8));
		if (ix->kind == MI_SUPPLIES)
			r.static_score += scorecard_of(ix, r.enterprise_id);
		else
			r.deadline = parse_time(db_col_text(st, 10));
		if ((r.id & 1023) == 0 && atomic_load(&cancel_builds)) {
			rc = qerr_set(err, QERR_UNAVAILABLE, "shutting_down", NULL, "the match index build was cancelled");
			break;
		}
		if (!db_col_int(st, 9)) {
			kill_listing(ix, r.id);
			continue;
		}
		rc = add_doc(ix, &r, &b, err);
		if (rc)
			break;
	}
	db_reset(st);
	free(b.tids);
	free(b.wts);
	free(b.pairs);
	if (rc)
		return rc;
	return step < 0 ? err->code : QERR_OK;
}

/*
 * Recomputes every supply's static score (专精特新 level + scorecard) after
 * enterprises or orders changed, so that pruning and ranking use today's
 * values: the scorecards from the orders, the levels of the enterprises
 * that are not 'none', then one pass over the documents.
 */
static enum qerr refresh_static(struct db *db, struct mi_index *ix, struct qerror *err)
{
	enum qerr rc = load_static(db, ix, err);
	if (rc)
		return rc;
	struct db_stmt *st = db_prepare(db, "SELECT id, level FROM enterprises WHERE level <> 'none' ORDER BY id", err);
	if (!st)
		return err->code;
	int64_t *ids = NULL;
	float *lv = NULL;
	size_t n = 0, cap = 0, lcap = 0;
	int step;
	while ((step = db_step(st, err)) == DB_ROW) {
		if (!grow(&ids, sizeof *ids, &cap, n + 1) || !grow(&lv, sizeof *lv, &lcap, n + 1)) {
			db_reset(st);
			free(ids);
			free(lv);
			return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		}
		ids[n] = db_col_int64(st, 0);
		lv[n++] = (float)mi_level_weight(db_col_text(st, 1));
	}
	db_reset(st);
	if (step < 0) {
		free(ids);
		free(lv);
		return err->code;
	}
	float max_static = 0;
	for (uint32_t d = 0; d < ix->ndocs; d++) {
		int64_t e = ix->docs[d].enterprise_id;
		size_t lo = 0, hi = n;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (ids[mid] < e)
				lo = mid + 1;
			else
				hi = mid;
		}
		float v = (lo < n && ids[lo] == e ? lv[lo] : 0.0f) + scorecard_of(ix, e);
		ix->docs[d].static_score = v;
		ix->hot[d].static_score = v;
		if (ix->docs[d].alive && v > max_static)
			max_static = v;
	}
	ix->max_static = max_static;
	free(ids);
	free(lv);
	return QERR_OK;
}

static const char *counter_name(enum mi_kind kind)
{
	return kind == MI_SUPPLIES ? "supplies" : "demands";
}

/* The change counters an index depends on, read in the caller's snapshot. */
struct mi_counters {
	int64_t listings, enterprises, orders;
};

static enum qerr read_counters(struct db *db, enum mi_kind kind, struct mi_counters *c, struct qerror *err)
{
	memset(c, 0, sizeof *c);
	if (db_counter(db, counter_name(kind), &c->listings, err))
		return err->code;
	if (kind == MI_SUPPLIES &&
	    (db_counter(db, "enterprises", &c->enterprises, err) || db_counter(db, "orders", &c->orders, err)))
		return err->code;
	return QERR_OK;
}

/* v NULL: whatever vocabulary the index has will do (another thread is rebuilding for the new one). */
static bool up_to_date(const struct mi_index *ix, const struct mi_counters *c, const char *path,
		       const struct text_vocab *v)
{
	return ix->built && ix->path && strcmp(ix->path, path) == 0 && ix->version >= c->listings &&
	       (!v || (ix->vocab_hash == text_vocab_keys_hash(v) && ix->vocab == v)) &&
	       (ix->kind != MI_SUPPLIES || (ix->static_enterprises >= c->enterprises && ix->static_orders >= c->orders));
}

/*
 * With the write lock held: makes ix reflect db at the counters c (never
 * going back), with vocabulary v (taken; NULL: keep the index's own).
 */
static enum qerr refresh_locked(struct db *db, struct mi_index *ix, const struct mi_counters *c,
				struct text_vocab *v, struct qerror *err)
{
	const char *path = db_path(db);
	/* other vocabulary keys: other compounds in the documents, so a full build */
	bool same_db = ix->built && ix->path && strcmp(ix->path, path) == 0 &&
		       (!v || ix->vocab_hash == text_vocab_keys_hash(v));
	bool too_dead = ix->ndocs > 1024 && ix->alive < ix->ndocs / 3 * 2;
	enum qerr rc = QERR_OK;
	if (same_db && !too_dead) {
		/* the same keys: take the newer snapshot (its expansions may differ) */
		if (v && v != ix->vocab) {
			text_vocab_release(ix->vocab);
			ix->vocab = v;
		} else {
			text_vocab_release(v);
		}
		/* Another thread with a newer snapshot may have been here first: only move forward. */
		if (c->listings > ix->version) {
			rc = load_rows(db, ix, ix->version, false, err);
			if (rc)
				goto fail; /* half-applied: rebuild next time */
			ix->version = c->listings;
		}
		if (ix->kind == MI_SUPPLIES && (c->enterprises > ix->static_enterprises || c->orders > ix->static_orders)) {
			rc = refresh_static(db, ix, err);
			if (rc)
				goto fail;
			ix->static_enterprises = c->enterprises;
			ix->static_orders = c->orders;
		}
		return QERR_OK;
	}
	double t0 = now_ms();
	if (!v && ix->vocab) /* a full build (too many dead documents) keeps the index's vocabulary */
		v = ix->vocab, ix->vocab = NULL;
	index_clear(ix);
	ix->vocab = v;
	ix->vocab_hash = text_vocab_keys_hash(v);
	ix->path = strdup(path);
	if (!ix->path)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	rc = ix->kind == MI_SUPPLIES ? load_static(db, ix, err) : QERR_OK;
	if (!rc)
		rc = load_rows(db, ix, -1, true, err);
	if (rc)
		goto fail;
	ix->version = c->listings;
	ix->static_enterprises = c->enterprises;
	ix->static_orders = c->orders;
	ix->built = true;
	ix->build_ms = now_ms() - t0;
	return QERR_OK;
fail:
	index_clear(ix);
	return rc;
}

/* Returns with ix read-locked and up to date, or an error with no lock held. */
static enum qerr acquire(struct db *db, struct mi_index *ix, struct qerror *err)
{
	struct mi_counters c;
	enum qerr rc = read_counters(db, ix->kind, &c, err);
	if (rc)
		return rc;
	struct text_vocab *v = NULL;
	rc = text_vocab_get(db, &v, err);
	if (rc)
		return rc;
	const char *path = db_path(db);
	pthread_rwlock_rdlock(&ix->lock);
	if (up_to_date(ix, &c, path, v)) {
		text_vocab_release(v);
		return QERR_OK;
	}
	bool other_keys = ix->built && ix->path && strcmp(ix->path, path) == 0 && ix->vocab_hash != text_vocab_keys_hash(v);
	pthread_rwlock_unlock(&ix->lock);
	if (other_keys) {
		/*
		 * The vocabulary's set of keys changed, so the documents' compounds
		 * did: one thread builds a new index aside while the others go on
		 * searching the current one (at 1M supplies a build takes ~30 s), then
		 * swaps it in. A thread that finds the build taken keeps the index's
		 * own vocabulary until then.
		 */
		if (pthread_mutex_trylock(&ix->rebuild) == 0) {
			struct mi_index *fresh = calloc(1, sizeof *fresh);
			if (!fresh) {
				pthread_mutex_unlock(&ix->rebuild);
				text_vocab_release(v);
				return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
			}
			fresh->kind = ix->kind;
			rc = refresh_locked(db, fresh, &c, v, err); /* takes v; nobody else sees fresh */
			if (!rc) {
				pthread_rwlock_wrlock(&ix->lock);
				index_clear(ix);
				memcpy(index_data(ix), index_data(fresh), INDEX_DATA_SIZE);
				pthread_rwlock_unlock(&ix->lock);
			}
			free(fresh);
			pthread_mutex_unlock(&ix->rebuild);
			if (rc)
				return rc;
			return acquire(db, ix, err); /* catch up with what was written meanwhile */
		}
		text_vocab_release(v);
		v = NULL;
		pthread_rwlock_rdlock(&ix->lock);
		if (up_to_date(ix, &c, path, NULL))
			return QERR_OK;
		pthread_rwlock_unlock(&ix->lock);
	}
	pthread_rwlock_wrlock(&ix->lock);
	rc = refresh_locked(db, ix, &c, v, err); /* takes v */
	pthread_rwlock_unlock(&ix->lock);
	if (rc)
		return rc;
	pthread_rwlock_rdlock(&ix->lock);
	return QERR_OK;
}

/* ---- searching ---- */

struct cursor {
	const struct mi_list *list;
	uint32_t pos;
	double idf;    /* 0 for a constant-weight list */
	double tw;     /* the term's weight in the query (text/vocab.h) */
	double weight; /* the constant */
	double ub;     /* the most one posting can add */
	int bit;       /* query term index, -1 for the segment list */
	uint32_t cpos; /* its chunk entry at or after the chunk being searched */
	double cub;    /* the most one posting of that chunk can add (0: none there) */
};

struct search {
	const struct mi_index *ix;
	const struct mi_query *q;
	struct cursor cur[MI_MAX_TERMS + 1];
	int m;
	double avgdl;
	uint32_t qregions[32];
	int nqregions;
	uint16_t qcerts[MI_MAX_CERTS];
	int nqcerts;
	bool impossible; /* a required certification nobody holds */
	double extra;    /* largest region + static bonus */
	double region_max;
	struct mi_hit *heap;
	int nheap, k;
	double floor; /* a proven lower bound of the final k-th score (prime_threshold) */
	struct cursor filter; /* documents holding the rarest required certification (list NULL: none) */
	/* inferred segments (the query named none): their sids and bonuses, and the largest */
	int ninfer;
	uint32_t infer_sid[MI_INFER_SEGMENTS];
	double infer_w[MI_INFER_SEGMENTS];
	double infer_max;
	double knorm[MI_KNORM];	    /* bm25's length normalisation of documents of 0..MI_KNORM-1 words (avgdl fixed) */
	int64_t candidates, probes; /* counters for mi_terms */
	int expanded;
};

/* The inferred-segment bonus of document d. */
static double infer_bonus(const struct search *s, uint32_t d)
{
	if (!s->ninfer)
		return 0;
	uint32_t sid = s->ix->docs[d].sid;
	for (int i = 0; i < s->ninfer; i++)
		if (s->infer_sid[i] == sid)
			return s->infer_w[i];
	return 0;
}

static double knorm(double avgdl, uint16_t len)
{
	return BM25_K1 * (1.0 - BM25_B + BM25_B * (double)len / avgdl);
}

/* (the same value as computing knorm here: the table only saves its division per posting) */
static double bm25(const struct search *s, double idf, int freq, uint16_t len)
{
	double f = freq;
	return idf * (f * (BM25_K1 + 1.0)) / (f + (len < MI_KNORM ? s->knorm[len] : knorm(s->avgdl, len)));
}

static uint32_t cur_doc(const struct cursor *c)
{
	return c->pos < c->list->n ? c->list->docs[c->pos] : UINT32_MAX;
}

/* Moves c to its first posting >= d, skipping whole blocks by their last document (galloping). */
static void cur_seek(struct cursor *c, uint32_t d)
{
	const struct mi_list *l = c->list;
	if (c->pos >= l->n || l->docs[c->pos] >= d)
		return;
	uint32_t nb = (l->n + MI_BLOCK - 1) / MI_BLOCK;
	uint32_t b = c->pos / MI_BLOCK;
	if (l->blast[b] < d) {
		uint32_t step = 1, lo = b, hi;
		for (;;) {
			hi = lo + step;
			if (hi >= nb) {
				hi = nb;
				break;
			}
			if (l->blast[hi] >= d)
				break;
			lo = hi;
			step *= 2;
		}
		/* blast[lo] < d, and blast[hi] >= d or hi == nb */
		while (lo + 1 < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (l->blast[mid] < d)
				lo = mid;
			else
				hi = mid;
		}
		if (hi >= nb) {
			c->pos = l->n;
			return;
		}
		b = hi;
		c->pos = b * MI_BLOCK;
	}
	while (c->pos < l->n && l->docs[c->pos] < d)
		c->pos++;
}

static double cur_score(const struct search *s, const struct cursor *c)
{
	if (c->idf == 0)
		return c->weight;
	return c->tw * bm25(s, c->idf, c->list->freq[c->pos], s->ix->hot[c->list->docs[c->pos]].len);
}

static bool doc_eligible(const struct search *s, uint32_t docno)
{
	const struct mi_hot *h = &s->ix->hot[docno];
	if (!h->alive)
		return false;
	/* the common case decided without touching mi_doc */
	if (!s->q->exclude_enterprise && s->ix->kind == MI_SUPPLIES &&
	    (s->q->certs_held ? !h->has_certs : s->nqcerts == 0))
		return true;
	const struct mi_doc *d = &s->ix->docs[docno];
	if ( (s->q->exclude_enterprise && d->enterprise_id == s->q->exclude_enterprise))
		return false;
	if (s->ix->kind == MI_DEMANDS && d->deadline && s->q->now && d->deadline < s->q->now)
		return false;
	const uint16_t *dc = s->ix->doc_certs + d->cert_off;
	if (!s->q->certs_held) {
		/* every required certification held by the doc (both sorted) */
		int j = 0;
		for (int i = 0; i < s->nqcerts; i++) {
			while (j < d->cert_n && dc[j] < s->qcerts[i])
				j++;
			if (j == d->cert_n || dc[j] != s->qcerts[i])
				return false;
		}
	} else {
		int j = 0;
		for (int i = 0; i < d->cert_n; i++) {
			while (j < s->nqcerts && s->qcerts[j] < dc[i])
				j++;
			if (j == s->nqcerts || s->qcerts[j] != dc[i])
				return false;
		}
	}
	return true;
}

static int doc_region_level(const struct search *s, const struct mi_doc *d)
{
	int best = 0;
	const uint32_t *r = s->ix->regions + d->region_off;
	for (int i = 0; i < s->nqregions && best < 3; i++)
		for (int j = 0; j < d->region_n && best < 3; j++) {
			int l = code_level(s->qregions[i], r[j]);
			if (l > best)
				best = l;
		}
	return best;
}

/* True when hit a ranks below hit b (lower score, or equal score and higher listing id). */
static bool worse(const struct mi_hit *a, const struct mi_hit *b)
{
	return a->score < b->score || (a->score == b->score && a->id > b->id);
}

static void heap_sift_down(struct mi_hit *h, int n, int i)
{
	for (;;) {
		int l = 2 * i + 1, r = l + 1, w = i;
		if (l < n && worse(&h[l], &h[w]))
			w = l;
		if (r < n && worse(&h[r], &h[w]))
			w = r;
		if (w == i)
			return;
		struct mi_hit t = h[i];
		h[i] = h[w];
		h[w] = t;
		i = w;
	}
}

static void heap_offer(struct search *s, const struct mi_hit *hit)
{
	if (s->nheap < s->k) {
		int i = s->nheap++;
		s->heap[i] = *hit;
		while (i > 0) {
			int p = (i - 1) / 2;
			if (!worse(&s->heap[i], &s->heap[p]))
				break;
			struct mi_hit t = s->heap[i];
			s->heap[i] = s->heap[p];
			s->heap[p] = t;
			i = p;
		}
	} else if (worse(&s->heap[0], hit)) {
		s->heap[0] = *hit;
		heap_sift_down(s->heap, s->nheap, 0);
	}
}

/* The score a new document must reach: the k-th best held, or the primed floor while fewer are held. */
static double threshold(const struct search *s)
{
	double held = s->nheap < s->k ? -HUGE_VAL : s->heap[0].score;
	return held > s->floor ? held : s->floor;
}

struct qterm {
	uint32_t tid;
	double idf;
	double weight;
	int x; /* its term in the expansion */
};

struct qcollect {
	struct qterm t[TEXT_VOCAB_MAX_TERMS];
	int n;
	struct text_vocab_expansion ex;
};

/* Heaviest first (weight x idf), ties in expansion order. */
static int cmp_qterm(const void *a, const void *b)
{
	const struct qterm *p = a, *q = b;
	double x = p->idf * p->weight, y = q->idf * q->weight;
	if (x != y)
		return x > y ? -1 : 1;
	return p->x - q->x;
}

static int cmp_ub(const void *a, const void *b)
{
	double x = ((const struct cursor *)a)->ub, y = ((const struct cursor *)b)->ub;
	return x < y ? -1 : x > y;
}

static void add_qregion(void *ctx, const char *p, size_t n)
{
	struct search *s = ctx;
	uint32_t c = region_code(p, n);
	if (c && s->nqregions < (int)(sizeof s->qregions / sizeof s->qregions[0]))
		s->qregions[s->nqregions++] = c;
}

static void add_qcert(void *ctx, const char *p, size_t n)
{
	struct search *s = ctx;
	char tag[64];
	if (n >= sizeof tag)
		return;
	for (size_t i = 0; i < n; i++)
		tag[i] = (p[i] >= 'a' && p[i] <= 'z') ? (char)(p[i] - 32) : p[i];
	uint16_t id = cert_id((struct mi_index *)s->ix, tag, n, false);
	if (id == UINT16_MAX) {
		if (!s->q->certs_held)
			s->impossible = true;
		return;
	}
	for (int i = 0; i < s->nqcerts; i++)
		if (s->qcerts[i] == id)
			return;
	if (s->nqcerts < MI_MAX_CERTS)
		s->qcerts[s->nqcerts++] = id;
}

/*
 * The segments the query's words occur in, from the listings themselves: a
 * sample of each word's postings (evenly spread, at most 64) among the
 * listings that name the word in their title (a weighted frequency of at
 * least MI_TITLE_WEIGHT: "动力电池电解液" in a description says what the
 * electrolyte is for, not what it is), each word counting by its weight x
 * idf; segments holding MI_INFER_MIN_SHARE of the mass or more (listings
 * without a segment hold theirs too, for nobody) give their listings
 * MI_W_SEGMENT_INFER x share.
 */
static void infer_segments(struct search *s, struct mi_terms *terms)
{
	const struct mi_index *ix = s->ix;
	uint32_t sid[128];
	double mass[128], total = 0;
	int n = 0;
	for (int i = 0; i < s->m; i++) {
		const struct cursor *c = &s->cur[i];
		if (c->bit < 0 || c->list->n == 0)
			continue;
		double w = c->tw * c->idf;
		uint32_t step = c->list->n / 64 + 1, taken = 0;
		for (uint32_t j = 0; j < c->list->n; j += step)
			taken += c->list->freq[j] >= MI_TITLE_WEIGHT;
		if (!taken)
			continue;
		for (uint32_t j = 0; j < c->list->n; j += step) {
			if (c->list->freq[j] < MI_TITLE_WEIGHT)
				continue;
			uint32_t g = ix->docs[c->list->docs[j]].sid;
			int k = 0;
			while (k < n && sid[k] != g)
				k++;
			if (k == n) {
				if (n == 128)
					continue;
				sid[n] = g;
				mass[n++] = 0;
			}
			mass[k] += w / taken;
		}
		total += w;
	}
	if (total <= 0)
		return;
	for (int pick = 0; pick < MI_INFER_SEGMENTS; pick++) {
		int best = -1;
		for (int k = 0; k < n; k++)
			if (sid[k] && (best < 0 || mass[k] > mass[best] || (mass[k] == mass[best] && sid[k] < sid[best])))
				best = k;
		if (best < 0 || mass[best] / total < MI_INFER_MIN_SHARE)
			break;
		double share = mass[best] / total;
		s->infer_sid[s->ninfer] = sid[best];
		s->infer_w[s->ninfer] = MI_W_SEGMENT_INFER * share;
		if (s->infer_w[s->ninfer] > s->infer_max)
			s->infer_max = s->infer_w[s->ninfer];
		if (terms) {
			terms->inferred_sid[terms->ninferred] = sid[best];
			terms->inferred_share[terms->ninferred++] = share;
		}
		s->ninfer++;
		mass[best] = -1;
	}
}

static enum qerr prepare(struct search *s, struct mi_terms *terms, struct qerror *err)
{
	const struct mi_index *ix = s->ix;
	const struct mi_query *q = s->q;
	s->avgdl = ix->alive ? (double)ix->total_len / ix->alive : 1.0;
	if (s->avgdl <= 0)
		s->avgdl = 1.0;
	for (int i = 0; i < MI_KNORM; i++)
		s->knorm[i] = knorm(s->avgdl, (uint16_t)i);
	struct qcollect *qc = calloc(1, sizeof *qc);
	if (!qc)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	int rc = q->text ? text_vocab_expand(q->literal ? NULL : ix->vocab, q->text, q->text_len, &qc->ex) : 0;
	s->expanded = qc->ex.n;
	for (int i = 0; rc == 0 && i < qc->ex.n; i++) {
		const struct text_vocab_term *t = &qc->ex.t[i];
		uint32_t tid = term_id((struct mi_index *)ix, t->key, strlen(t->key), false);
		if (tid == UINT32_MAX)
			continue;
		qc->t[qc->n++] = (struct qterm){.tid = tid, .weight = t->weight, .x = i};
	}
	if (rc < 0) {
		free(qc);
		return qerr_set(err, QERR_INTERNAL, "tokenizer_unavailable", NULL,
				"the Chinese word segmenter could not be loaded (see /etc/friso/friso.ini)");
	}
	double N = ix->alive;
	for (int i = 0; i < qc->n; i++) {
		double nhit = ix->terms[qc->t[i].tid].list.n;
		if (nhit > N)
			nhit = N;
		double idf = log((N - nhit + 0.5) / (nhit + 0.5));
		qc->t[i].idf = idf > 0 ? idf : 1e-6;
	}
	/* Too many words: keep the heaviest (weight x idf: rare words and the query's own), they carry the meaning. */
	if (qc->n > MI_MAX_TERMS) {
		qsort(qc->t, (size_t)qc->n, sizeof qc->t[0], cmp_qterm);
		qc->n = MI_MAX_TERMS;
	}
	if (terms) {
		terms->n = qc->n;
		terms->ninferred = 0;
	}
	for (int i = 0; i < qc->n; i++) {
		const struct mi_term *tm = &ix->terms[qc->t[i].tid];
		if (terms) {
			const struct text_vocab_term *t = &qc->ex.t[qc->t[i].x];
			memcpy(terms->term[i], ix->pool + tm->off, tm->len);
			terms->term[i][tm->len] = '\0';
			terms->idf[i] = qc->t[i].idf;
			terms->weight[i] = qc->t[i].weight;
			terms->origin[i] = (int)t->origin;
			terms->kind[i] = t->kind;
			snprintf(terms->display[i], sizeof terms->display[i], "%s", t->display);
			snprintf(terms->explain[i], sizeof terms->explain[i], "%s", t->explain);
		}
		if (tm->list.n == 0)
			continue;
		struct cursor *c = &s->cur[s->m++];
		c->list = &tm->list;
		c->idf = qc->t[i].idf;
		c->tw = qc->t[i].weight;
		c->bit = i;
		c->ub = c->tw * bm25(s, c->idf, tm->list.max_freq, tm->list.min_len) + 1e-9;
	}
	free(qc);
	if (!q->sid && !q->literal)
		infer_segments(s, terms);
	if (q->sid && q->sid < ix->nsegs && ix->segs[q->sid].n) {
		struct cursor *c = &s->cur[s->m++];
		c->list = &ix->segs[q->sid];
		c->weight = MI_W_SEGMENT;
		c->ub = MI_W_SEGMENT + 1e-9;
		c->bit = -1;
	}
	each_part(q->region, add_qregion, s);
	each_part(q->certs, add_qcert, s);
	qsort(s->qcerts, (size_t)s->nqcerts, sizeof s->qcerts[0], cmp_u16);
	if (!q->certs_held)
		for (int i = 0; i < s->nqcerts; i++) {
			const struct mi_list *l = s->qcerts[i] < ix->ncert_lists ? &ix->cert_lists[s->qcerts[i]] : NULL;
			if (!l || l->n == 0)
				s->impossible = true;
			else if (!s->filter.list || l->n < s->filter.list->n)
				s->filter.list = l;
		}
	s->region_max = s->nqregions ? MI_W_REGION_COUNTY : 0;
	s->extra = s->region_max + ix->max_static + s->infer_max + 1e-9;
	qsort(s->cur, (size_t)s->m, sizeof s->cur[0], cmp_ub);
	return QERR_OK;
}

/* Scores document d given the lists positioned on it; fills hit. */
static void finish_hit(const struct search *s, uint32_t d, double listed, double segment, uint64_t matched,
		       struct mi_hit *hit)
{
	const struct mi_doc *doc = &s->ix->docs[d];
	int level = s->nqregions ? doc_region_level(s, doc) : 0;
	hit->id = doc->id;
	hit->enterprise_id = doc->enterprise_id;
	hit->text = listed - segment;
	hit->segment = segment;
	hit->region_level = level;
	hit->region = region_weight[level];
	hit->static_score = doc->static_score;
	hit->inferred = infer_bonus(s, d);
	hit->sid = doc->sid;
	hit->matched = matched;
	hit->is_public = doc->is_public;
	/*
	 * Sums in a different order differ in the last bits; rounding to 1e-9
	 * makes equal scores equal, so ties rank by listing id whichever path
	 * (pruned or exhaustive) found them.
	 */
	hit->score = round((listed + hit->region + hit->static_score + hit->inferred) * 1e9) / 1e9;
}

/* Position of the first posting >= d in l (binary search; cursors do not move). */
static uint32_t list_find(const struct mi_list *l, uint32_t d)
{
	uint32_t lo = 0, hi = l->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (l->docs[mid] < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int cmp_double_desc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x > y ? -1 : x < y;
}

/*
 * Scores the first postings of the rarest list in full and returns the k-th
 * best score found (minus a rounding margin), or -inf with fewer than k.
 * Whatever those documents are, the final k-th score is at least that, so
 * the search may discard anything below it from the start: without this,
 * documents ahead of the query's own cluster (a full build numbers
 * listings of one product together) would be scored against a threshold
 * that has not risen yet.
 */
static double prime_threshold(struct search *s)
{
	if (s->m == 0)
		return -HUGE_VAL;
	const struct mi_list *rare = s->cur[s->m - 1].list;
	/* Enough to stand for the list; with a rare certification asked for, look further for eligible ones. */
	uint32_t want = (uint32_t)s->k * 4 + 32, budget = 50000;
	double *scores = malloc(want * sizeof *scores);
	if (!scores)
		return -HUGE_VAL;
	uint32_t n = 0;
	for (uint32_t j = 0; j < rare->n && j < budget && n < want; j++) {
		uint32_t d = rare->docs[j];
		if (!doc_eligible(s, d))
			continue;
		double score = 0;
		for (int i = 0; i < s->m; i++) {
			struct cursor c = s->cur[i];
			c.pos = list_find(c.list, d);
			if (cur_doc(&c) == d)
				score += cur_score(s, &c);
		}
		if (s->nqregions)
			score += region_weight[doc_region_level(s, &s->ix->docs[d])];
		scores[n++] = score + s->ix->hot[d].static_score + infer_bonus(s, d);
	}
	double floor = -HUGE_VAL;
	if (n >= (uint32_t)s->k) {
		qsort(scores, n, sizeof *scores, cmp_double_desc);
		floor = scores[s->k - 1] - 1e-6;
	}
	free(scores);
	return floor;
}

/* Position of the first chunk entry >= ch in l. */
static uint32_t chunk_find(const struct mi_list *l, uint32_t ch)
{
	uint32_t lo = 0, hi = l->nc;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (l->cid[mid] < ch)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * MaxScore over the documents [clo, chi) of one chunk, lists in ord by
 * their chunk bound (ascending, cum the running sums). False when the
 * certification filter has no document left (nothing further can match).
 */
static bool run_chunk(struct search *s, const int *ord, const double *cum, uint32_t clo, uint32_t chi)
{
	int m = s->m;
	int first = 0; /* lists ord[first, m) are essential */
	double theta = threshold(s);
	while (first < m && cum[first] + s->extra < theta)
		first++;
	for (int i = first; i < m; i++)
		cur_seek(&s->cur[ord[i]], clo);
	for (;;) {
		theta = threshold(s);
		while (first < m && cum[first] + s->extra < theta)
			first++;
		if (first == m)
			return true;
		uint32_t d = UINT32_MAX;
		for (int i = first; i < m; i++) {
			uint32_t cd = cur_doc(&s->cur[ord[i]]);
			if (cd < d)
				d = cd;
		}
		if (d >= chi)
			return true;
		if (s->filter.list) {
			/* leapfrog: no candidate before the next document holding the rarest required certification */
			cur_seek(&s->filter, d);
			uint32_t fd = cur_doc(&s->filter);
			if (fd == UINT32_MAX)
				return false;
			if (fd != d) {
				for (int i = first; i < m; i++)
					cur_seek(&s->cur[ord[i]], fd);
				continue;
			}
		}
		s->candidates++;
		bool ok = doc_eligible(s, d);
		double score = 0, segment = 0;
		uint64_t matched = 0;
		for (int i = first; i < m; i++) {
			struct cursor *c = &s->cur[ord[i]];
			if (cur_doc(c) != d)
				continue;
			if (ok) {
				double v = cur_score(s, c);
				score += v;
				if (c->bit < 0)
					segment = v;
				else
					matched |= 1ull << c->bit;
			}
			c->pos++;
		}
		if (!ok)
			continue;
		/* the region bonus is costly to compute: bound it until the document might make it */
		double bonus = s->region_max + s->ix->hot[d].static_score + s->infer_max + 1e-9;
		for (int i = first - 1; i >= 0; i--) {
			struct cursor *c = &s->cur[ord[i]];
			if (c->cub == 0 || score + cum[i] + bonus < theta)
				break; /* (lists below a list without postings here have none either) */
			s->probes++;
			cur_seek(c, d);
			if (cur_doc(c) == d) {
				double v = cur_score(s, c);
				score += v;
				if (c->bit < 0)
					segment = v;
				else
					matched |= 1ull << c->bit;
			}
		}
		if (score + bonus < theta)
			continue;
		if (score + (s->nqregions ? region_weight[doc_region_level(s, &s->ix->docs[d])] : 0) +
			s->ix->hot[d].static_score + infer_bonus(s, d) <
		    theta)
			continue;
		struct mi_hit hit;
		finish_hit(s, d, score, segment, matched, &hit);
		heap_offer(s, &hit);
	}
}

/*
 * MaxScore over the documents [lo, hi), chunk by chunk with every list
 * bounded by its best posting in the chunk: a chunk whose bounds cannot
 * reach the threshold is skipped without touching a posting. Every cursor
 * starts again at lo.
 */
static void run_range(struct search *s, uint32_t lo, uint32_t hi)
{
	int m = s->m;
	if (lo >= hi)
		return;
	for (int i = 0; i < m; i++) {
		struct cursor *c = &s->cur[i];
		c->pos = list_find(c->list, lo);
		c->cpos = chunk_find(c->list, lo >> chunk_shift);
	}
	if (s->filter.list)
		s->filter.pos = list_find(s->filter.list, lo);
	int ord[MI_MAX_TERMS + 1];
	double cum[MI_MAX_TERMS + 1];
	for (uint32_t ch = lo >> chunk_shift; ch <= (hi - 1) >> chunk_shift; ch++) {
		double total = 0;
		for (int i = 0; i < m; i++) {
			struct cursor *c = &s->cur[i];
			const struct mi_list *l = c->list;
			if (c->ub < 1e-3) { /* a word in nearly every listing (idf ~ 0): not worth bounding per chunk */
				c->cub = c->ub;
			} else {
				while (c->cpos < l->nc && l->cid[c->cpos] < ch)
					c->cpos++;
				if (c->cpos < l->nc && l->cid[c->cpos] == ch)
					c->cub = (c->idf == 0
						      ? c->weight
						      : c->tw * bm25(s, c->idf, l->cfreq[c->cpos], l->clen[c->cpos])) +
						 1e-9;
				else
					c->cub = 0;
			}
			total += c->cub;
		}
		if (total + s->extra < threshold(s))
			continue;
		/* lists by their bound here, ascending (insertion sort: a few dozen lists) */
		for (int i = 0; i < m; i++) {
			int j = i;
			while (j > 0 && s->cur[ord[j - 1]].cub > s->cur[i].cub) {
				ord[j] = ord[j - 1];
				j--;
			}
			ord[j] = i;
		}
		for (int i = 0; i < m; i++)
			cum[i] = s->cur[ord[i]].cub + (i ? cum[i - 1] : 0);
		uint32_t clo = ch << chunk_shift, chi = clo + (1u << chunk_shift);
		if (clo < lo)
			clo = lo;
		if (chi > hi || chi < clo)
			chi = hi;
		if (!run_chunk(s, ord, cum, clo, chi))
			return;
	}
}

/*
 * Where the query's best documents probably are: a full build numbers
 * listings by segment and title, so one segment (the asked one, or the one
 * most of the rarest word's documents are in) is one run of numbers.
 */
static void focus_range(const struct search *s, uint32_t *lo, uint32_t *hi)
{
	const struct mi_index *ix = s->ix;
	uint32_t sid = s->q->sid;
	*lo = 0;
	*hi = ix->ndocs;
	if (s->m == 0)
		return;
	const struct mi_list *rare = s->cur[s->m - 1].list;
	if (!sid || sid >= ix->nsegs || ix->segs[sid].n == 0) {
		/* the segment most of a sample of the rarest list's documents are in (0: no segment) */
		uint32_t seen[64], count[64], nseen = 0, step = rare->n / 64 + 1, best = 0;
		uint32_t span_lo = UINT32_MAX, span_hi = 0;
		for (uint32_t j = 0; j < rare->n; j += step) {
			uint32_t d = rare->docs[j], g = ix->docs[d].sid, k = 0;
			while (k < nseen && seen[k] != g)
				k++;
			if (k == nseen) {
				seen[nseen] = g;
				count[nseen++] = 0;
			}
			count[k]++;
			if (count[k] > count[best])
				best = k;
		}
		if (nseen == 0)
			return;
		sid = seen[best];
		if (sid == 0 || sid >= ix->nsegs || ix->segs[sid].n == 0) {
			/* listings without a segment: the span of the sampled ones, title order keeps a product together */
			for (uint32_t j = 0; j < rare->n; j += step) {
				uint32_t d = rare->docs[j];
				if (ix->docs[d].sid == 0) {
					if (d < span_lo)
						span_lo = d;
					if (d > span_hi)
						span_hi = d;
				}
			}
			if (span_lo <= span_hi) {
				*lo = span_lo;
				*hi = span_hi + 1;
			}
			return;
		}
	}
	const struct mi_list *seg = &ix->segs[sid];
	*lo = seg->docs[0];
	*hi = seg->docs[seg->n - 1] + 1;
}

/* The focus range first, so theta is high before the rest is scanned; every document is seen once. */
static void run_maxscore(struct search *s)
{
	s->floor = prime_threshold(s);
	uint32_t lo, hi;
	focus_range(s, &lo, &hi);
	run_range(s, lo, hi);
	if (lo > 0)
		run_range(s, 0, lo);
	if (hi < s->ix->ndocs)
		run_range(s, hi, s->ix->ndocs);
}

/* Scores every document that shares a list with the query (the reference the pruned search must equal). */
static void run_exhaustive(struct search *s)
{
	for (uint32_t d = 0; d < s->ix->ndocs; d++) {
		double score = 0, segment = 0;
		uint64_t matched = 0;
		bool any = false;
		for (int i = 0; i < s->m; i++) {
			struct cursor *c = &s->cur[i];
			cur_seek(c, d);
			if (cur_doc(c) != d)
				continue;
			any = true;
			double v = cur_score(s, c);
			score += v;
			if (c->bit < 0)
				segment = v;
			else
				matched |= 1ull << c->bit;
		}
		if (!any || !doc_eligible(s, d))
			continue;
		struct mi_hit hit;
		finish_hit(s, d, score, segment, matched, &hit);
		heap_offer(s, &hit);
	}
}

static int cmp_hit(const void *a, const void *b)
{
	const struct mi_hit *x = a, *y = b;
	return worse(x, y) ? 1 : worse(y, x) ? -1 : 0;
}

static enum qerr search(struct db *db, enum mi_kind kind, const struct mi_query *q, struct mi_hit *hits, int *n,
			struct mi_terms *terms, bool exhaustive, struct qerror *err)
{
	*n = 0;
	if (terms)
		terms->n = 0;
	if (q->k <= 0)
		return QERR_OK;
	struct mi_index *ix = &indexes[kind];
	enum qerr rc = acquire(db, ix, err);
	if (rc)
		return rc;
	struct search *s = calloc(1, sizeof *s);
	if (!s) {
		pthread_rwlock_unlock(&ix->lock);
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	}
	s->ix = ix;
	s->q = q;
	s->heap = hits;
	s->k = q->k;
	s->floor = -HUGE_VAL;
	rc = prepare(s, terms, err);
	if (!rc && !s->impossible) {
		if (exhaustive)
			run_exhaustive(s);
		else
			run_maxscore(s);
	}
	pthread_rwlock_unlock(&ix->lock);
	*n = s->nheap;
	if (terms) {
		terms->expanded = s->expanded;
		terms->lists = s->m;
		terms->candidates = s->candidates;
		terms->probes = s->probes;
	}
	free(s);
	qsort(hits, (size_t)*n, sizeof *hits, cmp_hit);
	return rc;
}

enum qerr mi_search(struct db *db, enum mi_kind kind, const struct mi_query *q, struct mi_hit *hits, int *n,
		    struct mi_terms *terms, struct qerror *err)
{
	return search(db, kind, q, hits, n, terms, false, err);
}

enum qerr mi_search_exhaustive(struct db *db, enum mi_kind kind, const struct mi_query *q, struct mi_hit *hits,
			       int *n, struct mi_terms *terms, struct qerror *err)
{
	return search(db, kind, q, hits, n, terms, true, err);
}

enum qerr mi_stats(struct db *db, enum mi_kind kind, json_t **out, struct qerror *err)
{
	struct mi_index *ix = &indexes[kind];
	enum qerr rc = acquire(db, ix, err);
	if (rc)
		return rc;
	size_t bytes = (size_t)ix->terms_cap * sizeof *ix->terms + (size_t)ix->nslots * sizeof *ix->slots +
		       ix->pool_cap + (size_t)ix->docs_cap * sizeof *ix->docs + ix->regions_cap * sizeof *ix->regions +
		       ix->doc_certs_cap * sizeof *ix->doc_certs + ix->doc_of_cap * sizeof *ix->doc_of +
		       (size_t)ix->certs_cap * sizeof *ix->certs;
	for (uint32_t i = 0; i < ix->nterms; i++)
		bytes += list_bytes(&ix->terms[i].list, true);
	for (uint32_t i = 0; i < ix->nsegs; i++)
		bytes += list_bytes(&ix->segs[i], false);
	for (uint32_t i = 0; i < ix->ncert_lists; i++)
		bytes += list_bytes(&ix->cert_lists[i], false);
	*out = json_pack("{s:I,s:I,s:I,s:I,s:I,s:f,s:I}", "docs", (json_int_t)ix->ndocs, "alive", (json_int_t)ix->alive,
			 "terms", (json_int_t)ix->nterms, "postings", (json_int_t)ix->postings, "bytes",
			 (json_int_t)bytes, "build_ms", ix->build_ms, "version", (json_int_t)ix->version);
	pthread_rwlock_unlock(&ix->lock);
	return *out ? QERR_OK : qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
}
