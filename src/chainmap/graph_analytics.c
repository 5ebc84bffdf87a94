/*
 * graph_analytics.c - segment health (薄弱环节), a buyer's suppliers and
 * single sources, the local supporting rate (周边配套率) and gap-filling
 * candidates (精准补链), all on the snapshot (graph_internal.h).
 *
 * HHI thresholds are compared exactly: HHI >= t  <=>  sum(a_i^2) >= t * T^2,
 * evaluated in 128-bit integers with t in basis points, so a segment at
 * exactly 0.25 is a weak link regardless of floating-point rounding.
 */
#include "chainmap/graph_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "registry/classify.h"
#include "registry/region.h"

typedef unsigned __int128 u128;

static const char *const level_names[] = {"none", "innovative", "provincial", "little_giant"};
static const char *const level_reason[] = {"非专精特新 (not a 专精特新 SME)", "创新型中小企业 (innovative SME)",
					   "省级专精特新 (provincial specialised SME)",
					   "国家级专精特新\"小巨人\" (national little giant)"};

/* sum_sq / total^2 >= threshold, exactly for thresholds in basis points. */
static bool hhi_at_least(u128 sum_sq, int64_t total, double threshold)
{
	if (total <= 0)
		return false;
	long long bp = llround(threshold * 10000.0);
	u128 t2 = (u128)total * (u128)total;
	/* t2 * bp must not overflow: 2^128 / 10000 is about 3.4e34, so total up to ~1.8e17 fen is exact. */
	if (total < (int64_t)180000000000000000LL && sum_sq <= ((u128)-1) / 10000)
		return sum_sq * 10000 >= t2 * (u128)bp;
	return (long double)sum_sq / ((long double)total * (long double)total) >= (long double)threshold;
}

static double hhi_value(u128 sum_sq, int64_t total)
{
	if (total <= 0)
		return 0.0;
	return (double)((long double)sum_sq / ((long double)total * (long double)total));
}

static void add_sat(int64_t *acc, int64_t v)
{
	if (__builtin_add_overflow(*acc, v, acc))
		*acc = INT64_MAX;
}

/* Parses a region prefix (2, 4 or 6 digits) into the numeric range [lo, hi) of 6-digit codes. */
static enum qerr region_range(const char *prefix, int32_t *lo, int32_t *hi, struct qerror *err)
{
	size_t n = prefix ? strlen(prefix) : 0;
	bool digits = n > 0;
	for (size_t i = 0; i < n; i++)
		digits = digits && prefix[i] >= '0' && prefix[i] <= '9';
	if (!digits || (n != 2 && n != 4 && n != 6))
		return qerr_set(err, QERR_INVALID, "invalid_region", "region",
				"地区应为2、4或6位行政区划代码前缀 (region must be a 2, 4 or 6 digit GB/T 2260 prefix)");
	char padded[8];
	snprintf(padded, sizeof padded, "%s%s", prefix, n == 2 ? "0000" : n == 4 ? "00" : "");
	if (!region_find(padded))
		return qerr_set(err, QERR_INVALID, "invalid_region", "region",
				"行政区划代码'%s'不存在 (unknown GB/T 2260 region %s)", prefix, prefix);
	int32_t v = (int32_t)strtol(prefix, NULL, 10), scale = n == 2 ? 10000 : n == 4 ? 100 : 1;
	if (n == 6 && region_prefix_len(prefix) < 6)
		scale = region_prefix_len(prefix) == 2 ? 10000 : 100, v /= scale;
	*lo = v * scale;
	*hi = (v + 1) * scale;
	return QERR_OK;
}

/*
 * Capable enterprises per segment of the chain, in the region [lo, hi) if lo.
 * Regions come from the snapshot rather than a join with enterprises: the
 * join cost a lookup in the enterprise table per capability (90 % of a full
 * health scan at 1 M enterprises).
 */
