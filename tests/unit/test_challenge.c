/*
 * test_challenge.c - open innovation challenges against a real database
 * file, the deadline moved through the innovation clock
 * (QILIAN_TEST_CLOCK_FILE): the receipt hash (a known sha256 vector, the
 * canonical text independent of key and member order, a changed byte no
 * longer matching), score aggregation (weights, the mean of reviewers,
 * half-up rounding in hundredths, range checks), milestone shares summing
 * to exactly 10000 bp, and one challenge's whole life: an SME cannot post,
 * terms freeze at opening, sealed proposals (nobody else reads before the
 * deadline, other submitters never), a consortium's confirmations, the
 * panel with a forced conflict, a conflicted reviewer refused, scores
 * hidden until one's own are in, results only with two reviews each, the
 * shortlist, the award, consent and milestones paying the reward exactly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "registry/uscc.h"
#include "sharing/challenge.h"
#include "testkit.h"

struct fixture {
	struct testdb t;
	struct db *db;
	struct actor op, poster, sme_a, sme_b, sme_c, rev1, rev2, rev3;
	char a_uscc[USCC_LEN + 1], b_uscc[USCC_LEN + 1], c_uscc[USCC_LEN + 1], p_uscc[USCC_LEN + 1];
	char clock[128];
};

static void set_clock(struct fixture *f, const char *iso)
{
	FILE *fp = fopen(f->clock, "w");
	assert_non_null(fp);
	fputs(iso, fp);
	fclose(fp);
}

/* A user row for actor a (the panel is named by e-mail). */
static void user_row(struct fixture *f, const struct actor *a)
{
	char sql[400];
	snprintf(
	    sql, sizeof sql,
	    "INSERT INTO users(id,org_id,email,name,role,password_hash,created_at) VALUES(%lld,%lld,'%s','评审%lld',"
	    "'admin','x','2026-01-01T00:00:00Z')",
	    (long long)a->user_id, (long long)a->org_id, a->email, (long long)a->user_id);
	testdb_exec(f->db, sql);
}

static int setup(void **state)
{
	struct fixture *f = testdb_fixture(sizeof *f, "challenge");
	if (!f)
		return -1;
	f->db = f->t.db;
	snprintf(f->clock, sizeof f->clock, "%s/clock", f->t.dir);
	setenv("QILIAN_TEST_CLOCK_FILE", f->clock, 1);
	set_clock(f, "2026-05-01T00:00:00Z");
	testkit_org_actor(f->db, &f->op, 100, "苏州市中小企业服务中心", ORG_OPERATOR, ROLE_ADMIN);
	testkit_org_actor(f->db, &f->poster, 101, "苏州汇川新能源汽车", ORG_LARGE, ROLE_ADMIN);
	testkit_org_actor(f->db, &f->sme_a, 102, "昆山精锐电驱", ORG_SME, ROLE_ADMIN);
	testkit_org_actor(f->db, &f->sme_b, 103, "太仓宏达精密", ORG_SME, ROLE_ADMIN);
	testkit_org_actor(f->db, &f->sme_c, 104, "常州联合体成员", ORG_SME, ROLE_ADMIN);
	/* Reviewers: one from a university (provider), one from the operator, one from SME C (conflicted with C's
	 * consortium). */
	testkit_org_actor(f->db, &f->rev1, 105, "苏州大学", ORG_PROVIDER, ROLE_ADMIN);
	testkit_actor(&f->rev2, 106, f->op.org_id, ORG_OPERATOR, ROLE_MEMBER, NULL);
	testkit_actor(&f->rev3, 107, f->sme_c.org_id, ORG_SME, ROLE_MEMBER, NULL);
	user_row(f, &f->rev1);
	user_row(f, &f->rev2);
	user_row(f, &f->rev3);
	uscc_generate("320506", 9101, f->p_uscc);
	uscc_generate("320583", 9102, f->a_uscc);
	uscc_generate("320585", 9103, f->b_uscc);
	uscc_generate("320412", 9104, f->c_uscc);
	testkit_enterprise(f->db, &f->poster, f->p_uscc, "整车厂,320506,36,3200,860000,1250000,none");
	testkit_enterprise(f->db, &f->sme_a, f->a_uscc, "电驱厂,320583,38,180,26000,18000,provincial");
	testkit_enterprise(f->db, &f->sme_b, f->b_uscc, "精密厂,320585,38,80,6000,5000,none");
	testkit_enterprise(f->db, &f->sme_c, f->c_uscc, "材料厂,320412,26,90,7000,6000,innovative");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	unsetenv("QILIAN_TEST_CLOCK_FILE");
	return testdb_teardown(state);
}

