/*
 * test_graph.c - the chain analytics on small hand-computed graphs: shares
 * and HHI (exactly 0.25), single sources, local supporting rate at each
 * level, a cascade that stops at a threshold exactly met, a diamond of
 * suppliers for the critical-enterprise check, and gap-filling ranks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "chainmap/graph.h"
#include "registry/enterprise.h"
#include "registry/uscc.h"
#include "testkit.h"

struct fixture {
	struct testdb t;
	struct db *db;
	struct graph *g;
};

/* A valid USCC for a region from a short tag (digits only, distinct per enterprise). */
static const char *code(const char *region, int n)
{
	static char buf[32][19];
	static int next;
	char *out = buf[next++ % 32];
	uscc_generate(region, (uint64_t)n, out);
	return out;
}

/* Enterprise n in region with a level and size-defining numbers; returns its USCC (stable per n). */
static char ent[40][19];

static void add_enterprise(struct db *db, int n, const char *region, const char *level, int employees)
{
	snprintf(ent[n], sizeof ent[n], "%s", code(region, (uint64_t)n));
	struct actor a;
	actor_cli(&a);
	testkit_enterprise(db, &a, ent[n], "企业%d,%s,38,%d,%d,%d,%s", n, region, employees, employees * 100,
			   employees * 100, level);
}

/* Relation supplier n -> buyer m in segment (chain 'c', code seg) for amount. */
static void rel(struct db *db, int buyer, int supplier, const char *seg, long long amount)
{
	char sql[512];
	snprintf(sql, sizeof sql,
		 "INSERT INTO relations(buyer_id,supplier_id,sid,annual_amount_fen,updated_at) SELECT b.id,s.id,g.sid,%lld,'t'"
		 " FROM enterprises b, enterprises s, segments g WHERE b.uscc='%s' AND s.uscc='%s' AND g.chain_id='c'"
		 " AND g.code='%s'; UPDATE graph_version SET version=version+1;",
		 amount, ent[buyer], ent[supplier], seg);
	testdb_exec(db, sql);
}

static int setup(void **state)
{
	static struct fixture f;
	memset(&f, 0, sizeof f);
	if (!testdb_open(&f.t, "graph"))
		return -1;
	f.db = f.t.db;
	testdb_exec(
	    f.db,
	    "INSERT INTO chains(id,name,created_at) VALUES('c','测试链','t');"
	    "INSERT INTO segments(chain_id,code,name) VALUES('c','x','环节X'),('c','y','环节Y'),('c','z','环节Z');");
	/* 0 buyer in 昆山 (320583); 1-4 in 4 provinces; 5 same county; 6 same city; 7 same province; 8 elsewhere. */
	add_enterprise(f.db, 0, "320583", "none", 2000);
	add_enterprise(f.db, 1, "110101", "little_giant", 50);
	add_enterprise(f.db, 2, "310101", "provincial", 50);
	add_enterprise(f.db, 3, "440305", "none", 50);
	add_enterprise(f.db, 4, "330106", "innovative", 50);
	add_enterprise(f.db, 5, "320583", "none", 50);
	add_enterprise(f.db, 6, "320505", "none", 50);
	add_enterprise(f.db, 7, "320102", "none", 50);
	add_enterprise(f.db, 8, "510104", "none", 50);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	graph_release(f->g);
	testdb_close(&f->t);
	return 0;
}

static struct graph *snapshot(struct fixture *f)
{
	struct qerror e = {0};
	graph_release(f->g);
	f->g = graph_acquire(f->db, &e);
	assert_non_null(f->g);
	return f->g;
}

static json_t *segment_of(json_t *out, const char *code_)
{
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(out, "segments"), i, s) {
		if (strcmp(json_string_value(json_object_get(s, "segment")), code_) == 0)
			return s;
	}
	fail_msg("segment %s missing", code_);
	return NULL;
}

