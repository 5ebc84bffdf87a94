/*
 * test_finance.c - supply-chain finance in process with a driven clock:
 * interest edge cases, the calendar rules, the issue rules, splits and
 * transfers as fen ranges, discounting within limits, settlement, refused
 * input changing nothing, idempotent replays, and `finance verify`
 * detecting each kind of corruption.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sodium.h>

#include "base/qtime.h"
#include "chainmap/chain.h"
#include "chainmap/chainmap.h"
#include "finance/finance.h"
#include "finance/finance_int.h"
#include "registry/uscc.h"
#include "testkit.h"

enum { E_CORE, E_SME, E_SUB, E_FAR, E_COUNT };

struct fixture {
	struct testdb t;
	struct db *db;
	struct actor cli, op, large, sme, sub, far, bank, bank2;
	int64_t bank_org, bank2_org;
	char uscc[E_COUNT][USCC_LEN + 1];
	int64_t now;
};

static int64_t fixed_clock(void *ctx)
{
	return ((struct fixture *)ctx)->now;
}

/* The clock at a Shanghai date's 10:00. */
static void set_today(struct fixture *f, const char *date)
{
	struct qdate d;
	assert_true(qdate_parse(date, &d));
	assert_true(qdate_shanghai_instant(d, 10, 0, 0, &f->now));
}

static void reg(struct fixture *f, const struct actor *owner, int i, const char *name, const char *rest)
{
	uscc_generate("320583", 7700 + (uint64_t)i, f->uscc[i]);
	testkit_enterprise(f->db, owner, f->uscc[i], "%s,320583,36,%s", name, rest);
}

static void relation(struct fixture *f, int buyer, int supplier)
{
	json_t *out = NULL;
	struct qerror e = {0};
	if (chainmap_relation_put(f->db, &f->cli, f->uscc[buyer], f->uscc[supplier], "nev", "motor", 1000000, &out, &e))
		fail_msg("relation: %s", e.message);
	json_decref(out);
}

static int setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	struct fixture *f = testdb_fixture(sizeof *f, "fin");
	if (!f)
		return -1;
	f->db = f->t.db;
	actor_cli(&f->cli);
	testkit_org_actor(f->db, &f->op, 100, "苏州市中小企业服务中心", ORG_OPERATOR, ROLE_ADMIN);
	testkit_org_actor(f->db, &f->large, 101, "链主", ORG_LARGE, ROLE_MEMBER);
	testkit_org_actor(f->db, &f->sme, 102, "一级供应商", ORG_SME, ROLE_MEMBER);
	testkit_org_actor(f->db, &f->sub, 103, "二级供应商", ORG_SME, ROLE_ADMIN);
	testkit_org_actor(f->db, &f->far, 104, "无关企业", ORG_SME, ROLE_ADMIN);
	f->bank_org = testkit_org_actor(f->db, &f->bank, 105, "江苏银行", ORG_BANK, ROLE_ADMIN);
	f->bank2_org = testkit_org_actor(f->db, &f->bank2, 106, "苏州银行", ORG_BANK, ROLE_ADMIN);
	reg(f, &f->large, E_CORE, "整车厂", "3000,900000,1200000,none");
	reg(f, &f->sme, E_SME, "电机厂", "300,20000,15000,provincial");
	reg(f, &f->sub, E_SUB, "磁钢厂", "120,9000,7000,none");
	reg(f, &f->far, E_FAR, "远方厂", "120,9000,7000,none");
	struct qerror e = {0};
	json_t *out = NULL;
	if (chain_upsert(f->db, &f->cli, "nev", "新能源汽车", "NEV", &e) ||
	    chainmap_segment_put(f->db, &f->cli, "nev", "motor", "驱动电机", NULL, &out, &e))
		fail_msg("chain: %s", e.message);
	json_decref(out);
	relation(f, E_CORE, E_SME); /* the SME supplies the core enterprise */
	relation(f, E_SME, E_SUB);  /* the sub-supplier supplies the SME */
	set_today(f, "2026-12-01");
	finance_clock_set(fixed_clock, f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	finance_clock_set(NULL, NULL);
	return testdb_teardown(state);
}

/* ---- calling the domain ---- */

/* Runs op as a with body (JSON text, NULL = none); returns the code, *out the answer (caller decrefs, may be NULL). */
static enum qerr run(struct fixture *f, const struct actor *a, enum finance_op op, int64_t id, const char *body,
		     json_t **out, struct qerror *e)
{
	json_t *b = NULL, *o = NULL;
	memset(e, 0, sizeof *e);
	enum qerr rc = finance_decode(op, body, body ? strlen(body) : 0, &b, e);
	int status;
	if (!rc)
		rc = finance_write(f->db, a, NULL, op, id, b, &o, &status, e);
	json_decref(b);
	if (out)
		*out = o;
	else
		json_decref(o);
	return rc;
}

/* op must succeed; returns integer member key of the answer. */
static int64_t ok(struct fixture *f, const struct actor *a, enum finance_op op, int64_t id, const char *body,
		  const char *key)
{
	json_t *o;
	struct qerror e;
	if (run(f, a, op, id, body, &o, &e))
		fail_msg("%s %lld %s: %s %s", finance_op_names[op], (long long)id, body ? body : "", e.slug, e.message);
	int64_t v = json_integer_value(json_object_get(o, key));
	json_decref(o);
	return v;
}

/* op must fail with code and slug, and change nothing (the operation log does not move). */
static void refused(struct fixture *f, const struct actor *a, enum finance_op op, int64_t id, const char *body,
		    enum qerr code, const char *slug)
{
	int64_t before = testdb_scalar(f->db, "SELECT seq FROM finance_chain");
	int64_t pieces = testdb_scalar(f->db, "SELECT count(*) FROM finance_pieces");
	struct qerror e;
	enum qerr rc = run(f, a, op, id, body, NULL, &e);
	if (rc != code || strcmp(e.slug, slug) != 0)
		fail_msg("%s %s: got %d %s (%s), want %d %s", finance_op_names[op], body ? body : "", rc, e.slug,
			 e.message, code, slug);
	assert_int_equal(testdb_scalar(f->db, "SELECT seq FROM finance_chain"), before);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM finance_pieces"), pieces);
}

static void verified(struct fixture *f)
{
	json_t *o = NULL;
	struct qerror e = {0};
	if (finance_verify(f->db, &o, &e))
		fail_msg("verify: %s", e.message);
	assert_true(json_is_true(json_object_get(o, "ok")));
	json_decref(o);
}