static void test_receipt_hash(void **state)
{
	(void)state;
	char hex[CHALLENGE_SHA256_HEX];
	challenge_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_true(
	    challenge_receipt_matches("abc", "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
	assert_false(challenge_receipt_matches("abd", hex));
	assert_false(challenge_receipt_matches("abc", "ba78"));
	/* The canonical text does not depend on key order or member order; UTF-8 is kept as is. */
	json_t *x = json_pack("{s:s,s:[s,s],s:i}", "title", "电机热管理", "members", "B", "A", "challenge_id", 7);
	json_t *y = json_pack("{s:i,s:[s,s],s:s}", "challenge_id", 7, "members", "A", "B", "title", "电机热管理");
	char *cx = challenge_canonical(x), *cy = challenge_canonical(y);
	assert_string_equal(cx, cy);
	assert_string_equal(cx, "{\"challenge_id\":7,\"members\":[\"A\",\"B\"],\"title\":\"电机热管理\"}");
	challenge_sha256_hex(cx, strlen(cx), hex);
	assert_true(challenge_receipt_matches(cy, hex));
	cx[strlen(cx) - 3] ^= 1;
	assert_false(challenge_receipt_matches(cx, hex));
	free(cx);
	free(cy);
	json_decref(x);
	json_decref(y);
}

static void test_score_aggregation(void **state)
{
	(void)state;
	int64_t total;
	struct qerror e = {0};
	/* One reviewer, weights 3:1: (80×3 + 40×1) / 4 = 70.00. */
	int one[] = {80, 40};
	int64_t w31[] = {3, 1};
	assert_int_equal(challenge_aggregate(one, 1, w31, 2, &total, &e), QERR_OK);
	assert_int_equal(total, 7000);
	/* Two reviewers: (70 + (90×3+61)/4 = 82.75) / 2 = 76.375 -> 76.38 (half up, rounded once). */
	int two[] = {80, 40, 90, 61};
	assert_int_equal(challenge_aggregate(two, 2, w31, 2, &total, &e), QERR_OK);
	assert_int_equal(total, 7638);
	/* Thirds: weights 1:1:1, scores 100, 0, 0 -> 33.333 -> 33.33; 100,100,0 -> 66.67. */
	int thirds[] = {100, 0, 0};
	int64_t w111[] = {1, 1, 1};
	assert_int_equal(challenge_aggregate(thirds, 1, w111, 3, &total, &e), QERR_OK);
	assert_int_equal(total, 3333);
	int two_thirds[] = {100, 100, 0};
	assert_int_equal(challenge_aggregate(two_thirds, 1, w111, 3, &total, &e), QERR_OK);
	assert_int_equal(total, 6667);
	int bad[] = {101, 0};
	assert_int_equal(challenge_aggregate(bad, 1, w31, 2, &total, &e), QERR_INVALID);
	assert_int_equal(challenge_aggregate(one, 0, w31, 2, &total, &e), QERR_INVALID);
	int64_t w0[] = {0, 1};
	assert_int_equal(challenge_aggregate(one, 1, w0, 2, &total, &e), QERR_INVALID);
	/* Shares: exactly 10000 bp, each at least 1. */
	int64_t s1[] = {3000, 3000, 4000}, s2[] = {3333, 3333, 3333}, s3[] = {10000, 0}, s4[] = {10001};
	assert_true(challenge_shares_complete(s1, 3));
	assert_false(challenge_shares_complete(s2, 3));
	assert_false(challenge_shares_complete(s3, 2));
	assert_false(challenge_shares_complete(s4, 1));
	assert_false(challenge_shares_complete(s1, 0));
}

static json_t *terms(const char *deadline)
{
	return json_pack("{s:s,s:s,s:[s,s],s:s,s:I,s:s,s:[{s:s,s:i},{s:s,s:i},{s:s,s:i}],s:[{s:s,s:i},{s:s,s:i}]}",
			 "title", "驱动电机油冷散热方案", "problem",
			 "800V平台驱动电机峰值工况温升过高,需要新的油冷散热结构。", "capabilities", "电机热管理",
			 "CFD仿真", "eligibility", "长三角中小企业", "reward_fen", (json_int_t)100000001, "deadline",
			 deadline, "milestones", "title", "方案评审", "share_bp", 3333, "title", "样机", "share_bp",
			 3333, "title", "量产验证", "share_bp", 3334, "criteria", "name", "技术先进性", "weight", 3,
			 "name", "成本", "weight", 1);
}

static int64_t submit(struct fixture *f, const struct actor *a, int64_t cid, const char *uscc, json_t *members,
		      char sha[CHALLENGE_SHA256_HEX])
{
	json_t *body = json_pack("{s:s,s:s,s:s,s:s}", "enterprise", uscc, "title", "扁线油冷电机", "summary",
				 "转子甩油+定子喷淋", "approach", "……详细技术路线……");
	if (members)
		json_object_set_new(body, "members", members);
	json_t *out = NULL;
	struct qerror e = {0};
	if (challenge_submit(f->db, a, cid, body, &out, &e))
		fail_msg("submit: %s %s", e.slug, e.message);
	json_decref(body);
	const char *canonical = json_string_value(json_object_get(out, "canonical"));
	const char *hex = json_string_value(json_object_get(out, "sha256"));
	assert_true(challenge_receipt_matches(canonical, hex));
	if (sha)
		snprintf(sha, CHALLENGE_SHA256_HEX, "%s", hex);
	int64_t id = json_integer_value(json_object_get(out, "proposal_id"));
	json_decref(out);
	return id;
}

static void scores(struct fixture *f, const struct actor *a, int64_t pid, int s1, int s2, enum qerr want)
{
	json_t *sc = json_pack("[i,i]", s1, s2), *out = NULL;
	struct qerror e = {0};
	enum qerr rc = challenge_score(f->db, a, pid, sc, "", &out, &e);
	if (rc != want)
		fail_msg("score %lld by %lld: %s %s", (long long)pid, (long long)a->user_id, e.slug, e.message);
	json_decref(out);
	json_decref(sc);
}

static void declare(struct fixture *f, const struct actor *a, int64_t pid, bool conflict, enum qerr want)
{
	json_t *out = NULL;
	struct qerror e = {0};
	enum qerr rc = challenge_declare(f->db, a, pid, conflict, conflict ? "合作方" : "", &out, &e);
	if (rc != want)
		fail_msg("declare %lld by %lld: %s %s", (long long)pid, (long long)a->user_id, e.slug, e.message);
	json_decref(out);
}

static void test_challenge_life(void **state)
{
	struct fixture *f = *state;
	json_t *body = terms("2026-06-01T00:00:00Z"), *out = NULL;
	struct qerror e = {0};
	/* An SME cannot post; shares must sum to 100 %. */
	assert_int_equal(challenge_create(f->db, &f->sme_a, body, &out, &e), QERR_FORBIDDEN);
	json_t *bad = json_deep_copy(body);
	json_object_set_new(json_array_get(json_object_get(bad, "milestones"), 2), "share_bp", json_integer(3333));
	assert_int_equal(challenge_create(f->db, &f->poster, bad, &out, &e), QERR_INVALID);
	assert_string_equal(e.slug, "shares_not_100");
	json_decref(bad);
	assert_int_equal(challenge_create(f->db, &f->poster, body, &out, &e), QERR_OK);
	int64_t cid = json_integer_value(json_object_get(out, "id"));
	assert_string_equal(json_string_value(json_object_get(out, "status")), "draft");
	json_decref(out);
	json_decref(body);
	/* A draft is the poster's: others do not see it. */
	assert_int_equal(challenge_get(f->db, &f->sme_a, cid, &out, &e), QERR_NOT_FOUND);
	json_t *patch = json_pack("{s:s}", "eligibility", "长三角及安徽中小企业");
	assert_int_equal(challenge_update(f->db, &f->poster, cid, patch, &out, &e), QERR_OK);
	json_decref(out);
	assert_int_equal(challenge_open(f->db, &f->poster, cid, &out, &e), QERR_OK);
	json_decref(out);
	/* Terms are frozen once open. */
	assert_int_equal(challenge_update(f->db, &f->poster, cid, patch, &out, &e), QERR_CONFLICT);
	assert_string_equal(e.slug, "terms_frozen");
	json_decref(patch);
	/* Q&A: A registers, B asks, the poster answers: A's inbox has it. */
	assert_int_equal(challenge_register(f->db, &f->sme_a, cid, f->a_uscc, &out, &e), QERR_OK);
	json_decref(out);
	assert_int_equal(challenge_ask(f->db, &f->sme_b, cid, "样机数量?", &out, &e), QERR_OK);
	int64_t qid = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	assert_int_equal(challenge_questions(f->db, &f->sme_a, cid, &out, &e), QERR_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")),
			 0); /* unanswered: the asker's and the poster's */
	json_decref(out);
	assert_int_equal(challenge_answer(f->db, &f->sme_a, qid, "两台", &out, &e), QERR_FORBIDDEN);
	assert_int_equal(challenge_answer(f->db, &f->poster, qid, "两台", &out, &e), QERR_OK);
	json_decref(out);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM notifications WHERE kind='challenge_answer'"), 1);
	/* Proposals: A alone; B leads a consortium with C (C confirms). */
	char sha_a[CHALLENGE_SHA256_HEX];
	int64_t pa = submit(f, &f->sme_a, cid, f->a_uscc, NULL, sha_a);
	int64_t pb = submit(f, &f->sme_b, cid, f->b_uscc, json_pack("[s]", f->c_uscc), NULL);
	assert_int_equal(challenge_proposal_get(f->db, &f->sme_c, pb, &out, &e), QERR_OK); /* a member sees it */
	assert_string_equal(json_string_value(json_object_get(out, "status")), "awaiting_members");
	json_decref(out);
	assert_int_equal(challenge_confirm(f->db, &f->sme_c, pb, &out, &e), QERR_OK);
	assert_string_equal(json_string_value(json_object_get(out, "status")), "submitted");
	json_decref(out);
	/* A second proposal by A, or with A in it, is refused. */
	json_t *again =
	    json_pack("{s:s,s:s,s:s,s:s}", "enterprise", f->a_uscc, "title", "x", "summary", "x", "approach", "x");
	assert_int_equal(challenge_submit(f->db, &f->sme_a, cid, again, &out, &e), QERR_CONFLICT);
	json_decref(again);
	/* Sealed: before the deadline nobody but the members reads a proposal, the poster included. */
	assert_int_equal(challenge_proposal_get(f->db, &f->poster, pa, &out, &e), QERR_NOT_FOUND);
	assert_int_equal(challenge_proposal_get(f->db, &f->op, pa, &out, &e), QERR_NOT_FOUND);
	assert_int_equal(challenge_proposal_get(f->db, &f->sme_b, pa, &out, &e), QERR_NOT_FOUND);
	assert_int_equal(challenge_proposals(f->db, &f->poster, cid, &out, &e), QERR_OK);
	assert_true(json_is_true(json_object_get(out, "sealed")));
	assert_int_equal(json_integer_value(json_object_get(out, "count")), 2);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 0);
	json_decref(out);
	assert_int_equal(challenge_proposals(f->db, &f->sme_b, cid, &out, &e), QERR_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 1); /* its own */
	assert_true(json_is_null(json_object_get(out, "count")));
	json_decref(out);
	/* The panel: rev1, rev2, rev3 (rev3's organisation is C, in B's consortium). Evaluation waits for the deadline.
	 */
	/* By organisation: "org:ID" seats its admins (an organisation without users: nobody), a lone reviewer is too
	 * few. */
	char org_c[32], org_1[32];
	snprintf(org_c, sizeof org_c, "org:%lld", (long long)f->sme_b.org_id);
	snprintf(org_1, sizeof org_1, "org:%lld", (long long)f->rev1.org_id);
	json_t *try = json_pack("[s]", org_c);
	assert_int_equal(challenge_set_panel(f->db, &f->poster, cid, try, &out, &e), QERR_INVALID);
	assert_string_equal(e.slug, "user_not_found");
	json_decref(try);
	try = json_pack("[s]", org_1);
	assert_int_equal(challenge_set_panel(f->db, &f->poster, cid, try, &out, &e), QERR_INVALID);
	json_decref(try);
	try = json_pack("[s,s]", org_1, f->rev2.email);
	assert_int_equal(challenge_set_panel(f->db, &f->poster, cid, try, &out, &e), QERR_OK);
	assert_int_equal(json_array_size(json_object_get(out, "panel")), 2);
	json_decref(out);
	json_decref(try);
	json_t *panel = json_pack("[s,s,s]", f->rev1.email, f->rev2.email, f->rev3.email);
	assert_int_equal(challenge_set_panel(f->db, &f->poster, cid, panel, &out, &e), QERR_OK);
	json_decref(out);
	json_decref(panel);
	assert_int_equal(challenge_evaluate(f->db, &f->poster, cid, &out, &e), QERR_CONFLICT);
	set_clock(f, "2026-06-01T00:00:00Z");
	assert_int_equal(challenge_get(f->db, &f->sme_a, cid, &out, &e), QERR_OK);
	assert_string_equal(json_string_value(json_object_get(out, "status")), "closed");
	json_decref(out);
	assert_int_equal(challenge_submit(f->db, &f->sme_c, cid, NULL, &out, &e), QERR_CONFLICT);
	/* After the deadline: the poster reads all; other submitters still never. */
	assert_int_equal(challenge_proposal_get(f->db, &f->poster, pa, &out, &e), QERR_OK);
	assert_string_equal(json_string_value(json_object_get(out, "sha256")), sha_a);
	json_decref(out);
	assert_int_equal(challenge_proposal_get(f->db, &f->sme_b, pa, &out, &e), QERR_NOT_FOUND);
	assert_int_equal(challenge_proposals(f->db, &f->sme_b, cid, &out, &e), QERR_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
	json_decref(out);
	assert_int_equal(challenge_evaluate(f->db, &f->poster, cid, &out, &e), QERR_OK);
	json_decref(out);
	/* Reviews: score before declaring is refused; rev3 cannot claim no conflict for B's proposal. */
	scores(f, &f->rev1, pa, 90, 70, QERR_CONFLICT);
	declare(f, &f->rev3, pb, false, QERR_CONFLICT);
	declare(f, &f->rev3, pb, true, QERR_OK);
	declare(f, &f->rev3, pb, true, QERR_CONFLICT); /* once */
	/* A conflicted reviewer cannot score. */
	scores(f, &f->rev3, pb, 100, 100, QERR_FORBIDDEN);
	/* rev3 also declares a conflict for A's proposal: it sees who submitted, not the content. */
	declare(f, &f->rev3, pa, true, QERR_OK);
	scores(f, &f->rev3, pa, 100, 100, QERR_FORBIDDEN);
	assert_int_equal(challenge_proposal_get(f->db, &f->rev3, pa, &out, &e), QERR_OK);
	assert_true(json_is_true(json_object_get(out, "sealed")));
	assert_null(json_object_get(out, "content"));
	json_decref(out);
	declare(f, &f->rev1, pa, false, QERR_OK);
	declare(f, &f->rev1, pb, false, QERR_OK);
	declare(f, &f->rev2, pa, false, QERR_OK);
	declare(f, &f->rev2, pb, false, QERR_OK);
	/* Out-of-range and wrong-length scores are refused. */
	scores(f, &f->rev1, pa, 101, 70, QERR_INVALID);
	json_t *three = json_pack("[i,i,i]", 1, 2, 3);
	assert_int_equal(challenge_score(f->db, &f->rev1, pa, three, "", &out, &e), QERR_INVALID);
	json_decref(three);
	scores(f, &f->rev1, pa, 90, 70, QERR_OK);
	scores(f, &f->rev1, pa, 90, 70, QERR_CONFLICT); /* once */
	/* rev2 has not scored pa: it does not see rev1's scores; rev1 does (it submitted). */
	assert_int_equal(challenge_evaluation(f->db, &f->rev2, cid, &out, &e), QERR_OK);
	json_t *item = json_array_get(json_object_get(out, "items"), 0);
	assert_true(json_is_null(json_object_get(item, "others")));
	assert_true(json_is_null(json_object_get(item, "total")));
	json_decref(out);
	assert_int_equal(challenge_evaluation(f->db, &f->rev1, cid, &out, &e), QERR_OK);
	item = json_array_get(json_object_get(out, "items"), 0);
	assert_int_equal(json_array_size(json_object_get(item, "others")), 1);
	json_decref(out);
	/* Results wait for two non-conflicted reviews of every proposal. */
	assert_int_equal(challenge_results(f->db, &f->poster, cid, &out, &e), QERR_CONFLICT);
	assert_string_equal(e.slug, "results_incomplete");
	scores(f, &f->rev2, pa, 80, 61,
	       QERR_OK); /* pa: (97.5×... ) rev1 (90×3+70)/4=85, rev2 (80×3+61)/4=75.25 -> 80.13 */
	scores(f, &f->rev1, pb, 60, 60, QERR_OK);
	scores(f, &f->rev2, pb, 70, 50, QERR_OK); /* pb: 60 and 65 -> 62.50 */
	assert_int_equal(challenge_results(f->db, &f->sme_a, cid, &out, &e), QERR_FORBIDDEN);
	assert_int_equal(challenge_results(f->db, &f->poster, cid, &out, &e), QERR_OK);
	json_t *first = json_array_get(json_object_get(out, "items"), 0);
	assert_int_equal(json_integer_value(json_object_get(first, "proposal_id")), pa);
	assert_int_equal(json_integer_value(json_object_get(first, "total_hundredths")), 8013);
	assert_string_equal(json_string_value(json_object_get(first, "total")), "80.13");
	assert_int_equal(
	    json_integer_value(json_object_get(json_array_get(json_object_get(out, "items"), 1), "total_hundredths")),
	    6250);
	json_decref(out);
	/* Shortlist both, award A; the result is published only with A's consent. */
	json_t *ids = json_pack("[I,I]", (json_int_t)pa, (json_int_t)pb);
	assert_int_equal(challenge_award(f->db, &f->poster, cid, pa, &out, &e), QERR_CONFLICT);
	assert_int_equal(challenge_shortlist(f->db, &f->sme_a, cid, ids, &out, &e), QERR_FORBIDDEN);
	assert_int_equal(challenge_shortlist(f->db, &f->poster, cid, ids, &out, &e), QERR_OK);
	json_decref(out);
	json_decref(ids);
	assert_int_equal(challenge_award(f->db, &f->poster, cid, pa, &out, &e), QERR_OK);
	json_decref(out);
	assert_int_equal(challenge_get(f->db, &f->sme_b, cid, &out, &e), QERR_OK);
	assert_false(json_is_true(json_object_get(json_object_get(out, "result"), "published")));
	assert_true(json_is_null(json_object_get(json_object_get(out, "result"), "winner")));
	json_decref(out);
	assert_int_equal(challenge_consent(f->db, &f->sme_b, pa, &out, &e), QERR_NOT_FOUND);
	assert_int_equal(challenge_consent(f->db, &f->sme_a, pa, &out, &e), QERR_OK);
	json_decref(out);
	assert_int_equal(challenge_get(f->db, &f->sme_b, cid, &out, &e), QERR_OK);
	json_t *winner = json_object_get(json_object_get(out, "result"), "winner");
	assert_string_equal(json_string_value(json_object_get(winner, "uscc")), f->a_uscc);
	json_decref(out);
	/* Milestones in order; the reward 100000001 fen split 3333:3333:3334 adds up exactly. */
	assert_int_equal(challenge_accept_milestone(f->db, &f->poster, cid, 2, NULL, &out, &e), QERR_CONFLICT);
	assert_string_equal(e.slug, "out_of_order");
	int64_t paid = 0;
	for (int seq = 1; seq <= 3; seq++) {
		assert_int_equal(challenge_accept_milestone(f->db, &f->poster, cid, seq, "验收通过", &out, &e),
				 QERR_OK);
		json_t *m = json_array_get(json_object_get(out, "milestones"), (size_t)seq - 1);
		paid += json_integer_value(json_object_get(m, "paid_fen"));
		if (seq == 1)
			assert_int_equal(json_integer_value(json_object_get(m, "paid_fen")), 33330000);
		if (seq == 3)
			assert_string_equal(json_string_value(json_object_get(out, "status")), "completed");
		json_decref(out);
	}
	assert_int_equal(paid, 100000001);
	assert_int_equal(challenge_accept_milestone(f->db, &f->poster, cid, 3, NULL, &out, &e), QERR_CONFLICT);
	/* The receipt hash is found for the challenge. */
	assert_int_equal(challenge_verify_receipt(f->db, &f->sme_b, cid, sha_a, &out, &e), QERR_OK);
	assert_true(json_is_true(json_object_get(out, "found")));
	json_decref(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_receipt_hash),
	    cmocka_unit_test(test_score_aggregation),
	    cmocka_unit_test_setup_teardown(test_challenge_life, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
