/*
 * test_synth_listing.c - `qilian gen listings`: the same seed gives the
 * same bytes, every file has its header, every row would import (valid
 * USCCs of generated enterprises, regions that exist, known segments and
 * tags), labels point at real lines of the right concept with the
 * demand's certifications, and the distractors stay distractors (a
 * 电视机 listing is never of the 电机 concept nor labelled relevant to it).
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

#include "base/csv.h"
#include "market/synth_listing.h"
#include "registry/region.h"
#include "registry/uscc.h"

#define SUPPLIES 3000
#define DEMANDS 120
#define LABELLED 60

static char dir_a[64], dir_b[64], dir_c[64];

static void gen(char *dir, uint64_t seed, long labelled)
{
	snprintf(dir, 64, "/tmp/qilian-synth-XXXXXX");
	assert_non_null(mkdtemp(dir));
	struct synth_listing_opts o = {SUPPLIES, DEMANDS, labelled, 0, seed};
	struct synth_listing_report r;
	struct qerror e = {0};
	assert_int_equal(synth_listings(dir, &o, &r, &e), QERR_OK);
	assert_int_equal(r.supplies, SUPPLIES);
	assert_int_equal(r.demands, DEMANDS);
	assert_int_equal(r.labelled_demands, labelled);
	assert_true(r.label_rows > 0);
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static const char *const files[] = {"enterprises.csv", "segments.csv", "supplies.csv",
				    "demands.csv",     "labels.csv",   "truth.csv"};

static void test_same_seed_same_bytes_other_seed_other_bytes(void **state)
{
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		size_t la, lb;
		char *a = slurp(dir_a, files[i], &la), *b = slurp(dir_b, files[i], &lb);
		assert_int_equal(la, lb);
		assert_memory_equal(a, b, la);
		free(a);
		free(b);
	}
	size_t la, lc;
	char *a = slurp(dir_a, "supplies.csv", &la), *c = slurp(dir_c, "supplies.csv", &lc);
	assert_true(la != lc || memcmp(a, c, la) != 0);
	free(a);
	free(c);
}

/* Reads every record of a file through the project's CSV reader; fn sees (record, user). */
static long each_row(const char *dir, const char *name, const char *header, size_t nfields,
		     void (*fn)(struct csv_reader *, void *), void *ctx)
{
	size_t len;
	char *data = slurp(dir, name, &len);
	struct csv_reader r;
	struct qerror e = {0};
	csv_init(&r, data, len);
	assert_int_equal(csv_next(&r, &e), 1);
	/* The header, rebuilt from the fields. */
	char got[512] = "";
	for (size_t i = 0; i < r.nfields; i++) {
		if (i)
			strncat(got, ",", sizeof got - strlen(got) - 1);
		strncat(got, r.field[i], sizeof got - strlen(got) - 1);
	}
	assert_string_equal(got, header);
	long rows = 0, expect_line = 2;
	int rc;
	while ((rc = csv_next(&r, &e)) == 1) {
		assert_int_equal(r.nfields, nfields);
		assert_int_equal(r.record_line, expect_line++); /* one line per record: labels use line numbers */
		fn(&r, ctx);
		rows++;
	}
	assert_int_equal(rc, 0);
	csv_free(&r);
	free(data);
	return rows;
}

struct world {
	char (*usccs)[USCC_LEN + 1];
	long nusccs;
	char segs[64][48];
	int nsegs;
	char supply_concept[SUPPLIES + 2][32];
	char supply_title[SUPPLIES + 2][160];
	char supply_certs[SUPPLIES + 2][96];
	char demand_concept[DEMANDS + 2][32];
	char demand_certs[DEMANDS + 2][96];
	int demand_family[DEMANDS + 2], supply_family[SUPPLIES + 2];
};

static void add_enterprise(struct csv_reader *r, void *ctx)
{
	struct world *w = ctx;
	char canon[USCC_LEN + 1];
	struct qerror e = {0};
	assert_int_equal(uscc_check(r->field[0], canon, &e), QERR_OK);
	assert_non_null(region_find(r->field[2]));
	w->usccs = realloc(w->usccs, (size_t)(w->nusccs + 1) * sizeof *w->usccs);
	snprintf(w->usccs[w->nusccs++], USCC_LEN + 1, "%s", canon);
}

static void add_segment(struct csv_reader *r, void *ctx)
{
	struct world *w = ctx;
	assert_true(w->nsegs < 64);
	assert_true(strlen(r->field[1]) > 0 && strlen(r->field[3]) > 0);
	snprintf(w->segs[w->nsegs++], 48, "%s/%s", r->field[0], r->field[2]);
}

