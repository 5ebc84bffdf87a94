/*
 * test_tokenizer.c - the market's Chinese tokenizer and its FTS5 binding:
 * 电机 is found inside 永磁同步电机 and never in 电视机, 轴承 inside
 * 深沟球轴承, mixed Chinese/Latin/digit text (M8不锈钢螺栓, IATF16949认证,
 * 304不锈钢), case and width folding, punctuation, empty and whitespace
 * input, invalid UTF-8 and random bytes, very long input and very long
 * runs, a callback that stops or tokenizes again, threads, a missing
 * dictionary; word-for-word agreement with friso's own mmseg on listings
 * and thousands of random word sequences; then FTS5 end to end on an in-memory database: two-character
 * queries, 电机 vs 电视机, bm25 order, phrases, prefixes, highlight(),
 * deletes and the integrity check, and what an unregistered connection sees.
 * Every tokenization is checked for the invariants callers rely on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>
#include <cmocka.h>
#include <friso.h>
#include <friso_API.h>
#include <friso_ctype.h>

#include "base/util.h"
#include "store/db.h"
#include "text/fts.h"
#include "text/tokenizer.h"
#include "testdb.h" /* for testdb_exec only: nothing here calls testdb_open, which installs the tokenizer */

/*
 * A connection through the store seam with the tokenizer registered on it
 * explicitly. This program never calls text_fts_install(), so db_open adds
 * nothing by itself: test_fts_unregistered_connection_cannot_use_the_table
 * relies on that.
 */
static struct db *fts_open(const char *path)
{
	struct qerror err;
	qerr_clear(&err);
	struct db *db = db_open(path, true, &err);
	if (!db)
		fail_msg("db_open %s: %s", path, err.message);
	if (text_fts_register(db, &err) != QERR_OK)
		fail_msg("text_fts_register: %s", err.message);
	return db;
}

/* ---- collecting tokens ---- */

struct tok {
	char term[TEXT_TOKEN_MAX + 1];
	size_t start, end;
	unsigned flags;
};

struct toks {
	const char *text;
	size_t text_len;
	struct tok *t;
	size_t n, cap;
	int stop_after; /* >0: return 7 after that many tokens */
};

static int collect_cb(void *ctx, const struct text_token *tk)
{
	struct toks *ts = ctx;
	/* Invariants of every term. */
	assert_non_null(tk->term);
	assert_true(tk->len >= 1 && tk->len <= TEXT_TOKEN_MAX);
	assert_int_equal(strlen(tk->term), tk->len);
	assert_true(util_utf8_valid(tk->term, tk->len));
	assert_true(tk->start < tk->end && tk->end <= ts->text_len);
	assert_true(tk->flags == 0 || tk->flags == TEXT_TOKEN_SUBWORD);
	if (tk->flags & TEXT_TOKEN_SUBWORD) {
		/* A sub-word follows a word and lies strictly inside it. */
		assert_true(ts->n > 0);
		size_t w = ts->n;
		while (w > 0 && ts->t[w - 1].flags)
			w--;
		assert_true(w > 0);
		const struct tok *word = &ts->t[w - 1];
		assert_true(tk->start >= word->start && tk->end <= word->end);
		assert_true(tk->end - tk->start < word->end - word->start);
	} else if (ts->n > 0) {
		/* Words come in order and never overlap. */
		size_t w = ts->n;
		while (w > 0 && ts->t[w - 1].flags)
			w--;
		if (w > 0)
			assert_true(tk->start >= ts->t[w - 1].end);
	}
	/* Chinese terms are the very bytes they were read from. */
	if ((unsigned char)tk->term[0] >= 0xE3 && tk->end - tk->start == tk->len)
		assert_memory_equal(ts->text + tk->start, tk->term, tk->len);
	if (ts->n == ts->cap) {
		ts->cap = ts->cap ? ts->cap * 2 : 64;
		ts->t = realloc(ts->t, ts->cap * sizeof *ts->t);
		assert_non_null(ts->t);
	}
	struct tok *t = &ts->t[ts->n++];
	memcpy(t->term, tk->term, tk->len + 1);
	t->start = tk->start;
	t->end = tk->end;
	t->flags = tk->flags;
	if (ts->stop_after > 0 && (int)ts->n == ts->stop_after)
		return 7;
	return 0;
}

static int run(struct toks *ts, const char *text, size_t len, int query)
{
	memset(ts, 0, sizeof *ts);
	ts->text = text;
	ts->text_len = len;
	return query ? text_tokenize_query(text, len, collect_cb, ts) : text_tokenize(text, len, collect_cb, ts);
}

static void toks_free(struct toks *ts)
{
	free(ts->t);
	ts->t = NULL;
}

/* "a|b|c" of the words (and sub-words when with_sub, as "+x"). Static buffer. */
static const char *joined(const struct toks *ts, int with_sub)
{
	static char out[8192];
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < ts->n; i++) {
		if (ts->t[i].flags && !with_sub)
			continue;
		int w =
		    snprintf(out + o, sizeof out - o, "%s%s%s", o ? "|" : "", ts->t[i].flags ? "+" : "", ts->t[i].term);
		assert_true(w > 0 && (size_t)w < sizeof out - o);
		o += (size_t)w;
	}
	return out;
}