static void violated(struct fixture *f, const char *invariant)
{
	json_t *o = NULL;
	struct qerror e = {0};
	enum qerr rc = finance_verify(f->db, &o, &e);
	if (rc != QERR_CONFLICT || strcmp(e.slug, invariant) != 0)
		fail_msg("verify: got %d %s (%s), want %s", rc, e.slug, e.message, invariant);
	assert_false(json_is_true(json_object_get(o, "ok")));
	json_decref(o);
}

/* Issues face fen to the SME maturing on date, accepted; returns the certificate id. */
static int64_t certificate(struct fixture *f, int64_t face, const char *maturity)
{
	char body[512];
	snprintf(
	    body, sizeof body,
	    "{\"issuer\":\"%s\",\"payee\":\"%s\",\"face_fen\":%lld,\"maturity\":\"%s\",\"contract_no\":\"HT-%lld\"}",
	    f->uscc[E_CORE], f->uscc[E_SME], (long long)face, maturity, (long long)face);
	int64_t id = ok(f, &f->large, FINANCE_ISSUE, 0, body, "id");
	ok(f, &f->sme, FINANCE_ACCEPT, id, NULL, "id");
	return id;
}

static int64_t root_of(struct fixture *f, int64_t cert)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT id FROM finance_pieces WHERE certificate_id=%lld AND parent_id IS NULL",
		 (long long)cert);
	return testdb_scalar(f->db, sql);
}

/* ---- pure rules ---- */

static void interest_edges(void **state)
{
	(void)state;
	struct finance_interest fi;
	struct qerror e = {0};
	struct qdate a = {2026, 12, 1}, b = {2027, 6, 1}, same = {2026, 12, 1}, before = {2026, 11, 30};
	/* 1,000,000 fen at 3.5% for 182 days: 1e6 * 350 * 182 / 3.6e6 = 17694.44 -> 17694. */
	assert_int_equal(finance_interest_calc(1000000, 350, a, b, 0, &fi, &e), QERR_OK);
	assert_int_equal(fi.days, 182);
	assert_int_equal(fi.interest_fen, 17694);
	assert_int_equal(fi.net_fen, 1000000 - 17694);
	/* Half up: 36 fen at 10000 bp for 5 days = 0.5 fen -> 1 fen; 35 fen -> 0.486 -> 0. */
	struct qdate five = {2026, 12, 6};
	assert_int_equal(finance_interest_calc(36, 10000, a, five, 0, &fi, &e), QERR_OK);
	assert_int_equal(fi.interest_fen, 1);
	assert_int_equal(finance_interest_calc(35, 10000, a, five, 0, &fi, &e), QERR_OK);
	assert_int_equal(fi.interest_fen, 0);
	/* Zero days, zero rate: no interest. */
	assert_int_equal(finance_interest_calc(1000, 350, a, same, 0, &fi, &e), QERR_OK);
	assert_int_equal(fi.interest_fen, 0);
	assert_int_equal(fi.net_fen, 1000);
	assert_int_equal(finance_interest_calc(1000, 0, a, b, 0, &fi, &e), QERR_OK);
	assert_int_equal(fi.interest_fen, 0);
	/* The fee is separate: 1,000,000 at 10 bp = 1000 fen. */
	assert_int_equal(finance_interest_calc(1000000, 350, a, b, 10, &fi, &e), QERR_OK);
	assert_int_equal(fi.fee_fen, 1000);
	assert_int_equal(fi.net_after_fee_fen, 1000000 - 17694 - 1000);
	/* Refused: a maturity before the start, amounts <= 0, rates out of range. */
	assert_int_equal(finance_interest_calc(1000, 350, a, before, 0, &fi, &e), QERR_INVALID);
	assert_string_equal(e.slug, "maturity_before_start");
	assert_int_equal(finance_interest_calc(0, 350, a, b, 0, &fi, &e), QERR_INVALID);
	assert_int_equal(finance_interest_calc(-5, 350, a, b, 0, &fi, &e), QERR_INVALID);
	assert_int_equal(finance_interest_calc(1000, -1, a, b, 0, &fi, &e), QERR_INVALID);
	assert_int_equal(finance_interest_calc(1000, 10001, a, b, 0, &fi, &e), QERR_INVALID);
	/* Overflow: INT64_MAX fen at 100% for 9999 years' worth of days does not fit. */
	struct qdate far = {9999, 12, 31}, origin = {1992, 1, 1};
	assert_int_equal(finance_interest_calc(INT64_MAX, 10000, origin, far, 0, &fi, &e), QERR_INVALID);
	assert_string_equal(e.slug, "amount_overflow");
	/* At 100% for 360 days interest is the whole amount: net 0, no overflow at INT64_MAX. */
	struct qdate y = {2027, 11, 26};
	assert_int_equal(finance_interest_calc(INT64_MAX, 10000, a, y, 0, &fi, &e), QERR_OK);
	assert_int_equal(fi.days, 360);
	assert_int_equal(fi.net_fen, 0);
	/* The text form the CLI and the API use. */
	json_t *j = NULL;
	assert_int_equal(finance_interest_json("1000000", "350", "2026-12-01", "2027-06-01", 0, &j, &e), QERR_OK);
	assert_int_equal(json_integer_value(json_object_get(j, "interest_fen")), 17694);
	assert_int_equal(json_integer_value(json_object_get(j, "days")), 182);
	json_decref(j);
	assert_int_equal(finance_interest_json("-1", "350", "2026-12-01", "2027-06-01", 0, &j, &e), QERR_INVALID);
	assert_int_equal(finance_interest_json("100", "350", "2026-02-30", "2027-06-01", 0, &j, &e), QERR_INVALID);
	assert_int_equal(finance_interest_json("100", "x", "2026-12-01", "2027-06-01", 0, &j, &e), QERR_INVALID);
}

static void months_clamp_to_month_end(void **state)
{
	(void)state;
	char t[QDATE_TEXT_LEN];
	qdate_format(fin_add_months((struct qdate){2026, 8, 31}, 6), t);
	assert_string_equal(t, "2027-02-28");
	qdate_format(fin_add_months((struct qdate){2027, 8, 31}, 6), t);
	assert_string_equal(t, "2028-02-29");
	qdate_format(fin_add_months((struct qdate){2028, 2, 29}, 12), t);
	assert_string_equal(t, "2029-02-28");
	qdate_format(fin_add_months((struct qdate){2026, 12, 1}, 12), t);
	assert_string_equal(t, "2027-12-01");
}

/* ---- issue rules ---- */

