/*
 * test_chainmap.c - the chain map's records against a real database file:
 * all-or-nothing CSV imports of segments, capabilities and relations (every
 * bad row reported with its line and field, nothing written), cycles named
 * by their segments, re-imports that update, exports that reproduce their
 * input byte for byte, the bulk relation path, who sees and writes which
 * relation, segment and capability CRUD, and graph_version bumps.
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

#include "base/util.h"
#include "chainmap/chain.h"
#include "chainmap/chainmap.h"
#include "chainmap/chainmap_int.h"
#include "registry/account.h"
#include "registry/enterprise.h"
#include "registry/uscc.h"
#include "store/db.h"
#include "testkit.h"
#include "store/migrate.h"

/* Enterprises of the fixture: index -> owner. */
enum { E_LARGE, E_LARGE2, E_A, E_A2, E_B, E_FREE, E_FREE2, E_COUNT };

struct fixture {
	struct testdb t;
	struct db *db;
	struct actor cli;   /* the operator at the CLI */
	struct actor large; /* admin of the chain leader */
	struct actor sme_a; /* member of SME A */
	struct actor sme_b; /* admin of SME B */
	struct actor bank;
	char uscc[E_COUNT][USCC_LEN + 1];
};

/* Registers enterprise i owned by the importing actor. */
static void register_enterprise(struct fixture *f, const struct actor *a, int i, const char *name)
{
	uscc_generate("320583", 7000 + (uint64_t)i, f->uscc[i]);
	testkit_enterprise(f->db, a, f->uscc[i], "%s,320583,36,300,20000,15000,none", name);
}

static int setup(void **state)
{
	struct fixture *f = testdb_fixture(sizeof *f, "cm");
	if (!f)
		return -1;
	f->db = f->t.db;
	actor_cli(&f->cli);
	testkit_org(f->db, "苏州市中小企业服务中心", "operator", NULL);
	testkit_org_actor(f->db, &f->large, 101, "苏州汇川新能源汽车科技有限公司", ORG_LARGE, ROLE_ADMIN);
	testkit_org_actor(f->db, &f->sme_a, 102, "昆山精锐电驱科技有限公司", ORG_SME, ROLE_MEMBER);
	testkit_org_actor(f->db, &f->sme_b, 103, "太仓宏达精密机械有限公司", ORG_SME, ROLE_ADMIN);
	testkit_org_actor(f->db, &f->bank, 104, "江苏银行苏州分行", ORG_BANK, ROLE_ADMIN);
	register_enterprise(f, &f->large, E_LARGE, "整车厂");
	register_enterprise(f, &f->large, E_LARGE2, "电池包厂");
	register_enterprise(f, &f->sme_a, E_A, "电机厂");
	register_enterprise(f, &f->sme_a, E_A2, "电控厂");
	register_enterprise(f, &f->sme_b, E_B, "隔膜厂");
	register_enterprise(f, &f->cli, E_FREE, "锂矿");
	register_enterprise(f, &f->cli, E_FREE2, "正极材料厂");
	*state = f;
	return 0;
}

static int64_t version(struct fixture *f)
{
	int64_t v;
	struct qerror e = {0};
	assert_int_equal(chainmap_graph_version(f->db, &v, &e), QERR_OK);
	return v;
}

typedef enum qerr (*import_fn)(struct db *, const struct actor *, const char *, size_t, chainmap_progress_fn, void *,
			       json_t **, struct qerror *);

static struct testkit_import import(struct fixture *f, import_fn fn, const struct actor *a, const char *text)
{
	struct testkit_import r;
	memset(&r.e, 0, sizeof r.e);
	r.report = NULL;
	r.rc = fn(f->db, a, text, strlen(text), NULL, NULL, &r.report, &r.e);
	return r;
}

static void expect_rejected(struct testkit_import r, long errors)
{
	assert_int_equal(r.rc, QERR_INVALID);
	assert_string_equal(r.e.slug, "import_rejected");
	assert_non_null(r.report);
	assert_int_equal(testkit_report_int(r.report, "error_count"), errors);
	assert_int_equal(testkit_report_int(r.report, "inserted"), 0);
	assert_int_equal(testkit_report_int(r.report, "updated"), 0);
}

/* A small 新能源汽车 chain in canonical export form (segments in creation order, upstream in segment order). */
static const char nev_segments[] = SEGMENTS_CSV_HEADER "\n"
						       "nev,新能源汽车产业链,lithium,锂矿,\n"
						       "nev,新能源汽车产业链,cathode,正极材料,lithium\n"
						       "nev,新能源汽车产业链,separator,隔膜,\n"
						       "nev,新能源汽车产业链,cell,电芯,cathode;separator\n"
						       "nev,新能源汽车产业链,pack,电池包,cell\n"
						       "nev,新能源汽车产业链,motor,电机,\n"
						       "nev,新能源汽车产业链,ecu,电控,\n"
						       "nev,新能源汽车产业链,vehicle,整车,pack;motor;ecu\n";

static void load_nev(struct fixture *f)
{
	testkit_expect_imported(import(f, chainmap_import_segments, &f->cli, nev_segments), 8, 8, 0);
}

static char *export_text(struct fixture *f,
			 enum qerr (*fn)(struct db *, const struct actor *, FILE *, long *, struct qerror *),
			 const struct actor *a, long *rows)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct qerror e = {0};
	assert_int_equal(fn(f->db, a, out, rows, &e), QERR_OK);
	fclose(out);
	return text;
}

/* ---------- segments ---------- */

