/*
 * test_rank.c - text/rank.h: brute-force bm25 by Chinese words over a small
 * candidate set. 电机 finds 永磁同步电机 and never 电视机, sub-words (轴承 in
 * 深沟球轴承), Latin folding, a title hit outranks a description hit, a rare
 * word outranks a common one, matched words for explanations, top-k and
 * ties, reweighted and added terms (the synonym seam), empty and NULL input,
 * and a candidate set of ten thousand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "text/rank.h"

static size_t rank(const char *q, const struct text_rank_doc *docs, size_t n, size_t k, struct text_rank_hit *hits,
		   struct text_rank_terms *terms)
{
	struct qerror err = {0};
	size_t nh = 99;
	assert_int_equal(text_rank(q, docs, n, k, hits, &nh, terms, &err), QERR_OK);
	return nh;
}

static void test_motor_finds_pmsm_and_never_a_television(void **state)
{
	(void)state;
	struct text_rank_doc docs[] = {
	    {"液晶电视机外壳", "注塑成型"},
	    {"永磁同步电机", "新能源汽车驱动"},
	    {"电视机", NULL},
	    {NULL, "本公司生产伺服电机及驱动器"},
	};
	struct text_rank_hit hits[4];
	struct text_rank_terms t;
	size_t n = rank("电机", docs, 4, 4, hits, &t);
	assert_int_equal(n, 2);
	assert_int_equal(hits[0].doc, 1); /* title hit first */
	assert_int_equal(hits[1].doc, 3);
	assert_true(hits[0].score > hits[1].score);
	const char *w[4];
	assert_int_equal(text_rank_matched_words(&t, &hits[0], w, 4), 1);
	assert_string_equal(w[0], "电机");
}

static void test_a_short_word_inside_a_longer_dictionary_word(void **state)
{
	(void)state;
	struct text_rank_doc docs[] = {{"深沟球轴承 6204", NULL}, {"螺栓", "M8 不锈钢"}};
	struct text_rank_hit hits[2];
	assert_int_equal(rank("轴承", docs, 2, 2, hits, NULL), 1);
	assert_int_equal(hits[0].doc, 0);
	/* Latin and digit runs are words, case-folded. */
	assert_int_equal(rank("m8", docs, 2, 2, hits, NULL), 1);
	assert_int_equal(hits[0].doc, 1);
	struct text_rank_doc cert[] = {{"IATF16949 认证检测", NULL}};
	assert_int_equal(rank("iatf16949", cert, 1, 1, hits, NULL), 1);
}

static void test_title_outranks_description_at_equal_length(void **state)
{
	(void)state;
	struct text_rank_doc docs[] = {{"检测 服务", "盐雾 试验箱"}, {"盐雾 试验箱", "检测 服务"}};
	struct text_rank_hit hits[2];
	assert_int_equal(rank("盐雾试验箱", docs, 2, 2, hits, NULL), 2);
	assert_int_equal(hits[0].doc, 1);
	assert_int_equal(hits[1].doc, 0);
}

static void test_rare_word_outranks_common_word_and_both_words_outrank_one(void **state)
{
	(void)state;
	struct text_rank_doc docs[] = {
	    {"电机 设备", NULL}, {"电机 平台", NULL}, {"电机 中心", NULL}, {"齿轮 设备", NULL}, {"齿轮 电机", NULL},
	};
	struct text_rank_hit hits[5];
	struct text_rank_terms t;
	size_t n = rank("齿轮 电机", docs, 5, 5, hits, &t);
	assert_int_equal(n, 5);
	assert_int_equal(hits[0].doc, 4); /* both words */
	assert_int_equal(hits[1].doc, 3); /* the rarer word */
	/* the three equal ones in document order */
	assert_int_equal(hits[2].doc, 0);
	assert_int_equal(hits[3].doc, 1);
	assert_int_equal(hits[4].doc, 2);
	const char *w[4];
	assert_int_equal(text_rank_matched_words(&t, &hits[0], w, 4), 2);
	assert_string_equal(w[0], "齿轮");
	assert_string_equal(w[1], "电机");
	assert_int_equal(text_rank_matched_words(&t, &hits[0], w, 1), 1);
	/* idf is positive even for a word in most documents */
	for (int i = 0; i < t.n; i++)
		assert_true(t.term[i].idf > 0);
}

