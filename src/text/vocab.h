/*
 * vocab.h - the industrial vocabulary (行业词表) and query understanding:
 * buyers write 马达 for 电机, 螺丝 for 螺栓, CNC for 数控加工, motor for 电机.
 *
 * An entry links a canonical term to a term of one kind, with a weight
 * (percent, 1..100) and a note of where it comes from:
 *   synonym       电动机 = 电机                     (同义词)
 *   colloquial    马达 → 电机, 螺丝 → 螺栓          (俗称)
 *   abbreviation  BMS → 电池管理系统, CNC → 数控加工 (缩写)
 *   english       motor → 电机                     (英文)
 *   narrower      伺服电机 ⊂ 电机 (term is a kind of canonical) (下位词)
 * The entries live in the database (table vocab, 0008_vocab.sql), seeded
 * from the data shipped in the .tsv files of src/text/vocab/ (embedded at build time:
 * text_vocab_seed_tsv) and edited by the operator (registry/vocab.h).
 *
 * Terms are compared by their key: the words the tokenizer finds in them
 * (query mode), folded and concatenated, so "CNC 加工" and "cnc加工" are one
 * key, and a key is matched only on whole words of a text: a span of
 * adjacent words whose concatenation is the key (电 + 芯 is 电芯; 电视机 is
 * one word, so it never contains 电机).
 *
 * Two uses:
 *  - indexing (text_vocab_tokenize): a text's index-mode terms plus every
 *    vocabulary key spelled by 2..6 adjacent words (flagged
 *    TEXT_TOKEN_SUBWORD | TEXT_VOCAB_COMPOUND: at the position of their
 *    first word, not counted in the length), so 动力电芯 is indexed as 动力,
 *    电, 芯 and also 电芯 and 动力电芯;
 *  - query understanding (text_vocab_expand): a query becomes weighted
 *    terms with an explanation each: its words (weight 1; the words inside
 *    a recognised compound only TEXT_VOCAB_W_PART or
 *    TEXT_VOCAB_W_PART_CHAR, so 锂电池 outranks a text sharing just 锂),
 *    the compound itself, and the canonical term, the other variants and the
 *    narrower terms of every vocabulary term found (weight = the entries'
 *    weights multiplied along the way), and the broader term of a narrower
 *    one at TEXT_VOCAB_W_BROADER of its weight; an expansion that spells a
 *    heavier term inside it (永磁同步电机 holds 电机) is redundant for
 *    matching and counts TEXT_VOCAB_W_REDUNDANT of its weight.
 * Any ranker can use the expansion (market matching; the shared ranker for
 * resources and talent could too): it is a pure function of the
 * vocabulary and the text.
 */
#ifndef QILIAN_TEXT_VOCAB_H
#define QILIAN_TEXT_VOCAB_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/qerr.h"
#include "store/db.h"
#include "text/tokenizer.h"

enum text_vocab_kind {
	TEXT_VOCAB_SYNONYM,
	TEXT_VOCAB_COLLOQUIAL,
	TEXT_VOCAB_ABBREVIATION,
	TEXT_VOCAB_ENGLISH,
	TEXT_VOCAB_NARROWER,
	TEXT_VOCAB_KIND_COUNT
};

/* "synonym", "colloquial", "abbreviation", "english", "narrower" (NULL-terminated, by kind). */
extern const char *const text_vocab_kind_names[];
/* 同义词, 俗称, 缩写, 英文, 下位词 */
extern const char *const text_vocab_kind_zh[];

/* Parses a kind name; false when unknown. */
bool text_vocab_kind_parse(const char *s, enum text_vocab_kind *out);

/* The token flag of a vocabulary compound emitted by text_vocab_tokenize (always with TEXT_TOKEN_SUBWORD). */
#define TEXT_VOCAB_COMPOUND 2u

#define TEXT_VOCAB_TERM_MAX 60 /* bytes of a canonical term or a term (keys are at most TEXT_TOKEN_MAX) */
#define TEXT_VOCAB_MAX_SPAN 6  /* words a compound may span (光致抗蚀剂 is five single characters) */

