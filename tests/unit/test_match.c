/*
 * test_match.c - the listing index and its ranking against a real database:
 * words not characters (电机 finds 永磁同步电机, never 电视机; 轴承 inside
 * 深沟球轴承), the certification hard filter, region levels, catching up
 * with inserts, edits and withdrawals by seq, and two oracles: the pruned
 * MaxScore search returns exactly what scoring every document returns, and
 * its text scores are SQLite FTS5's own bm25() on the same rows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "market/match_index.h"
#include "text/vocab.h"
#include "store/db.h"
#include "testdb.h"
#include "store/migrate.h"

struct fixture {
	struct testdb t;
	struct db *db;
	int64_t seq;
};

static int setup(void **state)
{
	struct fixture *f = testdb_fixture(sizeof *f, "match");
	if (!f)
		return -1;
	f->db = f->t.db;
	struct qerror e = {0};
	mi_reset();
	testdb_exec(f->db, "INSERT INTO chains(id,name,created_at) VALUES('nev','新能源汽车','2026-01-01T00:00:00Z');"
			   "INSERT INTO segments(sid,chain_id,code,name) "
			   "VALUES(1,'nev','motor','驱动电机'),(2,'nev','pack','电池包');");
	/* Enterprises 1..40 in three provinces, levels by id. */
	static const char *const regions[] = {"320505", "320583", "330106", "440305"};
	static const char *const levels[] = {"none", "innovative", "provincial", "little_giant"};
	for (int i = 1; i <= 40; i++) {
		struct db_stmt *st =
		    db_prepare(f->db,
			       "INSERT INTO enterprises(id,uscc,name,region,industry,employees,revenue_wan,"
			       "assets_wan,level,size,created_at,updated_at) VALUES(?,?,?,?,'C',10,100,100,?,"
			       "'small','x','x')",
			       &e);
		assert_non_null(st);
		char uscc[32], name[32];
		snprintf(uscc, sizeof uscc, "U%02d", i);
		snprintf(name, sizeof name, "企业%02d", i);
		db_bind_int(st, 1, i);
		db_bind_text(st, 2, uscc);
		db_bind_text(st, 3, name);
		db_bind_text(st, 4, regions[i % 4]);
		db_bind_text(st, 5, levels[i % 4]);
		assert_int_equal(db_step(st, &e), DB_DONE);
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	mi_reset();
	text_vocab_reset();
	return testdb_teardown(state);
}

/* Adds (or with id > 0 rewrites) a supply the way the listing code does: bump the counter, stamp seq. */
static int64_t put_supply(struct fixture *f, int64_t id, int64_t enterprise, const char *title, const char *desc,
			  int sid, const char *regions, const char *certs, const char *status)
{
	struct qerror e = {0};
	assert_int_equal(db_begin_write(f->db, &e), QERR_OK);
	assert_int_equal(db_touch(f->db, "supplies", &e), QERR_OK);
	int64_t seq;
	assert_int_equal(db_counter(f->db, "supplies", &seq, &e), QERR_OK);
	/* (A NULL id lets SQLite number the row: this fixture only ever runs on SQLite.) */
	struct db_stmt *st =
	    db_prepare(f->db,
		       "INSERT INTO supplies(id,enterprise_id,title,description,sid,regions,certifications,"
		       "status,seq,created_at,updated_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,'x','x')"
		       " ON CONFLICT(id) DO UPDATE SET title=?3,description=?4,sid=?5,regions=?6,"
		       "certifications=?7,status=?8,seq=?9 RETURNING id",
		       &e);
	assert_non_null(st);
	db_bind_opt_int64(st, 1, id > 0, id);
	db_bind_int64(st, 2, enterprise);
	db_bind_text(st, 3, title);
	db_bind_text(st, 4, desc);
	db_bind_opt_int64(st, 5, sid != 0, sid);
	db_bind_text(st, 6, regions);
	db_bind_text(st, 7, certs);
	db_bind_text(st, 8, status);
	db_bind_int64(st, 9, seq);
	int64_t rowid = 0;
	assert_int_equal(db_scalar_int64(st, &rowid, &e), QERR_OK);
	assert_true(id <= 0 || rowid == id);
	assert_int_equal(db_commit(f->db, &e), QERR_OK);
	return rowid;
}