static void test_top_k_keeps_the_best(void **state)
{
	(void)state;
	struct text_rank_doc docs[] = {{"电机", NULL}, {NULL, "电机"}, {"电机 电机", NULL}, {"无关", NULL}};
	struct text_rank_hit hits[2];
	assert_int_equal(rank("电机", docs, 4, 2, hits, NULL), 2);
	assert_int_equal(hits[0].doc, 2);
	assert_int_equal(hits[1].doc, 0);
}

static void test_nothing_in_nothing_out(void **state)
{
	(void)state;
	struct text_rank_doc docs[] = {{"电机", NULL}, {NULL, NULL}, {"", ""}};
	struct text_rank_hit hits[3];
	struct text_rank_terms t;
	assert_int_equal(rank("", docs, 3, 3, hits, &t), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(rank("，。！  ", docs, 3, 3, hits, &t), 0);
	assert_int_equal(rank(NULL, docs, 3, 3, hits, &t), 0);
	assert_int_equal(rank("电机", docs, 0, 3, hits, NULL), 0);
	assert_int_equal(rank("电机", docs, 3, 0, hits, NULL), 0);
	assert_int_equal(rank("齿轮", docs, 3, 3, hits, NULL), 0);
	assert_int_equal(rank("电机", docs, 3, 3, hits, NULL), 1);
}

static void test_terms_can_be_reweighted_and_added_between_the_steps(void **state)
{
	(void)state;
	struct text_rank_doc docs[] = {{"马达 维修", NULL}, {"电机 维修", NULL}, {"齿轮", NULL}};
	struct qerror err = {0};
	struct text_rank_terms t;
	struct text_rank_hit hits[3];
	size_t n;
	assert_int_equal(text_rank_prepare("电机", &t, &err), QERR_OK);
	assert_int_equal(t.n, 1);
	assert_true(t.term[0].weight == 1.0);
	/* a vocabulary adds 马达 as a weaker synonym */
	snprintf(t.term[1].word, sizeof t.term[1].word, "%s", "马达");
	t.term[1].weight = 0.5;
	t.n = 2;
	assert_int_equal(text_rank_score(&t, docs, 3, 3, hits, &n, &err), QERR_OK);
	assert_int_equal(n, 2);
	assert_int_equal(hits[0].doc, 1);
	assert_int_equal(hits[1].doc, 0);
	assert_true(hits[1].score < hits[0].score);
	assert_true(hits[1].matched == 2u);
	/* a term of weight 0 matches nothing */
	t.term[0].weight = 0;
	assert_int_equal(text_rank_score(&t, docs, 3, 3, hits, &n, &err), QERR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(hits[0].doc, 0);
}

static void test_query_words_are_distinct_and_capped(void **state)
{
	(void)state;
	struct qerror err = {0};
	struct text_rank_terms t;
	assert_int_equal(text_rank_prepare("电机 电机 电机", &t, &err), QERR_OK);
	assert_int_equal(t.n, 1);
	char q[4096] = "";
	for (int i = 0; i < 200; i++) {
		char w[16];
		snprintf(w, sizeof w, "w%d ", i);
		strncat(q, w, sizeof q - strlen(q) - 1);
	}
	assert_int_equal(text_rank_prepare(q, &t, &err), QERR_OK);
	assert_int_equal(t.n, TEXT_RANK_MAX_TERMS);
	assert_string_equal(t.term[0].word, "w0");
}

static void test_ten_thousand_candidates(void **state)
{
	(void)state;
	enum { N = 10000 };
	static char titles[N][48];
	static struct text_rank_doc docs[N];
	for (int i = 0; i < N; i++) {
		snprintf(titles[i], sizeof titles[i], "%s %d号", i % 100 == 7 ? "盐雾试验箱" : "三坐标测量机", i);
		docs[i].title = titles[i];
		docs[i].description = "开放共享 检测设备";
	}
	struct text_rank_hit hits[200];
	size_t n = rank("盐雾试验箱", docs, N, 200, hits, NULL);
	assert_int_equal(n, 100);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(hits[i].doc % 100, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_motor_finds_pmsm_and_never_a_television),
	    cmocka_unit_test(test_a_short_word_inside_a_longer_dictionary_word),
	    cmocka_unit_test(test_title_outranks_description_at_equal_length),
	    cmocka_unit_test(test_rare_word_outranks_common_word_and_both_words_outrank_one),
	    cmocka_unit_test(test_top_k_keeps_the_best),
	    cmocka_unit_test(test_nothing_in_nothing_out),
	    cmocka_unit_test(test_terms_can_be_reweighted_and_added_between_the_steps),
	    cmocka_unit_test(test_query_words_are_distinct_and_capped),
	    cmocka_unit_test(test_ten_thousand_candidates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