static const char *index_words(const char *text)
{
	struct toks ts;
	assert_int_equal(run(&ts, text, strlen(text), 0), 0);
	const char *s = joined(&ts, 1);
	toks_free(&ts);
	return s;
}

static const char *query_words(const char *text)
{
	struct toks ts;
	assert_int_equal(run(&ts, text, strlen(text), 1), 0);
	for (size_t i = 0; i < ts.n; i++)
		assert_int_equal(ts.t[i].flags, 0);
	const char *s = joined(&ts, 0);
	toks_free(&ts);
	return s;
}

/* Finds term (as a word, a sub-word, or either) in the index terms of text. */
enum { AS_ANY, AS_WORD, AS_SUBWORD };
static const struct tok *find_term(struct toks *ts, const char *term, int as)
{
	for (size_t i = 0; i < ts->n; i++) {
		if (strcmp(ts->t[i].term, term) != 0)
			continue;
		if (as == AS_ANY || (as == AS_WORD) == (ts->t[i].flags == 0))
			return &ts->t[i];
	}
	return NULL;
}

static int indexes(const char *text, const char *term)
{
	struct toks ts;
	assert_int_equal(run(&ts, text, strlen(text), 0), 0);
	int found = find_term(&ts, term, AS_ANY) != NULL;
	toks_free(&ts);
	return found;
}

/* ---- words, sub-words and the 电机/电视机 case ---- */

static void test_motor_is_a_word_of_permanent_magnet_synchronous_motor(void **state)
{
	assert_string_equal(query_words("永磁同步电机"), "永磁|同步|电机");
	assert_true(indexes("永磁同步电机", "电机"));
	assert_true(indexes("供应高效永磁同步电机，IE4能效", "电机"));
	/* A known limit of the dictionary and rules (documented in tokenizer.h): 电 / 机组 here. */
	assert_string_equal(query_words("大型电机组"), "大型|电|机组");
	assert_string_equal(query_words("电机"), "电机");
}

static void test_tv_set_never_yields_motor(void **state)
{
	struct toks ts;
	const char *text = "液晶电视机外壳";
	assert_int_equal(run(&ts, text, strlen(text), 0), 0);
	assert_string_equal(joined(&ts, 0), "液晶|电视机|外壳");
	assert_null(find_term(&ts, "电机", AS_ANY));
	const struct tok *tv = find_term(&ts, "电视", AS_SUBWORD);
	assert_non_null(tv); /* 电视 is inside 电视机, so a search for 电视 finds it */
	assert_int_equal(tv->start, 6);
	assert_int_equal(tv->end, 12);
	toks_free(&ts);
	assert_false(indexes("电视机", "电机"));
	assert_false(indexes("彩色电视机及配件", "电机"));
}

static void test_bearing_inside_deep_groove_ball_bearing(void **state)
{
	struct toks ts;
	const char *text = "深沟球轴承";
	assert_int_equal(run(&ts, text, strlen(text), 0), 0);
	assert_string_equal(joined(&ts, 1), "深沟|球轴承|+轴承");
	const struct tok *b = find_term(&ts, "轴承", AS_SUBWORD);
	assert_non_null(b);
	assert_int_equal(b->start, 9); /* inside 球轴承 at 6..15 */
	assert_int_equal(b->end, 15);
	toks_free(&ts);
	/* The query gets words only. */
	assert_string_equal(query_words("深沟球轴承"), "深沟|球轴承");
	assert_true(indexes("圆锥滚子轴承30205", "轴承"));
}

static void test_mold_inside_injection_mold(void **state)
{
	assert_true(indexes("注塑模具", "模具"));
	assert_true(indexes("汽车零部件精密注塑模具加工", "模具"));
	assert_true(indexes("汽车零部件精密注塑模具加工", "部件")); /* sub-word of 零部件 */
	assert_string_equal(index_words("数控机床"), "数控机床|+数控|+机床");
	assert_string_equal(index_words("发电机"), "发电机|+发电|+电机"); /* a generator is an electric machine */
}

static void test_mixed_chinese_latin_and_digits(void **state)
{
	assert_string_equal(query_words("M8不锈钢螺栓"), "m8|不锈钢|螺栓");
	assert_string_equal(query_words("IATF16949认证"), "iatf16949|认证");
	assert_string_equal(query_words("304不锈钢"), "304|不锈钢");
	assert_string_equal(query_words("深沟球轴承6204-2RS"), "深沟|球轴承|6204|2rs");
	assert_string_equal(query_words("GB/T 5783 六角螺栓M8×30"), "gb|t|5783|六角|螺栓|m8|30");
	/* Index mode adds the letter and digit parts of a mixed run. */
	assert_string_equal(index_words("IATF16949认证"), "iatf16949|+iatf|+16949|认证");
	assert_string_equal(index_words("M8"), "m8"); /* parts of one character are not indexed */
	assert_string_equal(index_words("Q235B"), "q235b|+235");
	struct toks ts;
	const char *text = "供应M8不锈钢螺栓";
	assert_int_equal(run(&ts, text, strlen(text), 1), 0);
	const struct tok *m8 = find_term(&ts, "m8", AS_WORD);
	assert_non_null(m8);
	assert_int_equal(m8->start, 6);
	assert_int_equal(m8->end, 8);
	toks_free(&ts);
}

