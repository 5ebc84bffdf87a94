/* analytics.c - authorisation and snapshot handling around the graph analytics (see analytics.h). */
#include "chainmap/analytics.h"

#include <string.h>

static enum qerr operator_only(const struct actor *a, struct qerror *err)
{
	if (a->org_type == ORG_OPERATOR)
		return QERR_OK;
	return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
			"断链推演涉及全部供应关系，仅运营方可用 (only the operator sees the whole supply graph)");
}

/* Runs fn on the shared snapshot with the reference held for the call. */
#define WITH_GRAPH(db, err, call)                                                                                      \
	do {                                                                                                           \
		struct graph *g_ = graph_acquire(db, err);                                                             \
		if (!g_)                                                                                               \
			return (err)->code ? (err)->code : QERR_INTERNAL;                                              \
		enum qerr rc_ = call;                                                                                  \
		graph_release(g_);                                                                                     \
		return rc_;                                                                                            \
	} while (0)

enum qerr analytics_health(struct db *db, const struct actor *a, const char *chain, struct health_options o,
			   json_t **out, struct qerror *err)
{
	*out = NULL;
	if (a->org_type == ORG_LARGE)
		o.only_buyer_org = a->org_id;
	else if (a->org_type != ORG_OPERATOR)
		return qerr_set(err, QERR_FORBIDDEN, "forbidden", NULL,
				"产业链健康度仅对运营方和链主开放 (chain health is for the operator and chain leaders)");
	WITH_GRAPH(db, err, graph_health(g_, db, chain, &o, out, err));
}

enum qerr analytics_suppliers(struct db *db, const struct actor *a, const char *buyer, const char *chain,
			      json_t **out, struct qerror *err)
{
	*out = NULL;
	if (graph_check_buyer_access(db, a, buyer, err))
		return err->code;
	WITH_GRAPH(db, err, graph_suppliers(g_, db, buyer, chain, out, err));
}

enum qerr analytics_local_rate(struct db *db, const struct actor *a, const char *buyer, const char *level,
			       json_t **out, struct qerror *err)
{
	*out = NULL;
	enum region_level lv;
	if (level && strcmp(level, "province") == 0)
		lv = REGION_PROVINCE;
	else if (level && strcmp(level, "city") == 0)
		lv = REGION_CITY;
	else if (level && strcmp(level, "county") == 0)
		lv = REGION_COUNTY;
	else
		return qerr_set(err, QERR_INVALID, "invalid_choice", "level", "level must be province, city or county");
	if (graph_check_buyer_access(db, a, buyer, err))
		return err->code;
	WITH_GRAPH(db, err, graph_local_rate(g_, db, buyer, lv, out, err));
}

enum qerr analytics_critical(struct db *db, const struct actor *a, const char *buyer, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (graph_check_buyer_access(db, a, buyer, err))
		return err->code;
	WITH_GRAPH(db, err, graph_critical(g_, db, buyer, out, err));
}

enum qerr analytics_disrupt(struct db *db, const struct actor *a, const struct disrupt_options *o, json_t **out,
			    struct qerror *err)
{
	*out = NULL;
	if (operator_only(a, err))
		return err->code;
	WITH_GRAPH(db, err, graph_disrupt(g_, db, o, out, err));
}

enum qerr analytics_fill(struct db *db, const struct actor *a, const char *chain, const char *segment,
			 const struct fill_options *o, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (o->buyer && *o->buyer && graph_check_buyer_access(db, a, o->buyer, err))
		return err->code;
	WITH_GRAPH(db, err, graph_fill(g_, db, chain, segment, o, out, err));
}

enum qerr analytics_graph_stats(struct db *db, const struct actor *a, json_t **out, struct qerror *err)
{
	*out = NULL;
	if (operator_only(a, err))
		return err->code;
	struct graph *g = graph_acquire(db, err);
	if (!g)
		return err->code ? err->code : QERR_INTERNAL;
	*out = graph_stats(g);
	graph_release(g);
	return QERR_OK;
}