static int search_ids(struct fixture *f, const struct mi_query *q, int64_t *ids)
{
	struct mi_hit hits[64];
	int n = 0;
	struct qerror e = {0};
	assert_int_equal(mi_search(f->db, MI_SUPPLIES, q, hits, &n, NULL, &e), QERR_OK);
	for (int i = 0; i < n; i++)
		ids[i] = hits[i].id;
	return n;
}

static bool contains(const int64_t *ids, int n, int64_t id)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static void words_not_characters(void **state)
{
	struct fixture *f = *state;
	int64_t motor = put_supply(f, 0, 1, "永磁同步电机", "新能源汽车驱动电机，批量供应", 1, "32", "", "active");
	int64_t tv = put_supply(f, 0, 2, "液晶电视机外壳", "注塑加工", 0, "", "", "active");
	int64_t bearing = put_supply(f, 0, 3, "深沟球轴承6204", "轴承钢，精密", 0, "", "", "active");
	int64_t bolt = put_supply(f, 0, 5, "M8不锈钢螺栓", "304材质，通过IATF16949认证", 0, "", "IATF16949", "active");
	struct mi_query q = {.text = "电机", .text_len = strlen("电机"), .k = 10};
	int64_t ids[64];
	int n = search_ids(f, &q, ids);
	assert_true(contains(ids, n, motor));
	assert_false(contains(ids, n, tv));
	q.text = "轴承";
	q.text_len = strlen(q.text);
	n = search_ids(f, &q, ids);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], bearing);
	q.text = "IATF16949 m8 螺栓";
	q.text_len = strlen(q.text);
	n = search_ids(f, &q, ids);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], bolt);
	q.text = "电视机";
	q.text_len = strlen(q.text);
	n = search_ids(f, &q, ids);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], tv);
}

static void certifications_are_a_hard_filter(void **state)
{
	struct fixture *f = *state;
	int64_t with = put_supply(f, 0, 1, "冲压模具", "汽车冲压模具", 0, "", "IATF16949;ISO9001", "active");
	int64_t without = put_supply(f, 0, 2, "冲压模具 冲压模具", "冲压模具冲压模具", 0, "", "ISO9001", "active");
	int64_t ids[64];
	struct mi_query q = {.text = "冲压模具", .text_len = strlen("冲压模具"), .k = 10};
	assert_int_equal(search_ids(f, &q, ids), 2);
	q.certs = "iatf16949";
	int n = search_ids(f, &q, ids);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], with);
	q.certs = "IATF16949;CE"; /* nobody holds CE */
	assert_int_equal(search_ids(f, &q, ids), 0);
	q.certs = "ISO9001";
	n = search_ids(f, &q, ids);
	assert_int_equal(n, 2);
	assert_true(contains(ids, n, without));
}