static void test_case_and_width_folding(void **state)
{
	assert_string_equal(query_words("ISO9001 iso9001 Iso9001"), "iso9001|iso9001|iso9001");
	/* Full-width letters and digits fold to ASCII; offsets stay on the original bytes. */
	struct toks ts;
	const char *text = "ＩＳＯ９００１认证";
	assert_int_equal(run(&ts, text, strlen(text), 1), 0);
	assert_string_equal(joined(&ts, 0), "iso9001|认证");
	assert_int_equal(ts.t[0].start, 0);
	assert_int_equal(ts.t[0].end, 21);
	toks_free(&ts);
	assert_string_equal(query_words("ÄÖÜ ΣΊΣΥΦΟΣ ДЕТАЛЬ Ёлка"), "äöü|σίσυφοσ|деталь|ёлка");
	assert_string_equal(query_words("Φ20钢管"), "φ20|钢管");
}

static void test_decimal_point_stays_between_digits(void **state)
{
	assert_string_equal(query_words("M3.5螺丝 1.5mm"), "m3.5|螺丝|1.5mm");
	assert_string_equal(query_words("版本3. a.b .5"), "版本|3|a|b|5");
	assert_string_equal(index_words("M3.5"), "m3.5|+3.5");
}

static void test_punctuation_and_whitespace_are_dropped(void **state)
{
	static const char *blank[] = {
	    " ",
	    "\t\r\n",
	    "　　",
	    "，。！？、；：“”（）【】《》",
	    "·—…～",
	    "!@#$%^&*()_+-=[]{}|;':\",./<>?",
	    "℃±×÷①②③",
	    "😀🏭",
	    "\x01\x02\x7f",
	};
	for (size_t i = 0; i < sizeof blank / sizeof *blank; i++) {
		struct toks ts;
		assert_int_equal(run(&ts, blank[i], strlen(blank[i]), 0), 0);
		assert_int_equal(ts.n, 0);
		toks_free(&ts);
	}
	assert_string_equal(query_words("轴承，电机。模具！"), "轴承|电机|模具");
	assert_string_equal(query_words("  轴承\t\n电机　模具  "), "轴承|电机|模具");
}

static void test_empty_input(void **state)
{
	struct toks ts;
	assert_int_equal(run(&ts, "", 0, 0), 0);
	assert_int_equal(ts.n, 0);
	assert_int_equal(run(&ts, NULL, 0, 1), 0);
	assert_int_equal(ts.n, 0);
	/* len bounds the text: nothing past it is read. */
	assert_int_equal(run(&ts, "电机轴承", 6, 1), 0);
	assert_string_equal(joined(&ts, 0), "电机");
	toks_free(&ts);
}

static void test_invalid_utf8_separates_tokens(void **state)
{
	static const struct {
		const char *text;
		size_t len;
		const char *words;
	} cases[] = {
#define CASE(text, words) {text, sizeof(text) - 1, words}
	    CASE("轴承\xff电机", "轴承|电机"),
	    CASE("轴\xe8\xbd", "轴"),	  /* truncated character at the end */
	    CASE("\xe8\xbd轴承", "轴承"), /* a lead byte without its continuation */
	    CASE("ab\xc0\xaf"
		 "cd",
		 "ab|cd"),			 /* overlong '/' */
	    CASE("电\xed\xa0\x80机", "电|机"),	 /* surrogate */
	    CASE("m8\xf4\x90\x80\x80x", "m8|x"), /* past U+10FFFF */
	    CASE("电机\0轴承", "电机|轴承"),	 /* NUL inside */
	    CASE("\x80\x80\x80", ""),
#undef CASE
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct toks ts;
		assert_int_equal(run(&ts, cases[i].text, cases[i].len, 1), 0);
		assert_string_equal(joined(&ts, 0), cases[i].words);
		toks_free(&ts);
	}
}

static void test_random_bytes_never_break_the_invariants(void **state)
{
	static const char *pieces[] = {"电机", "深沟球轴承", "M8", "不锈钢", "ＡＢ",	 "3.5",	     "，", " ", "\xe8",
				       "\xbd", "\xff",	     "\0", "Σ",	     "数控机床", "发电机组", "ß",  "é", "."};
	unsigned seed = 12345;
	char buf[512];
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = 0;
		int parts = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 24;
		for (int p = 0; p < parts; p++) {
			seed = seed * 1103515245u + 12345u;
			unsigned r = seed >> 16;
			if (r % 3 == 0) {
				buf[len++] = (char)(r >> 3);
			} else {
				const char *s = pieces[r % (sizeof pieces / sizeof *pieces)];
				size_t n = s[0] ? strlen(s) : 1;
				memcpy(buf + len, s, n);
				len += n;
			}
		}
		struct toks ts;
		assert_int_equal(run(&ts, buf, len, (int)(iter & 1)), 0); /* the callback checks the invariants */
		toks_free(&ts);
	}
}