static void test_segments_import_creates_the_chain_with_its_links(void **state)
{
	struct fixture *f = *state;
	int64_t v0 = version(f);
	load_nev(f);
	assert_true(version(f) > v0);
	json_t *chain = NULL;
	struct qerror e = {0};
	assert_int_equal(chainmap_chain_get(f->db, "nev", &chain, &e), QERR_OK);
	assert_string_equal(json_string_value(json_object_get(chain, "name")), "新能源汽车产业链");
	json_t *segs = json_object_get(chain, "segments");
	assert_int_equal(json_array_size(segs), 8);
	json_t *vehicle = json_array_get(segs, 7);
	assert_string_equal(json_string_value(json_object_get(vehicle, "code")), "vehicle");
	json_t *up = json_object_get(vehicle, "upstream");
	assert_int_equal(json_array_size(up), 3);
	assert_string_equal(json_string_value(json_array_get(up, 0)), "pack");
	assert_string_equal(json_string_value(json_array_get(up, 2)), "ecu");
	json_decref(chain);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM segment_links"), 7);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM audit_log WHERE action='segments.import'"), 1);
	assert_int_equal(chainmap_chain_get(f->db, "nope", &chain, &e), QERR_NOT_FOUND);
}

static void test_a_cycle_is_rejected_naming_its_segments(void **state)
{
	struct fixture *f = *state;
	int64_t v0 = version(f);
	struct testkit_import r = import(f, chainmap_import_segments, &f->cli,
					 SEGMENTS_CSV_HEADER "\n"
							     "robot,工业机器人产业链,x,起点,\n"
							     "robot,工业机器人产业链,a,环节A,c;x\n"
							     "robot,工业机器人产业链,b,环节B,a\n"
							     "robot,工业机器人产业链,c,环节C,b\n");
	expect_rejected(r, 1);
	const char *msg = testkit_expect_row_error(r.report, 0, 3, "upstream", "segment_cycle");
	assert_non_null(strstr(msg, "a → b → c → a"));
	json_decref(r.report);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM segments"), 0);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM chains WHERE id='robot'"), 0);
	assert_int_equal(version(f), v0);
	/* A self-loop is the shortest cycle. */
	r = import(f, chainmap_import_segments, &f->cli, SEGMENTS_CSV_HEADER "\nrobot,工业机器人产业链,a,环节A,a\n");
	expect_rejected(r, 1);
	assert_non_null(strstr(testkit_expect_row_error(r.report, 0, 2, "upstream", "segment_cycle"), "a → a"));
	json_decref(r.report);
}

static void test_a_cycle_through_stored_links_is_rejected(void **state)
{
	struct fixture *f = *state;
	load_nev(f);
	/* The database says lithium feeds cathode; the file makes cathode feed lithium. */
	struct testkit_import r =
	    import(f, chainmap_import_segments, &f->cli, SEGMENTS_CSV_HEADER "\nnev,,lithium,锂矿,cathode\n");
	expect_rejected(r, 1);
	assert_non_null(strstr(testkit_expect_row_error(r.report, 0, 2, "upstream", "segment_cycle"),
			       "lithium → cathode → lithium"));
	json_decref(r.report);
	/* Replacing cathode's links at the same time breaks the cycle: accepted. */
	testkit_expect_imported(import(f, chainmap_import_segments, &f->cli,
				       SEGMENTS_CSV_HEADER "\nnev,,lithium,锂矿,cathode\nnev,,cathode,正极材料,\n"),
				2, 0, 2);
	assert_int_equal(
	    testdb_scalar(f->db, "SELECT count(*) FROM segment_links l JOIN segments u ON u.sid=l.upstream"
				 " JOIN segments d ON d.sid=l.downstream WHERE u.code='cathode' AND d.code='lithium'"),
	    1);
}

static void test_unknown_upstream_and_bad_rows_are_reported_by_line(void **state)
{
	struct fixture *f = *state;
	load_nev(f);
	struct testkit_import r = import(
	    f, chainmap_import_segments, &f->cli,
	    SEGMENTS_CSV_HEADER "\n"
				"nev,,bms,电池管理系统,cell;nowhere\n"	/* 2: unknown upstream */
				"nev,,Bad Code,名称,\n"			/* 3: code */
				"nev,,empty,,\n"			/* 4: name */
				"nev,,bms,重复,\n"			/* 5: duplicate of line 2 */
				"nev,另一个名称,x1,环节,\n"		/* 6: ok so far */
				"nev,新能源汽车,x2,环节,\n"		/* 7: chain name differs from line 6 */
				"ghost,,g1,幽灵,\n"			/* 8: unknown chain, no name */
				"nev,,too,many,fields,here\n"		/* 9: field count */
				"nev,,x3,环节,lithium;;cell ; pack\n"); /* 10: fine: empties skipped, spaces trimmed */
	expect_rejected(r, 7);
	testkit_expect_row_error(r.report, 0, 3, "segment", "invalid_segment_code");
	testkit_expect_row_error(r.report, 1, 4, "segment_name", "invalid_name");
	testkit_expect_row_error(r.report, 2, 5, "segment", "duplicate_segment");
	testkit_expect_row_error(r.report, 3, 7, "chain_name", "chain_name_conflict");
	testkit_expect_row_error(r.report, 4, 9, "", "csv_field_count");
	testkit_expect_row_error(r.report, 5, 2, "upstream", "upstream_not_found");
	testkit_expect_row_error(r.report, 6, 8, "chain_name", "chain_not_found");
	json_decref(r.report);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM segments"), 8);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM chains WHERE id='nev' AND name='新能源汽车产业链'"),
			 1);
	/* The upstream may name a segment stored earlier or one further down the file. */
	testkit_expect_imported(import(f, chainmap_import_segments, &f->cli,
				       SEGMENTS_CSV_HEADER
				       "\nnev,,bms2,电池管理系统,later;cell\nnev,,later,后面的环节,\n"),
				2, 2, 0);
	/* A header problem is reported as line 1; only the operator imports segments. */
	r = import(f, chainmap_import_segments, &f->cli, "chain,segment\nnev,x\n");
	assert_int_equal(r.rc, QERR_INVALID);
	testkit_expect_row_error(r.report, 0, 1, "file", "csv_bad_header");
	json_decref(r.report);
	r = import(f, chainmap_import_segments, &f->large, nev_segments);
	assert_int_equal(r.rc, QERR_FORBIDDEN);
	assert_null(r.report);
}

