/*
 * tokenizer.c - Chinese words by friso's dictionary and mmseg rules,
 * sub-words by dictionary lookup, Latin and digit runs by hand. See
 * tokenizer.h for the terms produced.
 *
 * The text is scanned once, code point by code point, into runs of
 * ideographs, runs of letters/digits, and separators (punctuation, symbols,
 * whitespace, invalid UTF-8). Byte offsets are ours throughout.
 *
 * Chinese runs are segmented exactly as libfriso's complex mode does it
 * (mmseg): at each position, form every chunk of up to three dictionary
 * words, keep the chunks of greatest total length, then of largest average
 * word length, then of smallest length variance, then of largest sum of
 * log frequencies of their single characters, and take the first word of
 * the first survivor. friso reads its configuration and loads its
 * dictionary; we copy the CJK word lexicon into a compact trie, free
 * friso, and run those rules ourselves, because friso's own code is unfit
 * for a server:
 *  - speed: next_complex_cjk looks every candidate word up again for every
 *    chunk (hundreds of hash lookups and ~100 mallocs per word), 80-130 us
 *    for a 70-character listing. With one trie walk per position and the
 *    rules as arithmetic, the same listing takes a few microseconds;
 *  - threads: next_mmseg_token writes each token's offset into the
 *    dictionary's shared entry (lex->offset = ...), a data race as soon as
 *    two threads segment at once.
 * tests/unit/test_tokenizer.c checks word for word that we agree with
 * friso's next_complex_cjk. Characters friso does not count as Chinese
 * (CJK extension A/B, U+3007 〇) become single-character words here where
 * friso would drop them.
 *
 * Sub-words come from the same per-position trie walks: the dictionary
 * words starting inside a word and ending before its end.
 */
#include "text/tokenizer.h"

#include <errno.h>
#include <friso.h>
#include <friso_API.h>
#include <friso_ctype.h>
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/log.h"
#include "base/qerr.h"

#ifndef QILIAN_FRISO_INI
#define QILIAN_FRISO_INI "/etc/friso/friso.ini"
#endif

/* Longest run of ideographs segmented at once (bytes); longer runs are cut at a character boundary. */
#define RUN_MAX 8190
#define RUN_MAX_CHARS (RUN_MAX / 3 + 1)
/* friso.max_len (5 in Debian's ini) may not exceed this: chunks of three words make max_len^3 candidates. */
#define MAX_LEN_CAP 7
/* A dictionary with fewer words than this did not load (friso only prints a warning on stdout). */
#define DICT_MIN_WORDS 1000

/*
 * The CJK word lexicon as a trie: node 0 is the root, and the edge table
 * (open addressing on (parent, code point)) gives each node's children.
 * Immutable once built, so every thread reads it without locks.
 */
struct edge {
	uint32_t parent;
	uint32_t cp;
	uint32_t child; /* 0: empty slot (the root is nobody's child) */
};

struct segmenter {
	struct edge *edges;
	uint32_t mask; /* edge table size - 1 */
	uint32_t nnodes;
	uint32_t *fre;	  /* per node: the word's frequency (mmseg rule 4 uses single characters') */
	uint8_t *word;	  /* per node: 1 when the path from the root spells a word */
	unsigned max_len; /* longest word matched, in characters (friso.max_len) */
};

static pthread_mutex_t seg_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic(struct segmenter *) seg_loaded;
static bool seg_atexit_registered; /* under seg_lock */

/*
 * Per-thread scratch for one run of ideographs: its characters, and for
 * each position the lengths (in characters, ascending) of the dictionary
 * words starting there. busy guards a callback that tokenizes again.
 */
struct tok_thread {
	bool busy;
	size_t n; /* characters in the run */
	uint32_t cp[RUN_MAX_CHARS];
	uint16_t off[RUN_MAX_CHARS + 1]; /* byte offset of each character in the run, plus the end */
	uint8_t cn[RUN_MAX_CHARS];	 /* friso counts the character as Chinese */
	uint8_t nmatch[RUN_MAX_CHARS];
	uint8_t mlen[RUN_MAX_CHARS][MAX_LEN_CAP];
	float single_log[RUN_MAX_CHARS]; /* (float)log(frequency) of the one-character word here (mmseg rule 4) */
};

