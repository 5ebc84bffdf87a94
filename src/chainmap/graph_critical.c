/*
 * graph_critical.c - critical enterprises (单点依赖 across tiers): for each
 * segment a buyer buys, the enterprises that every supply path of that
 * segment into the buyer passes through.
 *
 * Model: a virtual root R stands for the buyer buying that segment, with an
 * edge to each of its suppliers in the segment; every enterprise has edges
 * to its own suppliers (any segment); enterprises without suppliers are the
 * sources of supply paths and get an edge to a virtual sink T. The critical
 * enterprises are the dominators of T with respect to R - what a dominator
 * tree (Lengauer-Tarjan, Cooper-Harvey-Kennedy, igraph_dominator_tree) would
 * give as T's ancestors. We only need T's dominators, so we use the linear
 * path method: take any R->T path P; a vertex p_i on P dominates T exactly
 * when no vertex reachable from p_0..p_{i-1} without entering P reaches a
 * vertex of P beyond p_i. One BFS and one sweep, O(V + E) per segment.
 * The buyer itself is left out of the graph (a path through it is a cycle).
 */
#include "chainmap/graph_internal.h"

#include <stdlib.h>
#include <string.h>

struct scratch {
	uint32_t *mark;  /* BFS visited stamp */
	uint32_t *seen;  /* sweep visited stamp */
	uint32_t *onp;   /* on-path stamp */
	int32_t *pos;    /* index on P when onp matches */
	int32_t *parent; /* BFS parent, -2 for the root's children */
	int32_t *queue;
	int32_t *path;
	uint32_t stamp;
};

static bool is_source(const struct graph *g, int32_t v, int32_t buyer)
{
	for (int64_t e = g->buy_off[v]; e < g->buy_off[v + 1]; e++)
		if (g->be_supplier[e] != buyer)
			return false;
	return true;
}

/*
 * BFS from the group's suppliers to the first source; writes P (without R
 * and T) to sc->path and returns its length, 0 when no source is reachable.
 */
static int32_t find_path(const struct graph *g, struct scratch *sc, int64_t grp, int32_t buyer)
{
	int32_t head = 0, tail = 0, found = -1;
	for (int64_t e = g->grp_start[grp]; e < g->grp_start[grp + 1] && found < 0; e++) {
		int32_t v = g->be_supplier[e];
		if (v == buyer || sc->mark[v] == sc->stamp)
			continue;
		sc->mark[v] = sc->stamp;
		sc->parent[v] = -2;
		sc->queue[tail++] = v;
		if (is_source(g, v, buyer))
			found = v;
	}
	while (found < 0 && head < tail) {
		int32_t u = sc->queue[head++];
		for (int64_t e = g->buy_off[u]; e < g->buy_off[u + 1]; e++) {
			int32_t v = g->be_supplier[e];
			if (v == buyer || sc->mark[v] == sc->stamp)
				continue;
			sc->mark[v] = sc->stamp;
			sc->parent[v] = u;
			sc->queue[tail++] = v;
			if (is_source(g, v, buyer)) {
				found = v;
				break;
			}
		}
	}
	if (found < 0)
		return 0;
	int32_t len = 0;
	for (int32_t v = found; v != -2; v = sc->parent[v])
		sc->path[len++] = v;
	for (int32_t i = 0; i < len / 2; i++) {
		int32_t t = sc->path[i];
		sc->path[i] = sc->path[len - 1 - i];
		sc->path[len - 1 - i] = t;
	}
	return len;
}