static void test_segment_reimport_renames_and_replaces_links(void **state)
{
	struct fixture *f = *state;
	load_nev(f);
	int64_t v0 = version(f);
	testkit_expect_imported(import(f, chainmap_import_segments, &f->cli,
				       SEGMENTS_CSV_HEADER
				       "\nnev,新能源汽车,cell,动力电芯,cathode\nnev,,anode,负极材料,\n"),
				2, 1, 1);
	assert_int_equal(version(f), v0 + 1);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM chains WHERE name='新能源汽车'"), 1);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM segments WHERE code='cell' AND name='动力电芯'"),
			 1);
	/* cell now has exactly one upstream link; the stored links of other segments stay. */
	assert_int_equal(
	    testdb_scalar(
		f->db,
		"SELECT count(*) FROM segment_links WHERE downstream=(SELECT sid FROM segments WHERE code='cell')"),
	    1);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM segment_links"), 6);
}

static void test_segment_put_and_delete(void **state)
{
	struct fixture *f = *state;
	load_nev(f);
	struct qerror e = {0};
	json_t *out = NULL, *up = json_pack("[s,s]", "cathode", "lithium");
	int64_t v0 = version(f);
	assert_int_equal(chainmap_segment_put(f->db, &f->cli, "nev", "electrolyte", "电解液", up, &out, &e), QERR_OK);
	assert_true(json_is_true(json_object_get(out, "created")));
	assert_int_equal(json_array_size(json_object_get(out, "upstream")), 2);
	json_decref(out);
	json_decref(up);
	assert_int_equal(version(f), v0 + 1);
	/* Renaming without an upstream list keeps the links. */
	assert_int_equal(
	    chainmap_segment_put(f->db, &f->cli, "nev", "electrolyte", "电解液（六氟磷酸锂）", NULL, &out, &e),
	    QERR_OK);
	assert_false(json_is_true(json_object_get(out, "created")));
	assert_int_equal(json_array_size(json_object_get(out, "upstream")), 2);
	json_decref(out);
	/* vehicle feeding lithium would close vehicle → lithium → cathode → cell → pack → vehicle. */
	up = json_pack("[s]", "vehicle");
	assert_int_equal(chainmap_segment_put(f->db, &f->cli, "nev", "lithium", "锂矿", up, &out, &e), QERR_INVALID);
	assert_string_equal(e.slug, "segment_cycle");
	assert_string_equal(e.field, "upstream");
	assert_non_null(strstr(e.message, "cathode → cell → pack → vehicle"));
	json_decref(up);
	up = json_pack("[s]", "nowhere");
	assert_int_equal(chainmap_segment_put(f->db, &f->cli, "nev", "lithium", "锂矿", up, &out, &e), QERR_INVALID);
	assert_string_equal(e.slug, "upstream_not_found");
	json_decref(up);
	assert_int_equal(chainmap_segment_put(f->db, &f->cli, "ghost", "x", "名称", NULL, &out, &e), QERR_NOT_FOUND);
	assert_int_equal(chainmap_segment_put(f->db, &f->cli, "nev", "Bad", "名称", NULL, &out, &e), QERR_INVALID);
	assert_string_equal(e.field, "segment");
	assert_int_equal(chainmap_segment_put(f->db, &f->cli, "nev", "ok", "", NULL, &out, &e), QERR_INVALID);
	assert_string_equal(e.field, "name");
	assert_int_equal(chainmap_segment_put(f->db, &f->large, "nev", "ok", "名称", NULL, &out, &e), QERR_FORBIDDEN);
	/* Delete: refused while a relation uses the segment, else links and capabilities go with it. */
	json_t *rel = NULL;
	assert_int_equal(
	    chainmap_relation_put(f->db, &f->cli, f->uscc[E_LARGE], f->uscc[E_A], "nev", "motor", 100, &rel, &e),
	    QERR_OK);
	json_decref(rel);
	assert_int_equal(chainmap_segment_delete(f->db, &f->cli, "nev", "motor", &e), QERR_CONFLICT);
	assert_string_equal(e.slug, "segment_in_use");
	assert_int_equal(chainmap_capability_put(f->db, &f->cli, f->uscc[E_FREE], "nev", "electrolyte", 5, &out, &e),
			 QERR_OK);
	json_decref(out);
	assert_int_equal(chainmap_segment_delete(f->db, &f->sme_a, "nev", "electrolyte", &e), QERR_FORBIDDEN);
	assert_int_equal(chainmap_segment_delete(f->db, &f->cli, "nev", "electrolyte", &e), QERR_OK);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM capabilities"), 0);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM segment_links"), 7);
	assert_int_equal(chainmap_segment_delete(f->db, &f->cli, "nev", "electrolyte", &e), QERR_NOT_FOUND);
	assert_int_equal(
	    testdb_scalar(f->db, "SELECT count(*) FROM audit_log WHERE action IN ('segment.put','segment.delete')"), 3);
}