static void issue_rules(void **state)
{
	struct fixture *f = *state;
	char body[600];
#define ISSUE(payee, face, maturity, extra)                                                                            \
	(snprintf(                                                                                                     \
	     body, sizeof body,                                                                                        \
	     "{\"issuer\":\"%s\",\"payee\":\"%s\",\"face_fen\":%s,\"maturity\":\"%s\",\"contract_no\":\"HT-1\"%s}",    \
	     f->uscc[E_CORE], f->uscc[payee], face, maturity, extra),                                                  \
	 body)
	/* At most one year after issue (2026-12-01 -> 2027-12-01); after today. */
	refused(f, &f->large, FINANCE_ISSUE, 0, ISSUE(E_SME, "100", "2027-12-02", ""), QERR_INVALID,
		"maturity_too_late");
	refused(f, &f->large, FINANCE_ISSUE, 0, ISSUE(E_SME, "100", "2026-12-01", ""), QERR_INVALID,
		"maturity_not_future");
	refused(f, &f->large, FINANCE_ISSUE, 0, ISSUE(E_SME, "100", "2026-11-01", ""), QERR_INVALID,
		"maturity_not_future");
	refused(f, &f->large, FINANCE_ISSUE, 0, ISSUE(E_SME, "100", "2027-02-30", ""), QERR_INVALID, "invalid_date");
	/* Amounts: <= 0 and beyond 10^13 are refused by the body's range; not JSON integers neither. */
	refused(f, &f->large, FINANCE_ISSUE, 0, ISSUE(E_SME, "0", "2027-03-01", ""), QERR_INVALID, "out_of_range");
	refused(f, &f->large, FINANCE_ISSUE, 0, ISSUE(E_SME, "-100", "2027-03-01", ""), QERR_INVALID, "out_of_range");
	refused(f, &f->large, FINANCE_ISSUE, 0, ISSUE(E_SME, "10000000000001", "2027-03-01", ""), QERR_INVALID,
		"out_of_range");
	/* Not a supplier, not another organisation, not the caller's issuer, no contract. */
	refused(f, &f->large, FINANCE_ISSUE, 0, ISSUE(E_FAR, "100", "2027-03-01", ""), QERR_INVALID, "not_a_supplier");
	refused(f, &f->large, FINANCE_ISSUE, 0, ISSUE(E_CORE, "100", "2027-03-01", ""), QERR_INVALID, "self_issue");
	refused(f, &f->sme, FINANCE_ISSUE, 0, ISSUE(E_SUB, "100", "2027-03-01", ""), QERR_FORBIDDEN, "forbidden");
	snprintf(body, sizeof body,
		 "{\"issuer\":\"%s\",\"payee\":\"%s\",\"face_fen\":100,\"maturity\":\"2027-03-01\","
		 "\"contract_no\":\"   \"}",
		 f->uscc[E_CORE], f->uscc[E_SME]);
	refused(f, &f->large, FINANCE_ISSUE, 0, body, QERR_INVALID, "contract_required");
	/* Within six months: no warning; an SME payee past delivery + 60 days is flagged. */
	json_t *o;
	struct qerror e;
	assert_int_equal(
	    run(f, &f->large, FINANCE_ISSUE, 0, ISSUE(E_SME, "100", "2027-01-30", ",\"invoices\":[\"F-1\"]"), &o, &e),
	    QERR_OK);
	assert_int_equal(json_array_size(json_object_get(o, "warnings")), 0);
	assert_int_equal(json_array_size(json_object_get(o, "flags")), 0);
	assert_string_equal(json_string_value(json_object_get(o, "status")), "issued");
	json_decref(o);
	assert_int_equal(run(f, &f->large, FINANCE_ISSUE, 0,
			     ISSUE(E_SME, "100", "2027-06-02", ",\"delivery_date\":\"2026-11-20\""), &o, &e),
			 QERR_OK);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(json_object_get(o, "warnings"), 0), "code")),
	    "maturity_over_six_months");
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(o, "flags"), 0), "code")),
			    "sme_payment_term_exceeded");
	json_decref(o);
	/* An invoice backs one certificate; a refused certificate frees it. */
	refused(f, &f->large, FINANCE_ISSUE, 0, ISSUE(E_SME, "200", "2027-01-30", ",\"invoices\":[\"F-1\"]"),
		QERR_CONFLICT, "invoice_already_used");
	refused(f, &f->large, FINANCE_ISSUE, 0, ISSUE(E_SME, "200", "2027-01-30", ",\"invoices\":[\"F-2\",\"F-2\"]"),
		QERR_INVALID, "duplicate_invoice");
	int64_t first = testdb_scalar(f->db, "SELECT certificate_id FROM finance_invoices WHERE invoice_no='F-1'");
	ok(f, &f->sme, FINANCE_REFUSE, first, "{\"reason\":\"金额不符\"}", "id");
	ok(f, &f->large, FINANCE_ISSUE, 0, ISSUE(E_SME, "200", "2027-01-30", ",\"invoices\":[\"F-1\"]"), "id");
	/* Only the payee accepts, once; nothing is usable before. */
	int64_t c = ok(f, &f->large, FINANCE_ISSUE, 0, ISSUE(E_SME, "300", "2027-01-30", ""), "id");
	refused(f, &f->large, FINANCE_ACCEPT, c, NULL, QERR_FORBIDDEN, "forbidden");
	refused(f, &f->far, FINANCE_ACCEPT, c, NULL, QERR_NOT_FOUND, "certificate_not_found");
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM finance_pieces"), 0);
	ok(f, &f->sme, FINANCE_ACCEPT, c, NULL, "id");
	refused(f, &f->sme, FINANCE_ACCEPT, c, NULL, QERR_CONFLICT, "certificate_not_issued");
	refused(f, &f->sme, FINANCE_REFUSE, c, "{\"reason\":\"x\"}", QERR_CONFLICT, "certificate_not_issued");
	verified(f);
#undef ISSUE
}

/* ---- splits and transfers ---- */