static enum qerr capable_counts(struct graph *g, struct db *db, const char *chain, int32_t lo, int32_t hi,
				int64_t *capable, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db,
					"SELECT c.sid,c.enterprise_id FROM capabilities c"
					" WHERE c.sid IN (SELECT sid FROM segments WHERE chain_id=?1)",
					err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, chain);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t sid = db_col_int64(st, 0), id = db_col_int64(st, 1);
		if (sid > g->max_sid || g->seg_of_sid[sid] < 0 || id > g->max_id || g->idx_of_id[id] < 0)
			continue; /* written after the snapshot: the next snapshot counts it */
		int32_t region = g->ent_region[g->idx_of_id[id]];
		if (lo && (region < lo || region >= hi))
			continue;
		capable[g->seg_of_sid[sid]]++;
	}
	db_reset(st);
	return rc < 0 ? err->code : QERR_OK;
}

enum qerr graph_health(struct graph *g, struct db *db, const char *chain, const struct health_options *o, json_t **out,
		       struct qerror *err)
{
	*out = NULL;
	double t0 = graph_now_ms();
	int32_t ci = -1;
	if (graph_find_chain(g, chain, &ci, err))
		return err->code;
	int32_t lo = 0, hi = 0;
	if (o->region && *o->region && region_range(o->region, &lo, &hi, err))
		return err->code;
	int min_sup = o->min_suppliers > 0 ? o->min_suppliers : 2;
	double max_hhi = o->max_hhi > 0 ? o->max_hhi : 0.25;
	size_t ns = (size_t)g->nseg;
	int64_t *active = calloc(ns + 1, sizeof *active), *total = calloc(ns + 1, sizeof *total);
	int64_t *zjtx = calloc(ns + 1, sizeof *zjtx), *capable = calloc(ns + 1, sizeof *capable);
	u128 *sumsq = calloc(ns + 1, sizeof *sumsq);
	int64_t *prov = calloc((ns + 1) * 100, sizeof *prov); /* per segment, per province (first two digits) */
	enum qerr rc = QERR_OK;
	if (!active || !total || !zjtx || !capable || !sumsq || !prov) {
		rc = qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		goto done;
	}
	for (int32_t s = 0; s < g->n; s++) {
		if (lo && (g->ent_region[s] < lo || g->ent_region[s] >= hi))
			continue;
		for (int64_t i = g->sup_off[s], end = g->sup_off[s + 1]; i < end;) {
			int32_t seg = g->grp_seg[g->se_group[i]];
			int64_t a = 0;
			int counted = 0;
			for (; i < end && g->grp_seg[g->se_group[i]] == seg; i++) {
				if (o->only_buyer_org > 0 && g->ent_org[g->se_buyer[i]] != o->only_buyer_org)
					continue;
				add_sat(&a, g->se_amount[i]);
				counted++;
			}
			if (!counted || g->seg_chain[seg] != ci)
				continue;
			active[seg]++;
			add_sat(&total[seg], a);
			sumsq[seg] += (u128)a * (u128)a;
			add_sat(&prov[(size_t)seg * 100 + (size_t)(g->ent_region[s] / 10000) % 100], a);
			if (g->ent_level[s] > 0)
				add_sat(&zjtx[seg], a);
		}
	}
	if ((rc = capable_counts(g, db, chain, lo, hi, capable, err)))
		goto done;
	json_t *segs = json_array();
	int weak_count = 0;
	for (int32_t seg = 0; seg < g->nseg; seg++) {
		if (g->seg_chain[seg] != ci)
			continue;
		u128 psq = 0;
		for (int p = 0; p < 100; p++)
			psq += (u128)prov[(size_t)seg * 100 + p] * (u128)prov[(size_t)seg * 100 + p];
		json_t *rules = json_array();
		if (active[seg] <= min_sup)
			json_array_append_new(rules, json_sprintf("active_suppliers<=%d", min_sup));
		if (hhi_at_least(sumsq[seg], total[seg], max_hhi))
			json_array_append_new(rules, json_sprintf("hhi>=%g", max_hhi));
		if (hhi_at_least(psq, total[seg], max_hhi))
			json_array_append_new(rules, json_sprintf("province_hhi>=%g", max_hhi));
		bool weak = json_array_size(rules) > 0;
		weak_count += weak;
		json_array_append_new(segs, json_pack("{s:s,s:s,s:I,s:I,s:I,s:f,s:f,s:f,s:b,s:o}", "segment", g->seg_code[seg],
						      "name", g->seg_name[seg], "capable", (json_int_t)capable[seg],
						      "active_suppliers", (json_int_t)active[seg], "amount_fen",
						      (json_int_t)total[seg], "hhi", hhi_value(sumsq[seg], total[seg]),
						      "province_hhi", hhi_value(psq, total[seg]), "zjtx_share",
						      graph_share(zjtx[seg], total[seg]), "weak", weak, "weak_rules", rules));
	}
	*out = json_pack("{s:s,s:o,s:{s:i,s:f},s:o,s:i,s:f}", "chain", chain, "region",
			 o->region && *o->region ? json_string(o->region) : json_null(), "thresholds", "min_suppliers",
			 min_sup, "max_hhi", max_hhi, "segments", segs, "weak_count", weak_count, "compute_ms",
			 graph_now_ms() - t0);
	if (o->only_buyer_org > 0)
		json_object_set_new(*out, "supply_base_of_org", json_integer(o->only_buyer_org));
done:
	free(active);
	free(total);
	free(zjtx);
	free(capable);
	free(sumsq);
	free(prov);
	return rc;
}

