/*
 * graph_cascade.c - the disruption cascade (断链推演, DESIGN.md §4).
 *
 * Tier 0 is knocked out. Every relation from a knocked-out supplier adds its
 * amount to the loss of the (buyer, segment) group it belongs to; a buyer
 * whose loss in any group reaches the threshold share of that group's total
 * is knocked out at the next tier. Each supplier's edges are walked once, so
 * a cascade costs O(edges of knocked-out enterprises), not O(graph).
 * Thresholds compare exactly in integers (basis points): a loss of exactly
 * half meets a 0.5 threshold.
 */
#include "chainmap/graph_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "registry/region.h"

typedef __int128 i128;

static bool reaches(int64_t lost, int64_t total, long long bp)
{
	return total > 0 && (i128)lost * 10000 >= (i128)total * bp;
}

struct cascade {
	int16_t *tier;     /* per enterprise, -1 = not knocked out */
	int64_t *lost;     /* per (buyer, segment) group */
	int64_t *touched;  /* groups with a loss, in first-touch order */
	int64_t ntouched, cap_touched;
	int32_t *order;    /* knocked-out enterprises in tier order */
	int32_t nknocked;
};

static bool touch(struct cascade *c, int64_t grp)
{
	if (c->ntouched == c->cap_touched) {
		int64_t cap = c->cap_touched ? c->cap_touched * 2 : 1024;
		int64_t *t = realloc(c->touched, (size_t)cap * sizeof *t);
		if (!t)
			return false;
		c->touched = t;
		c->cap_touched = cap;
	}
	c->touched[c->ntouched++] = grp;
	return true;
}

static void knock(struct cascade *c, int32_t idx, int tier)
{
	c->tier[idx] = (int16_t)tier;
	c->order[c->nknocked++] = idx;
}

/* Runs the cascade from the enterprises already in c->order (tier 0). */
static bool run(const struct graph *g, struct cascade *c, long long bp, int max_tier)
{
	int32_t begin = 0;
	for (int tier = 0; begin < c->nknocked; tier++) {
		int32_t end = c->nknocked;
		for (int32_t k = begin; k < end; k++) {
			int32_t s = c->order[k];
			for (int64_t e = g->sup_off[s]; e < g->sup_off[s + 1]; e++) {
				int32_t b = g->se_buyer[e];
				int64_t grp = g->se_group[e];
				if (c->lost[grp] == 0 && g->se_amount[e] > 0 && !touch(c, grp))
					return false;
				if (__builtin_add_overflow(c->lost[grp], g->se_amount[e], &c->lost[grp]))
					c->lost[grp] = INT64_MAX;
				if (c->tier[b] < 0 && (max_tier <= 0 || tier + 1 <= max_tier) &&
				    reaches(c->lost[grp], g->grp_total[grp], bp))
					knock(c, b, tier + 1);
			}
		}
		begin = end;
	}
	return true;
}