static void split_and_transfer_as_ranges(void **state)
{
	struct fixture *f = *state;
	int64_t c = certificate(f, 1000000, "2027-03-01");
	int64_t root = root_of(f, c);
	char body[256];
	/* Refused: <= 0, more than the balance, to itself, to a non-supplier, by someone else; nothing changes. */
	snprintf(body, sizeof body, "{\"to\":\"%s\",\"amount_fen\":0}", f->uscc[E_SUB]);
	refused(f, &f->sme, FINANCE_TRANSFER, root, body, QERR_INVALID, "invalid_amount");
	snprintf(body, sizeof body, "{\"to\":\"%s\",\"amount_fen\":-1}", f->uscc[E_SUB]);
	refused(f, &f->sme, FINANCE_TRANSFER, root, body, QERR_INVALID, "invalid_amount");
	snprintf(body, sizeof body, "{\"to\":\"%s\",\"amount_fen\":1000001}", f->uscc[E_SUB]);
	refused(f, &f->sme, FINANCE_TRANSFER, root, body, QERR_INVALID, "amount_exceeds_balance");
	snprintf(body, sizeof body, "{\"to\":\"%s\",\"amount_fen\":100}", f->uscc[E_SME]);
	refused(f, &f->sme, FINANCE_TRANSFER, root, body, QERR_INVALID, "self_transfer");
	snprintf(body, sizeof body, "{\"to\":\"%s\",\"amount_fen\":100}", f->uscc[E_FAR]);
	refused(f, &f->sme, FINANCE_TRANSFER, root, body, QERR_INVALID, "not_a_supplier");
	snprintf(body, sizeof body, "{\"to\":\"%s\",\"amount_fen\":100}", f->uscc[E_SUB]);
	refused(f, &f->sub, FINANCE_TRANSFER, root, body, QERR_NOT_FOUND, "piece_not_found");
	refused(f, &f->large, FINANCE_TRANSFER, root, body, QERR_FORBIDDEN, "forbidden");
	/* 300,000 fen to the sub-supplier: [1, 300000] offered, [300001, 1000000] kept. */
	snprintf(body, sizeof body, "{\"to\":\"%s\",\"amount_fen\":300000}", f->uscc[E_SUB]);
	json_t *t;
	struct qerror e;
	assert_int_equal(run(f, &f->sme, FINANCE_TRANSFER, root, body, &t, &e), QERR_OK);
	int64_t tid = json_integer_value(json_object_get(t, "id"));
	int64_t offered = json_integer_value(json_object_get(t, "piece_id"));
	int64_t rest = json_integer_value(json_object_get(t, "remainder_piece_id"));
	json_decref(t);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM finance_pieces WHERE state='split'"), 1);
	struct fin_piece p;
	assert_int_equal(fin_piece_load(f->db, offered, &p, &e), QERR_OK);
	assert_int_equal(p.lo, 1);
	assert_int_equal(p.hi, 300000);
	assert_string_equal(p.state, "pending_transfer");
	assert_int_equal(fin_piece_load(f->db, rest, &p, &e), QERR_OK);
	assert_int_equal(p.lo, 300001);
	assert_int_equal(p.hi, 1000000);
	/* The pending part is held: no second transfer of it, no transfer of the split parent. */
	refused(f, &f->sme, FINANCE_TRANSFER, offered, body, QERR_CONFLICT, "piece_not_held");
	refused(f, &f->sme, FINANCE_TRANSFER, root, body, QERR_CONFLICT, "piece_not_held");
	verified(f);
	/* Only the receiver accepts; then the receiver holds a child [1, 300000]. */
	refused(f, &f->sme, FINANCE_TRANSFER_ACCEPT, tid, NULL, QERR_FORBIDDEN, "forbidden");
	refused(f, &f->far, FINANCE_TRANSFER_ACCEPT, tid, NULL, QERR_NOT_FOUND, "transfer_not_found");
	int64_t received = ok(f, &f->sub, FINANCE_TRANSFER_ACCEPT, tid, NULL, "received_piece_id");
	assert_int_equal(fin_piece_load(f->db, received, &p, &e), QERR_OK);
	assert_int_equal(p.parent_id, offered);
	assert_int_equal(p.holder_org, f->sub.org_id);
	refused(f, &f->sub, FINANCE_TRANSFER_ACCEPT, tid, NULL, QERR_CONFLICT, "transfer_not_pending");
	verified(f);
	/* A whole-piece offer, refused: back to the sender, unsplit. Then 1 fen, the smallest part, cancelled. */
	snprintf(body, sizeof body, "{\"to\":\"%s\",\"amount_fen\":700000}", f->uscc[E_SUB]);
	int64_t t2 = ok(f, &f->sme, FINANCE_TRANSFER, rest, body, "id");
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM finance_pieces WHERE state='split'"), 1);
	ok(f, &f->sub, FINANCE_TRANSFER_REFUSE, t2, "{\"reason\":\"no\"}", "id");
	assert_int_equal(fin_piece_load(f->db, rest, &p, &e), QERR_OK);
	assert_string_equal(p.state, "held");
	snprintf(body, sizeof body, "{\"to\":\"%s\",\"amount_fen\":1}", f->uscc[E_SUB]);
	int64_t t3 = ok(f, &f->sme, FINANCE_TRANSFER, rest, body, "id");
	refused(f, &f->sub, FINANCE_TRANSFER_CANCEL, t3, NULL, QERR_FORBIDDEN, "forbidden");
	ok(f, &f->sme, FINANCE_TRANSFER_CANCEL, t3, NULL, "id");
	/* A pure split: both halves held by the holder; a split of the whole balance is refused. */
	int64_t half;
	assert_int_equal(fin_piece_load(f->db, received, &p, &e), QERR_OK);
	refused(f, &f->sub, FINANCE_SPLIT, received, "{\"amount_fen\":300000}", QERR_INVALID, "invalid_amount");
	json_t *s;
	assert_int_equal(run(f, &f->sub, FINANCE_SPLIT, received, "{\"amount_fen\":100000}", &s, &e), QERR_OK);
	half = json_integer_value(json_object_get(json_array_get(json_object_get(s, "pieces"), 1), "amount_fen"));
	json_decref(s);
	assert_int_equal(half, 200000);
	/* The ledger: the SME holds 700,000 (+ nothing pending), the sub-supplier 300,000; the core owes 1,000,000. */
	assert_int_equal(testdb_scalar(f->db, "SELECT balance_fen FROM finance_accounts a JOIN orgs o ON o.id=a.org_id"
					      " WHERE o.name='一级供应商' AND account='receivable'"),
			 700000);
	assert_int_equal(testdb_scalar(f->db, "SELECT balance_fen FROM finance_accounts a JOIN orgs o ON o.id=a.org_id"
					      " WHERE o.name='二级供应商' AND account='receivable'"),
			 300000);
	assert_int_equal(testdb_scalar(f->db, "SELECT -balance_fen FROM finance_accounts a JOIN orgs o ON o.id=a.org_id"
					      " WHERE o.name='链主' AND account='payable'"),
			 1000000);
	verified(f);
	/* At maturity nothing moves any more but settlement. */
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT remainder_piece_id FROM finance_transfers WHERE id=%lld", (long long)t3);
	int64_t kept = testdb_scalar(f->db, sql);
	set_today(f, "2027-03-01");
	snprintf(body, sizeof body, "{\"to\":\"%s\",\"amount_fen\":5}", f->uscc[E_SUB]);
	refused(f, &f->sme, FINANCE_TRANSFER, kept, body, QERR_CONFLICT, "certificate_matured");
}