/* Explores off-path vertices from the successors of u (or of R when u < 0); returns the furthest P index reached. */
static int32_t explore(const struct graph *g, struct scratch *sc, int32_t u, int64_t grp, int32_t buyer, int32_t k,
		       int32_t far)
{
	int32_t top = 0;
	int64_t e = u < 0 ? g->grp_start[grp] : g->buy_off[u], end = u < 0 ? g->grp_start[grp + 1] : g->buy_off[u + 1];
	for (;;) {
		for (; e < end; e++) {
			int32_t w = g->be_supplier[e];
			if (w == buyer)
				continue;
			if (sc->onp[w] == sc->stamp) {
				if (sc->pos[w] > far)
					far = sc->pos[w];
				continue;
			}
			if (sc->seen[w] == sc->stamp)
				continue;
			sc->seen[w] = sc->stamp;
			if (is_source(g, w, buyer))
				far = k + 1; /* an off-path source reaches T directly */
			sc->queue[top++] = w;
		}
		if (top == 0)
			return far;
		int32_t v = sc->queue[--top];
		e = g->buy_off[v];
		end = g->buy_off[v + 1];
	}
}

static json_t *critical_for_group(const struct graph *g, struct scratch *sc, int64_t grp, int32_t buyer)
{
	sc->stamp++;
	int32_t k = find_path(g, sc, grp, buyer);
	json_t *list = json_array();
	if (k == 0)
		return list;
	/* P = R(0), path[0](1), ..., path[k-1](k), T(k+1). */
	for (int32_t i = 0; i < k; i++) {
		sc->onp[sc->path[i]] = sc->stamp;
		sc->pos[sc->path[i]] = i + 1;
	}
	int32_t far = explore(g, sc, -1, grp, buyer, k, 0);
	for (int32_t i = 1; i <= k; i++) {
		int32_t v = sc->path[i - 1];
		if (far <= i) {
			json_t *row = graph_enterprise_json(g, v);
			json_object_set_new(row, "depth", json_integer(i));
			json_array_append_new(list, row);
		}
		/* The last path vertex is a source: its (absent) suppliers lead to T. */
		far = explore(g, sc, v, grp, buyer, k, far);
		if (i == k && far < k + 1)
			far = k + 1;
	}
	return list;
}

enum qerr graph_critical(struct graph *g, struct db *db, const char *buyer_uscc, json_t **out, struct qerror *err)
{
	*out = NULL;
	int32_t b;
	if (graph_find(g, db, buyer_uscc, "buyer", &b, err))
		return err->code;
	double t0 = graph_now_ms();
	size_t n = (size_t)(g->n ? g->n : 1);
	struct scratch sc = {0};
	sc.mark = calloc(n, sizeof *sc.mark);
	sc.seen = calloc(n, sizeof *sc.seen);
	sc.onp = calloc(n, sizeof *sc.onp);
	sc.pos = malloc(n * sizeof *sc.pos);
	sc.parent = malloc(n * sizeof *sc.parent);
	sc.queue = malloc(n * sizeof *sc.queue);
	sc.path = malloc(n * sizeof *sc.path);
	enum qerr rc = QERR_OK;
	if (!sc.mark || !sc.seen || !sc.onp || !sc.pos || !sc.parent || !sc.queue || !sc.path) {
		rc = qerr_set(err, QERR_INTERNAL, "out_of_memory", NULL, "out of memory");
		goto done;
	}
	json_t *segs = json_array();
	int with_critical = 0;
	for (int64_t grp = g->grp_off[b]; grp < g->grp_off[b + 1]; grp++) {
		int32_t seg = g->grp_seg[grp];
		json_t *crit = critical_for_group(g, &sc, grp, b);
		with_critical += json_array_size(crit) > 0;
		json_array_append_new(segs, json_pack("{s:s,s:s,s:s,s:I,s:o}", "chain", g->chain_id[g->seg_chain[seg]],
						      "segment", g->seg_code[seg], "name", g->seg_name[seg], "direct_suppliers",
						      (json_int_t)(g->grp_start[grp + 1] - g->grp_start[grp]), "critical", crit));
	}
	*out = json_pack("{s:o,s:o,s:i,s:f}", "buyer", graph_enterprise_json(g, b), "segments", segs,
			 "segments_with_critical", with_critical, "compute_ms", graph_now_ms() - t0);
done:
	free(sc.mark);
	free(sc.seen);
	free(sc.onp);
	free(sc.pos);
	free(sc.parent);
	free(sc.queue);
	free(sc.path);
	return rc;
}