static pthread_key_t thread_key;
static pthread_once_t thread_key_once = PTHREAD_ONCE_INIT;
static bool thread_key_ok;

/* ---- the trie ---- */

static uint32_t edge_slot(const struct segmenter *d, uint32_t parent, uint32_t cp)
{
	uint64_t x = ((uint64_t)parent << 21 | cp) * 0x9E3779B97F4A7C15ull;
	return (uint32_t)(x >> 32) & d->mask;
}

/* The child of parent along cp, or 0. */
static uint32_t trie_child(const struct segmenter *d, uint32_t parent, uint32_t cp)
{
	for (uint32_t i = edge_slot(d, parent, cp);; i = (i + 1) & d->mask) {
		const struct edge *e = &d->edges[i];
		if (e->child == 0)
			return 0;
		if (e->parent == parent && e->cp == cp)
			return e->child;
	}
}

/* Puts an edge into a table with room to spare (at most half full). */
static void trie_put_edge(struct segmenter *d, uint32_t parent, uint32_t cp, uint32_t child)
{
	uint32_t i = edge_slot(d, parent, cp);
	while (d->edges[i].child != 0)
		i = (i + 1) & d->mask;
	d->edges[i] = (struct edge){.parent = parent, .cp = cp, .child = child};
}

/* What friso's mmseg accepts inside a word: friso's own test, on the BMP (friso decodes 3 bytes at most). */
static bool friso_chinese(uint32_t cp)
{
	return cp <= 0xFFFF && utf8_cjk_string(cp);
}

static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/*
 * Copies friso's CJK word lexicon into the trie: words of at most max_len
 * characters that friso could match at all (all characters Chinese by
 * friso's test), with their frequencies.
 */
static enum qerr trie_build(friso_t friso, struct segmenter *d, struct qerror *err)
{
	friso_hash_t h = friso->dic[__LEX_CJK_WORDS__];
	size_t bound = 1; /* nodes: at most one per character of every word, plus the root */
	for (uint_t b = 0; b < h->length; b++)
		for (hash_entry_t e = h->table[b]; e; e = e->_next)
			bound += strlen(e->_key);
	if (bound >= UINT32_MAX / 4)
		return qerr_set(err, QERR_INTERNAL, "tokenizer_unavailable", NULL, "friso dictionary too large");
	uint32_t cap = 1024;
	while (cap < 2 * bound)
		cap *= 2;
	d->edges = calloc(cap, sizeof *d->edges);
	d->fre = calloc(bound, sizeof *d->fre);
	d->word = calloc(bound, sizeof *d->word);
	if (!d->edges || !d->fre || !d->word)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory loading the dictionary");
	d->mask = cap - 1;
	d->nnodes = 1;
	for (uint_t b = 0; b < h->length; b++) {
		for (hash_entry_t e = h->table[b]; e; e = e->_next) {
			const unsigned char *w = (const unsigned char *)e->_key;
			size_t len = strlen(e->_key), nchars = 0;
			uint32_t cps[MAX_LEN_CAP];
			bool ok = len > 0;
			for (size_t i = 0; ok && i < len;) {
				uint32_t cp;
				size_t k = utf8_decode(w + i, len - i, &cp);
				ok = k && friso_chinese(cp) && nchars < d->max_len;
				if (ok)
					cps[nchars++] = cp;
				i += k;
			}
			if (!ok)
				continue;
			uint32_t node = 0;
			for (size_t i = 0; i < nchars; i++) {
				uint32_t child = trie_child(d, node, cps[i]);
				if (!child) {
					child = d->nnodes++;
					trie_put_edge(d, node, cps[i], child);
				}
				node = child;
			}
			d->word[node] = 1;
			d->fre[node] = ((lex_entry_t)e->_val)->fre;
		}
	}
	/* Shrink to the nodes actually made (a fifth of the bound): about 8 MB for Debian's dictionary. */
	uint32_t *fre = realloc(d->fre, d->nnodes * sizeof *d->fre);
	uint8_t *word = realloc(d->word, d->nnodes * sizeof *d->word);
	if (fre)
		d->fre = fre;
	if (word)
		d->word = word;
	uint32_t fit = 1024;
	while (fit < 2 * d->nnodes)
		fit *= 2;
	if (fit < cap) {
		struct edge *old = d->edges;
		uint32_t old_cap = cap;
		d->edges = calloc(fit, sizeof *d->edges);
		if (!d->edges) {
			d->edges = old;
		} else {
			d->mask = fit - 1;
			for (uint32_t i = 0; i < old_cap; i++)
				if (old[i].child)
					trie_put_edge(d, old[i].parent, old[i].cp, old[i].child);
			free(old);
		}
	}
	return QERR_OK;
}

