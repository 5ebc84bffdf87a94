/*
 * test_vocab.c - the industrial vocabulary: the shipped data is clean (every
 * line valid, at least 1,500 entries, no duplicates, a source for each, no
 * expansion of any shipped term reaches 电视机 or another word that merely
 * shares characters), seeding loads it once and never brings back what the
 * operator removed, the operator's edits are checked, audited and refused
 * to others, CSV import is all rows or none; compounds are whole words only
 * (电 + 芯 is 电芯, 电视机 never holds 电机, spaces between Chinese words
 * separate) and expansion weights and explains what it adds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "registry/vocab.h"
#include "text/vocab.h"
#include "testdb.h"

struct fixture {
	struct testdb t;
	struct db *db;
};

static int setup(void **state)
{
	struct fixture *f = testdb_fixture(sizeof *f, "vocab");
	if (!f)
		return -1;
	f->db = f->t.db;
	text_vocab_reset();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	text_vocab_reset();
	return testdb_teardown(state);
}

struct seen {
	long n, bad;
	char (*keys)[200];
	size_t cap;
	long dup;
};

static int check_line(void *ctx, const char *canonical, const char *kind, const char *term, int weight,
		      const char *source, long line)
{
	struct seen *s = ctx;
	enum text_vocab_kind k;
	char ck[TEXT_TOKEN_MAX + 1], tk[TEXT_TOKEN_MAX + 1];
	if (!text_vocab_kind_parse(kind, &k) || !text_vocab_key(canonical, ck) || !text_vocab_key(term, tk) ||
	    strcmp(ck, tk) == 0 || weight < 1 || weight > 100 || !*source) {
		print_message("shipped vocabulary line %ld is not valid: %s %s %s %d '%s'\n", line, canonical, kind, term,
			      weight, source);
		s->bad++;
	}
	char key[200];
	snprintf(key, sizeof key, "%s\t%s\t%s", canonical, kind, term);
	for (long i = 0; i < s->n; i++)
		if (strcmp(s->keys[i], key) == 0) {
			print_message("duplicate shipped entry: %s\n", key);
			s->dup++;
		}
	if ((size_t)s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->keys = realloc(s->keys, s->cap * sizeof *s->keys);
	}
	memcpy(s->keys[s->n++], key, sizeof key);
	return 0;
}

static void the_shipped_vocabulary_is_clean(void **state)
{
	(void)state;
	struct seen s = {0};
	assert_int_equal(text_vocab_seed_each(check_line, &s), 0);
	assert_true(s.n >= 1500);
	assert_int_equal(s.bad, 0);
	assert_int_equal(s.dup, 0);
	free(s.keys);
}

static bool has_term(const struct text_vocab_expansion *x, const char *key, double *weight, const char **why)
{
	for (int i = 0; i < x->n; i++)
		if (strcmp(x->t[i].key, key) == 0) {
			if (weight)
				*weight = x->t[i].weight;
			if (why)
				*why = x->t[i].explain;
			return true;
		}
	return false;
}

/* Words that share characters with shipped terms but are other products: no expansion may reach them. */
static const char *const never[] = {"电视机", "电视", "充电宝", "电动自行车", "电风扇", "打火机", "电瓶车", NULL};