static void test_hhi_exactly_a_quarter_is_a_weak_link(void **state)
{
	struct fixture *f = *state;
	testdb_exec(f->db, "DELETE FROM relations");
	/* Four equal suppliers in four provinces: supply HHI = province HHI = 4 * (1/4)^2 = 0.25 exactly. */
	for (int s = 1; s <= 4; s++)
		rel(f->db, 0, s, "x", 2500);
	/* Segment y: five equal suppliers in five provinces: HHI 0.2, not weak. */
	for (int s = 1; s <= 4; s++)
		rel(f->db, 0, s, "y", 1000);
	rel(f->db, 0, 8, "y", 1000);
	struct qerror e = {0};
	json_t *out = NULL;
	struct health_options o = {0};
	assert_int_equal(graph_health(snapshot(f), f->db, "c", &o, &out, &e), QERR_OK);
	json_t *x = segment_of(out, "x"), *y = segment_of(out, "y");
	assert_int_equal(json_integer_value(json_object_get(x, "active_suppliers")), 4);
	assert_true(fabs(json_real_value(json_object_get(x, "hhi")) - 0.25) < 1e-12);
	assert_true(json_is_true(json_object_get(x, "weak")));
	assert_int_equal(json_array_size(json_object_get(x, "weak_rules")), 2); /* hhi and province hhi */
	assert_true(fabs(json_real_value(json_object_get(y, "hhi")) - 0.2) < 1e-12);
	assert_true(json_is_false(json_object_get(y, "weak")));
	/* 专精特新 share in x: suppliers 1, 2, 4 have a level: 7500 of 10000. */
	assert_true(fabs(json_real_value(json_object_get(x, "zjtx_share")) - 0.75) < 1e-12);
	/* Segment z has no suppliers: weak by the supplier-count rule. */
	assert_true(json_is_true(json_object_get(segment_of(out, "z"), "weak")));
	json_decref(out);
	/* Raising the bar above 0.25 clears x's HHI rules. */
	o.max_hhi = 0.2501;
	assert_int_equal(graph_health(f->g, f->db, "c", &o, &out, &e), QERR_OK);
	assert_true(json_is_false(json_object_get(segment_of(out, "x"), "weak")));
	json_decref(out);
}

static void test_suppliers_shares_and_single_source(void **state)
{
	struct fixture *f = *state;
	testdb_exec(f->db, "DELETE FROM relations");
	rel(f->db, 0, 1, "x", 300);
	rel(f->db, 0, 2, "x", 100);
	rel(f->db, 0, 3, "y", 999);
	struct qerror e = {0};
	json_t *out = NULL;
	assert_int_equal(graph_suppliers(snapshot(f), f->db, ent[0], NULL, &out, &e), QERR_OK);
	json_t *x = segment_of(out, "x"), *y = segment_of(out, "y");
	json_t *top = json_array_get(json_object_get(x, "suppliers"), 0);
	assert_string_equal(json_string_value(json_object_get(top, "uscc")), ent[1]);
	assert_true(fabs(json_real_value(json_object_get(top, "share")) - 0.75) < 1e-12);
	assert_true(fabs(json_real_value(json_object_get(x, "hhi")) - (0.75 * 0.75 + 0.25 * 0.25)) < 1e-12);
	assert_true(json_is_false(json_object_get(x, "single_source")));
	assert_true(json_is_true(json_object_get(y, "single_source")));
	assert_int_equal(json_integer_value(json_object_get(out, "single_source_count")), 1);
	json_decref(out);
	/* Unknown buyer: 404 naming the field. */
	assert_int_equal(graph_suppliers(f->g, f->db, code("320583", 999), NULL, &out, &e), QERR_NOT_FOUND);
	assert_string_equal(e.field, "buyer");
}

static void test_local_rate_at_each_level(void **state)
{
	struct fixture *f = *state;
	testdb_exec(f->db, "DELETE FROM relations");
	rel(f->db, 0, 5, "x", 10); /* same county */
	rel(f->db, 0, 6, "x", 20); /* same city */
	rel(f->db, 0, 7, "y", 30); /* same province */
	rel(f->db, 0, 8, "y", 40); /* elsewhere */
	struct qerror e = {0};
	const enum region_level levels[] = {REGION_COUNTY, REGION_CITY, REGION_PROVINCE};
	const double want[] = {0.1, 0.3, 0.6};
	const double want_y[] = {0.0, 0.0, 30.0 / 70.0};
	for (int i = 0; i < 3; i++) {
		json_t *out = NULL;
		assert_int_equal(graph_local_rate(snapshot(f), f->db, ent[0], levels[i], &out, &e), QERR_OK);
		assert_true(fabs(json_real_value(json_object_get(out, "rate")) - want[i]) < 1e-12);
		assert_true(fabs(json_real_value(json_object_get(segment_of(out, "y"), "rate")) - want_y[i]) < 1e-12);
		assert_int_equal(json_integer_value(json_object_get(out, "total_amount_fen")), 100);
		json_decref(out);
	}
}