/* ---- loading the segmenter ---- */

static void segmenter_free(struct segmenter *s)
{
	if (!s)
		return;
	free(s->edges);
	free(s->fre);
	free(s->word);
	free(s);
}

/*
 * Finds friso.lex_dir in the ini and checks that its friso.lex.ini is
 * readable, so a missing dictionary is a clear error here rather than
 * "Warning: Fail to open ..." printed on stdout by friso and an empty
 * dictionary. Relative directories are relative to the ini, as in friso.
 */
static enum qerr check_lex_dir(const char *ini, struct qerror *err)
{
	FILE *f = fopen(ini, "r");
	if (!f)
		return qerr_set(
		    err, QERR_INTERNAL, "tokenizer_unavailable", NULL,
		    "cannot read the friso configuration %s: %s (install friso-dict or set QILIAN_FRISO_INI)", ini,
		    strerror(errno));
	char line[512], dir[PATH_MAX] = "";
	while (fgets(line, sizeof line, f)) {
		const char *key = "friso.lex_dir";
		if (strncmp(line, key, strlen(key)) != 0)
			continue;
		char *p = line + strlen(key);
		p += strspn(p, " \t");
		if (*p != '=')
			continue;
		p++;
		p += strspn(p, " \t");
		size_t n = strcspn(p, " \t\r\n");
		const char *slash = strrchr(ini, '/');
		size_t base = (p[0] != '/' && slash) ? (size_t)(slash - ini) + 1 : 0;
		if (n == 0 || base + n + 1 > sizeof dir)
			break;
		memcpy(dir, ini, base);
		memcpy(dir + base, p, n);
		dir[base + n] = '\0';
		break;
	}
	fclose(f);
	if (!dir[0])
		return qerr_set(err, QERR_INTERNAL, "tokenizer_unavailable", NULL,
				"the friso configuration %s has no usable friso.lex_dir", ini);
	char lexini[PATH_MAX + 32];
	size_t dlen = strlen(dir);
	snprintf(lexini, sizeof lexini, "%s%sfriso.lex.ini", dir, dir[dlen - 1] == '/' ? "" : "/");
	if (access(lexini, R_OK) != 0)
		return qerr_set(err, QERR_INTERNAL, "tokenizer_unavailable", NULL,
				"friso dictionary %s (friso.lex_dir in %s): %s (install friso-dict)", lexini, ini,
				strerror(errno));
	return QERR_OK;
}

static enum qerr segmenter_load(const char *ini, struct segmenter **out, struct qerror *err)
{
	*out = NULL;
	enum qerr rc = check_lex_dir(ini, err);
	if (rc)
		return rc;
	char path[PATH_MAX];
	if (strlen(ini) >= sizeof path)
		return qerr_set(err, QERR_INTERNAL, "tokenizer_unavailable", NULL, "friso configuration path too long");
	memcpy(path, ini, strlen(ini) + 1); /* friso takes a non-const char * */