static void region_levels_rank_county_over_city_over_province(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(mi_region_level("320505", 6, "320505", 6), 3);
	assert_int_equal(mi_region_level("320505", 6, "320583", 6), 2);
	assert_int_equal(mi_region_level("320505", 6, "3205", 4), 2);
	assert_int_equal(mi_region_level("32", 2, "320505", 6), 1);
	assert_int_equal(mi_region_level("330106", 6, "320505", 6), 0);
	assert_int_equal(mi_region_level("3x", 2, "32", 2), 0);
	/* Same text; enterprises 4 (320505 county), 5 (320583 same city), 6 (330106) but serving 32. All level-free. */
	testdb_exec(f->db, "UPDATE enterprises SET level='none' WHERE id IN (4,5,6,7)");
	int64_t county = put_supply(f, 0, 4, "铝合金压铸件", "", 0, "", "", "active");
	int64_t city = put_supply(f, 0, 5, "铝合金压铸件", "", 0, "", "", "active");
	int64_t province = put_supply(f, 0, 6, "铝合金压铸件", "", 0, "32", "", "active");
	int64_t far = put_supply(f, 0, 7, "铝合金压铸件", "", 0, "", "", "active");
	struct mi_query q = {.text = "铝合金压铸件", .text_len = strlen("铝合金压铸件"), .region = "320505", .k = 10};
	struct mi_hit hits[10];
	int n;
	struct qerror e = {0};
	assert_int_equal(mi_search(f->db, MI_SUPPLIES, &q, hits, &n, NULL, &e), QERR_OK);
	assert_int_equal(n, 4);
	assert_int_equal(hits[0].id, county);
	assert_int_equal(hits[0].region_level, 3);
	assert_int_equal(hits[1].id, city);
	assert_int_equal(hits[1].region_level, 2);
	assert_int_equal(hits[2].id, province);
	assert_int_equal(hits[2].region_level, 1);
	assert_int_equal(hits[3].id, far);
	assert_true(fabs(hits[0].score - hits[3].score - MI_W_REGION_COUNTY) < 1e-9);
}

static void the_index_follows_inserts_edits_and_withdrawals(void **state)
{
	struct fixture *f = *state;
	int64_t ids[64];
	struct mi_query q = {.text = "减速器", .text_len = strlen("减速器"), .k = 10};
	assert_int_equal(search_ids(f, &q, ids), 0);
	int64_t a = put_supply(f, 0, 1, "电驱减速器", "", 0, "", "", "active");
	assert_int_equal(search_ids(f, &q, ids), 1);
	put_supply(f, a, 1, "电池包壳体", "", 0, "", "", "active"); /* edited: the old words go */
	assert_int_equal(search_ids(f, &q, ids), 0);
	q.text = "壳体";
	q.text_len = strlen(q.text);
	assert_int_equal(search_ids(f, &q, ids), 1);
	put_supply(f, a, 1, "电池包壳体", "", 0, "", "", "withdrawn");
	assert_int_equal(search_ids(f, &q, ids), 0);
	json_t *st = NULL;
	struct qerror e = {0};
	assert_int_equal(mi_stats(f->db, MI_SUPPLIES, &st, &e), QERR_OK);
	assert_int_equal(json_integer_value(json_object_get(st, "alive")), 0);
	assert_int_equal(json_integer_value(json_object_get(st, "docs")), 2);
	json_decref(st);
}

/* Runs sql in a transaction that bumps change counter name, as the domain writes do. */
static void touch_exec(struct fixture *f, const char *name, const char *sql)
{
	struct qerror e = {0};
	assert_int_equal(db_begin_write(f->db, &e), QERR_OK);
	testdb_exec(f->db, sql);
	assert_int_equal(db_touch(f->db, name, &e), QERR_OK);
	assert_int_equal(db_commit(f->db, &e), QERR_OK);
}