/* Query weights (docs/market.md, "Vocabulary"). */
#define TEXT_VOCAB_W_PART 0.35      /* a word of 2+ characters inside a recognised compound */
#define TEXT_VOCAB_W_PART_CHAR 0.15 /* a single character inside one */
#define TEXT_VOCAB_W_BROADER 0.5    /* the broader term of a narrower one, times the entry's weight */
#define TEXT_VOCAB_W_MIN 0.12       /* expansions lighter than this are dropped */
#define TEXT_VOCAB_W_REDUNDANT 0.3  /* an expansion holding a heavier term of the query (永磁同步电机 ⊃ 电机) */
#define TEXT_VOCAB_MAX_EXPANSIONS 24      /* expansions of a query of up to TEXT_VOCAB_LONG_TEXT words */
#define TEXT_VOCAB_MAX_EXPANSIONS_LONG 8  /* of a longer text (a demand's description) */
#define TEXT_VOCAB_LONG_TEXT 8
#define TEXT_VOCAB_MAX_TERMS 96     /* terms of one expansion (the query's own words first, in text order) */

/* An immutable snapshot of the vocabulary, shared by threads (reference-counted). */
struct text_vocab;

/*
 * The vocabulary of db as of its 'vocab' change counter, loaded from table
 * vocab once per counter value and database path and cached for the
 * process; *out is a new reference (text_vocab_release). An empty table
 * gives an empty vocabulary (no compounds, no expansion).
 */
enum qerr text_vocab_get(struct db *db, struct text_vocab **out, struct qerror *err);
void text_vocab_release(struct text_vocab *v);

/* Entries in the snapshot; a fingerprint of its set of keys (equal sets, equal fingerprints). */
size_t text_vocab_size(const struct text_vocab *v);
uint64_t text_vocab_keys_hash(const struct text_vocab *v);

/* The key of a term (folded words, concatenated) into key[TEXT_TOKEN_MAX + 1]; false when it has no word or is too long. */
bool text_vocab_key(const char *term, char key[TEXT_TOKEN_MAX + 1]);

/* Index-mode tokenizing (text_tokenize) plus the vocabulary's compounds; v may be NULL (plain text_tokenize). */
int text_vocab_tokenize(const struct text_vocab *v, const char *text, size_t len, text_token_fn fn, void *ctx);

enum text_vocab_origin {
	TEXT_VOCAB_QUERY,    /* a word (or sub-word) of the query */
	TEXT_VOCAB_PART,     /* a word of the query inside a recognised compound (lighter) */
	TEXT_VOCAB_WHOLE,    /* a compound of the query's words that the vocabulary knows (锂 + 电池) */
	TEXT_VOCAB_EXPANDED, /* from the vocabulary: canonical, variant, narrower or broader term */
};

struct text_vocab_term {
	char key[TEXT_TOKEN_MAX + 1]; /* what to look up in an index of text_vocab_tokenize terms */
	char display[TEXT_VOCAB_TERM_MAX + 4];
	double weight; /* 0 < weight <= 1 */
	enum text_vocab_origin origin;
	int kind;          /* enum text_vocab_kind of the entry that gave it; -1 for the query's own */
	char explain[200]; /* "马达 → 电机 (俗称)", "伺服电机 ⊂ 电机 (下位词)"; "" for the query's own */
	int order;         /* when it was found (internal: keeps the order stable) */
	int own;           /* a word of the query (even when an expansion weighs it more): never capped */
};

struct text_vocab_expansion {
	int n;
	struct text_vocab_term t[TEXT_VOCAB_MAX_TERMS];
};

/*
 * Expands text[0..len) (v may be NULL or empty: the words and sub-words of
 * the text, weight 1 each, which is what matching did before the
 * vocabulary). Terms are unique by key (the heaviest kept). Returns 0, or
 * TEXT_TOKENIZE_UNAVAILABLE / TEXT_TOKENIZE_NOMEM.
 */
int text_vocab_expand(const struct text_vocab *v, const char *text, size_t len, struct text_vocab_expansion *out);

/*
 * The shipped vocabulary: the .tsv files of src/text/vocab/ concatenated (generated at
 * build time by scripts/embed-vocab.cmake). Lines "canonical\tkind\tterm\t
 * weight\tsource"; '#' starts a comment line; the header line starts with
 * "canonical".
 */
extern const char text_vocab_seed_tsv[];

/* One seed line at a time: fn gets the fields of every entry line (NUL-terminated); returns the first non-zero fn value. */
int text_vocab_seed_each(int (*fn)(void *ctx, const char *canonical, const char *kind, const char *term, int weight,
				   const char *source, long line),
			 void *ctx);

/* Drops the cached snapshots (tests that reopen another database). */
void text_vocab_reset(void);

#endif