static int cmp_amount_desc(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t ax = json_integer_value(json_object_get(x, "amount_fen"));
	json_int_t ay = json_integer_value(json_object_get(y, "amount_fen"));
	if (ax != ay)
		return ax > ay ? -1 : 1;
	return strcmp(json_string_value(json_object_get(x, "uscc")), json_string_value(json_object_get(y, "uscc")));
}

enum qerr graph_suppliers(struct graph *g, struct db *db, const char *buyer_uscc, const char *chain, json_t **out,
			  struct qerror *err)
{
	*out = NULL;
	int32_t b, ci = -1;
	if (graph_find(g, db, buyer_uscc, "buyer", &b, err))
		return err->code;
	if (chain && *chain && graph_find_chain(g, chain, &ci, err))
		return err->code;
	json_t *segs = json_array();
	int singles = 0;
	for (int64_t grp = g->grp_off[b]; grp < g->grp_off[b + 1]; grp++) {
		int32_t seg = g->grp_seg[grp];
		if (ci >= 0 && g->seg_chain[seg] != ci)
			continue;
		int64_t total = g->grp_total[grp];
		size_t count = (size_t)(g->grp_start[grp + 1] - g->grp_start[grp]);
		json_t **rows = calloc(count ? count : 1, sizeof *rows);
		double hhi = 0;
		u128 sq = 0;
		for (size_t k = 0; k < count; k++) {
			int64_t e = g->grp_start[grp] + (int64_t)k;
			json_t *row = graph_enterprise_json(g, g->be_supplier[e]);
			double share = graph_share(g->be_amount[e], total);
			json_object_set_new(row, "amount_fen", json_integer(g->be_amount[e]));
			json_object_set_new(row, "share", json_real(share));
			json_object_set_new(row, "level", json_string(level_names[g->ent_level[g->be_supplier[e]]]));
			sq += (u128)g->be_amount[e] * (u128)g->be_amount[e];
			if (rows)
				rows[k] = row;
			else
				json_decref(row);
		}
		hhi = hhi_value(sq, total);
		json_t *list = json_array();
		if (rows) {
			qsort(rows, count, sizeof *rows, cmp_amount_desc);
			for (size_t k = 0; k < count; k++)
				json_array_append_new(list, rows[k]);
			free(rows);
		}
		bool single = count == 1;
		singles += single;
		json_array_append_new(segs, json_pack("{s:s,s:s,s:s,s:I,s:i,s:f,s:b,s:o}", "chain",
						      g->chain_id[g->seg_chain[seg]], "segment", g->seg_code[seg], "name",
						      g->seg_name[seg], "total_fen", (json_int_t)total, "supplier_count",
						      (int)count, "hhi", hhi, "single_source", single, "suppliers", list));
	}
	*out = json_pack("{s:o,s:o,s:i}", "buyer", graph_enterprise_json(g, b), "segments", segs, "single_source_count",
			 singles);
	return QERR_OK;
}

static int32_t region_key(int32_t region, enum region_level level)
{
	return level == REGION_PROVINCE ? region / 10000 : level == REGION_CITY ? region / 100 : region;
}