static void seeding_loads_once_and_expansions_stay_sane(void **state)
{
	struct fixture *f = *state;
	struct actor a;
	actor_cli(&a);
	struct qerror e = {0};
	long n = 0;
	assert_int_equal(vocab_seed(f->db, &a, &n, &e), QERR_OK);
	assert_true(n >= 1500);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM vocab"), n);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM audit_log WHERE action='vocab.seed'"), 1);
	/* the operator removes an entry: a second seed neither fails nor brings it back */
	json_t *out = NULL;
	assert_int_equal(vocab_remove_entry(f->db, &a, "电机", "colloquial", "马达", &out, &e), QERR_OK);
	json_decref(out);
	assert_int_equal(vocab_seed(f->db, &a, &n, &e), QERR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM vocab WHERE term='马达' AND canonical='电机'"), 0);

	struct text_vocab *v = NULL;
	assert_int_equal(text_vocab_get(f->db, &v, &e), QERR_OK);
	assert_true(text_vocab_size(v) >= 1500);
	struct text_vocab_expansion *x = malloc(sizeof *x);
	/* every shipped term, expanded: never a word that only shares characters */
	struct db_stmt *st = db_prepare(f->db, "SELECT DISTINCT term FROM vocab UNION SELECT DISTINCT canonical FROM vocab", &e);
	assert_non_null(st);
	int rc;
	long terms = 0;
	while ((rc = db_step(st, &e)) == DB_ROW) {
		const char *t = db_col_text(st, 0);
		assert_int_equal(text_vocab_expand(v, t, strlen(t), x), 0);
		for (int i = 0; never[i]; i++)
			if (strstr(t, never[i]) == NULL && has_term(x, never[i], NULL, NULL))
				fail_msg("%s expands to %s", t, never[i]);
		terms++;
	}
	db_reset(st);
	assert_int_equal(rc, DB_DONE);
	assert_true(terms > 1000);
	/* 电机: its narrower terms, weighted and explained; never 电视机 */
	double w = 0;
	const char *why;
	assert_int_equal(text_vocab_expand(v, "电机", strlen("电机"), x), 0);
	assert_true(has_term(x, "电机", &w, NULL) && w == 1.0);
	assert_true(has_term(x, "伺服电机", &w, &why));
	assert_true(w > 0.1 && w < 1.0); /* redundant (it holds 电机): lighter */
	assert_string_equal(why, "伺服电机 ⊂ 电机 (下位词)");
	assert_true(has_term(x, "motor", NULL, NULL));
	assert_false(has_term(x, "电视机", NULL, NULL));
	/* the removed entry is gone from expansions too */
	assert_int_equal(text_vocab_expand(v, "马达", strlen("马达"), x), 0);
	assert_false(has_term(x, "电机", NULL, &why) && strcmp(why, "马达 → 电机 (俗称)") == 0);
	/* a compound: 锂电池 whole, its parts lighter */
	assert_int_equal(text_vocab_expand(v, "螺丝 BMS", strlen("螺丝 BMS"), x), 0);
	assert_true(has_term(x, "螺栓", NULL, &why));
	assert_string_equal(why, "螺丝 → 螺栓 (俗称)");
	assert_true(has_term(x, "电池管理系统", NULL, &why));
	assert_string_equal(why, "BMS → 电池管理系统 (缩写)");
	assert_int_equal(text_vocab_expand(v, "伺服马达", strlen("伺服马达"), x), 0);
	assert_true(has_term(x, "伺服马达", &w, NULL) && w == 1.0);
	assert_true(has_term(x, "马达", &w, NULL) && w < 0.5);
	assert_true(has_term(x, "伺服电机", NULL, &why));
	assert_string_equal(why, "伺服马达 → 伺服电机 (俗称)");
	free(x);
	text_vocab_release(v);
}

struct collect {
	char terms[64][TEXT_TOKEN_MAX + 1];
	unsigned flags[64];
	int n;
};

static int collect(void *ctx, const struct text_token *tok)
{
	struct collect *c = ctx;
	if (c->n < 64) {
		memcpy(c->terms[c->n], tok->term, tok->len);
		c->terms[c->n][tok->len] = '\0';
		c->flags[c->n++] = tok->flags;
	}
	return 0;
}

static bool compound_in(struct db *db, const char *text, const char *want)
{
	struct text_vocab *v = NULL;
	struct qerror e = {0};
	assert_int_equal(text_vocab_get(db, &v, &e), QERR_OK);
	struct collect c = {0};
	assert_int_equal(text_vocab_tokenize(v, text, strlen(text), collect, &c), 0);
	text_vocab_release(v);
	for (int i = 0; i < c.n; i++)
		if ((c.flags[i] & TEXT_VOCAB_COMPOUND) && strcmp(c.terms[i], want) == 0)
			return true;
	return false;
}

static void compounds_are_whole_words(void **state)
{
	struct fixture *f = *state;
	struct actor a;
	actor_cli(&a);
	struct qerror e = {0};
	assert_int_equal(vocab_seed(f->db, &a, NULL, &e), QERR_OK);
	assert_true(compound_in(f->db, "动力电芯 三元", "电芯"));
	assert_true(compound_in(f->db, "动力电芯 三元", "动力电芯"));
	assert_true(compound_in(f->db, "CNC 加工", "cnc加工"));
	assert_true(compound_in(f->db, "O-ring 氟橡胶", "oring"));
	assert_true(compound_in(f->db, "光致抗蚀剂 KrF", "光致抗蚀剂")); /* five single characters */
	assert_false(compound_in(f->db, "液晶电视机外壳", "电机"));
	assert_false(compound_in(f->db, "碳酸锂 电池级", "锂电池"));
}