static int cmp_uscc(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void check_enterprise(const struct world *w, const char *uscc)
{
	char canon[USCC_LEN + 1];
	struct qerror e = {0};
	assert_int_equal(uscc_check(uscc, canon, &e), QERR_OK);
	assert_non_null(bsearch(canon, w->usccs, (size_t)w->nusccs, sizeof *w->usccs, cmp_uscc));
}

static void check_segment(const struct world *w, const char *chain, const char *seg)
{
	assert_int_equal(*chain == 0, *seg == 0); /* both or neither */
	if (!*chain)
		return;
	char key[48];
	snprintf(key, sizeof key, "%s/%s", chain, seg);
	for (int i = 0; i < w->nsegs; i++)
		if (strcmp(w->segs[i], key) == 0)
			return;
	fail_msg("segment %s not in segments.csv", key);
}

/* A region code of 2, 4 or 6 digits that names a real division. */
static void check_region(const char *code)
{
	size_t n = strlen(code);
	assert_true(n == 2 || n == 4 || n == 6);
	char full[7] = "000000";
	memcpy(full, code, n);
	if (!region_find(full))
		fail_msg("region %s does not exist", code);
}

static void check_tags(const char *list)
{
	static const char *const known = ";ISO9001;IATF16949;ISO13485;CE;UL;ISO14001;GMP;CQC;TUV;ROHS;";
	char copy[128], probe[40];
	snprintf(copy, sizeof copy, "%s", list);
	for (char *save = NULL, *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
		snprintf(probe, sizeof probe, ";%s;", t);
		if (!strstr(known, probe))
			fail_msg("unknown certification %s", t);
	}
}

static void check_supply(struct csv_reader *r, void *ctx)
{
	struct world *w = ctx;
	check_enterprise(w, r->field[0]);
	assert_true(strlen(r->field[1]) > 0 && strlen(r->field[2]) > 0);
	check_segment(w, r->field[3], r->field[4]);
	char copy[128];
	snprintf(copy, sizeof copy, "%s", r->field[5]);
	assert_true(strlen(copy) > 0);
	for (char *save = NULL, *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save))
		check_region(t);
	check_tags(r->field[6]);
	snprintf(w->supply_title[r->record_line], sizeof w->supply_title[0], "%s", r->field[1]);
	snprintf(w->supply_certs[r->record_line], sizeof w->supply_certs[0], ";%s;", r->field[6]);
}

static void check_demand(struct csv_reader *r, void *ctx)
{
	struct world *w = ctx;
	check_enterprise(w, r->field[0]);
	assert_true(strlen(r->field[1]) > 0 && strlen(r->field[2]) > 0);
	check_segment(w, r->field[3], r->field[4]);
	assert_true(strtol(r->field[5], NULL, 10) > 0);
	assert_true(strlen(r->field[6]) > 0);
	assert_true(strtoll(r->field[7], NULL, 10) >= 0);
	assert_int_equal(strlen(r->field[8]), 20); /* 2099-01-01T00:00:00Z */
	assert_int_equal(strlen(r->field[9]), 6);
	check_region(r->field[9]);
	check_tags(r->field[10]);
	snprintf(w->demand_certs[r->record_line], sizeof w->demand_certs[0], "%s", r->field[10]);
}

static void read_truth(struct csv_reader *r, void *ctx)
{
	struct world *w = ctx;
	long line = strtol(r->field[1], NULL, 10);
	int fam = (int)strtol(r->field[3], NULL, 10);
	if (r->field[0][0] == 's') {
		assert_true(line >= 2 && line < SUPPLIES + 2);
		snprintf(w->supply_concept[line], sizeof w->supply_concept[0], "%s", r->field[2]);
		w->supply_family[line] = fam;
	} else {
		assert_true(line >= 2 && line < DEMANDS + 2);
		snprintf(w->demand_concept[line], sizeof w->demand_concept[0], "%s", r->field[2]);
		w->demand_family[line] = fam;
	}
}

struct label_stats {
	struct world *w;
	long rows, demands_seen[DEMANDS + 2];
};

static void check_label(struct csv_reader *r, void *ctx)
{
	struct label_stats *ls = ctx;
	struct world *w = ls->w;
	long d = strtol(r->field[0], NULL, 10), s = strtol(r->field[1], NULL, 10);
	int grade = (int)strtol(r->field[2], NULL, 10);
	assert_true(d >= 2 && d < LABELLED + 2);
	assert_true(s >= 2 && s < SUPPLIES + 2);
	assert_true(grade == 1 || grade == 2);
	/* Same concept; grade 2 exactly when the spec family agrees too. */
	assert_string_equal(w->supply_concept[s], w->demand_concept[d]);
	assert_int_equal(grade == 2, w->supply_family[s] == w->demand_family[d]);
	/* The supply holds every certification the demand requires. */
	char copy[96], probe[40];
	snprintf(copy, sizeof copy, "%s", w->demand_certs[d]);
	for (char *save = NULL, *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
		snprintf(probe, sizeof probe, ";%s;", t);
		assert_non_null(strstr(w->supply_certs[s], probe));
	}
	/* Never a 电视机 listing for a 电机 demand. */
	if (strstr(w->demand_concept[d], "motor"))
		assert_null(strstr(w->supply_title[s], "电视机"));
	ls->rows++;
	ls->demands_seen[d]++;
}