static void test_find_cycle_on_its_own(void **state)
{
	(void)state;
	uint32_t cycle[8];
	struct seg_edge dag[] = {{0, 1}, {1, 2}, {0, 2}, {2, 3}};
	assert_int_equal(chainmap_find_cycle(4, dag, 4, NULL, cycle), 0);
	assert_int_equal(chainmap_find_cycle(0, NULL, 0, NULL, cycle), 0);
	/* 4 → 5 → 6 → 4 behind an acyclic head 0 → 4; ranked so the walk starts at 5. */
	struct seg_edge g[] = {{0, 4}, {4, 5}, {5, 6}, {6, 4}, {1, 2}};
	long rank[] = {0, 1, 2, 3, 9, 5, 7};
	assert_int_equal(chainmap_find_cycle(7, g, 5, rank, cycle), 3);
	assert_int_equal(cycle[0], 5);
	assert_int_equal(cycle[1], 6);
	assert_int_equal(cycle[2], 4);
}

/* ---------- capabilities ---------- */

static void test_capabilities_import_checks_every_row(void **state)
{
	struct fixture *f = *state;
	load_nev(f);
	char csv[2048], bad_check[USCC_LEN + 1], unregistered[USCC_LEN + 1];
	snprintf(bad_check, sizeof bad_check, "%s", f->uscc[E_A]);
	bad_check[17] = bad_check[17] == '0' ? '1' : '0';
	uscc_generate("320583", 99999, unregistered);
	snprintf(csv, sizeof csv,
		 CAPABILITIES_CSV_HEADER "\n"
					 "%s,nev,motor,5000\n"	/* 2 ok */
					 "%s,nev,ecu,\n"	/* 3 ok, no capacity */
					 "%s,nev,motor,1\n"	/* 4 bad check character */
					 "%s,nev,motor,1\n"	/* 5 not registered */
					 "%s,nev,wheels,1\n"	/* 6 unknown segment */
					 "%s,ship,hull,1\n"	/* 7 unknown chain */
					 "%s,nev,cell,-3\n"	/* 8 negative capacity */
					 "%s,nev,motor,7\n"	/* 9 duplicate of line 2 */
					 "%s,nev,separator,9\n" /* 10 someone else's enterprise */
		 ,
		 f->uscc[E_A], f->uscc[E_A], bad_check, unregistered, f->uscc[E_A], f->uscc[E_A], f->uscc[E_A2],
		 f->uscc[E_A], f->uscc[E_B]);
	struct testkit_import r = import(f, chainmap_import_capabilities, &f->sme_a, csv);
	expect_rejected(r, 7);
	testkit_expect_row_error(r.report, 0, 4, "uscc", "invalid_uscc");
	testkit_expect_row_error(r.report, 1, 5, "uscc", "enterprise_not_found");
	testkit_expect_row_error(r.report, 2, 6, "segment", "segment_not_found");
	testkit_expect_row_error(r.report, 3, 7, "chain", "chain_not_found");
	testkit_expect_row_error(r.report, 4, 8, "capacity", "invalid_capacity");
	testkit_expect_row_error(r.report, 5, 9, "segment", "duplicate_capability");
	testkit_expect_row_error(r.report, 6, 10, "uscc", "not_owner");
	json_decref(r.report);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM capabilities"), 0);
	/* The good rows alone go in; the operator may declare for anyone; a re-import updates. */
	snprintf(csv, sizeof csv, CAPABILITIES_CSV_HEADER "\n%s,nev,motor,5000\n%s,nev,ecu,\n", f->uscc[E_A],
		 f->uscc[E_A]);
	int64_t v0 = version(f);
	testkit_expect_imported(import(f, chainmap_import_capabilities, &f->sme_a, csv), 2, 2, 0);
	assert_int_equal(version(f), v0 + 1);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM capabilities WHERE capacity IS NULL"), 1);
	snprintf(csv, sizeof csv, CAPABILITIES_CSV_HEADER "\n%s,nev,motor,6000\n%s,nev,separator,\n", f->uscc[E_A],
		 f->uscc[E_B]);
	testkit_expect_imported(import(f, chainmap_import_capabilities, &f->cli, csv), 2, 1, 1);
	assert_int_equal(
	    testdb_scalar(f->db, "SELECT capacity FROM capabilities JOIN segments USING(sid) WHERE code='motor'"),
	    6000);
	r = import(f, chainmap_import_capabilities, &f->bank, csv);
	assert_int_equal(r.rc, QERR_FORBIDDEN);
}

static void test_capability_crud_checks_the_owner(void **state)
{
	struct fixture *f = *state;
	load_nev(f);
	struct qerror e = {0};
	json_t *out = NULL;
	assert_int_equal(chainmap_capability_put(f->db, &f->sme_a, f->uscc[E_A], "nev", "motor", 1200, &out, &e),
			 QERR_OK);
	assert_int_equal(json_integer_value(json_object_get(out, "capacity")), 1200);
	json_decref(out);
	assert_int_equal(chainmap_capability_put(f->db, &f->sme_a, f->uscc[E_A], "nev", "motor", -1, &out, &e),
			 QERR_OK);
	assert_true(json_is_null(json_object_get(out, "capacity")));
	json_decref(out);
	assert_int_equal(chainmap_capability_put(f->db, &f->sme_b, f->uscc[E_A], "nev", "ecu", 1, &out, &e),
			 QERR_FORBIDDEN);
	assert_int_equal(chainmap_capability_put(f->db, &f->sme_a, f->uscc[E_A], "nev", "ecu", -5, &out, &e),
			 QERR_INVALID);
	assert_int_equal(chainmap_capability_put(f->db, &f->sme_a, f->uscc[E_A], "nev", "nope", 1, &out, &e),
			 QERR_NOT_FOUND);
	assert_string_equal(e.field, "segment");
	char unregistered[USCC_LEN + 1];
	uscc_generate("320583", 99999, unregistered);
	assert_int_equal(chainmap_capability_put(f->db, &f->sme_b, unregistered, "nev", "ecu", 1, &out, &e),
			 QERR_NOT_FOUND);
	assert_int_equal(chainmap_capability_put(f->db, &f->sme_b, "bad", "nev", "ecu", 1, &out, &e), QERR_INVALID);
	assert_string_equal(e.field, "uscc");
	/* Everyone reads capabilities. */
	assert_int_equal(chainmap_capabilities_of(f->db, &f->bank, f->uscc[E_A], &out, &e), QERR_OK);
	json_t *items = json_object_get(out, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "segment_name")), "电机");
	json_decref(out);
	assert_int_equal(chainmap_capability_delete(f->db, &f->sme_b, f->uscc[E_A], "nev", "motor", &e),
			 QERR_FORBIDDEN);
	assert_int_equal(chainmap_capability_delete(f->db, &f->sme_a, f->uscc[E_A], "nev", "motor", &e), QERR_OK);
	assert_int_equal(chainmap_capability_delete(f->db, &f->sme_a, f->uscc[E_A], "nev", "motor", &e),
			 QERR_NOT_FOUND);
	assert_string_equal(e.slug, "capability_not_found");
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM audit_log WHERE object_type='capability'"), 3);
}