static void test_very_long_input(void **state)
{
	/* 1 MB of listings separated by '；': the same terms for every copy. */
	const char *listing = "深沟球轴承6204-2RS，IATF16949认证，永磁同步电机配套M8不锈钢螺栓；";
	struct toks one;
	assert_int_equal(run(&one, listing, strlen(listing), 0), 0);
	size_t per = one.n;
	toks_free(&one);
	size_t len = strlen(listing), copies = (1u << 20) / len;
	char *big = malloc(copies * len);
	assert_non_null(big);
	for (size_t i = 0; i < copies; i++)
		memcpy(big + i * len, listing, len);
	struct toks ts;
	assert_int_equal(run(&ts, big, copies * len, 0), 0);
	assert_int_equal(ts.n, per * copies);
	assert_string_equal(ts.t[ts.n - 1].term, ts.t[per - 1].term);
	assert_int_equal(ts.t[ts.n - 1].end, ts.t[per - 1].end + (copies - 1) * len);
	toks_free(&ts);

	/* 30,000 ideographs with no separator: cut in pieces, but every character is covered once by the words. */
	size_t n = 30000;
	const char *cycle = "永磁同步电机深沟球轴承注塑模具";
	size_t clen = strlen(cycle);
	size_t cjk_len = n / 15 * clen;
	assert_true(cjk_len <= copies * len);
	for (size_t i = 0; i < cjk_len; i += clen)
		memcpy(big + i, cycle, clen);
	assert_int_equal(run(&ts, big, cjk_len, 1), 0);
	size_t covered = 0;
	for (size_t i = 0; i < ts.n; i++) {
		assert_int_equal(ts.t[i].start, covered);
		covered = ts.t[i].end;
	}
	assert_int_equal(covered, cjk_len);
	toks_free(&ts);

	/* 10,000 letters: pieces of at most TEXT_TOKEN_MAX bytes, contiguous. */
	memset(big, 'A', 10000);
	assert_int_equal(run(&ts, big, 10000, 0), 0);
	assert_int_equal(ts.n, (10000 + TEXT_TOKEN_MAX - 1) / TEXT_TOKEN_MAX);
	covered = 0;
	for (size_t i = 0; i < ts.n; i++) {
		assert_int_equal(ts.t[i].start, covered);
		assert_true(strspn(ts.t[i].term, "a") == strlen(ts.t[i].term));
		covered = ts.t[i].end;
	}
	assert_int_equal(covered, 10000);
	toks_free(&ts);
	free(big);
}

static void test_callback_stops_tokenizing(void **state)
{
	struct toks ts;
	memset(&ts, 0, sizeof ts);
	const char *text = "永磁同步电机深沟球轴承";
	ts.text = text;
	ts.text_len = strlen(text);
	ts.stop_after = 2;
	assert_int_equal(text_tokenize(text, strlen(text), collect_cb, &ts), 7);
	assert_int_equal(ts.n, 2);
	toks_free(&ts);
	/* Stopping on a sub-word works too. */
	memset(&ts, 0, sizeof ts);
	ts.text = "深沟球轴承";
	ts.text_len = strlen(ts.text);
	ts.stop_after = 3;
	assert_int_equal(text_tokenize(ts.text, ts.text_len, collect_cb, &ts), 7);
	assert_int_equal(ts.t[2].flags, TEXT_TOKEN_SUBWORD);
	toks_free(&ts);
}

static const char *const listings[] = {
    "供应高效永磁同步电机，功率7.5kW至200kW，适用于风机水泵，IE4能效",
    "承接液晶电视机外壳注塑加工，ABS材料，年产能50万套",
    "深沟球轴承6204-2RS，内径20mm，轴承钢GCr15，批量供货",
    "精密注塑模具设计制造，模具寿命50万模次，IATF16949认证",
    "304不锈钢六角螺栓M8×30，GB/T 5783，现货供应",
    "圆锥滚子轴承30205，适用于汽车轮毂",
    "湿法锂电池隔膜，厚度9微米，新能源汽车动力电池配套",
    "交流伺服电机及驱动器，编码器17位，工业机器人减速器配套",
};

static void test_query_terms_are_the_index_words(void **state)
{
	/* Phrase positions line up only if documents and queries get the same words. */
	for (size_t i = 0; i < sizeof listings / sizeof *listings; i++) {
		struct toks doc, query;
		assert_int_equal(run(&doc, listings[i], strlen(listings[i]), 0), 0);
		assert_int_equal(run(&query, listings[i], strlen(listings[i]), 1), 0);
		size_t q = 0;
		for (size_t d = 0; d < doc.n; d++) {
			if (doc.t[d].flags)
				continue;
			assert_true(q < query.n);
			assert_string_equal(doc.t[d].term, query.t[q].term);
			assert_int_equal(doc.t[d].start, query.t[q].start);
			assert_int_equal(doc.t[d].end, query.t[q].end);
			q++;
		}
		assert_int_equal(q, query.n);
		toks_free(&doc);
		toks_free(&query);
	}
}

struct nested {
	int outer, inner_ok;
};

static int nested_inner_cb(void *ctx, const struct text_token *tk)
{
	int *count = ctx;
	(*count)++;
	return 0;
}