static void level_and_scorecard_changes_reach_the_index(void **state)
{
	struct fixture *f = *state;
	testdb_exec(f->db, "UPDATE enterprises SET level='none' WHERE id=8");
	int64_t id = put_supply(f, 0, 8, "谐波减速器", "", 0, "", "", "active");
	struct mi_query q = {.text = "谐波减速器", .text_len = strlen("谐波减速器"), .k = 5};
	struct mi_hit hits[5];
	int n;
	struct qerror e = {0};
	assert_int_equal(mi_search(f->db, MI_SUPPLIES, &q, hits, &n, NULL, &e), QERR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(hits[0].id, id);
	assert_true(hits[0].static_score == 0);
	double text = hits[0].score;

	/* The enterprise becomes a 小巨人: the next search ranks it so. */
	touch_exec(f, "enterprises", "UPDATE enterprises SET level='little_giant' WHERE id=8");
	assert_int_equal(mi_search(f->db, MI_SUPPLIES, &q, hits, &n, NULL, &e), QERR_OK);
	assert_true(fabs(hits[0].static_score - MI_W_LEVEL_MAX) < 1e-6);
	assert_true(fabs(hits[0].score - text - MI_W_LEVEL_MAX) < 1e-6);

	/* Five accepted, on-time orders: the full scorecard bonus on top. */
	touch_exec(f, "orders",
		   "INSERT INTO demands(id,enterprise_id,title,created_at,updated_at) VALUES(91,1,'x','x','x'),"
		   "(92,1,'x','x','x'),(93,1,'x','x','x'),(94,1,'x','x','x'),(95,1,'x','x','x');"
		   "INSERT INTO quotes(id,demand_id,supplier_id,unit_price_fen,quantity,lead_time_days,valid_until,"
		   "created_at,updated_at) SELECT id,id,8,1,1,1,'x','x','x' FROM demands WHERE id BETWEEN 91 AND 95;"
		   "INSERT INTO orders(quote_id,demand_id,buyer_id,supplier_id,quantity,unit_price_fen,amount_fen,status,"
		   "placed_at,due_at,delivered_at,updated_at) SELECT id,id,1,8,1,1,1,'accepted','a','b','a','x'"
		   " FROM quotes WHERE id BETWEEN 91 AND 95");
	assert_true(fabs(mi_scorecard_bonus(5, 5, 5, 5, 0) - MI_W_SCORECARD) < 1e-9);
	assert_int_equal(mi_search(f->db, MI_SUPPLIES, &q, hits, &n, NULL, &e), QERR_OK);
	assert_true(fabs(hits[0].static_score - MI_W_LEVEL_MAX - MI_W_SCORECARD) < 1e-6);
}

/* A small deterministic generator of listing text from a shared vocabulary. */
static const char *const vocab[] = {
	"永磁同步电机", "电机", "控制器", "减速器", "深沟球轴承", "轴承", "注塑模具", "冲压模具", "铝合金", "压铸件",
	"不锈钢", "螺栓", "M8",	  "精密",	"加工",	  "批量",  "供应",    "定制",    "线束",   "连接器",
	"电芯",	   "正极材料", "隔膜",	 "电解液",   "热管理", "IATF16949", "304",    "数控",    "主轴",   "导轨",
};
#define NV (sizeof vocab / sizeof vocab[0])

static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) & 0xffffff;
}

static void text_of(uint32_t *seed, char *buf, size_t cap, int words)
{
	size_t len = 0;
	buf[0] = '\0';
	for (int i = 0; i < words; i++) {
		const char *w = vocab[rnd(seed) % NV];
		int k = snprintf(buf + len, cap - len, "%s%s", i ? "，" : "", w);
		if (k < 0 || (size_t)k >= cap - len)
			break;
		len += (size_t)k;
	}
}

static void fill_random(struct fixture *f, int count, uint32_t seed)
{
	static const char *const regs[] = {"", "32", "3205;33", "440305", "320505;330106"};
	static const char *const certs[] = {"", "ISO9001", "IATF16949;ISO9001", "CE"};
	char title[256], desc[1024];
	for (int i = 0; i < count; i++) {
		text_of(&seed, title, sizeof title, 1 + (int)(rnd(&seed) % 3));
		text_of(&seed, desc, sizeof desc, (int)(rnd(&seed) % 12));
		put_supply(f, 0, 1 + (int64_t)(rnd(&seed) % 40), title, desc, (int)(rnd(&seed) % 3),
			   regs[rnd(&seed) % 5], certs[rnd(&seed) % 4], "active");
	}
}

