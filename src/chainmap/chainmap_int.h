/*
 * chainmap_int.h - helpers shared by chainmap.c (CRUD), chainmap_csv.c
 * (CSV import) and chainmap_export.c. Not a public API: front ends use
 * chainmap.h.
 */
#ifndef QILIAN_CHAINMAP_INT_H
#define QILIAN_CHAINMAP_INT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/qerr.h"
#include "chainmap/chainmap.h"
#include "registry/uscc.h"

#define CHAINMAP_CODE_MAX 32  /* chain ids and segment codes: 1-32 of a-z, 0-9, _ and - */
#define CHAINMAP_NAME_MAX 100 /* chain and segment names, in characters */

/* True for a valid chain id or segment code. */

/* QERR_INVALID naming field unless code is a valid chain id / segment code. */
enum qerr chainmap_check_code(const char *code, const char *field, struct qerror *err);

/* QERR_INVALID naming field unless name has 1-100 characters and no control characters. */
enum qerr chainmap_check_name(const char *name, const char *field, struct qerror *err);

/*
 * Segment graph of one or more chains, for the cycle check. Nodes are
 * indices 0..n-1; an edge runs from an upstream node to a downstream one.
 */
struct seg_edge {
	uint32_t up, down;
};

/* The segments of one chain (sid order, then any appended by the caller) and the links among them. */
struct chain_graph {
	size_t n, nedges;
	int64_t *sid; /* 0 for a segment not stored yet */
	char (*code)[CHAINMAP_CODE_MAX + 1];
	struct seg_edge *edges;
};

/* Loads chain's segments (with room for `extra` more nodes) and its links. Free with chainmap_graph_free. */
enum qerr chainmap_graph_load(struct db *db, const char *chain, size_t extra, struct chain_graph *g,
			      struct qerror *err);
void chainmap_graph_free(struct chain_graph *g);

/* Index of the node with this code, -1 if none. */
long chainmap_graph_find(const struct chain_graph *g, const char *code);

/* Writes "a → b → c → a" for a cycle found by chainmap_find_cycle into buf. */
void chainmap_format_cycle(const struct chain_graph *g, const uint32_t *cycle, long len, char *buf, size_t cap);

/*
 * Finds a cycle among n nodes and the edges. Returns the number of nodes on
 * it (0 when the graph is acyclic) and writes them in upstream-to-downstream
 * order to cycle[] (room for n entries), starting at the node with the
 * smallest rank[] (file line or any order the caller likes; NULL = index).
 * -1 when out of memory.
 */
long chainmap_find_cycle(size_t n, const struct seg_edge *edges, size_t nedges, const long *rank, uint32_t *cycle);

/* Appends the codes of the segments feeding segment sid, in sid order, to the JSON array arr. */
enum qerr chainmap_upstream_of(struct db *db, int64_t sid, json_t *arr, struct qerror *err);

#endif