/* The buyer of a group: binary search in grp_off. */
static int32_t group_buyer(const struct graph *g, int64_t grp)
{
	int32_t lo = 0, hi = g->n - 1;
	while (lo < hi) {
		int32_t mid = lo + (hi - lo + 1) / 2;
		if (g->grp_off[mid] <= grp)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

static json_t *lost_json(const struct graph *g, const struct cascade *c, int64_t grp)
{
	int32_t seg = g->grp_seg[grp];
	return json_pack("{s:s,s:s,s:s,s:f,s:I,s:I}", "chain", g->chain_id[g->seg_chain[seg]], "segment", g->seg_code[seg],
			 "name", g->seg_name[seg], "share", graph_share(c->lost[grp], g->grp_total[grp]), "amount_fen",
			 (json_int_t)c->lost[grp], "total_fen", (json_int_t)g->grp_total[grp]);
}

static enum qerr seed(const struct graph *g, struct db *db, const struct disrupt_options *o, struct cascade *c,
		      struct qerror *err)
{
	if (o->enterprises) {
		for (const char *const *u = o->enterprises; *u; u++) {
			int32_t idx;
			if (graph_find(g, db, *u, "enterprise", &idx, err))
				return err->code;
			if (c->tier[idx] < 0)
				knock(c, idx, 0);
		}
	}
	if (o->region && *o->region) {
		size_t n = strlen(o->region);
		bool digits = n == 2 || n == 4 || n == 6;
		for (size_t i = 0; i < n; i++)
			digits = digits && o->region[i] >= '0' && o->region[i] <= '9';
		char padded[8];
		snprintf(padded, sizeof padded, "%s%s", o->region, n == 2 ? "0000" : n == 4 ? "00" : "");
		if (!digits || !region_find(padded))
			return qerr_set(err, QERR_INVALID, "invalid_region", "region",
					"行政区划代码'%.8s'不存在 (region must be a known 2, 4 or 6 digit GB/T 2260 code)", o->region);
		int32_t v = (int32_t)strtol(o->region, NULL, 10);
		/* A 6-digit province or city code ("320000", "320500") means everything in it. */
		if (n == 6 && v % 10000 == 0)
			v /= 10000, n = 2;
		else if (n == 6 && v % 100 == 0)
			v /= 100, n = 4;
		int32_t scale = n == 2 ? 10000 : n == 4 ? 100 : 1;
		for (int32_t i = 0; i < g->n; i++)
			if (g->ent_region[i] / scale == v && c->tier[i] < 0)
				knock(c, i, 0);
	}
	if (c->nknocked == 0 && !(o->region && *o->region))
		return qerr_set(err, QERR_INVALID, "missing_field", "enterprise",
				"请指定企业或地区 (name at least one enterprise or a region)");
	return QERR_OK;
}

enum qerr graph_disrupt(struct graph *g, struct db *db, const struct disrupt_options *o, json_t **out,
			struct qerror *err)
{
	*out = NULL;
	double threshold = o->threshold > 0 ? o->threshold : 0.5;
	if (!(threshold > 0 && threshold <= 1))
		return qerr_set(err, QERR_INVALID, "out_of_range", "threshold", "阈值应在0到1之间 (threshold must be in (0, 1])");
	long long bp = llround(threshold * 10000.0);
	struct cascade c = {0};
	c.tier = malloc((size_t)(g->n ? g->n : 1) * sizeof *c.tier);
	c.order = malloc((size_t)(g->n ? g->n : 1) * sizeof *c.order);
	c.lost = calloc((size_t)(g->ngroups ? g->ngroups : 1), sizeof *c.lost); /* untouched pages stay unmapped */
	enum qerr rc = QERR_OK;
	if (!c.tier || !c.order || !c.lost) {
		rc = qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		goto done;
	}
	memset(c.tier, 0xff, (size_t)g->n * sizeof *c.tier);
	if ((rc = seed(g, db, o, &c, err)))
		goto done;
	double t0 = graph_now_ms();
	if (!run(g, &c, bp, o->max_tier)) {
		rc = qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		goto done;
	}
	double compute_ms = graph_now_ms() - t0;

	/* Report: knocked-out enterprises with their losses, then buyers that lost less than the threshold. */
	json_t **lost_of = calloc((size_t)(g->n ? g->n : 1), sizeof *lost_of);
	if (!lost_of) {
		rc = qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		goto done;
	}
	int max_tier_seen = 0;
	for (int32_t k = 0; k < c.nknocked; k++)
		if (c.tier[c.order[k]] > max_tier_seen)
			max_tier_seen = c.tier[c.order[k]];
	json_t *per_tier = json_array();
	for (int t = 0; t <= max_tier_seen; t++)
		json_array_append_new(per_tier, json_pack("{s:i,s:i}", "tier", t, "enterprises", 0));
	json_t *per_seg = json_object();
	int64_t partial = 0;
	for (int64_t k = 0; k < c.ntouched; k++) {
		int64_t grp = c.touched[k];
		int32_t b = group_buyer(g, grp);
		if (!lost_of[b])
			lost_of[b] = json_array();
		json_array_append_new(lost_of[b], lost_json(g, &c, grp));
		int32_t seg = g->grp_seg[grp];
		char key[160];
		snprintf(key, sizeof key, "%s/%s", g->chain_id[g->seg_chain[seg]], g->seg_code[seg]);
		json_t *ps = json_object_get(per_seg, key);
		if (!ps) {
			ps = json_pack("{s:s,s:s,s:s,s:i,s:i,s:I}", "chain", g->chain_id[g->seg_chain[seg]], "segment",
				       g->seg_code[seg], "name", g->seg_name[seg], "knocked_out_buyers", 0, "partially_affected_buyers",
				       0, "lost_fen", (json_int_t)0);
			json_object_set_new(per_seg, key, ps);
		}
		const char *field = c.tier[b] >= 0 ? "knocked_out_buyers" : "partially_affected_buyers";
		json_object_set_new(ps, field, json_integer(json_integer_value(json_object_get(ps, field)) + 1));
		json_object_set_new(ps, "lost_fen",
				    json_integer(json_integer_value(json_object_get(ps, "lost_fen")) + c.lost[grp]));
	}
	json_t *affected = json_array(), *partial_list = json_array();
	for (int32_t k = 0; k < c.nknocked; k++) {
		int32_t idx = c.order[k];
		json_t *row = graph_enterprise_json(g, idx);
		json_object_set_new(row, "tier", json_integer(c.tier[idx]));
		json_object_set_new(row, "lost", lost_of[idx] ? lost_of[idx] : json_array());
		lost_of[idx] = NULL;
		json_array_append_new(affected, row);
		json_t *pt = json_array_get(per_tier, (size_t)c.tier[idx]);
		json_object_set_new(pt, "enterprises", json_integer(json_integer_value(json_object_get(pt, "enterprises")) + 1));
	}
	for (int64_t k = 0; k < c.ntouched; k++) {
		int32_t b = group_buyer(g, c.touched[k]);
		if (!lost_of[b])
			continue; /* knocked out (moved above) or already listed */
		json_t *row = graph_enterprise_json(g, b);
		json_object_set_new(row, "lost", lost_of[b]);
		lost_of[b] = NULL;
		json_array_append_new(partial_list, row);
		partial++;
	}
	free(lost_of);
	json_t *segs = json_array();
	for (void *it = json_object_iter(per_seg); it; it = json_object_iter_next(per_seg, it))
		json_array_append(segs, json_object_iter_value(it));
	json_decref(per_seg);
	*out = json_pack("{s:f,s:o,s:i,s:i,s:o,s:o,s:o,s:o,s:f}", "threshold", threshold, "max_tier",
			 o->max_tier > 0 ? json_integer(o->max_tier) : json_null(), "knocked_out", c.nknocked,
			 "partially_affected_count", (int)partial, "affected", affected, "partially_affected", partial_list,
			 "totals_per_tier", per_tier, "totals_per_segment", segs, "compute_ms", compute_ms);
done:
	free(c.tier);
	free(c.order);
	free(c.lost);
	free(c.touched);
	return rc;
}