/* ---- discount, limits, settlement ---- */

static void discount_within_limits_and_settle(void **state)
{
	struct fixture *f = *state;
	int64_t c = certificate(f, 1000000, "2027-06-01");
	int64_t root = root_of(f, c);
	int64_t first = 0;
	{
		json_t *s;
		struct qerror e;
		assert_int_equal(run(f, &f->sme, FINANCE_SPLIT, root, "{\"amount_fen\":400000}", &s, &e), QERR_OK);
		first = json_integer_value(json_object_get(json_array_get(json_object_get(s, "pieces"), 0), "id"));
		json_decref(s);
	}
	int64_t second = first + 1;
	char body[256];
	snprintf(body, sizeof body, "{\"bank_id\":%lld,\"pieces\":[%lld,%lld]}", (long long)f->bank_org,
		 (long long)first, (long long)first);
	refused(f, &f->sme, FINANCE_DISCOUNT_APPLY, 0, body, QERR_INVALID, "duplicate_piece");
	snprintf(body, sizeof body, "{\"bank_id\":%lld,\"pieces\":[%lld]}", (long long)f->sme.org_id, (long long)first);
	refused(f, &f->sme, FINANCE_DISCOUNT_APPLY, 0, body, QERR_INVALID, "not_a_bank");
	snprintf(body, sizeof body, "{\"bank_id\":%lld,\"pieces\":[%lld]}", (long long)f->bank_org, (long long)root);
	refused(f, &f->sme, FINANCE_DISCOUNT_APPLY, 0, body, QERR_CONFLICT, "piece_not_held");
	snprintf(body, sizeof body, "{\"bank_id\":%lld,\"pieces\":[%lld]}", (long long)f->bank_org, (long long)first);
	int64_t app = ok(f, &f->sme, FINANCE_DISCOUNT_APPLY, 0, body, "id");
	/* Held: no transfer, no second application. */
	refused(f, &f->sme, FINANCE_DISCOUNT_APPLY, 0, body, QERR_CONFLICT, "piece_not_held");
	char tb[128];
	snprintf(tb, sizeof tb, "{\"to\":\"%s\",\"amount_fen\":5}", f->uscc[E_SUB]);
	refused(f, &f->sme, FINANCE_TRANSFER, first, tb, QERR_CONFLICT, "piece_not_held");
	/* Another bank cannot decide; the applicant cannot approve. No limit yet: beyond the limit. */
	refused(f, &f->bank2, FINANCE_DISCOUNT_APPROVE, app, "{\"rate_bp\":350}", QERR_NOT_FOUND,
		"application_not_found");
	refused(f, &f->sme, FINANCE_DISCOUNT_APPROVE, app, "{\"rate_bp\":350}", QERR_FORBIDDEN, "forbidden");
	refused(f, &f->bank, FINANCE_DISCOUNT_APPROVE, app, "{\"rate_bp\":350}", QERR_CONFLICT,
		"credit_limit_exceeded");
	char lb[160];
	snprintf(lb, sizeof lb, "{\"issuer\":\"%s\",\"limit_fen\":399999}", f->uscc[E_CORE]);
	ok(f, &f->bank, FINANCE_LIMIT_SET, 0, lb, "limit_fen");
	refused(f, &f->bank, FINANCE_DISCOUNT_APPROVE, app, "{\"rate_bp\":350}", QERR_CONFLICT,
		"credit_limit_exceeded");
	snprintf(lb, sizeof lb, "{\"issuer\":\"%s\",\"limit_fen\":500000}", f->uscc[E_CORE]);
	ok(f, &f->bank, FINANCE_LIMIT_SET, 0, lb, "limit_fen");
	refused(f, &f->sme, FINANCE_LIMIT_SET, 0, lb, QERR_FORBIDDEN, "forbidden");
	/* Approve at 3.5%: 400,000 x 350 x 182 / 3,600,000 = 7077.78 -> 7078 fen. */
	json_t *a;
	struct qerror e;
	assert_int_equal(run(f, &f->bank, FINANCE_DISCOUNT_APPROVE, app, "{\"rate_bp\":350}", &a, &e), QERR_OK);
	assert_string_equal(json_string_value(json_object_get(a, "status")), "approved");
	assert_int_equal(json_integer_value(json_object_get(a, "interest_fen")), 7078);
	assert_int_equal(json_integer_value(json_object_get(a, "net_fen")), 400000 - 7078);
	json_decref(a);
	assert_int_equal(testdb_scalar(f->db, "SELECT used_fen FROM finance_limits"), 400000);
	snprintf(lb, sizeof lb, "{\"issuer\":\"%s\",\"limit_fen\":300000}", f->uscc[E_CORE]);
	refused(f, &f->bank, FINANCE_LIMIT_SET, 0, lb, QERR_CONFLICT, "limit_below_used");
	refused(f, &f->bank, FINANCE_DISCOUNT_APPROVE, app, "{\"rate_bp\":350}", QERR_CONFLICT,
		"application_not_pending");
	verified(f);
	/* A second application beyond what is left (100,000 of 500,000) is refused at approval, then rejected. */
	snprintf(body, sizeof body, "{\"bank_id\":%lld,\"pieces\":[%lld]}", (long long)f->bank_org, (long long)second);
	int64_t app2 = ok(f, &f->sme, FINANCE_DISCOUNT_APPLY, 0, body, "id");
	refused(f, &f->bank, FINANCE_DISCOUNT_APPROVE, app2, "{\"rate_bp\":350}", QERR_CONFLICT,
		"credit_limit_exceeded");
	ok(f, &f->bank, FINANCE_DISCOUNT_REJECT, app2, "{\"reason\":\"额度不足\"}", "id");
	/* An application expires: after 7 days its pieces are free again. */
	int64_t app3 = ok(f, &f->sme, FINANCE_DISCOUNT_APPLY, 0, body, "id");
	set_today(f, "2026-12-09");
	refused(f, &f->bank, FINANCE_DISCOUNT_APPROVE, app3, "{\"rate_bp\":350}", QERR_CONFLICT, "application_expired");
	ok(f, &f->op, FINANCE_SWEEP, 0, NULL, "applications_expired");
	struct fin_piece p;
	assert_int_equal(fin_piece_load(f->db, second, &p, &e), QERR_OK);
	assert_string_equal(p.state, "held");
	verified(f);
	/* Settlement: not before maturity, only by the issuer; pays the bank and the SME; gives the limit back. */
	refused(f, &f->large, FINANCE_SETTLE, c, "{\"confirmation_ref\":\"BANK-1\"}", QERR_CONFLICT, "not_matured");
	set_today(f, "2027-06-01");
	refused(f, &f->sme, FINANCE_SETTLE, c, "{\"confirmation_ref\":\"BANK-1\"}", QERR_FORBIDDEN, "forbidden");
	assert_int_equal(run(f, &f->large, FINANCE_SETTLE, c, "{\"confirmation_ref\":\"BANK-1\"}", &a, &e), QERR_OK);
	assert_string_equal(json_string_value(json_object_get(a, "status")), "settled");
	assert_int_equal(json_array_size(json_object_get(a, "payments")), 2);
	json_decref(a);
	assert_int_equal(testdb_scalar(f->db, "SELECT used_fen FROM finance_limits"), 0);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM finance_accounts WHERE (account='receivable'"
					      " OR account='payable') AND balance_fen<>0"),
			 0);
	refused(f, &f->large, FINANCE_SETTLE, c, "{\"confirmation_ref\":\"BANK-1\"}", QERR_CONFLICT,
		"certificate_not_active");
	verified(f);
}