static void test_every_row_is_valid_and_labels_follow_the_truth(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	assert_non_null(w);
	assert_true(each_row(dir_a, "enterprises.csv",
			     "uscc,name,region,industry,employees,revenue_wan,assets_wan,level", 8, add_enterprise,
			     w) > 0);
	qsort(w->usccs, (size_t)w->nusccs, sizeof *w->usccs, cmp_uscc);
	assert_true(
	    each_row(dir_a, "segments.csv", "chain,chain_name,segment,segment_name,upstream", 5, add_segment, w) > 6);
	assert_int_equal(each_row(dir_a, "truth.csv", "kind,line,concept,family", 4, read_truth, w),
			 SUPPLIES + DEMANDS);
	assert_int_equal(each_row(dir_a, "supplies.csv", "uscc,title,description,chain,segment,regions,certifications",
				  7, check_supply, w),
			 SUPPLIES);
	assert_int_equal(each_row(dir_a, "demands.csv",
				  "uscc,title,description,chain,segment,quantity,unit,budget_fen,deadline,region,"
				  "certifications",
				  11, check_demand, w),
			 DEMANDS);
	struct label_stats *ls = calloc(1, sizeof *ls);
	assert_non_null(ls);
	ls->w = w;
	assert_true(each_row(dir_a, "labels.csv", "demand_line,supply_line,grade", 3, check_label, ls) > LABELLED);
	/* Labels are complete: every supply of the demand's concept holding its certifications is listed. */
	for (long d = 2; d < LABELLED + 2; d++) {
		long expect = 0;
		for (long s = 2; s < SUPPLIES + 2; s++) {
			if (strcmp(w->supply_concept[s], w->demand_concept[d]) != 0)
				continue;
			char copy[96], probe[40];
			int ok = 1;
			snprintf(copy, sizeof copy, "%s", w->demand_certs[d]);
			for (char *save = NULL, *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
				snprintf(probe, sizeof probe, ";%s;", t);
				ok = ok && strstr(w->supply_certs[s], probe) != NULL;
			}
			expect += ok;
		}
		assert_int_equal(ls->demands_seen[d], expect);
	}
	free(ls);
	free(w->usccs);
	free(w);
}

static void test_distractors_are_other_concepts(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	assert_non_null(w);
	assert_true(each_row(dir_a, "truth.csv", "kind,line,concept,family", 4, read_truth, w) > 0);
	assert_true(each_row(dir_a, "enterprises.csv",
			     "uscc,name,region,industry,employees,revenue_wan,assets_wan,level", 8, add_enterprise,
			     w) > 0);
	qsort(w->usccs, (size_t)w->nusccs, sizeof *w->usccs, cmp_uscc);
	assert_true(
	    each_row(dir_a, "segments.csv", "chain,chain_name,segment,segment_name,upstream", 5, add_segment, w) > 0);
	each_row(dir_a, "supplies.csv", "uscc,title,description,chain,segment,regions,certifications", 7, check_supply,
		 w);
	long tv = 0, motor = 0;
	for (long s = 2; s < SUPPLIES + 2; s++) {
		if (strstr(w->supply_title[s], "电视机")) {
			tv++;
			assert_string_not_equal(w->supply_concept[s], "nev.motor");
			assert_int_equal(strncmp(w->supply_concept[s], "consumer.tv", 11), 0);
		}
		motor += strcmp(w->supply_concept[s], "nev.motor") == 0;
	}
	assert_true(tv > 0 && motor > 0);
	/* The concept table itself: keys are unique and the motor and TV concepts both exist. */
	int n = synth_listing_concepts(), has_tv = 0, has_motor = 0;
	for (int i = 0; i < n; i++) {
		for (int j = i + 1; j < n; j++)
			assert_string_not_equal(synth_listing_concept_key(i), synth_listing_concept_key(j));
		has_tv |= strcmp(synth_listing_concept_key(i), "consumer.tv") == 0;
		has_motor |= strcmp(synth_listing_concept_key(i), "nev.motor") == 0;
	}
	assert_true(has_tv && has_motor);
	assert_null(synth_listing_concept_key(n));
	assert_null(synth_listing_concept_key(-1));
	free(w->usccs);
	free(w);
}

static void test_an_unwritable_directory_is_an_error(void **state)
{
	struct synth_listing_opts o = {10, 2, 2, 0, 1};
	struct qerror e = {0};
	assert_int_equal(synth_listings("/proc/qilian-no-such-dir", &o, NULL, &e), QERR_INVALID);
	assert_string_equal(e.slug, "file_unwritable");
}

static void rm_dir(const char *dir)
{
	char path[256];
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

static int setup(void **state)
{
	gen(dir_a, 5, LABELLED);
	gen(dir_b, 5, LABELLED);
	gen(dir_c, 6, LABELLED);
	return 0;
}

static int teardown(void **state)
{
	rm_dir(dir_a);
	rm_dir(dir_b);
	rm_dir(dir_c);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_seed_same_bytes_other_seed_other_bytes),
	    cmocka_unit_test(test_every_row_is_valid_and_labels_follow_the_truth),
	    cmocka_unit_test(test_distractors_are_other_concepts),
	    cmocka_unit_test(test_an_unwritable_directory_is_an_error),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