	struct segmenter *s = calloc(1, sizeof *s);
	if (!s)
		return qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
	friso_t friso = friso_new(); /* friso exits the process itself when out of memory */
	friso_config_t config = friso_new_config();
	if (!friso_init_from_ifile(friso, config, path)) {
		rc = qerr_set(err, QERR_INTERNAL, "tokenizer_unavailable", NULL,
			      "friso could not read its configuration %s", ini);
		goto out;
	}
	if (friso->charset != FRISO_UTF8) {
		rc = qerr_set(err, QERR_INTERNAL, "tokenizer_unavailable", NULL,
			      "the friso configuration %s is not for UTF-8 (friso.charset must be 0)", ini);
		goto out;
	}
	if (!friso->dic || friso_spec_dic_size(friso->dic, __LEX_CJK_WORDS__) < DICT_MIN_WORDS) {
		rc = qerr_set(err, QERR_INTERNAL, "tokenizer_unavailable", NULL,
			      "the friso dictionary named by %s is empty or missing (install friso-dict)", ini);
		goto out;
	}
	if (config->max_len < 2 || config->max_len > MAX_LEN_CAP) {
		rc = qerr_set(err, QERR_INTERNAL, "tokenizer_unavailable", NULL,
			      "friso.max_len in %s must be between 2 and %d", ini, MAX_LEN_CAP);
		goto out;
	}
	/*
	 * Of the configuration only the dictionary and max_len matter: mmseg
	 * complex mode always, no synonyms (they would index words that are not
	 * in the text), no stop-word removal (phrase positions must stay exact).
	 */
	s->max_len = config->max_len;
	rc = trie_build(friso, s, err);
out:
	friso_free_config(config);
	friso_free(friso); /* the trie has what we need */
	malloc_trim(0);	   /* give friso's ~60 MB of small allocations back */
	if (rc) {
		segmenter_free(s);
		return rc;
	}
	*out = s;
	return QERR_OK;
}

static void shutdown_at_exit(void)
{
	text_tokenizer_shutdown();
}

static enum qerr segmenter_get(const char *ini, struct segmenter **out, struct qerror *err)
{
	struct segmenter *s = atomic_load_explicit(&seg_loaded, memory_order_acquire);
	if (s) {
		*out = s;
		return QERR_OK;
	}
	enum qerr rc = QERR_OK;
	pthread_mutex_lock(&seg_lock);
	s = atomic_load_explicit(&seg_loaded, memory_order_relaxed);
	if (!s) {
		if (!ini)
			ini = getenv("QILIAN_FRISO_INI");
		if (!ini || !*ini)
			ini = QILIAN_FRISO_INI;
		rc = segmenter_load(ini, &s, err);
		if (rc == QERR_OK) {
			atomic_store_explicit(&seg_loaded, s, memory_order_release);
			if (!seg_atexit_registered)
				seg_atexit_registered = atexit(shutdown_at_exit) == 0;
		}
	}
	pthread_mutex_unlock(&seg_lock);
	*out = s;
	return rc;
}

enum qerr text_tokenizer_init(const char *ini_path, struct qerror *err)
{
	struct segmenter *s;
	return segmenter_get(ini_path, &s, err);
}

/* ---- per-thread state ---- */

static void thread_state_free(void *p)
{
	free(p);
}

static void thread_key_create(void)
{
	thread_key_ok = pthread_key_create(&thread_key, thread_state_free) == 0;
}

/* The calling thread's state, or a temporary one (*temp set) when it is busy or cannot be kept. */
static struct tok_thread *thread_state_get(bool *temp)
{
	*temp = false;
	pthread_once(&thread_key_once, thread_key_create);
	struct tok_thread *t = thread_key_ok ? pthread_getspecific(thread_key) : NULL;
	if (t && !t->busy)
		return t;
	struct tok_thread *fresh = malloc(sizeof *fresh);
	if (!fresh)
		return NULL;
	fresh->busy = false;
	if (!t && thread_key_ok && pthread_setspecific(thread_key, fresh) == 0)
		return fresh;
	*temp = true;
	return fresh;
}

void text_tokenizer_shutdown(void)
{
	pthread_mutex_lock(&seg_lock);
	struct segmenter *s = atomic_exchange_explicit(&seg_loaded, NULL, memory_order_acq_rel);
	pthread_mutex_unlock(&seg_lock);
	segmenter_free(s);

	pthread_once(&thread_key_once, thread_key_create);
	if (thread_key_ok) {
		struct tok_thread *t = pthread_getspecific(thread_key);
		if (t && !t->busy) {
			pthread_setspecific(thread_key, NULL);
			thread_state_free(t);
		}
	}
}