static void overdue_is_flagged_once(void **state)
{
	struct fixture *f = *state;
	int64_t c = certificate(f, 5000, "2027-01-10");
	set_today(f, "2027-01-11");
	json_t *o = NULL;
	struct qerror e = {0};
	assert_int_equal(finance_certificate_get(f->db, &f->sme, c, &o, &e), QERR_OK);
	assert_true(json_is_true(json_object_get(o, "overdue")));
	json_decref(o);
	assert_int_equal(ok(f, &f->op, FINANCE_SWEEP, 0, NULL, "overdue_flagged"), 1);
	assert_int_equal(ok(f, &f->op, FINANCE_SWEEP, 0, NULL, "overdue_flagged"), 0);
	assert_true(testdb_scalar(f->db, "SELECT count(*) FROM notifications WHERE kind='finance_overdue'") >= 2);
	refused(f, &f->sme, FINANCE_SWEEP, 0, NULL, QERR_FORBIDDEN, "forbidden");
	ok(f, &f->large, FINANCE_SETTLE, c, "{\"confirmation_ref\":\"R\"}", "id");
	verified(f);
}

static void idempotent_replay(void **state)
{
	struct fixture *f = *state;
	int64_t c = certificate(f, 1000, "2027-02-01");
	int64_t root = root_of(f, c);
	char body[128];
	snprintf(body, sizeof body, "{\"to\":\"%s\",\"amount_fen\":10}", f->uscc[E_SUB]);
	struct idempotency idem, other;
	struct qerror e = {0};
	json_t *b = NULL;
	assert_int_equal(finance_decode(FINANCE_TRANSFER, body, strlen(body), &b, &e), QERR_OK);
	assert_int_equal(idempotency_prepare_json(&idem, "t-1", "POST", "/x", b, &e), QERR_OK);
	assert_int_equal(idempotency_prepare_json(&other, "t-1", "POST", "/y", b, &e), QERR_OK);
	json_t *o1 = NULL, *o2 = NULL, *o3 = NULL;
	int s1, s2, s3;
	assert_int_equal(finance_write(f->db, &f->sme, &idem, FINANCE_TRANSFER, root, b, &o1, &s1, &e), QERR_OK);
	int64_t ops = testdb_scalar(f->db, "SELECT seq FROM finance_chain");
	assert_int_equal(finance_write(f->db, &f->sme, &idem, FINANCE_TRANSFER, root, b, &o2, &s2, &e), QERR_OK);
	assert_int_equal(s1, 201);
	assert_int_equal(s2, 201);
	assert_true(json_equal(o1, o2));
	assert_int_equal(testdb_scalar(f->db, "SELECT seq FROM finance_chain"), ops);
	assert_int_equal(finance_write(f->db, &f->sme, &other, FINANCE_TRANSFER, root, b, &o3, &s3, &e), QERR_CONFLICT);
	assert_string_equal(e.slug, "idempotency_key_reused");
	json_decref(o1);
	json_decref(o2);
	json_decref(b);
	verified(f);
}

/* ---- verify finds each kind of corruption ---- */

/* A small history: a certificate split and transferred, another discounted within a limit. */
static void history(struct fixture *f)
{
	int64_t c = certificate(f, 100000, "2027-03-01");
	char body[256];
	snprintf(body, sizeof body, "{\"to\":\"%s\",\"amount_fen\":30000}", f->uscc[E_SUB]);
	int64_t t = ok(f, &f->sme, FINANCE_TRANSFER, root_of(f, c), body, "id");
	ok(f, &f->sub, FINANCE_TRANSFER_ACCEPT, t, NULL, "id");
	int64_t d = certificate(f, 50000, "2027-04-01");
	snprintf(body, sizeof body, "{\"issuer\":\"%s\",\"limit_fen\":100000}", f->uscc[E_CORE]);
	ok(f, &f->bank, FINANCE_LIMIT_SET, 0, body, "id");
	snprintf(body, sizeof body, "{\"bank_id\":%lld,\"pieces\":[%lld]}", (long long)f->bank_org,
		 (long long)root_of(f, d));
	int64_t app = ok(f, &f->sme, FINANCE_DISCOUNT_APPLY, 0, body, "id");
	ok(f, &f->bank, FINANCE_DISCOUNT_APPROVE, app, "{\"rate_bp\":300}", "id");
	snprintf(body, sizeof body, "{\"to\":\"%s\",\"amount_fen\":100}", f->uscc[E_SUB]);
	ok(f, &f->sme, FINANCE_TRANSFER,
	   testdb_scalar(f->db, "SELECT max(id) FROM finance_pieces WHERE state='held'"
				" AND holder_org=(SELECT org_id FROM enterprises WHERE name='电机厂')"),
	   body, "id");
	verified(f);
}

static void verify_overlap(void **state)
{
	struct fixture *f = *state;
	history(f);
	testdb_exec(f->db, "UPDATE finance_pieces SET hi=hi+1 WHERE id=(SELECT min(id) FROM finance_pieces"
			   " WHERE state='held')");
	violated(f, "pieces_partition");
}

static void verify_gap(void **state)
{
	struct fixture *f = *state;
	history(f);
	testdb_exec(f->db, "UPDATE finance_pieces SET lo=lo+1 WHERE id=(SELECT max(id) FROM finance_pieces"
			   " WHERE state='held' AND lo>1)");
	violated(f, "pieces_partition");
}