static void the_operator_edits_others_read(void **state)
{
	struct fixture *f = *state;
	struct actor op, sme = {.user_id = 5, .org_id = 3, .org_type = ORG_SME, .role = ROLE_ADMIN};
	actor_cli(&op);
	struct qerror e = {0};
	json_t *out = NULL;
	json_t *body = json_pack("{s:s,s:s,s:s,s:i,s:s}", "canonical", "电机", "kind", "colloquial", "term", "马达", "weight",
				 85, "source", "test");
	assert_int_equal(vocab_add(f->db, &sme, body, &out, &e), QERR_FORBIDDEN);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM vocab"), 0);
	memset(&e, 0, sizeof e);
	assert_int_equal(vocab_add(f->db, &op, body, &out, &e), QERR_OK);
	int64_t id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	assert_int_equal(vocab_add(f->db, &op, body, &out, &e), QERR_CONFLICT);
	assert_string_equal(e.slug, "vocab_exists");
	json_decref(body);
	memset(&e, 0, sizeof e);
	body = json_pack("{s:s,s:s,s:s}", "canonical", "电机", "kind", "narrower", "term", "电 机");
	assert_int_equal(vocab_add(f->db, &op, body, &out, &e), QERR_INVALID);
	assert_string_equal(e.slug, "same_term");
	json_decref(body);
	int64_t before = 0;
	assert_int_equal(db_counter(f->db, "vocab", &before, &e), QERR_OK);
	body = json_pack("{s:i}", "weight", 40);
	assert_int_equal(vocab_update(f->db, &sme, id, body, &out, &e), QERR_FORBIDDEN);
	memset(&e, 0, sizeof e);
	assert_int_equal(vocab_update(f->db, &op, id, body, &out, &e), QERR_OK);
	assert_int_equal(json_integer_value(json_object_get(out, "weight")), 40);
	json_decref(out);
	json_decref(body);
	int64_t after = 0;
	assert_int_equal(db_counter(f->db, "vocab", &after, &e), QERR_OK);
	assert_true(after > before);
	assert_int_equal(vocab_list(f->db, &sme, "马达", NULL, 10, 0, &out, &e), QERR_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
	json_decref(out);
	assert_int_equal(vocab_remove(f->db, &sme, id, &out, &e), QERR_FORBIDDEN);
	memset(&e, 0, sizeof e);
	assert_int_equal(vocab_remove(f->db, &op, id, &out, &e), QERR_OK);
	json_decref(out);
	assert_int_equal(vocab_remove(f->db, &op, id, &out, &e), QERR_NOT_FOUND);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM audit_log WHERE action IN"
					      " ('vocab.add','vocab.update','vocab.remove')"),
			 3);
	/* CSV: one bad row and nothing is written */
	memset(&e, 0, sizeof e);
	const char *csv = "canonical,kind,term,weight,source\n电机,colloquial,马达,85,x\n电机,cousin,电驴子,50,x\n";
	json_t *report = NULL;
	assert_int_equal(vocab_import(f->db, &op, csv, strlen(csv), NULL, NULL, &report, &e), QERR_INVALID);
	assert_int_equal(json_integer_value(json_object_get(report, "error_count")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(report, "errors"), 0), "line")),
			 3);
	json_decref(report);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM vocab"), 0);
	memset(&e, 0, sizeof e);
	assert_int_equal(vocab_import(f->db, &sme, csv, strlen(csv), NULL, NULL, &report, &e), QERR_FORBIDDEN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_shipped_vocabulary_is_clean),
		cmocka_unit_test_setup_teardown(seeding_loads_once_and_expansions_stay_sane, setup, teardown),
		cmocka_unit_test_setup_teardown(compounds_are_whole_words, setup, teardown),
		cmocka_unit_test_setup_teardown(the_operator_edits_others_read, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