/* ---------- relations ---------- */

static void test_relations_import_reports_every_bad_row(void **state)
{
	struct fixture *f = *state;
	load_nev(f);
	char csv[4096], bad_check[USCC_LEN + 1], unregistered[USCC_LEN + 1];
	snprintf(bad_check, sizeof bad_check, "%s", f->uscc[E_A]);
	bad_check[17] = bad_check[17] == '0' ? '1' : '0';
	uscc_generate("320583", 99999, unregistered);
	const char *L = f->uscc[E_LARGE], *P = f->uscc[E_LARGE2], *A = f->uscc[E_A], *B = f->uscc[E_B];
	snprintf(csv, sizeof csv,
		 RELATIONS_CSV_HEADER "\n"
				      "%s,%s,nev,motor,300000000\n"   /* 2 ok */
				      "%s,%s,nev,motor,1\n"	      /* 3 bad buyer check character */
				      "%s,%s,nev,motor,1\n"	      /* 4 supplier not registered */
				      "%s,%s,nev,motor,1\n"	      /* 5 buyer = supplier */
				      "%s,%s,nev,motor,1\n"	      /* 6 duplicate of line 2 */
				      "%s,%s,nev,separator,-5\n"      /* 7 negative amount */
				      "%s,%s,nev,separator,12abc\n"   /* 8 not a number */
				      "%s,%s,nev,wheels,1\n"	      /* 9 unknown segment */
				      "%s,%s,nev,pack,1\n"	      /* 10 buyer belongs to another organisation */
				      "%s,%s,nev,separator,1,extra\n" /* 11 field count */
				      "%s,%s,nev,pack,0\n",	      /* 12 ok: zero is an amount */
		 L, A, bad_check, A, L, unregistered, L, L, L, A, L, B, L, B, L, A, B, A, L, B, L, P);
	int64_t v0 = version(f);
	struct testkit_import r = import(f, chainmap_import_relations, &f->large, csv);
	expect_rejected(r, 9);
	testkit_expect_row_error(r.report, 0, 3, "buyer_uscc", "invalid_uscc");
	testkit_expect_row_error(r.report, 1, 4, "supplier_uscc", "enterprise_not_found");
	testkit_expect_row_error(r.report, 2, 5, "supplier_uscc", "same_enterprise");
	assert_non_null(strstr(testkit_expect_row_error(r.report, 3, 6, "segment", "duplicate_relation"), "line 2"));
	testkit_expect_row_error(r.report, 4, 7, "annual_amount_fen", "invalid_amount");
	testkit_expect_row_error(r.report, 5, 8, "annual_amount_fen", "invalid_amount");
	testkit_expect_row_error(r.report, 6, 9, "segment", "segment_not_found");
	testkit_expect_row_error(r.report, 7, 10, "buyer_uscc", "not_owner");
	testkit_expect_row_error(r.report, 8, 11, "", "csv_field_count");
	json_decref(r.report);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM relations"), 0);
	assert_int_equal(version(f), v0);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM audit_log WHERE action='relations.import'"), 0);
}

static void test_relations_import_and_reimport_bump_the_version_once(void **state)
{
	struct fixture *f = *state;
	load_nev(f);
	char csv[2048];
	snprintf(csv, sizeof csv,
		 RELATIONS_CSV_HEADER "\n%s,%s,nev,motor,300000000\n%s,%s,nev,pack,1800000000\n%s,%s,nev,ecu,0\n",
		 f->uscc[E_LARGE], f->uscc[E_A], f->uscc[E_LARGE], f->uscc[E_LARGE2], f->uscc[E_LARGE], f->uscc[E_A2]);
	int64_t v0 = version(f);
	testkit_expect_imported(import(f, chainmap_import_relations, &f->large, csv), 3, 3, 0);
	assert_int_equal(version(f), v0 + 1);
	/* Lower case USCCs are the same enterprises: the re-import updates. */
	for (char *p = csv; *p; p++)
		if (*p >= 'A' && *p <= 'Z' && p > csv + strlen(RELATIONS_CSV_HEADER))
			*p = (char)(*p - 'A' + 'a');
	testkit_expect_imported(import(f, chainmap_import_relations, &f->large, csv), 3, 0, 3);
	assert_int_equal(version(f), v0 + 2);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM relations"), 3);
	assert_int_equal(testdb_scalar(f->db, "SELECT sum(annual_amount_fen) FROM relations"), 2100000000);
	/* A file with only a header changes nothing and leaves the version alone. */
	testkit_expect_imported(import(f, chainmap_import_relations, &f->large, RELATIONS_CSV_HEADER "\n"), 0, 0, 0);
	assert_int_equal(version(f), v0 + 2);
}