static json_t *affected_entry(json_t *out, const char *uscc, const char *list)
{
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(out, list), i, a) {
		if (strcmp(json_string_value(json_object_get(a, "uscc")), uscc) == 0)
			return a;
	}
	return NULL;
}

static void test_cascade_stops_where_the_threshold_is_not_met(void **state)
{
	struct fixture *f = *state;
	testdb_exec(f->db, "DELETE FROM relations");
	/* 1 and 2 each supply half of 5's x; 5 is 6's only y supplier; 6 supplies 60 % of 7's z (8 the rest). */
	rel(f->db, 5, 1, "x", 50);
	rel(f->db, 5, 2, "x", 50);
	rel(f->db, 6, 5, "y", 100);
	rel(f->db, 7, 6, "z", 60);
	rel(f->db, 7, 8, "z", 40);
	struct qerror e = {0};
	const char *knock[] = {ent[1], NULL};
	struct disrupt_options o = {.enterprises = knock, .threshold = 0.5};
	json_t *out = NULL;
	assert_int_equal(graph_disrupt(snapshot(f), f->db, &o, &out, &e), QERR_OK);
	/* Exactly half lost meets 0.5: 5 falls at tier 1, 6 at tier 2, 7 (60 %) at tier 3. */
	assert_int_equal(json_integer_value(json_object_get(affected_entry(out, ent[5], "affected"), "tier")), 1);
	assert_int_equal(json_integer_value(json_object_get(affected_entry(out, ent[6], "affected"), "tier")), 2);
	assert_int_equal(json_integer_value(json_object_get(affected_entry(out, ent[7], "affected"), "tier")), 3);
	json_t *lost = json_array_get(json_object_get(affected_entry(out, ent[5], "affected"), "lost"), 0);
	assert_true(fabs(json_real_value(json_object_get(lost, "share")) - 0.5) < 1e-12);
	assert_int_equal(json_integer_value(json_object_get(out, "knocked_out")), 4);
	json_decref(out);
	/* At 0.51 the cascade stops at once: 5 lost exactly 0.5, so it is only partially affected. */
	o.threshold = 0.51;
	assert_int_equal(graph_disrupt(f->g, f->db, &o, &out, &e), QERR_OK);
	assert_null(affected_entry(out, ent[5], "affected"));
	assert_non_null(affected_entry(out, ent[5], "partially_affected"));
	assert_null(affected_entry(out, ent[6], "partially_affected"));
	assert_int_equal(json_integer_value(json_object_get(out, "knocked_out")), 1);
	json_decref(out);
	/* Knocking out 6 at 0.61: 7 loses 60 %, below the threshold; at exactly 0.6 it falls. */
	const char *knock6[] = {ent[6], NULL};
	struct disrupt_options o6 = {.enterprises = knock6, .threshold = 0.61};
	assert_int_equal(graph_disrupt(f->g, f->db, &o6, &out, &e), QERR_OK);
	assert_non_null(affected_entry(out, ent[7], "partially_affected"));
	assert_int_equal(json_integer_value(json_object_get(out, "partially_affected_count")), 1);
	json_decref(out);
	o6.threshold = 0.6;
	assert_int_equal(graph_disrupt(f->g, f->db, &o6, &out, &e), QERR_OK);
	assert_int_equal(json_integer_value(json_object_get(affected_entry(out, ent[7], "affected"), "tier")), 1);
	json_decref(out);
	/* --max-tier 1 stops after the first tier. */
	o.threshold = 0.5;
	o.max_tier = 1;
	assert_int_equal(graph_disrupt(f->g, f->db, &o, &out, &e), QERR_OK);
	assert_int_equal(json_integer_value(json_object_get(out, "knocked_out")), 2);
	json_decref(out);
	/* By region: everything in Beijing (110000) is enterprise 1. */
	struct disrupt_options r = {.region = "110000", .threshold = 0.5};
	assert_int_equal(graph_disrupt(f->g, f->db, &r, &out, &e), QERR_OK);
	assert_int_equal(json_integer_value(json_object_get(out, "knocked_out")), 4);
	json_decref(out);
}

static json_t *critical_of(json_t *out, const char *seg)
{
	return json_object_get(segment_of(out, seg), "critical");
}