/* The pruned search of q answers what scoring every listing answers: the same ids, scores within 1e-9. */
static void assert_pruned_equals_exhaustive(struct fixture *f, const struct mi_query *q, int pass, int round)
{
	struct mi_hit a[32], b[32];
	int na, nb;
	struct qerror e = {0};
	assert_int_equal(mi_search(f->db, MI_SUPPLIES, q, a, &na, NULL, &e), QERR_OK);
	assert_int_equal(mi_search_exhaustive(f->db, MI_SUPPLIES, q, b, &nb, NULL, &e), QERR_OK);
	assert_int_equal(na, nb);
	for (int i = 0; i < na; i++) {
		if (fabs(a[i].score - b[i].score) > 1e-9)
			fail_msg("pass %d round %d (%s) rank %d: pruned %.12f (id %lld), exhaustive %.12f (id %lld)", pass,
				 round, q->text, i, a[i].score, (long long)a[i].id, b[i].score, (long long)b[i].id);
		assert_int_equal(a[i].id, b[i].id);
	}
}

static void pruned_search_equals_scoring_everything(void **state)
{
	struct fixture *f = *state;
	fill_random(f, 600, 7);
	/* Orders give some suppliers a scorecard bonus. */
	testdb_exec(
	    f->db,
	    "INSERT INTO demands(id,enterprise_id,title,created_at,updated_at) VALUES(1,1,'x','x','x');"
	    "INSERT INTO quotes(id,demand_id,supplier_id,unit_price_fen,quantity,lead_time_days,valid_until,"
	    "created_at,updated_at) VALUES(1,1,3,100,1,1,'x','x','x'),(2,1,9,100,1,1,'x','x','x');"
	    "INSERT INTO orders(quote_id,demand_id,buyer_id,supplier_id,quantity,unit_price_fen,amount_fen,status,"
	    "placed_at,due_at,delivered_at,updated_at) VALUES(1,1,1,3,1,100,100,'accepted','a','b','a','x'),"
	    "(2,1,1,9,1,100,100,'rejected','a','b','c','x');");
	mi_reset();
	uint32_t seed = 99;
	static const char *const qregions[] = {NULL, "320505", "33", "440305"};
	static const char *const qcerts[] = {NULL, "ISO9001", NULL, "IATF16949"};
	/* pass 0: chunks as shipped (one chunk here); 1: chunks of 8 listings; 2: and listings appended after the build
	 */
	for (int pass = 0; pass < 3; pass++) {
		if (pass == 1)
			mi_set_chunk_shift(3);
		if (pass == 2)
			fill_random(f, 150, 8);
		for (int round = 0; round < 200; round++) {
			char text[512];
			text_of(&seed, text, sizeof text, 1 + (int)(rnd(&seed) % 6));
			struct mi_query q = {
			    .text = text,
			    .text_len = strlen(text),
			    .sid = rnd(&seed) % 3,
			    .region = qregions[rnd(&seed) % 4],
			    .certs = qcerts[rnd(&seed) % 4],
			    .exclude_enterprise = rnd(&seed) % 5 == 0 ? 7 : 0,
			    .k = 1 + (int)(rnd(&seed) % 20),
			};
			assert_pruned_equals_exhaustive(f, &q, pass, round);
		}
	}
	mi_set_chunk_shift(MI_CHUNK_SHIFT);
}