static int nested_outer_cb(void *ctx, const struct text_token *tk)
{
	struct nested *n = ctx;
	n->outer++;
	int inner = 0;
	/* Tokenizing again from inside a callback uses a fresh task, not the busy one. */
	if (text_tokenize_query("注塑模具M8", strlen("注塑模具M8"), nested_inner_cb, &inner) == 0 && inner == 3)
		n->inner_ok++;
	return 0;
}

static void test_callback_may_tokenize_again(void **state)
{
	struct nested n = {0, 0};
	assert_int_equal(text_tokenize_query("永磁同步电机", strlen("永磁同步电机"), nested_outer_cb, &n), 0);
	assert_int_equal(n.outer, 3);
	assert_int_equal(n.inner_ok, 3);
	assert_string_equal(query_words("永磁同步电机"), "永磁|同步|电机"); /* the outer task is intact */
}

static char reference[sizeof listings / sizeof *listings][2048];

static void *thread_main(void *arg)
{
	int *failures = arg;
	for (int round = 0; round < 100; round++) {
		for (size_t i = 0; i < sizeof listings / sizeof *listings; i++) {
			struct toks ts;
			memset(&ts, 0, sizeof ts);
			ts.text = listings[i];
			ts.text_len = strlen(listings[i]);
			if (text_tokenize(listings[i], ts.text_len, collect_cb, &ts) != 0)
				(*failures)++;
			char sig[2048];
			size_t o = 0;
			for (size_t k = 0; k < ts.n && o < sizeof sig - 80; k++)
				o += (size_t)snprintf(sig + o, sizeof sig - o, "%s@%zu-%zu/%u;", ts.t[k].term,
						      ts.t[k].start, ts.t[k].end, ts.t[k].flags);
			sig[o] = '\0';
			if (strcmp(sig, reference[i]) != 0)
				(*failures)++;
			free(ts.t);
		}
	}
	return NULL;
}

static void test_threads_share_the_segmenter(void **state)
{
	for (size_t i = 0; i < sizeof listings / sizeof *listings; i++) {
		struct toks ts;
		assert_int_equal(run(&ts, listings[i], strlen(listings[i]), 0), 0);
		size_t o = 0;
		for (size_t k = 0; k < ts.n; k++)
			o += (size_t)snprintf(reference[i] + o, sizeof reference[i] - o, "%s@%zu-%zu/%u;", ts.t[k].term,
					      ts.t[k].start, ts.t[k].end, ts.t[k].flags);
		toks_free(&ts);
	}
	enum { THREADS = 8 };
	pthread_t th[THREADS];
	int failures[THREADS] = {0};
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, thread_main, &failures[i]), 0);
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(failures[i], 0);
	}
}

static void test_missing_dictionary_is_a_clear_error(void **state)
{
	text_tokenizer_shutdown();
	struct qerror err;
	qerr_clear(&err);
	assert_int_equal(text_tokenizer_init("/nonexistent/friso.ini", &err), QERR_INTERNAL);
	assert_string_equal(err.slug, "tokenizer_unavailable");
	assert_non_null(strstr(err.message, "/nonexistent/friso.ini"));

	/* A configuration whose dictionary directory does not exist. */
	char path[] = "/tmp/qilian-friso-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *ini = "friso.charset = 0\nfriso.lex_dir = /nonexistent/dict/\nfriso.max_len = 5\n";
	assert_int_equal(write(fd, ini, strlen(ini)), (ssize_t)strlen(ini));
	close(fd);
	qerr_clear(&err);
	assert_int_equal(text_tokenizer_init(path, &err), QERR_INTERNAL);
	assert_non_null(strstr(err.message, "/nonexistent/dict/friso.lex.ini"));
	unlink(path);

	/* Unavailable: tokenizing says so, and so does FTS5 when a table opens. */
	setenv("QILIAN_FRISO_INI", "/nonexistent/friso.ini", 1);
	struct toks ts;
	assert_int_equal(run(&ts, "电机", strlen("电机"), 0), TEXT_TOKENIZE_UNAVAILABLE);
	assert_int_equal(run(&ts, "", 0, 0), 0); /* nothing to do needs no dictionary */
	struct db *db = fts_open(":memory:");
	qerr_clear(&err);
	assert_int_not_equal(db_exec(db, "CREATE VIRTUAL TABLE t USING fts5(title, tokenize='qilian_zh')", &err),
			     QERR_OK);
	db_close(db);
	unsetenv("QILIAN_FRISO_INI");

	/* The default loads, and tokenizing works again. */
	qerr_clear(&err);
	assert_int_equal(text_tokenizer_init(NULL, &err), QERR_OK);
	assert_string_equal(query_words("电机"), "电机");
}

/* ---- agreement with friso ---- */

/* friso's own words for a string of Chinese characters: the Chinese branch of next_mmseg_token. */
static void friso_words(friso_t friso, friso_config_t config, friso_task_t task, char *text, char *out, size_t cap)
{
	size_t o = 0;
	out[0] = '\0';
	friso_set_text(task, text);
	while (task->idx < task->length) {
		uint_t start = task->idx;
		utf8_next_word(task, &task->idx, task->buffer);
		const char *word = task->buffer;
		char single[8];
		if (friso_dic_match(friso->dic, __LEX_CJK_WORDS__, task->buffer)) {
			lex_entry_t e = next_complex_cjk(friso, config, task);
			assert_non_null(e);
			word = e->word;
		} else {
			memcpy(single, task->buffer, strlen(task->buffer) + 1);
			word = single;
		}
		assert_int_equal(task->idx - start, strlen(word));
		int w = snprintf(out + o, cap - o, "%s%s", o ? "|" : "", word);
		assert_true(w > 0 && (size_t)w < cap - o);
		o += (size_t)w;
	}
}