/* ---- characters ---- */

/* Decodes one strict UTF-8 code point (no overlongs, surrogates or values past U+10FFFF); 0 if invalid. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t len;
	uint32_t v, min;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2, v = c & 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3, v = c & 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (s[k] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

enum char_class { CH_SEPARATOR, CH_CJK, CH_DIGIT, CH_LETTER };

static bool is_cjk(uint32_t cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	       (cp >= 0x20000 && cp <= 0x2FA1F) || (cp >= 0x30000 && cp <= 0x3134F) || cp == 0x3007;
}

/* Lower case for Latin-1, Latin Extended-A, basic Greek and Cyrillic (ASCII is handled by the caller). */
static uint32_t fold_letter(uint32_t cp)
{
	if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7))
		return cp + 0x20;
	if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177))
		return cp | 1;
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
		return (cp & 1) ? cp + 1 : cp;
	if (cp == 0x178)
		return 0xFF;
	if ((cp >= 0x391 && cp <= 0x3A1) || (cp >= 0x3A3 && cp <= 0x3AB))
		return cp + 0x20;
	if (cp == 0x386)
		return 0x3AC;
	if (cp >= 0x388 && cp <= 0x38A)
		return cp + 0x25;
	if (cp == 0x38C)
		return 0x3CC;
	if (cp == 0x38E || cp == 0x38F)
		return cp + 0x3F;
	if (cp >= 0x410 && cp <= 0x42F)
		return cp + 0x20;
	if (cp >= 0x400 && cp <= 0x40F)
		return cp + 0x50;
	return cp;
}

/* Classifies cp; for digits and letters *folded is the code point the term uses. */
static enum char_class classify(uint32_t cp, uint32_t *folded)
{
	*folded = cp;
	if (cp < 0x80) {
		if (cp >= '0' && cp <= '9')
			return CH_DIGIT;
		if (cp >= 'A' && cp <= 'Z') {
			*folded = cp + 32;
			return CH_LETTER;
		}
		return (cp >= 'a' && cp <= 'z') ? CH_LETTER : CH_SEPARATOR;
	}
	if (is_cjk(cp))
		return CH_CJK;
	if (cp >= 0xFF10 && cp <= 0xFF19) { /* full-width digits */
		*folded = cp - 0xFEE0;
		return CH_DIGIT;
	}
	if (cp >= 0xFF21 && cp <= 0xFF3A) { /* full-width capitals */
		*folded = cp - 0xFEE0 + 32;
		return CH_LETTER;
	}
	if (cp >= 0xFF41 && cp <= 0xFF5A) {
		*folded = cp - 0xFEE0;
		return CH_LETTER;
	}
	if ((cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) || (cp >= 0x300 && cp <= 0x36F) ||
	    (cp >= 0x386 && cp <= 0x3FF && cp != 0x387) || (cp >= 0x400 && cp <= 0x481) ||
	    (cp >= 0x48A && cp <= 0x4FF) || (cp >= 0x3041 && cp <= 0x3096) || (cp >= 0x309D && cp <= 0x309F) ||
	    (cp >= 0x30A1 && cp <= 0x30FA) || (cp >= 0x30FC && cp <= 0x30FF) || (cp >= 0xAC00 && cp <= 0xD7A3)) {
		*folded = fold_letter(cp);
		return CH_LETTER;
	}
	return CH_SEPARATOR;
}

/* ---- emitting terms ---- */

struct scan {
	struct segmenter *seg;
	struct tok_thread *th;
	const char *text;
	size_t len;
	bool index;
	text_token_fn fn;
	void *ctx;
};

static int emit(struct scan *sc, const char *term, size_t len, size_t start, size_t end, unsigned flags)
{
	struct text_token tok = {.term = term, .len = len, .start = start, .end = end, .flags = flags};
	return sc->fn(sc->ctx, &tok);
}