static void text_scores_are_fts5_bm25(void **state)
{
	struct fixture *f = *state;
	fill_random(f, 300, 3);
	testdb_exec(f->db, "UPDATE enterprises SET level='none'");
	mi_reset();
	uint32_t seed = 5;
	for (int round = 0; round < 50; round++) {
		char text[256];
		text_of(&seed, text, sizeof text, 1 + (int)(rnd(&seed) % 4));
		/* literal: the text's own words, as FTS5 sees them (no vocabulary, no inferred segment) */
		struct mi_query q = {.text = text, .text_len = strlen(text), .k = 20, .literal = true};
		struct mi_hit hits[20];
		struct mi_terms terms;
		int n;
		struct qerror e = {0};
		assert_int_equal(mi_search(f->db, MI_SUPPLIES, &q, hits, &n, &terms, &e), QERR_OK);
		/* The same words ORed as FTS5 phrases, ranked by FTS5's bm25 with the same column weights. */
		char match[2048];
		size_t len = 0;
		match[0] = '\0';
		for (int i = 0; i < terms.n; i++)
			len += (size_t)snprintf(match + len, sizeof match - len, "%s\"%s\"", i ? " OR " : "", terms.term[i]);
		/* per-backend: SQLite FTS5's own bm25() (a REAL) is the oracle here. */
		struct db_stmt *st =
		    db_prepare(f->db,
			       "SELECT rowid, -bm25(supplies_fts, 2.0, 1.0) FROM supplies_fts WHERE supplies_fts"
			       " MATCH ? ORDER BY bm25(supplies_fts, 2.0, 1.0), rowid LIMIT 20",
			       &e);
		assert_non_null(st);
		db_bind_text(st, 1, match);
		int i = 0, rc;
		while ((rc = db_step(st, &e)) == DB_ROW) {
			assert_true(i < n);
			double fts = db_col_double(st, 1);
			if (fabs(fts - hits[i].score) > 1e-6 * fmax(1.0, fabs(fts)))
				fail_msg("query %s rank %d: fts5 %.9f (rowid %lld), index %.9f (id %lld)", text, i, fts,
					 (long long)db_col_int64(st, 0), hits[i].score, (long long)hits[i].id);
			i++;
		}
		db_reset(st);
		assert_int_equal(rc, DB_DONE);
		assert_int_equal(i, n);
	}
}

/* Adds vocabulary entries (canonical, kind, term, weight; NULL-terminated) the way registry/vocab.c does. */
static void put_vocab(struct fixture *f, const char *const *rows)
{
	struct qerror e = {0};
	assert_int_equal(db_begin_write(f->db, &e), QERR_OK);
	for (int i = 0; rows[i]; i += 4) {
		struct db_stmt *st = db_prepare(f->db,
						"INSERT INTO vocab(canonical,kind,term,weight,source,created_at,updated_at)"
						" VALUES(?,?,?,?,'test','x','x')",
						&e);
		assert_non_null(st);
		db_bind_text(st, 1, rows[i]);
		db_bind_text(st, 2, rows[i + 1]);
		db_bind_text(st, 3, rows[i + 2]);
		db_bind_int(st, 4, atoi(rows[i + 3]));
		assert_int_equal(db_run(st, &e), QERR_OK);
	}
	assert_int_equal(db_touch(f->db, "vocab", &e), QERR_OK);
	assert_int_equal(db_commit(f->db, &e), QERR_OK);
}

static const char *const test_vocab[] = {
	"电机", "colloquial", "马达", "85",	   "电机", "synonym", "电动机", "90",
	"电机", "english", "motor", "80",	   "电机", "narrower", "伺服电机", "70",
	"电机", "narrower", "永磁同步电机", "70", "伺服电机", "colloquial", "伺服马达", "85",
	"螺栓", "colloquial", "螺丝", "85",	   "锂离子电池", "synonym", "锂电池", "95",
	"锂离子电池", "narrower", "电芯", "90",  "电芯", "synonym", "电池单体", "90",
	"数控加工", "abbreviation", "CNC", "85", "数控加工", "colloquial", "CNC加工", "95",
	"电池管理系统", "abbreviation", "BMS", "85", "压铸件", "synonym", "压铸零件", "90",
	"铝合金压铸", "synonym", "铝压铸", "90", "铝合金压铸", "narrower", "铝合金压铸件", "70",
	NULL,
};