static void test_words_agree_with_friso(void **state)
{
	friso_t friso = friso_new();
	friso_config_t config = friso_new_config();
	char ini[] = "/etc/friso/friso.ini";
	assert_int_equal(friso_init_from_ifile(friso, config, ini), 1);
	friso_task_t task = friso_new_task();

	/* Dictionary words friso can match (Chinese by its own test, at most max_len characters). */
	friso_hash_t h = friso->dic[__LEX_CJK_WORDS__];
	const char **words = malloc(h->size * sizeof *words);
	assert_non_null(words);
	size_t nwords = 0;
	for (uint_t b = 0; b < h->length; b++) {
		for (hash_entry_t e = h->table[b]; e; e = e->_next) {
			const char *w = e->_key;
			size_t len = strlen(w), i = 0;
			if (len % 3 || len / 3 > config->max_len)
				continue;
			while (i < len && (unsigned char)w[i] >= 0xE0 && (unsigned char)w[i] < 0xF0 &&
			       utf8_cjk_string((uint_t)get_utf8_unicode((char *)w + i)))
				i += 3;
			if (i == len)
				words[nwords++] = w;
		}
	}
	assert_true(nwords > 100000);

	static const char *fixed[] = {
	    "永磁同步电机",
	    "液晶电视机外壳",
	    "深沟球轴承",
	    "汽车零部件精密注塑模具加工",
	    "供应永磁同步电机大型电机组",
	    "新能源汽车动力电池管理系统",
	    "工业机器人减速器",
	    "碳纤维复合材料",
	    "中华人民共和国",
	    "研究生命起源",
	    "结婚的和尚未结婚的",
	    "承接液晶电视机外壳注塑加工",
	    "湿法锂电池隔膜",
	};
	char text[512], want[2048], got[2048];
	size_t strings = sizeof fixed / sizeof *fixed, compared = 0;
	unsigned seed = 2024;
	for (size_t i = 0; i < strings + 3000; i++) {
		if (i < strings) {
			snprintf(text, sizeof text, "%s", fixed[i]);
		} else {
			/* Random words run together: the segmenter must find the boundaries again. */
			size_t o = 0;
			int n = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 8;
			for (int k = 0; k < n; k++) {
				seed = seed * 1103515245u + 12345u;
				const char *w = words[(seed >> 8) % nwords];
				size_t len = strlen(w);
				memcpy(text + o, w, len);
				o += len;
			}
			text[o] = '\0';
		}
		friso_words(friso, config, task, text, want, sizeof want);
		snprintf(got, sizeof got, "%s", query_words(text));
		if (strcmp(want, got) != 0)
			fail_msg("%s: friso %s, we %s", text, want, got);
		compared++;
	}
	assert_int_equal(compared, strings + 3000);
	free(words);
	friso_free_task(task);
	friso_free_config(config);
	friso_free(friso);
}

/* ---- FTS5 ---- */

static struct db *open_market(void)
{
	struct db *db = fts_open(":memory:");
	testdb_exec(db, "CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='qilian_zh')");
	static const char *titles[] = {
	    "永磁同步电机", "液晶电视机外壳", "深沟球轴承6204", "汽车零部件注塑模具",
	    "M8不锈钢螺栓", "圆锥滚子轴承",   "锂电池隔膜",	"伺服电机驱动器",
	};
	struct qerror err;
	qerr_clear(&err);
	struct db_stmt *st = db_prepare_dynamic(db, "INSERT INTO t(rowid, title, body) VALUES (?, ?, ?)", &err);
	assert_non_null(st);
	for (int i = 0; i < 8; i++) {
		db_bind_int(st, 1, i + 1);
		db_bind_text_ref(st, 2, titles[i], strlen(titles[i]));
		db_bind_text_ref(st, 3, listings[i], strlen(listings[i]));
		assert_int_equal(db_step(st, &err), DB_DONE);
		db_reset(st);
	}
	db_finalize(st);
	return db;
}

/* Rowids matching q, comma-separated, in the order given by order_by ("rowid" or "rank"). Static buffer. */
static const char *matching(struct db *db, const char *q, int by_rank)
{
	static char out[256];
	struct qerror err;
	qerr_clear(&err);
	const char *sql = by_rank ? "SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t)"
				  : "SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid";
	struct db_stmt *st = db_prepare_dynamic(db, sql, &err);
	if (!st)
		fail_msg("MATCH '%s': %s", q, err.message);
	db_bind_text(st, 1, q);
	size_t o = 0;
	int rc;
	out[0] = '\0';
	while ((rc = db_step(st, &err)) == DB_ROW)
		o += (size_t)snprintf(out + o, sizeof out - o, "%s%d", o ? "," : "", db_col_int(st, 0));
	if (rc != DB_DONE)
		fail_msg("MATCH '%s': %s", q, err.message);
	db_finalize(st);
	return out;
}