enum qerr graph_local_rate(struct graph *g, struct db *db, const char *buyer_uscc, enum region_level level,
			   json_t **out, struct qerror *err)
{
	*out = NULL;
	int32_t b;
	if (graph_find(g, db, buyer_uscc, "buyer", &b, err))
		return err->code;
	int32_t home = region_key(g->ent_region[b], level);
	int64_t local_all = 0, total_all = 0;
	json_t *segs = json_array();
	for (int64_t grp = g->grp_off[b]; grp < g->grp_off[b + 1]; grp++) {
		int64_t local = 0;
		for (int64_t e = g->grp_start[grp]; e < g->grp_start[grp + 1]; e++)
			if (region_key(g->ent_region[g->be_supplier[e]], level) == home)
				add_sat(&local, g->be_amount[e]);
		int64_t total = g->grp_total[grp];
		add_sat(&local_all, local);
		add_sat(&total_all, total);
		int32_t seg = g->grp_seg[grp];
		json_array_append_new(segs, json_pack("{s:s,s:s,s:s,s:o,s:I,s:I}", "chain", g->chain_id[g->seg_chain[seg]],
						      "segment", g->seg_code[seg], "name", g->seg_name[seg], "rate",
						      total > 0 ? json_real(graph_share(local, total)) : json_null(),
						      "local_amount_fen", (json_int_t)local, "total_amount_fen", (json_int_t)total));
	}
	char code[8], name[160];
	int32_t scale = level == REGION_PROVINCE ? 10000 : level == REGION_CITY ? 100 : 1;
	snprintf(code, sizeof code, "%06d", home * scale);
	const char *lvl = level == REGION_PROVINCE ? "province" : level == REGION_CITY ? "city" : "county";
	*out = json_pack("{s:o,s:s,s:s,s:s,s:o,s:I,s:I,s:o}", "buyer", graph_enterprise_json(g, b), "level", lvl, "region",
			 code, "region_name", region_full_name(code, name, sizeof name), "rate",
			 total_all > 0 ? json_real(graph_share(local_all, total_all)) : json_null(), "local_amount_fen",
			 (json_int_t)local_all, "total_amount_fen", (json_int_t)total_all, "segments", segs);
	return QERR_OK;
}

struct candidate {
	int32_t idx;
	int level, proximity, size_rank;
	int64_t capacity; /* -1 = not declared */
};

/* SMEs first (the policy guides SMEs into gaps), larger SMEs before smaller; large enterprises last. */
static int size_rank(uint8_t size)
{
	switch (size) {
	case SIZE_MEDIUM: return 3;
	case SIZE_SMALL: return 2;
	case SIZE_MICRO: return 1;
	default: return 0;
	}
}

static int cmp_candidate(const void *pa, const void *pb, void *ctx)
{
	const struct graph *g = ctx;
	const struct candidate *a = pa, *b = pb;
	if (a->level != b->level)
		return b->level - a->level;
	if (a->proximity != b->proximity)
		return b->proximity - a->proximity;
	if (a->size_rank != b->size_rank)
		return b->size_rank - a->size_rank;
	if (a->capacity != b->capacity)
		return a->capacity > b->capacity ? -1 : 1;
	return strcmp(g->ent_uscc[a->idx], g->ent_uscc[b->idx]);
}

static json_t *fill_reasons(const struct candidate *c, bool have_ref)
{
	static const char *const prox_zh[] = {"不同省份 (another province)", "同省 (same province)", "同市 (same city)",
					      "同区县 (same county)"};
	static const char *const size_zh[] = {"大型企业 (large)", "微型企业 (micro)", "小型企业 (small)", "中型企业 (medium)"};
	json_t *r = json_array();
	json_array_append_new(r, json_string(level_reason[c->level & 3]));
	if (have_ref)
		json_array_append_new(r, json_string(prox_zh[c->proximity]));
	json_array_append_new(r, json_string(size_zh[c->size_rank]));
	if (c->capacity >= 0)
		json_array_append_new(r, json_sprintf("产能 %lld (capacity)", (long long)c->capacity));
	return r;
}