/* A small file mixing new and stored keys counts each right, also when the highest id was deleted and is reused. */
static void test_relations_small_import_tells_created_from_updated(void **state)
{
	struct fixture *f = *state;
	load_nev(f);
	char csv[2048];
	snprintf(csv, sizeof csv,
		 RELATIONS_CSV_HEADER "\n%s,%s,nev,motor,300000000\n%s,%s,nev,pack,1800000000\n%s,%s,nev,ecu,0\n",
		 f->uscc[E_LARGE], f->uscc[E_A], f->uscc[E_LARGE], f->uscc[E_LARGE2], f->uscc[E_LARGE], f->uscc[E_A2]);
	testkit_expect_imported(import(f, chainmap_import_relations, &f->large, csv), 3, 3, 0);
	struct qerror e = {0};
	int64_t top = testdb_scalar(f->db, "SELECT max(id) FROM relations");
	assert_int_equal(chainmap_relation_delete(f->db, &f->cli, top, &e), QERR_OK);
	snprintf(csv, sizeof csv, RELATIONS_CSV_HEADER "\n%s,%s,nev,motor,5\n%s,%s,nev,ecu,7\n%s,%s,nev,motor,9\n",
		 f->uscc[E_LARGE], f->uscc[E_A], f->uscc[E_LARGE], f->uscc[E_A2], f->uscc[E_LARGE], f->uscc[E_LARGE2]);
	testkit_expect_imported(import(f, chainmap_import_relations, &f->large, csv), 3, 2, 1);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM relations"), 4);
	assert_int_equal(testdb_scalar(f->db, "SELECT sum(annual_amount_fen) FROM relations"), 1800000021);
}

/* Rows enough for the bulk path: every (buyer, supplier) pair of n enterprises in one segment. */
static char *pairs_csv(struct fixture *f, int n, size_t *rows)
{
	struct buf b = {0};
	buf_puts(&b, RELATIONS_CSV_HEADER "\n");
	char ent[256];
	struct buf e = {0};
	buf_puts(&e, ENTERPRISE_CSV_HEADER "\n");
	char(*u)[USCC_LEN + 1] = calloc((size_t)n, sizeof *u);
	for (int i = 0; i < n; i++) {
		uscc_generate("320505", 50000 + (uint64_t)i, u[i]);
		snprintf(ent, sizeof ent, "%s,配套企业%d,320505,36,50,3000,2000,none\n", u[i], i);
		buf_puts(&e, ent);
	}
	json_t *report = NULL;
	struct qerror err = {0};
	assert_int_equal(enterprise_import(f->db, &f->cli, e.data, e.len, NULL, NULL, &report, &err), QERR_OK);
	json_decref(report);
	buf_free(&e);
	*rows = 0;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			if (i != j) {
				buf_printf(&b, "%s,%s,nev,motor,%d\n", u[i], u[j], 1000 + i * n + j);
				(*rows)++;
			}
	free(u);
	return b.data;
}

static void test_bulk_relations_import_keeps_every_guarantee(void **state)
{
	struct fixture *f = *state;
	load_nev(f);
	size_t rows;
	char *csv = pairs_csv(f, 160, &rows); /* 25 440 rows: over the bulk threshold */
	assert_true(rows > 25000);
	struct testkit_import r = import(f, chainmap_import_relations, &f->cli, csv);
	testkit_expect_imported(r, (long)rows, (long)rows, 0);
	assert_int_equal(
	    testdb_scalar(
		f->db,
		"SELECT count(*) FROM audit_log WHERE action='relations.import' AND detail LIKE '%\"bulk\":true%'"),
	    1);
	assert_int_equal(
	    testdb_scalar(f->db,
			  "SELECT count(*) FROM sqlite_master WHERE name IN ('relations_key','relations_supplier')"),
	    2);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM relations"), (long long)rows);
	/* The same file again takes the bulk path and updates every row in place. */
	testkit_expect_imported(import(f, chainmap_import_relations, &f->cli, csv), (long)rows, 0, (long)rows);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM relations"), (long long)rows);
	assert_int_equal(testdb_scalar(f->db, "SELECT max(id) FROM relations"), (long long)rows);
	/* The export reproduces the file byte for byte. */
	long n;
	char *out = export_text(f, chainmap_export_relations, &f->cli, &n);
	assert_int_equal(n, (long)rows);
	assert_string_equal(out, csv);
	free(out);
	free(csv);
	/* A repeated key far down a bulk file names the first line; the indexes survive the rollback. */
	struct buf b = {0};
	buf_puts(&b, RELATIONS_CSV_HEADER "\n");
	struct qerror e = {0};
	struct db_stmt *st =
	    db_prepare_dynamic(f->db,
			       "SELECT b.uscc,p.uscc FROM relations r JOIN enterprises b ON b.id=r.buyer_id"
			       " JOIN enterprises p ON p.id=r.supplier_id ORDER BY r.id",
			       &e);
	assert_non_null(st);
	long line = 1;
	char first[80] = "";
	while (db_step(st, &e) == DB_ROW) {
		buf_printf(&b, "%s,%s,nev,ecu,5\n", db_col_text(st, 0), db_col_text(st, 1));
		if (++line == 2)
			snprintf(first, sizeof first, "%s,%s,nev,ecu,7\n", db_col_text(st, 0), db_col_text(st, 1));
	}
	db_finalize(st);
	buf_puts(&b, first);
	r = import(f, chainmap_import_relations, &f->cli, b.data);
	expect_rejected(r, 1);
	testkit_expect_row_error(r.report, 0, line + 1, "segment", "duplicate_relation");
	json_decref(r.report);
	buf_free(&b);
	assert_int_equal(
	    testdb_scalar(f->db,
			  "SELECT count(*) FROM sqlite_master WHERE name IN ('relations_key','relations_supplier')"),
	    2);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM relations"), (long long)n);
	assert_int_equal(testdb_scalar(f->db, "PRAGMA foreign_keys"), 1); /* back on after the import */
	assert_int_equal(testdb_scalar(f->db, "PRAGMA temp_store"), 2);	  /* and temporary files back in memory */
}