static void test_fts_motor_not_tv_housing(void **state)
{
	struct db *db = open_market();
	assert_string_equal(matching(db, "电机", 0), "1,8"); /* not 2, the TV housing */
	assert_string_equal(matching(db, "电视机", 0), "2");
	assert_string_equal(matching(db, "电视", 0), "2");
	db_close(db);
}

static void test_fts_two_character_words(void **state)
{
	struct db *db = open_market();
	assert_string_equal(matching(db, "轴承", 0), "3,6");
	assert_string_equal(matching(db, "模具", 0), "4");
	assert_string_equal(matching(db, "螺栓", 0), "5");
	assert_string_equal(matching(db, "外壳", 0), "2");
	assert_string_equal(matching(db, "电池", 0), "7");
	assert_string_equal(matching(db, "隔膜", 0), "7");
	assert_string_equal(matching(db, "注塑", 0), "2,4");
	assert_string_equal(matching(db, "轴承 汽车", 0), "6"); /* implicit AND */
	assert_string_equal(matching(db, "轴承 OR 模具", 0), "3,4,6");
	db_close(db);
}

static void test_fts_mixed_text_and_case(void **state)
{
	struct db *db = open_market();
	assert_string_equal(matching(db, "m8", 0), "5");
	assert_string_equal(matching(db, "M8", 0), "5");
	assert_string_equal(matching(db, "M8不锈钢螺栓", 0), "5");
	assert_string_equal(matching(db, "\"不锈钢 螺栓\"", 0), "5");
	assert_string_equal(matching(db, "IATF16949", 0), "4");
	assert_string_equal(matching(db, "16949", 0), "4"); /* a part of the code, indexed as a sub-word */
	assert_string_equal(matching(db, "304", 0), "5");
	assert_string_equal(matching(db, "6204", 0), "3");
	db_close(db);
}

static void test_fts_full_word_query_is_precise(void **state)
{
	struct db *db = open_market();
	/* The documented choice: 深沟球轴承 finds the deep-groove bearing only, not every bearing. */
	assert_string_equal(matching(db, "深沟球轴承", 0), "3");
	assert_string_equal(matching(db, "球轴承", 0), "3");
	/* Recall on demand: OR the sub-words in, and bm25 puts the full match first. */
	assert_string_equal(matching(db, "深沟球轴承 OR 轴承", 1), "3,6");
	assert_string_equal(matching(db, "轴*", 0), "3,6"); /* prefix queries see sub-words too */
	db_close(db);
}

static void test_fts_bm25_order(void **state)
{
	struct db *db = open_market();
	testdb_exec(db,
		    "INSERT INTO t(rowid, title, body) VALUES"
		    " (20, '轴承', '轴承 轴承 各种规格轴承现货'),"
		    " (21, '五金配件', '各类标准件、紧固件、密封件、弹簧、垫圈以及少量轴承和其他通用零件的长期供应')");
	const char *order = matching(db, "轴承", 1);
	assert_int_equal(strncmp(order, "20,", 3), 0);	      /* dense and short first */
	assert_string_equal(order + strlen(order) - 2, "21"); /* one mention in a long body last */

	/* Column weights: the same term in the title or in the body, ranked either way. */
	testdb_exec(db, "CREATE VIRTUAL TABLE w USING fts5(title, body, tokenize='qilian_zh');"
			"INSERT INTO w(rowid, title, body) VALUES"
			" (1, '伺服电机', '交流伺服系统，编码器十七位'),"
			" (2, '伺服系统', '交流伺服电机，编码器十七位')");
	static const char *sql[] = {
	    "SELECT group_concat(rowid) FROM (SELECT rowid FROM w WHERE w MATCH '电机' ORDER BY bm25(w, 10.0, 1.0))",
	    "SELECT group_concat(rowid) FROM (SELECT rowid FROM w WHERE w MATCH '电机' ORDER BY bm25(w, 1.0, 10.0))",
	};
	static const char *want[] = {"1,2", "2,1"};
	for (int i = 0; i < 2; i++) {
		struct qerror err;
		qerr_clear(&err);
		struct db_stmt *st = db_prepare_dynamic(db, sql[i], &err);
		assert_non_null(st);
		assert_int_equal(db_step(st, &err), DB_ROW);
		assert_string_equal(db_col_text(st, 0), want[i]);
		db_finalize(st);
	}
	db_close(db);
}

static void test_fts_highlight_uses_word_offsets(void **state)
{
	struct db *db = open_market();
	struct qerror err;
	qerr_clear(&err);
	struct db_stmt *st =
	    db_prepare_dynamic(db, "SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH ? ORDER BY rowid", &err);
	assert_non_null(st);
	db_bind_text(st, 1, "title:轴承");
	assert_int_equal(db_step(st, &err), DB_ROW);
	/* The sub-word 轴承 sits at the position of 球轴承, so the whole word is marked. */
	assert_string_equal(db_col_text(st, 0), "深沟[球轴承]6204");
	assert_int_equal(db_step(st, &err), DB_ROW);
	assert_non_null(strstr(db_col_text(st, 0), "轴承]"));
	db_finalize(st);
	st = db_prepare_dynamic(db, "SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH 'M8'", &err);
	assert_non_null(st);
	assert_int_equal(db_step(st, &err), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "[M8]不锈钢螺栓");
	db_finalize(st);
	db_close(db);
}