static void verify_tree(void **state)
{
	struct fixture *f = *state;
	history(f);
	/* A live piece made retired without children, its range still tiled by nobody: the tree breaks. */
	testdb_exec(f->db,
		    "INSERT INTO finance_pieces(certificate_id,parent_id,lo,hi,holder_org,holder_id,state,created_at,"
		    "updated_at) SELECT certificate_id,id,lo,hi,holder_org,holder_id,'held',created_at,updated_at"
		    " FROM finance_pieces WHERE state='discounted'");
	violated(f, "pieces_partition");
}

static void verify_holder(void **state)
{
	struct fixture *f = *state;
	history(f);
	testdb_exec(f->db, "UPDATE finance_pieces SET holder_id=NULL WHERE state='held' AND id=(SELECT min(id) FROM"
			   " finance_pieces WHERE state='held')");
	violated(f, "one_holder");
}

static void verify_unbalanced_postings(void **state)
{
	struct fixture *f = *state;
	history(f);
	testdb_exec(f->db, "INSERT INTO finance_postings(op_seq,org_id,account,amount_fen,certificate_id)"
			   " SELECT max(op_seq),min(org_id),'cash',1,0 FROM finance_postings");
	violated(f, "postings_balance");
}

static void verify_account_balance(void **state)
{
	struct fixture *f = *state;
	history(f);
	testdb_exec(f->db, "UPDATE finance_accounts SET balance_fen=balance_fen+1 WHERE account='cash'"
			   " AND org_id=(SELECT min(org_id) FROM finance_accounts WHERE account='cash')");
	violated(f, "account_balance");
}

static void verify_negative_balance(void **state)
{
	struct fixture *f = *state;
	history(f);
	/* A posting pair that balances but drives a receivable below zero, mirrored in the stored balance. */
	testdb_exec(
	    f->db,
	    "INSERT INTO finance_postings(op_seq,org_id,account,amount_fen,certificate_id)"
	    " SELECT 1,org_id,'receivable',-1000000,0 FROM finance_accounts WHERE account='receivable' LIMIT 1;"
	    "INSERT INTO finance_postings(op_seq,org_id,account,amount_fen,certificate_id)"
	    " SELECT 1,org_id,'cash',1000000,0 FROM finance_accounts WHERE account='receivable' LIMIT 1;"
	    "UPDATE finance_accounts SET balance_fen=balance_fen-1000000 WHERE account='receivable'"
	    " AND org_id=(SELECT org_id FROM finance_accounts WHERE account='receivable' LIMIT 1);"
	    "UPDATE finance_accounts SET balance_fen=balance_fen+1000000 WHERE account='cash'"
	    " AND org_id=(SELECT org_id FROM finance_accounts WHERE account='receivable' LIMIT 1);"
	    "INSERT INTO finance_accounts(org_id,account,balance_fen) SELECT org_id,'cash',0 FROM finance_accounts"
	    " WHERE account='receivable' LIMIT 1 ON CONFLICT DO NOTHING");
	violated(f, "account_balance");
}

static void verify_ledger_vs_pieces(void **state)
{
	struct fixture *f = *state;
	history(f);
	/* The piece moves to another holder without the ledger: partition intact, books wrong. */
	testdb_exec(f->db, "UPDATE finance_pieces SET holder_org=(SELECT org_id FROM enterprises WHERE name='远方厂'),"
			   "holder_id=(SELECT id FROM enterprises WHERE name='远方厂')"
			   " WHERE id=(SELECT min(id) FROM finance_pieces WHERE state='held')");
	violated(f, "ledger_matches_pieces");
}

static void verify_hash_chain(void **state)
{
	struct fixture *f = *state;
	history(f);
	testdb_exec(f->db, "DROP TRIGGER finance_ops_no_update");
	testdb_exec(f->db, "UPDATE finance_ops SET detail=replace(detail,'100000','900000') WHERE seq=1");
	violated(f, "hash_chain");
}

static void verify_hash_chain_gap(void **state)
{
	struct fixture *f = *state;
	history(f);
	testdb_exec(f->db, "DROP TRIGGER finance_ops_no_delete");
	testdb_exec(f->db, "DELETE FROM finance_postings WHERE op_seq=(SELECT max(seq) FROM finance_ops)");
	testdb_exec(f->db, "DELETE FROM finance_ops WHERE seq=(SELECT max(seq) FROM finance_ops)");
	violated(f, "hash_chain");
}

static void verify_limits(void **state)
{
	struct fixture *f = *state;
	history(f);
	testdb_exec(f->db, "UPDATE finance_limits SET used_fen=used_fen-1");
	violated(f, "limits_used");
}

static void verify_pending_state(void **state)
{
	struct fixture *f = *state;
	history(f);
	testdb_exec(f->db, "UPDATE finance_transfers SET status='refused' WHERE status='pending'");
	violated(f, "state_consistency");
}

static void certificates_of_for_other_chains(void **state)
{
	struct fixture *f = *state;
	history(f);
	json_t *o = NULL;
	struct qerror e = {0};
	/* The sub-supplier holds 30,000 + 100 fen of the first certificate (the 100 still offered to it is the SME's).
	 */
	assert_int_equal(finance_certificates_of(f->db, f->sub.org_id, 0, 50, &o, &e), QERR_OK);
	assert_int_equal(json_array_size(o), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(o, 0), "role")), "holder");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(o, 0), "held_fen")), 30000);
	json_decref(o);
	/* The issuer: both certificates, as issuer. */
	assert_int_equal(finance_certificates_of(f->db, f->large.org_id, 0, 50, &o, &e), QERR_OK);
	assert_int_equal(json_array_size(o), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(o, 1), "role")), "issuer");
	json_decref(o);
	/* By enterprise: the unrelated one has none. */
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT id FROM enterprises WHERE uscc='%s'", f->uscc[E_FAR]);
	assert_int_equal(finance_certificates_of(f->db, 0, testdb_scalar(f->db, sql), 50, &o, &e), QERR_OK);
	assert_int_equal(json_array_size(o), 0);
	json_decref(o);
}

static void verify_accepted_transfer(void **state)
{
	struct fixture *f = *state;
	history(f);
	/* The received piece handed to the wrong holder in the transfer's record. */
	testdb_exec(f->db, "UPDATE finance_transfers SET to_org=from_org WHERE status='accepted'");
	violated(f, "state_consistency");
}

/* ---- the pass's other findings (finance_verify_scan.c), each named by its invariant ---- */