enum qerr graph_fill(struct graph *g, struct db *db, const char *chain, const char *segment,
		     const struct fill_options *o, json_t **out, struct qerror *err)
{
	*out = NULL;
	int32_t seg, b = -1, ref = -1;
	if (graph_find_segment(g, chain, segment, &seg, err))
		return err->code;
	if (o->buyer && *o->buyer) {
		if (graph_find(g, db, o->buyer, "buyer", &b, err))
			return err->code;
		ref = g->ent_region[b];
	} else if (o->region && *o->region) {
		int32_t lo, hi;
		if (region_range(o->region, &lo, &hi, err))
			return err->code;
		ref = lo;
	}
	int limit = o->limit > 0 ? o->limit : 20;
	/* Current suppliers of the buyer in this segment are not candidates. */
	int64_t grp = -1;
	for (int64_t k = b >= 0 ? g->grp_off[b] : 0; b >= 0 && k < g->grp_off[b + 1]; k++)
		if (g->grp_seg[k] == seg)
			grp = k;
	struct db_stmt *st = db_prepare(db, "SELECT enterprise_id,capacity FROM capabilities WHERE sid=?", err);
	if (!st)
		return err->code;
	db_bind_int64(st, 1, g->seg_sid[seg]);
	size_t cap = 64, n = 0, excluded = 0, capable = 0;
	struct candidate *c = malloc(cap * sizeof *c);
	bool oom = c == NULL;
	int rc = DB_DONE;
	while (!oom && (rc = db_step(st, err)) == DB_ROW) {
		int64_t id = db_col_int64(st, 0);
		if (id > g->max_id || g->idx_of_id[id] < 0)
			continue;
		int32_t idx = g->idx_of_id[id];
		capable++;
		bool current = idx == b;
		for (int64_t e = grp >= 0 ? g->grp_start[grp] : 0; grp >= 0 && e < g->grp_start[grp + 1]; e++)
			current = current || g->be_supplier[e] == idx;
		if (current) {
			excluded++;
			continue;
		}
		if (n == cap) {
			struct candidate *nc = realloc(c, (cap * 2) * sizeof *c);
			if (!nc) {
				oom = true;
				break;
			}
			c = nc;
			cap *= 2;
		}
		c[n++] = (struct candidate){
		    idx, g->ent_level[idx], ref >= 0 ? graph_region_proximity(g->ent_region[idx], ref) : 0,
		    size_rank(g->ent_size[idx]), db_col_is_null(st, 1) ? -1 : db_col_int64(st, 1)};
	}
	db_reset(st);
	if (oom || rc < 0) {
		free(c);
		return oom ? qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory") : err->code;
	}
	qsort_r(c, n, sizeof *c, cmp_candidate, g);
	json_t *list = json_array();
	static const char *const size_names[] = {"large", "medium", "small", "micro"};
	for (size_t i = 0; i < n && (int)i < limit; i++) {
		json_t *row = graph_enterprise_json(g, c[i].idx);
		json_object_set_new(row, "rank", json_integer((json_int_t)i + 1));
		json_object_set_new(row, "level", json_string(level_names[c[i].level]));
		json_object_set_new(row, "size", json_string(size_names[g->ent_size[c[i].idx] & 3]));
		json_object_set_new(row, "capacity", c[i].capacity >= 0 ? json_integer(c[i].capacity) : json_null());
		json_object_set_new(row, "proximity", json_integer(c[i].proximity));
		json_object_set_new(row, "reasons", fill_reasons(&c[i], ref >= 0));
		json_array_append_new(list, row);
	}
	free(c);
	*out = json_pack("{s:s,s:s,s:s,s:i,s:i,s:i,s:o,s:s}", "chain", chain, "segment", segment, "name",
			 g->seg_name[seg], "capable", (int)capable, "candidate_count", (int)n, "excluded_current_suppliers",
			 (int)excluded, "candidates", list, "ranking",
			 "专精特新等级 > 区位邻近(区县>市>省>其他) > 企业规模(中>小>微>大) > 产能 (level, proximity, size, capacity)");
	json_object_set_new(*out, "buyer", b >= 0 ? graph_enterprise_json(g, b) : json_null());
	return QERR_OK;
}