static void test_critical_enterprises_in_a_diamond(void **state)
{
	struct fixture *f = *state;
	testdb_exec(f->db, "DELETE FROM relations");
	/* x: 0 <- 1, 2 (diamond) <- 3 (both get their input from 3, which has no suppliers). */
	rel(f->db, 0, 1, "x", 10);
	rel(f->db, 0, 2, "x", 10);
	rel(f->db, 1, 3, "z", 5);
	rel(f->db, 2, 3, "z", 5);
	/* y: a single-source chain 0 <- 4 <- 5 <- 6. */
	rel(f->db, 0, 4, "y", 10);
	rel(f->db, 4, 5, "z", 10);
	rel(f->db, 5, 6, "z", 10);
	struct qerror e = {0};
	json_t *out = NULL;
	assert_int_equal(graph_critical(snapshot(f), f->db, ent[0], &out, &e), QERR_OK);
	json_t *cx = critical_of(out, "x"), *cy = critical_of(out, "y");
	assert_int_equal(json_array_size(cx), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(cx, 0), "uscc")), ent[3]);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(cx, 0), "depth")), 2);
	assert_int_equal(json_array_size(cy), 3);
	for (int i = 0; i < 3; i++)
		assert_string_equal(json_string_value(json_object_get(json_array_get(cy, (size_t)i), "uscc")), ent[4 + i]);
	json_decref(out);
	/* A second source for 2 (from 7) breaks the diamond's single point: nothing is critical in x. */
	rel(f->db, 2, 7, "z", 1);
	assert_int_equal(graph_critical(snapshot(f), f->db, ent[0], &out, &e), QERR_OK);
	assert_int_equal(json_array_size(critical_of(out, "x")), 0);
	json_decref(out);
}

static void test_fill_ranks_by_level_then_proximity_then_size(void **state)
{
	struct fixture *f = *state;
	testdb_exec(f->db, "DELETE FROM relations; DELETE FROM capabilities;");
	/* Everyone but 0 can make z; 5 already supplies 0 in z. */
	testdb_exec(f->db,
		    "INSERT INTO capabilities(enterprise_id,sid,capacity) SELECT e.id,g.sid,e.id*10 FROM enterprises e,"
		    " segments g WHERE g.code='z' AND e.id>1");
	rel(f->db, 0, 5, "z", 10);
	struct qerror e = {0};
	json_t *out = NULL;
	struct fill_options o = {.buyer = ent[0], .limit = 10};
	assert_int_equal(graph_fill(snapshot(f), f->db, "c", "z", &o, &out, &e), QERR_OK);
	json_t *c = json_object_get(out, "candidates");
	/* little_giant (1), provincial (2), innovative (4), then the rest by proximity: 6 city, 7 province, 3/8 far. */
	const int order[] = {1, 2, 4, 6, 7};
	for (int i = 0; i < 5; i++)
		assert_string_equal(json_string_value(json_object_get(json_array_get(c, (size_t)i), "uscc")), ent[order[i]]);
	assert_int_equal(json_integer_value(json_object_get(out, "excluded_current_suppliers")), 1);
	assert_true(json_array_size(json_object_get(json_array_get(c, 0), "reasons")) >= 3);
	json_decref(out);
	assert_int_equal(graph_fill(f->g, f->db, "c", "nope", &o, &out, &e), QERR_NOT_FOUND);
	assert_string_equal(e.field, "segment");
}

static void test_snapshot_follows_changes(void **state)
{
	struct fixture *f = *state;
	testdb_exec(f->db, "DELETE FROM relations; UPDATE graph_version SET version=version+1;");
	struct graph *g1 = snapshot(f);
	json_t *st = graph_stats(g1);
	assert_int_equal(json_integer_value(json_object_get(st, "relations")), 0);
	json_decref(st);
	rel(f->db, 0, 1, "x", 10);
	struct graph *g2 = snapshot(f);
	st = graph_stats(g2);
	assert_int_equal(json_integer_value(json_object_get(st, "relations")), 1);
	assert_int_equal(json_integer_value(json_object_get(st, "enterprises")), 9);
	json_decref(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hhi_exactly_a_quarter_is_a_weak_link),
		cmocka_unit_test(test_suppliers_shares_and_single_source),
		cmocka_unit_test(test_local_rate_at_each_level),
		cmocka_unit_test(test_cascade_stops_where_the_threshold_is_not_met),
		cmocka_unit_test(test_critical_enterprises_in_a_diamond),
		cmocka_unit_test(test_fill_ranks_by_level_then_proximity_then_size),
		cmocka_unit_test(test_snapshot_follows_changes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