static void test_exports_round_trip_byte_for_byte(void **state)
{
	struct fixture *f = *state;
	load_nev(f);
	long n;
	char *out = export_text(f, chainmap_export_segments, &f->bank, &n);
	assert_int_equal(n, 8);
	assert_string_equal(out, nev_segments);
	free(out);
	char caps[1024], rels[1024];
	snprintf(caps, sizeof caps,
		 CAPABILITIES_CSV_HEADER "\n%s,nev,pack,200000\n%s,nev,motor,\n%s,nev,ecu,30000\n%s,nev,lithium,0\n",
		 f->uscc[E_LARGE2], f->uscc[E_A], f->uscc[E_A], f->uscc[E_FREE]);
	testkit_expect_imported(import(f, chainmap_import_capabilities, &f->cli, caps), 4, 4, 0);
	out = export_text(f, chainmap_export_capabilities, &f->sme_b, &n);
	assert_int_equal(n, 4);
	assert_string_equal(out, caps);
	free(out);
	snprintf(rels, sizeof rels,
		 RELATIONS_CSV_HEADER
		 "\n%s,%s,nev,pack,1800000000\n%s,%s,nev,motor,300000000\n%s,%s,nev,lithium,9223372036854775807\n",
		 f->uscc[E_LARGE], f->uscc[E_LARGE2], f->uscc[E_LARGE], f->uscc[E_A], f->uscc[E_FREE2],
		 f->uscc[E_FREE]);
	testkit_expect_imported(import(f, chainmap_import_relations, &f->cli, rels), 3, 3, 0);
	out = export_text(f, chainmap_export_relations, &f->cli, &n);
	assert_int_equal(n, 3);
	assert_string_equal(out, rels);
	/* Exported files import again as pure updates. */
	testkit_expect_imported(import(f, chainmap_import_relations, &f->cli, out), 3, 0, 3);
	free(out);
	out = export_text(f, chainmap_export_segments, &f->cli, &n);
	testkit_expect_imported(import(f, chainmap_import_segments, &f->cli, out), 8, 0, 8);
	free(out);
}

static bool list_has(struct fixture *f, const struct actor *a, const struct relation_filter *flt, int64_t id)
{
	json_t *out = NULL;
	struct qerror e = {0};
	assert_int_equal(chainmap_relation_list(f->db, a, flt, &out, &e), QERR_OK);
	bool found = false;
	size_t i;
	json_t *item;
	json_array_foreach(json_object_get(out, "items"), i, item) found |=
	    json_integer_value(json_object_get(item, "id")) == id;
	json_decref(out);
	return found;
}

static void test_relations_are_visible_to_buyer_supplier_and_operator_only(void **state)
{
	struct fixture *f = *state;
	load_nev(f);
	struct qerror e = {0};
	json_t *out = NULL;
	/* The chain leader buys motors from SME A. */
	assert_int_equal(chainmap_relation_put(f->db, &f->large, f->uscc[E_LARGE], f->uscc[E_A], "nev", "motor",
					       300000000, &out, &e),
			 QERR_OK);
	int64_t id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	const struct actor *see[] = {&f->cli, &f->large, &f->sme_a};
	const struct actor *blind[] = {&f->sme_b, &f->bank};
	struct relation_filter all = {.limit = 50}, by_buyer = {.buyer = f->uscc[E_LARGE], .limit = 50},
			       by_supplier = {.supplier = f->uscc[E_A], .limit = 50},
			       by_chain = {.chain = "nev", .limit = 50};
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(chainmap_relation_get(f->db, see[i], id, &out, &e), QERR_OK);
		assert_string_equal(json_string_value(json_object_get(out, "supplier_uscc")), f->uscc[E_A]);
		assert_string_equal(json_string_value(json_object_get(out, "segment_name")), "电机");
		json_decref(out);
		assert_true(list_has(f, see[i], &all, id));
		assert_true(list_has(f, see[i], &by_buyer, id));
		assert_true(list_has(f, see[i], &by_supplier, id));
		assert_true(list_has(f, see[i], &by_chain, id));
		long n;
		char *csv = export_text(f, chainmap_export_relations, see[i], &n);
		assert_int_equal(n, 1);
		free(csv);
	}
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(chainmap_relation_get(f->db, blind[i], id, &out, &e), QERR_NOT_FOUND);
		assert_false(list_has(f, blind[i], &all, id));
		assert_false(list_has(f, blind[i], &by_buyer, id));
		assert_false(list_has(f, blind[i], &by_supplier, id));
		long n;
		char *csv = export_text(f, chainmap_export_relations, blind[i], &n);
		assert_int_equal(n, 0);
		assert_string_equal(csv, RELATIONS_CSV_HEADER "\n");
		free(csv);
		assert_int_equal(chainmap_relation_delete(f->db, blind[i], id, &e), QERR_NOT_FOUND);
	}
	/* The supplier sees it but only the buyer's organisation or the operator changes it. */
	assert_int_equal(chainmap_relation_delete(f->db, &f->sme_a, id, &e), QERR_FORBIDDEN);
	assert_int_equal(
	    chainmap_relation_put(f->db, &f->sme_a, f->uscc[E_LARGE], f->uscc[E_A], "nev", "motor", 1, &out, &e),
	    QERR_FORBIDDEN);
	assert_string_equal(e.field, "buyer_uscc");
	int64_t v0 = version(f);
	assert_int_equal(chainmap_relation_delete(f->db, &f->large, id, &e), QERR_OK);
	assert_int_equal(version(f), v0 + 1);
	assert_int_equal(chainmap_relation_get(f->db, &f->cli, id, &out, &e), QERR_NOT_FOUND);
	/* Unknown filters: a bad USCC is an error naming it, an unregistered one an empty page. */
	struct relation_filter bad = {.buyer = "123", .limit = 10};
	assert_int_equal(chainmap_relation_list(f->db, &f->cli, &bad, &out, &e), QERR_INVALID);
	assert_string_equal(e.field, "buyer");
	char unregistered[USCC_LEN + 1];
	uscc_generate("320583", 99999, unregistered);
	struct relation_filter none = {.supplier = unregistered, .limit = 10};
	assert_int_equal(chainmap_relation_list(f->db, &f->cli, &none, &out, &e), QERR_OK);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 0);
	json_decref(out);
}