static void vocabulary_expands_queries_and_keeps_the_guarantees(void **state)
{
	struct fixture *f = *state;
	put_vocab(f, test_vocab);
	int64_t motor = put_supply(f, 0, 1, "永磁同步电机", "新能源汽车驱动电机，批量供应", 1, "32", "", "active");
	int64_t async = put_supply(f, 0, 2, "交流异步电机", "三相异步电机", 0, "", "", "active");
	int64_t tv = put_supply(f, 0, 3, "液晶电视机外壳", "注塑加工 电视机", 0, "", "", "active");
	int64_t bolt = put_supply(f, 0, 5, "M8不锈钢螺栓", "304材质", 0, "", "IATF16949", "active");
	int64_t cell = put_supply(f, 0, 6, "动力电芯 三元", "三元锂动力电芯", 2, "", "", "active");
	int64_t lith = put_supply(f, 0, 7, "氢氧化锂 盐湖提锂", "电池级氢氧化锂，锂", 0, "", "", "active");
	int64_t shell = put_supply(f, 0, 9, "电芯 方形铝壳", "方形铝壳磷酸铁锂电芯", 2, "", "", "active");
	int64_t cast = put_supply(f, 0, 10, "汽车铝合金压铸件", "电机壳体压铸", 1, "", "", "active");
	int64_t cnc = put_supply(f, 0, 11, "精密零件 数控加工", "五轴数控加工", 0, "", "", "active");
	int64_t ids[64];
	static const char *const motor_words[] = {"马达", "电动机", "motor", "伺服马达", "Motor 马达"};
	for (size_t i = 0; i < sizeof motor_words / sizeof motor_words[0]; i++) {
		struct mi_query q = {.text = motor_words[i], .text_len = strlen(motor_words[i]), .k = 10};
		int n = search_ids(f, &q, ids);
		assert_true(contains(ids, n, motor));
		assert_true(contains(ids, n, async));
		assert_false(contains(ids, n, tv));
		q.literal = true; /* without the vocabulary none of them is found */
		n = search_ids(f, &q, ids);
		assert_false(contains(ids, n, motor));
	}
	/* 电机 never reaches 电视机, expanded or not */
	struct mi_query q = {.text = "电机", .text_len = strlen("电机"), .k = 10};
	int n = search_ids(f, &q, ids);
	assert_false(contains(ids, n, tv));
	assert_true(contains(ids, n, motor));
	/* 螺丝 finds 螺栓; the certification filter stays hard */
	q = (struct mi_query){.text = "螺丝", .text_len = strlen("螺丝"), .k = 10};
	n = search_ids(f, &q, ids);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], bolt);
	q.certs = "ISO9001";
	assert_int_equal(search_ids(f, &q, ids), 0);
	/* a whole compound outranks a listing sharing one character of it */
	q = (struct mi_query){.text = "锂电池", .text_len = strlen("锂电池"), .k = 10};
	n = search_ids(f, &q, ids);
	assert_true(n >= 2);
	assert_true(ids[0] == cell || ids[0] == shell);
	for (int i = 0; i < n; i++)
		if (ids[i] == lith)
			assert_true(i >= 2);
	q = (struct mi_query){.text = "铝压铸", .text_len = strlen("铝压铸"), .k = 10};
	n = search_ids(f, &q, ids);
	assert_true(n >= 1);
	assert_int_equal(ids[0], cast);
	/* English and mixed queries */
	static const char *const mixed[] = {"CNC加工", "cnc 加工", "CNC"};
	for (size_t i = 0; i < sizeof mixed / sizeof mixed[0]; i++) {
		q = (struct mi_query){.text = mixed[i], .text_len = strlen(mixed[i]), .k = 10};
		n = search_ids(f, &q, ids);
		assert_true(n >= 1);
		assert_int_equal(ids[0], cnc);
	}
	/* explanations: the expansion says where it came from */
	struct mi_hit hits[10];
	struct mi_terms terms;
	struct qerror e = {0};
	q = (struct mi_query){.text = "马达", .text_len = strlen("马达"), .k = 10};
	assert_int_equal(mi_search(f->db, MI_SUPPLIES, &q, hits, &n, &terms, &e), QERR_OK);
	bool said = false;
	for (int i = 0; i < terms.n; i++)
		if (strcmp(terms.term[i], "电机") == 0 && strcmp(terms.explain[i], "马达 → 电机 (俗称)") == 0)
			said = true;
	assert_true(said);
	q = (struct mi_query){.text = "伺服电机", .text_len = strlen("伺服电机"), .k = 10};
	assert_int_equal(mi_search(f->db, MI_SUPPLIES, &q, hits, &n, &terms, &e), QERR_OK);
	said = false;
	for (int i = 0; i < terms.n; i++)
		if (strcmp(terms.explain[i], "伺服电机 ⊂ 电机 (下位词)") == 0)
			said = true;
	assert_true(said);
	/* an edit of the vocabulary reaches the next search */
	q = (struct mi_query){.text = "扁线电机", .text_len = strlen("扁线电机"), .k = 10};
	static const char *const more[] = {"永磁同步电机", "synonym", "扁线电机", "80", NULL};
	put_vocab(f, more);
	n = search_ids(f, &q, ids);
	assert_int_equal(ids[0], motor);
}