/* One piece of a letter/digit run: folded bytes plus, per character, where it sits in both strings. */
struct latin_piece {
	char term[TEXT_TOKEN_MAX + 1];
	size_t term_len;
	size_t nchars;
	size_t term_at[TEXT_TOKEN_MAX + 1]; /* byte offset of each character in term, plus the end */
	size_t src_at[TEXT_TOKEN_MAX + 1];  /* byte offset of each character in the text, plus the end */
	bool digit[TEXT_TOKEN_MAX];
};

static int latin_piece_flush(struct scan *sc, struct latin_piece *p)
{
	if (p->nchars == 0)
		return 0;
	p->term[p->term_len] = '\0';
	int rc = emit(sc, p->term, p->term_len, p->src_at[0], p->src_at[p->nchars], 0);
	if (rc || !sc->index)
		goto out;
	/* Letter and digit parts of a mixed run (iatf16949 -> iatf, 16949), when there are several. */
	size_t first_end = 1;
	while (first_end < p->nchars && p->digit[first_end] == p->digit[0])
		first_end++;
	if (first_end == p->nchars)
		goto out;
	for (size_t i = 0; i < p->nchars && !rc;) {
		size_t j = i + 1;
		while (j < p->nchars && p->digit[j] == p->digit[i])
			j++;
		if (j - i >= 2) {
			char part[TEXT_TOKEN_MAX + 1];
			size_t plen = p->term_at[j] - p->term_at[i];
			memcpy(part, p->term + p->term_at[i], plen);
			part[plen] = '\0';
			rc = emit(sc, part, plen, p->src_at[i], p->src_at[j], TEXT_TOKEN_SUBWORD);
		}
		i = j;
	}
out:
	p->nchars = 0;
	p->term_len = 0;
	return rc;
}

/* Tokenizes the letter/digit run starting at *pos; leaves *pos after it. */
static int latin_run(struct scan *sc, size_t *pos)
{
	const unsigned char *s = (const unsigned char *)sc->text;
	struct latin_piece p;
	p.nchars = 0;
	p.term_len = 0;
	size_t i = *pos;
	bool prev_digit = false;
	int rc = 0;
	while (i < sc->len) {
		uint32_t cp, folded;
		size_t n = utf8_decode(s + i, sc->len - i, &cp);
		if (n == 0)
			break;
		enum char_class c = classify(cp, &folded);
		if (c == CH_SEPARATOR && cp == '.' && prev_digit && i + 1 < sc->len) {
			/* A decimal point between two digits stays in the run: 3.5mm, M3.5. */
			uint32_t next, next_folded;
			size_t m = utf8_decode(s + i + 1, sc->len - i - 1, &next);
			if (m && classify(next, &next_folded) == CH_DIGIT)
				c = CH_DIGIT;
		}
		if (c != CH_DIGIT && c != CH_LETTER)
			break;
		char bytes[4];
		size_t blen = utf8_encode(folded, bytes);
		if (p.term_len + blen > TEXT_TOKEN_MAX && (rc = latin_piece_flush(sc, &p)))
			break;
		p.term_at[p.nchars] = p.term_len;
		p.src_at[p.nchars] = i;
		p.digit[p.nchars] = c == CH_DIGIT;
		memcpy(p.term + p.term_len, bytes, blen);
		p.term_len += blen;
		p.nchars++;
		i += n;
		p.term_at[p.nchars] = p.term_len;
		p.src_at[p.nchars] = i;
		prev_digit = c == CH_DIGIT;
	}
	if (!rc)
		rc = latin_piece_flush(sc, &p);
	*pos = i;
	return rc;
}

/* ---- runs of ideographs ---- */

/* Records the dictionary words starting at character q of the run (one trie walk). */
static void run_matches(const struct segmenter *d, struct tok_thread *th, size_t q)
{
	th->nmatch[q] = 0;
	if (!th->cn[q])
		return;
	uint32_t node = trie_child(d, 0, th->cp[q]);
	for (size_t len = 1; node; len++) {
		if (d->word[node]) {
			th->mlen[q][th->nmatch[q]++] = (uint8_t)len;
			if (len == 1)
				th->single_log[q] =
				    (float)log((float)d->fre[node]); /* friso's expression; -inf for 0 */
		}
		if (len == d->max_len || q + len >= th->n || !th->cn[q + len])
			break;
		node = trie_child(d, node, th->cp[q + len]);
	}
}

