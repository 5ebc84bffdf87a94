/*
 * tokenizer.h - the Chinese word tokenizer: listings, queries, full-text indexes.
 *
 * Supply and demand text must match by words: 电机 finds 永磁同步电机 and
 * does not find 电视机, and two-character words (电机, 模具, 轴承) must
 * work, which SQLite's trigram tokenizer cannot do. Chinese runs are
 * segmented into words with libfriso's dictionary and libfriso's mmseg
 * (complex mode) rules, word for word as friso would (tokenizer.c says why
 * friso's own code is not called at run time); Latin letters and digits
 * form tokens of their own.
 *
 * Terms produced for a text:
 *  - every Chinese word friso finds, in order (single characters included,
 *    so phrase positions are the same for documents and queries);
 *  - index mode only: the dictionary words of 2+ characters inside each
 *    longer word (深沟 + 球轴承 → 深沟, 球轴承, 轴承; 注塑模具 → 注塑, 模具),
 *    flagged TEXT_TOKEN_SUBWORD. They never cross the boundary of the word
 *    they come from, so a sub-word is always a real substring of one word:
 *    电视机 yields 电视 but never 电机;
 *  - runs of ASCII or full-width letters and digits (and Latin-1, Greek,
 *    Cyrillic, kana and hangul letters), case-folded and full-width folded:
 *    IATF16949 → iatf16949, M8 → m8, Ｍ８ → m8, 304不锈钢 → 304 + 不锈钢.
 *    A '.' between two digits stays inside the run (3.5mm). In index mode a
 *    run mixing letters and digits also yields its letter and digit parts
 *    of 2+ characters as sub-words (iatf16949 → iatf, 16949);
 *  - nothing for punctuation, symbols, whitespace or invalid UTF-8, which
 *    all separate tokens.
 * Every term carries the byte range of the input it was read from, for
 * highlighting. Terms are at most TEXT_TOKEN_MAX bytes: a longer Latin
 * run is cut into pieces at character boundaries. A Chinese run of more
 * than 8 KB without any separator is segmented in 8 KB pieces (a word
 * straddling a cut is split there).
 *
 * Query side (a choice, see text_tokenize_query): queries get the words
 * only, no sub-words. A document containing 深沟球轴承 is indexed with
 * 轴承 as a sub-word, so the query 轴承 finds it; the query 深沟球轴承
 * becomes the phrase 深沟 球轴承 and finds only documents that contain
 * that phrase, not those with a bare 轴承. A matcher that wants recall
 * over precision can tokenize the query in index mode and OR the sub-words
 * in as weaker terms (bm25 then ranks the full-phrase documents first,
 * since they match every term).
 *
 * Segmentation can only find the words friso's dictionary and rules find:
 * 大型电机组 segments as 大型 / 电 / 机组, so it is not found by 电机, and
 * 电动机 is not found by 电机 (no synonyms). Sub-words catch the common case,
 * a short word inside a longer dictionary word.
 *
 * The segmenter is shared by the whole process and loaded on first use,
 * thread-safely: friso reads /etc/friso/friso.ini (Debian's friso.pc names
 * a path that does not exist), or $QILIAN_FRISO_INI when set, and loads its
 * ~180,000-word dictionary, which is copied into an immutable trie (about
 * 8 MB) before friso is freed; about 0.3 s. Each thread keeps its own
 * scratch (about 50 KB). friso.add_syn and friso.clr_stw are ignored:
 * synonyms would index words that are not in the text, and dropping stop
 * words would shift phrase positions.
 *
 * The database's full-text indexes use this tokenizer under the name
 * "qilian_zh" (text/fts.h registers it on every connection).
 */
#ifndef QILIAN_TEXT_TOKENIZER_H
#define QILIAN_TEXT_TOKENIZER_H
#include <stddef.h>
#include "base/qerr.h"

/* Longest term in bytes (friso's word limit), not counting the NUL. */
#define TEXT_TOKEN_MAX 63

/* The term is a dictionary word (or a letter/digit part) inside the previous non-sub-word term: same position. */
#define TEXT_TOKEN_SUBWORD 1u

struct text_token {
	const char *term; /* NUL-terminated, folded; valid only during the callback */
	size_t len;	  /* bytes in term, 1..TEXT_TOKEN_MAX */
	size_t start;	  /* byte range [start, end) of the input the term was read from */
	size_t end;
	unsigned flags; /* TEXT_TOKEN_SUBWORD or 0 */
};

/* Called once per term, in text order (a word's sub-words right after it). Return 0 to go on, or a positive value to
 * stop. */
typedef int (*text_token_fn)(void *ctx, const struct text_token *tok);

/* text_tokenize* return values besides 0 and a callback's own code. */
#define TEXT_TOKENIZE_UNAVAILABLE (-1) /* the dictionary could not be loaded: text_tokenizer_init says why */
#define TEXT_TOKENIZE_NOMEM (-2)

/*
 * Loads the segmenter from the friso configuration at ini_path (NULL: the
 * default described above). Idempotent and thread-safe: once loaded, later
 * calls return QERR_OK at once whatever ini_path says. Fails with
 * QERR_INTERNAL (slug "tokenizer_unavailable") naming the file when the
 * configuration is missing or unreadable, is not UTF-8, or its dictionary
 * is empty. Calling it is optional (tokenizing loads on first use) but lets
 * a program fail early with that message.
 */
enum qerr text_tokenizer_init(const char *ini_path, struct qerror *err);

/*
 * Tokenizes text[0..len) for indexing: words, then the sub-words of each.
 * text need not be NUL-terminated and may be any bytes (invalid UTF-8 and
 * NULs separate tokens). Returns 0 when every term was delivered, the
 * callback's value if it stopped early, TEXT_TOKENIZE_UNAVAILABLE or
 * TEXT_TOKENIZE_NOMEM. The callback may itself call text_tokenize.
 */
int text_tokenize(const char *text, size_t len, text_token_fn fn, void *ctx);

/* The same for a query: the words only, never TEXT_TOKEN_SUBWORD terms. */
int text_tokenize_query(const char *text, size_t len, text_token_fn fn, void *ctx);

/*
 * Frees the segmenter and the calling thread's task (other threads free
 * theirs when they exit). Registered with atexit() at the first load so
 * LeakSanitizer sees nothing; call it earlier only when no other thread is
 * tokenizing. A later tokenize call loads the segmenter again.
 */
void text_tokenizer_shutdown(void);

#endif