static void pruned_search_equals_scoring_everything_with_the_vocabulary(void **state)
{
	struct fixture *f = *state;
	static const char *const v[] = {
		"电机", "colloquial", "马达", "85",	"电机", "narrower", "永磁同步电机", "70",
		"轴承", "narrower", "深沟球轴承", "70", "模具", "narrower", "注塑模具", "70",
		"模具", "narrower", "冲压模具", "70", "电芯", "synonym", "电池单体", "90",
		"锂离子电池", "narrower", "电芯", "90", "锂离子电池", "synonym", "锂电池", "95",
		"紧固件", "narrower", "螺栓", "70", "螺栓", "colloquial", "螺丝", "85",
		"数控加工", "synonym", "数控 加工", "90", "压铸件", "synonym", "铝合金压铸件", "80",
		"电解液", "english", "electrolyte", "80", NULL,
	};
	put_vocab(f, v);
	fill_random(f, 600, 11);
	mi_reset();
	uint32_t seed = 123;
	static const char *const qregions[] = {NULL, "320505", "33", "440305"};
	static const char *const qcerts[] = {NULL, "ISO9001", NULL, "IATF16949"};
	static const char *const extra[] = {"马达", "锂电池", "螺丝", "electrolyte", "紧固件", "电池单体", ""};
	/* as above: chunks as shipped, chunks of 8 listings, and listings appended after the build */
	for (int pass = 0; pass < 3; pass++) {
		if (pass == 1)
			mi_set_chunk_shift(3);
		if (pass == 2)
			fill_random(f, 150, 12);
		for (int round = 0; round < 200; round++) {
			char text[512];
			text_of(&seed, text, sizeof text, 1 + (int)(rnd(&seed) % 5));
			size_t len = strlen(text);
			snprintf(text + len, sizeof text - len, " %s", extra[rnd(&seed) % 7]);
			struct mi_query q = {
			    .text = text,
			    .text_len = strlen(text),
			    .sid = rnd(&seed) % 2 ? 0 : rnd(&seed) % 3,
			    .region = qregions[rnd(&seed) % 4],
			    .certs = qcerts[rnd(&seed) % 4],
			    .exclude_enterprise = rnd(&seed) % 5 == 0 ? 7 : 0,
			    .k = 1 + (int)(rnd(&seed) % 20),
			};
			assert_pruned_equals_exhaustive(f, &q, pass, round);
		}
	}
	mi_set_chunk_shift(MI_CHUNK_SHIFT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(words_not_characters, setup, teardown),
		cmocka_unit_test_setup_teardown(certifications_are_a_hard_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(region_levels_rank_county_over_city_over_province, setup, teardown),
		cmocka_unit_test_setup_teardown(the_index_follows_inserts_edits_and_withdrawals, setup, teardown),
		cmocka_unit_test_setup_teardown(level_and_scorecard_changes_reach_the_index, setup, teardown),
		cmocka_unit_test_setup_teardown(pruned_search_equals_scoring_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(text_scores_are_fts5_bm25, setup, teardown),
		cmocka_unit_test_setup_teardown(vocabulary_expands_queries_and_keeps_the_guarantees, setup, teardown),
		cmocka_unit_test_setup_teardown(pruned_search_equals_scoring_everything_with_the_vocabulary, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