/* The character at q is Chinese and a word by itself: where friso lets a chunk go on. */
static bool single_word(const struct tok_thread *th, size_t q)
{
	return q < th->n && th->nmatch[q] > 0 && th->mlen[q][0] == 1;
}

struct chunk {
	uint8_t words;
	uint8_t len[3]; /* characters */
	float avl, var, mdf;
	unsigned bytes;
};

/*
 * The word friso's next_complex_cjk returns at p (whose character is a
 * one-character word), in characters. The arithmetic copies friso's: word
 * lengths in bytes (3 per character: friso's Chinese is all in the BMP
 * above U+0800), float averages and variances, (float)log of frequencies.
 */
static size_t mmseg_word(const struct tok_thread *th, size_t p)
{
	if (th->nmatch[p] == 1)
		return th->mlen[p][0];
	struct chunk ch[MAX_LEN_CAP * MAX_LEN_CAP * MAX_LEN_CAP];
	size_t nc = 0;
	for (size_t a = 0; a < th->nmatch[p]; a++) {
		size_t la = th->mlen[p][a], q = p + la;
		if (!single_word(th, q)) {
			ch[nc++] = (struct chunk){.words = 1, .len = {(uint8_t)la}};
			continue;
		}
		for (size_t b = 0; b < th->nmatch[q]; b++) {
			size_t lb = th->mlen[q][b], r = q + lb;
			if (!single_word(th, r)) {
				ch[nc++] = (struct chunk){.words = 2, .len = {(uint8_t)la, (uint8_t)lb}};
				continue;
			}
			for (size_t c = 0; c < th->nmatch[r]; c++)
				ch[nc++] =
				    (struct chunk){.words = 3, .len = {(uint8_t)la, (uint8_t)lb, th->mlen[r][c]}};
		}
	}
	if (nc == 1)
		return ch[0].len[0];
	for (size_t i = 0; i < nc; i++) {
		struct chunk *c = &ch[i];
		c->bytes = 0;
		for (size_t w = 0; w < c->words; w++)
			c->bytes += 3u * c->len[w];
		c->avl = (float)c->bytes / c->words;
		c->var = 0;
		c->mdf = 0;
		size_t at = p;
		for (size_t w = 0; w < c->words; w++) {
			float d = (float)(3u * c->len[w]) - c->avl;
			c->var += d * d;
			if (c->len[w] == 1)
				c->mdf += th->single_log[at];
			at += c->len[w];
		}
		c->var = c->var / c->words;
	}
	/* The four rules, each keeping the chunks that tie for best, in order. */
	bool keep[MAX_LEN_CAP * MAX_LEN_CAP * MAX_LEN_CAP];
	for (size_t i = 0; i < nc; i++)
		keep[i] = true;
	for (int rule = 0; rule < 4; rule++) {
		float best = 0;
		bool first = true;
		for (size_t i = 0; i < nc; i++) {
			if (!keep[i])
				continue;
			float v = rule == 0   ? (float)ch[i].bytes
				  : rule == 1 ? ch[i].avl
				  : rule == 2 ? -ch[i].var
					      : ch[i].mdf;
			if (first || v > best)
				best = v;
			first = false;
		}
		for (size_t i = 0; i < nc; i++) {
			float v = rule == 0   ? (float)ch[i].bytes
				  : rule == 1 ? ch[i].avl
				  : rule == 2 ? -ch[i].var
					      : ch[i].mdf;
			if (keep[i] && !(v >= best))
				keep[i] = false;
		}
	}
	for (size_t i = 0; i < nc; i++)
		if (keep[i])
			return ch[i].len[0];
	return 1; /* not reached: the best chunk always survives */
}