static void test_fts_delete_update_and_integrity(void **state)
{
	struct db *db = open_market();
	/* The integrity check re-tokenizes every row: the tokenizer must be deterministic. */
	testdb_exec(db, "INSERT INTO t(t) VALUES('integrity-check')");
	testdb_exec(db, "DELETE FROM t WHERE rowid = 3");
	assert_string_equal(matching(db, "轴承", 0), "6");
	testdb_exec(db, "UPDATE t SET title = '永磁同步电机（已停产）' WHERE rowid = 6");
	assert_string_equal(matching(db, "电机", 0), "1,6,8");
	testdb_exec(db, "INSERT INTO t(t) VALUES('integrity-check')");
	testdb_exec(db, "INSERT INTO t(t) VALUES('rebuild')");
	assert_string_equal(matching(db, "电机", 0), "1,6,8");
	db_close(db);
}

static void test_fts_tokenizer_takes_no_options(void **state)
{
	struct db *db = open_market();
	struct qerror err;
	qerr_clear(&err);
	assert_int_not_equal(
	    db_exec(db, "CREATE VIRTUAL TABLE x USING fts5(a, tokenize='qilian_zh remove_diacritics 1')", &err),
	    QERR_OK);
	/* Registering twice is harmless. */
	qerr_clear(&err);
	assert_int_equal(text_fts_register(db, &err), QERR_OK);
	assert_string_equal(matching(db, "电机", 0), "1,8");
	db_close(db);
}

static void test_fts_unregistered_connection_cannot_use_the_table(void **state)
{
	char path[] = "/tmp/qilian-fts-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct db *db = fts_open(path);
	testdb_exec(db, "CREATE VIRTUAL TABLE t USING fts5(title, tokenize='qilian_zh');"
			"INSERT INTO t(title) VALUES('永磁同步电机')");
	db_close(db);
	/*
	 * Why text_fts_install() must add its open hook before any connection
	 * is made: without the hook (never installed in this program) db_open
	 * gives a connection that cannot read the table.
	 */
	struct qerror err;
	qerr_clear(&err);
	db = db_open(path, false, &err);
	assert_non_null(db);
	assert_int_not_equal(db_exec(db, "SELECT rowid FROM t WHERE t MATCH '电机'", &err), QERR_OK);
	assert_non_null(strstr(err.message, "tokenizer"));
	qerr_clear(&err);
	assert_int_equal(text_fts_register(db, &err), QERR_OK);
	struct db_stmt *st = db_prepare_dynamic(db, "SELECT rowid FROM t WHERE t MATCH '电机'", &err);
	assert_non_null(st);
	assert_int_equal(db_step(st, &err), DB_ROW);
	db_finalize(st);
	db_close(db);
	char p[64];
	static const char *const suffix[] = {"-wal", "-shm"};
	for (int i = 0; i < 2; i++) {
		snprintf(p, sizeof p, "%s%s", path, suffix[i]);
		unlink(p);
	}
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_motor_is_a_word_of_permanent_magnet_synchronous_motor),
	    cmocka_unit_test(test_tv_set_never_yields_motor),
	    cmocka_unit_test(test_bearing_inside_deep_groove_ball_bearing),
	    cmocka_unit_test(test_mold_inside_injection_mold),
	    cmocka_unit_test(test_mixed_chinese_latin_and_digits),
	    cmocka_unit_test(test_case_and_width_folding),
	    cmocka_unit_test(test_decimal_point_stays_between_digits),
	    cmocka_unit_test(test_punctuation_and_whitespace_are_dropped),
	    cmocka_unit_test(test_empty_input),
	    cmocka_unit_test(test_invalid_utf8_separates_tokens),
	    cmocka_unit_test(test_random_bytes_never_break_the_invariants),
	    cmocka_unit_test(test_very_long_input),
	    cmocka_unit_test(test_callback_stops_tokenizing),
	    cmocka_unit_test(test_query_terms_are_the_index_words),
	    cmocka_unit_test(test_callback_may_tokenize_again),
	    cmocka_unit_test(test_threads_share_the_segmenter),
	    cmocka_unit_test(test_missing_dictionary_is_a_clear_error),
	    cmocka_unit_test(test_words_agree_with_friso),
	    cmocka_unit_test(test_fts_motor_not_tv_housing),
	    cmocka_unit_test(test_fts_two_character_words),
	    cmocka_unit_test(test_fts_mixed_text_and_case),
	    cmocka_unit_test(test_fts_full_word_query_is_precise),
	    cmocka_unit_test(test_fts_bm25_order),
	    cmocka_unit_test(test_fts_highlight_uses_word_offsets),
	    cmocka_unit_test(test_fts_delete_update_and_integrity),
	    cmocka_unit_test(test_fts_tokenizer_takes_no_options),
	    cmocka_unit_test(test_fts_unregistered_connection_cannot_use_the_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