static void test_relation_put_validates_and_pages(void **state)
{
	struct fixture *f = *state;
	load_nev(f);
	struct qerror e = {0};
	json_t *out = NULL;
	const char *L = f->uscc[E_LARGE], *A = f->uscc[E_A];
	int64_t v0 = version(f);
	assert_int_equal(chainmap_relation_put(f->db, &f->cli, L, A, "nev", "motor", 5, &out, &e), QERR_OK);
	assert_true(json_is_true(json_object_get(out, "created")));
	int64_t id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	assert_int_equal(chainmap_relation_put(f->db, &f->large, L, A, "nev", "motor", 7, &out, &e), QERR_OK);
	assert_false(json_is_true(json_object_get(out, "created")));
	assert_int_equal(json_integer_value(json_object_get(out, "id")), id);
	assert_int_equal(json_integer_value(json_object_get(out, "annual_amount_fen")), 7);
	json_decref(out);
	assert_int_equal(version(f), v0 + 2);
	char unregistered[USCC_LEN + 1];
	uscc_generate("320583", 99999, unregistered);
	assert_int_equal(chainmap_relation_put(f->db, &f->cli, L, L, "nev", "motor", 5, &out, &e), QERR_INVALID);
	assert_string_equal(e.slug, "same_enterprise");
	assert_int_equal(chainmap_relation_put(f->db, &f->cli, L, A, "nev", "motor", -1, &out, &e), QERR_INVALID);
	assert_string_equal(e.field, "annual_amount_fen");
	assert_int_equal(chainmap_relation_put(f->db, &f->cli, L, A, "nev", "hull", 1, &out, &e), QERR_INVALID);
	assert_string_equal(e.field, "segment");
	assert_int_equal(chainmap_relation_put(f->db, &f->cli, L, A, "ship", "hull", 1, &out, &e), QERR_INVALID);
	assert_string_equal(e.field, "chain");
	assert_int_equal(chainmap_relation_put(f->db, &f->cli, L, unregistered, "nev", "motor", 1, &out, &e),
			 QERR_INVALID);
	assert_string_equal(e.field, "supplier_uscc");
	assert_int_equal(chainmap_relation_put(f->db, &f->cli, "x", A, "nev", "motor", 1, &out, &e), QERR_INVALID);
	assert_string_equal(e.field, "buyer_uscc");
	assert_int_equal(version(f), v0 + 2);
	/* Pages: every visible relation once, in id order. */
	const char *segs[] = {"pack", "ecu", "cell", "lithium", "separator"};
	for (int i = 0; i < 5; i++) {
		assert_int_equal(chainmap_relation_put(f->db, &f->large, L, A, "nev", segs[i], i, &out, &e), QERR_OK);
		json_decref(out);
	}
	struct relation_filter page = {.limit = 2};
	int seen = 0;
	int64_t last = 0;
	for (int guard = 0; guard < 10; guard++) {
		assert_int_equal(chainmap_relation_list(f->db, &f->sme_a, &page, &out, &e), QERR_OK);
		size_t i;
		json_t *item;
		json_array_foreach(json_object_get(out, "items"), i, item)
		{
			assert_true(json_integer_value(json_object_get(item, "id")) > last);
			last = json_integer_value(json_object_get(item, "id"));
			seen++;
		}
		json_t *next = json_object_get(out, "next_cursor");
		if (json_is_null(next)) {
			json_decref(out);
			break;
		}
		assert_true(util_parse_i64(json_string_value(next), 1, INT64_MAX, &page.cursor));
		json_decref(out);
	}
	assert_int_equal(seen, 6);
	assert_int_equal(testdb_scalar(f->db, "SELECT count(*) FROM audit_log WHERE action='relation.put'"), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_segments_import_creates_the_chain_with_its_links, setup,
					    testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_a_cycle_is_rejected_naming_its_segments, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_a_cycle_through_stored_links_is_rejected, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_upstream_and_bad_rows_are_reported_by_line, setup,
					    testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_segment_reimport_renames_and_replaces_links, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_segment_put_and_delete, setup, testdb_teardown),
	    cmocka_unit_test(test_find_cycle_on_its_own),
	    cmocka_unit_test_setup_teardown(test_capabilities_import_checks_every_row, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_capability_crud_checks_the_owner, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_relations_import_reports_every_bad_row, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_relations_import_and_reimport_bump_the_version_once, setup,
					    testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_relations_small_import_tells_created_from_updated, setup,
					    testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_bulk_relations_import_keeps_every_guarantee, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_exports_round_trip_byte_for_byte, setup, testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_relations_are_visible_to_buyer_supplier_and_operator_only, setup,
					    testdb_teardown),
	    cmocka_unit_test_setup_teardown(test_relation_put_validates_and_pages, setup, testdb_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
