/*
 * analytics.h - the chain analytics as one call each for the front ends:
 * authorise the actor, take the shared graph snapshot, compute, return the
 * JSON that both `qilian chain …` and /api/v1/… print.
 */
#ifndef QILIAN_ANALYTICS_H
#define QILIAN_ANALYTICS_H
#include "chainmap/graph.h"

/* Operator: the whole chain. A large enterprise: its own supply base. Others: 403. */
enum qerr analytics_health(struct db *db, const struct actor *a, const char *chain, struct health_options o,
			   json_t **out, struct qerror *err);
/* The operator or the organisation owning the buyer. */
enum qerr analytics_suppliers(struct db *db, const struct actor *a, const char *buyer, const char *chain,
			      json_t **out, struct qerror *err);
enum qerr analytics_local_rate(struct db *db, const struct actor *a, const char *buyer, const char *level,
			       json_t **out, struct qerror *err);
enum qerr analytics_critical(struct db *db, const struct actor *a, const char *buyer, json_t **out, struct qerror *err);
/* Operator only: a cascade reads everyone's relations. */
enum qerr analytics_disrupt(struct db *db, const struct actor *a, const struct disrupt_options *o, json_t **out,
			    struct qerror *err);
/* Capabilities are public offers; a named buyer must be the caller's own (or the caller is the operator). */
enum qerr analytics_fill(struct db *db, const struct actor *a, const char *chain, const char *segment,
			 const struct fill_options *o, json_t **out, struct qerror *err);
/* Snapshot statistics (operator). */
enum qerr analytics_graph_stats(struct db *db, const struct actor *a, json_t **out, struct qerror *err);

#endif
