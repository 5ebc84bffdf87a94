/*
 * graph_internal.h - the layout of a supply graph snapshot, shared by the
 * files that build it (graph.c) and analyse it (graph_*.c). Not for use
 * outside src/chainmap.
 *
 * Enterprises are numbered 0..n-1 (idx). Every relation is an edge
 * supplier -> buyer in one segment with an annual amount. The edges are
 * stored twice:
 *   by buyer:    buy_off[b]..buy_off[b+1]  grouped by segment ("groups":
 *                one per (buyer, segment) with the segment's total), each
 *                edge naming its supplier and amount;
 *   by supplier: sup_off[s]..sup_off[s+1]  ordered by segment, each edge
 *                naming its buyer, the buyer's group and the amount.
 */
#ifndef QILIAN_GRAPH_INTERNAL_H
#define QILIAN_GRAPH_INTERNAL_H
#include <stdatomic.h>
#include <stdint.h>
#include "chainmap/graph.h"

struct graph {
	int64_t version_relations, version_enterprises;
	atomic_int refs;
	double build_ms;
	size_t bytes;

	/* enterprises */
	int32_t n;
	int64_t *ent_id;      /* database id */
	int64_t *ent_org;     /* owning organisation, 0 = none */
	int32_t *ent_region;  /* GB/T 2260 code as a number */
	uint8_t *ent_level;   /* 0 none, 1 innovative, 2 provincial, 3 little_giant */
	uint8_t *ent_size;    /* enum size_class */
	char (*ent_uscc)[19];
	char *name_pool;      /* names, NUL-separated */
	uint32_t *name_off;
	int32_t *idx_of_id;   /* database id -> idx, -1 for none */
	int64_t max_id;

	/* chains and segments */
	int32_t nchains;
	char **chain_id;
	int32_t nseg;
	int64_t *seg_sid;
	int32_t *seg_chain;   /* index into chain_id */
	char **seg_code;
	char **seg_name;
	int32_t *seg_of_sid;  /* sid -> segment index, -1 for none */
	int64_t max_sid;

	/* edges by buyer, grouped by segment */
	int64_t nedges;
	int64_t *buy_off;     /* n+1 */
	int32_t *be_supplier;
	int64_t *be_amount;
	int64_t *grp_off;     /* n+1: groups of buyer b are grp_off[b]..grp_off[b+1] */
	int64_t ngroups;
	int32_t *grp_seg;
	int64_t *grp_start;   /* ngroups+1: the group's edges in the by-buyer arrays */
	int64_t *grp_total;   /* saturating sum of the group's amounts */

	/* edges by supplier, ordered by segment */
	int64_t *sup_off;     /* n+1 */
	int32_t *se_buyer;
	int64_t *se_group;
	int64_t *se_amount;
};

static inline const char *graph_name(const struct graph *g, int32_t idx)
{
	return g->name_pool + g->name_off[idx];
}

/* idx of the enterprise with this USCC (any case), or a QERR_NOT_FOUND/QERR_INVALID naming field. */
enum qerr graph_find(const struct graph *g, struct db *db, const char *uscc, const char *field, int32_t *idx,
		     struct qerror *err);

/* Segment index for (chain, code), or QERR_NOT_FOUND naming field "segment". */
enum qerr graph_find_segment(const struct graph *g, const char *chain, const char *code, int32_t *seg,
			     struct qerror *err);

/* Chain index, or QERR_NOT_FOUND naming field "chain". */
enum qerr graph_find_chain(const struct graph *g, const char *chain, int32_t *ci, struct qerror *err);

/* {uscc, name, region} of an enterprise (new reference). */
json_t *graph_enterprise_json(const struct graph *g, int32_t idx);

/* Proximity of two regions: 3 same county, 2 same city, 1 same province, 0 otherwise. */
int graph_region_proximity(int32_t a, int32_t b);

/* Share a/b as a double, 0 when b is 0. */
double graph_share(int64_t a, int64_t b);

/* Monotonic milliseconds, for the compute_ms fields. */
double graph_now_ms(void);

#endif