static void verify_second_root(void **state)
{
	struct fixture *f = *state;
	history(f);
	/* A piece cut loose from its parent: the live pieces still tile, but the certificate has two roots. */
	testdb_exec(f->db, "UPDATE finance_pieces SET parent_id=NULL WHERE id=(SELECT max(id) FROM finance_pieces"
			   " WHERE state='held' AND parent_id IS NOT NULL)");
	violated(f, "pieces_partition");
}

static void verify_unknown_certificate(void **state)
{
	struct fixture *f = *state;
	history(f);
	/* A retired piece naming a certificate that does not exist (no live piece changes). */
	testdb_exec(f->db, "PRAGMA foreign_keys=OFF");
	testdb_exec(f->db, "UPDATE finance_pieces SET certificate_id=999999 WHERE id=(SELECT min(id) FROM"
			   " finance_pieces WHERE state='split' OR state='transferred')");
	violated(f, "pieces_partition");
}

/* Moves the first certificate's root to id to, after its children, with everything that names it. */
static void move_root(struct fixture *f, long long to)
{
	long long r = testdb_scalar(f->db, "SELECT min(id) FROM finance_pieces WHERE parent_id IS NULL");
	char sql[900];
	snprintf(sql, sizeof sql,
		 "PRAGMA foreign_keys=OFF;"
		 "UPDATE finance_pieces SET id=%lld WHERE id=%lld;"
		 "UPDATE finance_pieces SET parent_id=%lld WHERE parent_id=%lld;"
		 "UPDATE finance_transfers SET piece_id=%lld WHERE piece_id=%lld;"
		 "UPDATE finance_transfers SET received_piece_id=%lld WHERE received_piece_id=%lld;"
		 "UPDATE finance_application_pieces SET piece_id=%lld WHERE piece_id=%lld;"
		 "UPDATE finance_application_pieces SET bank_piece_id=%lld WHERE bank_piece_id=%lld",
		 to, r, to, r, to, r, to, r, to, r, to, r);
	testdb_exec(f->db, sql);
}

static void verify_child_before_parent(void **state)
{
	struct fixture *f = *state;
	history(f);
	move_root(f, 900000);
	verified(f);
	/* ... and a break under that parent is still found. */
	testdb_exec(f->db, "UPDATE finance_pieces SET hi=hi-1 WHERE parent_id=900000 AND lo=1");
	violated(f, "pieces_partition");
}

static void verify_sparse_ids(void **state)
{
	struct fixture *f = *state;
	history(f);
	/* An id far beyond the others: the pass leaves its dense index for a sorted search. */
	move_root(f, 1000000000000LL);
	verified(f);
	testdb_exec(f->db, "UPDATE finance_pieces SET hi=hi+1 WHERE id=1000000000000");
	violated(f, "pieces_partition");
}

static void verify_holder_missing(void **state)
{
	struct fixture *f = *state;
	history(f);
	testdb_exec(f->db, "PRAGMA foreign_keys=OFF");
	testdb_exec(f->db, "UPDATE finance_pieces SET holder_id=999999 WHERE id=(SELECT min(id) FROM finance_pieces"
			   " WHERE state='held')");
	violated(f, "one_holder");
	testdb_exec(f->db, "UPDATE finance_pieces SET holder_org=999999 WHERE holder_id=999999");
	violated(f, "one_holder");
}

static void verify_discounted_by_enterprise(void **state)
{
	struct fixture *f = *state;
	history(f);
	testdb_exec(f->db, "UPDATE finance_pieces SET holder_id=(SELECT min(id) FROM enterprises)"
			   " WHERE state='discounted'");
	violated(f, "one_holder");
}

static void verify_discount_without_limit(void **state)
{
	struct fixture *f = *state;
	history(f);
	testdb_exec(f->db, "DELETE FROM finance_limits");
	violated(f, "limits_used");
}

static void verify_pending_links(void **state)
{
	struct fixture *f = *state;
	history(f);
	/* A held piece naming an operation; a pending transfer of another amount; a piece pending_discount
	 * under a decided application; an approved application whose bank piece is gone. */
	testdb_exec(f->db, "UPDATE finance_pieces SET transfer_id=1 WHERE id=(SELECT min(id) FROM finance_pieces"
			   " WHERE state='held')");
	violated(f, "state_consistency");
	testdb_exec(f->db, "UPDATE finance_pieces SET transfer_id=NULL WHERE state='held'");
	verified(f);
	testdb_exec(f->db, "UPDATE finance_transfers SET amount_fen=amount_fen+1 WHERE status='pending'");
	violated(f, "state_consistency");
	testdb_exec(f->db, "UPDATE finance_transfers SET amount_fen=amount_fen-1 WHERE status='pending'");
	testdb_exec(f->db, "UPDATE finance_pieces SET state='pending_discount',application_id=(SELECT max(id) FROM"
			   " finance_applications) WHERE id=(SELECT min(id) FROM finance_pieces WHERE state='held')");
	violated(f, "state_consistency");
	testdb_exec(f->db, "UPDATE finance_pieces SET state='held',application_id=NULL WHERE state='pending_discount'");
	verified(f);
	testdb_exec(f->db, "UPDATE finance_application_pieces SET bank_piece_id=bank_piece_id+100000");
	violated(f, "state_consistency");
}

static void append_only(void **state)
{
	struct fixture *f = *state;
	history(f);
	struct qerror e = {0};
	assert_int_not_equal(db_exec(f->db, "UPDATE finance_ops SET kind='x' WHERE seq=1", &e), QERR_OK);
	assert_int_not_equal(db_exec(f->db, "DELETE FROM finance_postings", &e), QERR_OK);
	verified(f);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(interest_edges),
	    cmocka_unit_test(months_clamp_to_month_end),
	    T(issue_rules),
	    T(split_and_transfer_as_ranges),
	    T(discount_within_limits_and_settle),
	    T(overdue_is_flagged_once),
	    T(idempotent_replay),
	    T(verify_overlap),
	    T(verify_gap),
	    T(verify_tree),
	    T(verify_holder),
	    T(verify_unbalanced_postings),
	    T(verify_account_balance),
	    T(verify_negative_balance),
	    T(verify_ledger_vs_pieces),
	    T(verify_hash_chain),
	    T(verify_hash_chain_gap),
	    T(verify_limits),
	    T(verify_pending_state),
	    T(verify_accepted_transfer),
	    T(verify_second_root),
	    T(verify_unknown_certificate),
	    T(verify_child_before_parent),
	    T(verify_sparse_ids),
	    T(verify_holder_missing),
	    T(verify_discounted_by_enterprise),
	    T(verify_discount_without_limit),
	    T(verify_pending_links),
	    T(certificates_of_for_other_chains),
	    T(append_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