/* Segments the characters of text[from..to) (at most RUN_MAX_CHARS ideographs). */
static int cjk_piece(struct scan *sc, size_t from, size_t to)
{
	struct tok_thread *th = sc->th;
	const struct segmenter *d = sc->seg;
	const unsigned char *s = (const unsigned char *)sc->text;
	th->n = 0;
	for (size_t i = from; i < to;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, to - i, &cp);
		th->cp[th->n] = cp;
		th->off[th->n] = (uint16_t)(i - from);
		th->cn[th->n] = friso_chinese(cp);
		th->n++;
		i += k;
	}
	th->off[th->n] = (uint16_t)(to - from);
	for (size_t q = 0; q < th->n; q++)
		run_matches(d, th, q);

	for (size_t p = 0; p < th->n;) {
		size_t len = single_word(th, p) ? mmseg_word(th, p) : 1;
		size_t start = th->off[p], end = th->off[p + len];
		char term[TEXT_TOKEN_MAX + 1];
		memcpy(term, sc->text + from + start, end - start);
		term[end - start] = '\0';
		int rc = emit(sc, term, end - start, from + start, from + end, 0);
		/* Sub-words: dictionary words starting inside this one and ending before its end, longest first. */
		for (size_t q = p; sc->index && len >= 3 && !rc && q < p + len; q++) {
			for (size_t m = th->nmatch[q]; m-- > 0 && !rc;) {
				size_t sub = th->mlen[q][m];
				if (sub < 2 || q + sub > p + len || sub == len)
					continue;
				size_t ss = th->off[q], se = th->off[q + sub];
				memcpy(term, sc->text + from + ss, se - ss);
				term[se - ss] = '\0';
				rc = emit(sc, term, se - ss, from + ss, from + se, TEXT_TOKEN_SUBWORD);
			}
		}
		if (rc)
			return rc;
		p += len;
	}
	return 0;
}

/* Tokenizes the run of ideographs starting at *pos, in pieces of at most RUN_MAX bytes; leaves *pos after it. */
static int cjk_run(struct scan *sc, size_t *pos)
{
	const unsigned char *s = (const unsigned char *)sc->text;
	size_t from = *pos, i = *pos;
	int rc = 0;
	while (i < sc->len) {
		uint32_t cp, folded;
		size_t n = utf8_decode(s + i, sc->len - i, &cp);
		if (n == 0 || classify(cp, &folded) != CH_CJK)
			break;
		if (i + n - from > RUN_MAX) {
			if ((rc = cjk_piece(sc, from, i)))
				break;
			from = i;
		}
		i += n;
	}
	if (!rc && i > from)
		rc = cjk_piece(sc, from, i);
	*pos = i;
	return rc;
}

static int tokenize(const char *text, size_t len, bool index, text_token_fn fn, void *ctx)
{
	if (len == 0)
		return 0;
	struct segmenter *seg;
	if (segmenter_get(NULL, &seg, NULL) != QERR_OK) {
		static atomic_flag logged = ATOMIC_FLAG_INIT;
		if (!atomic_flag_test_and_set(&logged)) {
			struct qerror e;
			qerr_clear(&e);
			segmenter_get(NULL, &seg, &e);
			log_error("market tokenizer: %s", e.message);
		}
		return TEXT_TOKENIZE_UNAVAILABLE;
	}
	bool temp;
	struct tok_thread *th = thread_state_get(&temp);
	if (!th)
		return TEXT_TOKENIZE_NOMEM;
	th->busy = true;
	struct scan sc = {.seg = seg, .th = th, .text = text, .len = len, .index = index, .fn = fn, .ctx = ctx};
	const unsigned char *s = (const unsigned char *)text;
	int rc = 0;
	for (size_t i = 0; i < len && !rc;) {
		uint32_t cp, folded;
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (n == 0) {
			i++; /* an invalid byte separates tokens */
			continue;
		}
		switch (classify(cp, &folded)) {
		case CH_CJK:
			rc = cjk_run(&sc, &i);
			break;
		case CH_DIGIT:
		case CH_LETTER:
			rc = latin_run(&sc, &i);
			break;
		default:
			i += n;
		}
	}
	th->busy = false;
	if (temp)
		free(th);
	return rc;
}

int text_tokenize(const char *text, size_t len, text_token_fn fn, void *ctx)
{
	return tokenize(text, len, true, fn, ctx);
}

int text_tokenize_query(const char *text, size_t len, text_token_fn fn, void *ctx)
{
	return tokenize(text, len, false, fn, ctx);
}
