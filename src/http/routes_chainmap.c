/*
 * routes_chainmap.c - the chain map's routes: chain analytics (api_chain.c)
 * and the chain map's records and CSV files (api_chainmap.c).
 *
 * How a domain adds its routes and commands (an eighth chain, "finance"):
 *  - src/http/api_finance.h declares its handlers; api_finance*.c define them;
 *  - src/http/routes_finance.c lists its routes with designated initialisers
 *    (a literal segment before a {parameter} at the same place, same method)
 *    and ends with `const struct http_route_table http_routes_finance`, whose
 *    .order (0-9999, unique) places it among the other tables;
 *  - src/cli/cmd_finance.h declares its commands; src/cli/cmd_finance.c lists
 *    them in `const struct cli_table cli_commands_finance` (see cli.h);
 *  - nothing central: the build collects every routes_*.c and cmd_*.c table
 *    (scripts/gen-tables.cmake), and tests/unit/test_router.c fails if an
 *    earlier route shadows one of the new ones.
 */
#include "http/api_chainmap.h"

#define WHO_CHAIN_LEADERS (WHO_ORG(ORG_OPERATOR) | WHO_ORG(ORG_LARGE))
#define WHO_BUYERS (WHO_ORG(ORG_OPERATOR) | WHO_ORG(ORG_LARGE) | WHO_ORG(ORG_SME))

static const struct http_qparam q_health[] = {
	{"region", "string", "only suppliers in this region (2/4/6-digit prefix)"},
	{"min_suppliers", "integer", "weak link when active suppliers <= this (default 2)"},
	{"max_hhi", "number", "weak link when supply or province HHI >= this (default 0.25)"},
	{NULL, NULL, NULL},
};

static const struct http_qparam q_buyer_chain[] = {
	{"buyer", "string", "USCC of the buyer (required)"},
	{"chain", "string", "only this chain"},
	{NULL, NULL, NULL},
};

static const struct http_qparam q_local_rate[] = {
	{"buyer", "string", "USCC of the buyer (required)"},
	{"level", "string", "province|city|county (required)"},
	{NULL, NULL, NULL},
};

static const struct http_qparam q_buyer[] = {
	{"buyer", "string", "USCC of the buyer (required)"},
	{NULL, NULL, NULL},
};

static const struct http_qparam q_fill[] = {
	{"buyer", "string", "USCC of the buyer to fill the gap for"},
	{"region", "string", "rank proximity to this region instead"},
	{"limit", "integer", "candidates, 1-1000 (default 20)"},
	{NULL, NULL, NULL},
};

static const struct http_qparam q_relations[] = {
	{"buyer", "string", "USCC of the buyer"},
	{"supplier", "string", "USCC of the supplier"},
	{"chain", "string", "chain id"},
	{"segment", "string", "segment code"},
	{"limit", "integer", "page size, 1-500"},
	{"cursor", "string", "next_cursor of the previous page"},
	{NULL, NULL, NULL},
};

/* In matching order: the first pattern that fits the path with the method wins. */
static const struct http_route routes[] = {
	/* Chain analytics (api_chain.c). */
	{.method = "GET", .pattern = "/api/v1/chains/{chain}/health", .who = WHO_CHAIN_LEADERS, .fn = api_chain_health,
	 .tag = "chain analytics",
	 .summary = "Segment health and weak links (薄弱环节); a chain leader sees its own supply base", .query = q_health},
	{.method = "GET", .pattern = "/api/v1/chains/{chain}/segments/{segment}/fill", .who = WHO_BUYERS,
	 .fn = api_chain_fill,
	 .tag = "chain analytics", .summary = "Ranked gap-filling candidates (精准补链) with reasons", .query = q_fill},
	{.method = "GET", .pattern = "/api/v1/analytics/suppliers", .who = WHO_BUYERS, .fn = api_chain_suppliers,
	 .tag = "chain analytics", .summary = "A buyer's suppliers per segment: shares, HHI, single sources",
	 .query = q_buyer_chain},
	{.method = "GET", .pattern = "/api/v1/analytics/local-rate", .who = WHO_BUYERS, .fn = api_chain_local_rate,
	 .tag = "chain analytics", .summary = "Local supporting rate (周边配套率) of a buyer", .query = q_local_rate},
	{.method = "GET", .pattern = "/api/v1/analytics/critical", .who = WHO_BUYERS, .fn = api_chain_critical,
	 .tag = "chain analytics",
	 .summary = "Enterprises every supply path of a segment into the buyer passes through", .query = q_buyer},
	{.method = "POST", .pattern = "/api/v1/analytics/disrupt", .who = WHO_ORG(ORG_OPERATOR),
	 .fn = api_chain_disrupt,
	 .tag = "chain analytics", .summary = "Disruption cascade (断链推演) tier by tier", .body = api_disrupt_fields},
	{.method = "GET", .pattern = "/api/v1/analytics/graph", .who = WHO_ORG(ORG_OPERATOR), .fn = api_chain_graph,
	 .tag = "chain analytics", .summary = "Supply graph snapshot size, memory and build time"},
	/* The chain map's records and CSV files (api_chainmap.c). */
	{.method = "GET", .pattern = "/api/v1/chains/{chain}", .who = WHO_USERS, .fn = api_chain_get,
	 .tag = "chain map", .summary = "One chain with its segments and upstream links"},
	{.method = "PUT", .pattern = "/api/v1/chains/{chain}", .who = WHO_ORG(ORG_OPERATOR), .fn = api_chain_put,
	 .tag = "chain map", .summary = "Create or rename a chain (operator)", .body = api_chain_fields},
	{.method = "PUT", .pattern = "/api/v1/chains/{chain}/segments/{segment}", .who = WHO_ORG(ORG_OPERATOR),
	 .fn = api_segment_put,
	 .tag = "chain map",
	 .summary = "Create (201) or change a segment and its upstream links (operator); a cycle is refused",
	 .body = api_segment_fields},
	{.method = "DELETE", .pattern = "/api/v1/chains/{chain}/segments/{segment}", .who = WHO_ORG(ORG_OPERATOR),
	 .fn = api_segment_delete,
	 .tag = "chain map", .summary = "Delete a segment no relation uses (operator)"},
	{.method = "GET", .pattern = "/api/v1/enterprises/{uscc}/capabilities", .who = WHO_USERS,
	 .fn = api_capabilities_of,
	 .tag = "chain map", .summary = "Segments an enterprise declares it can make"},
	{.method = "PUT", .pattern = "/api/v1/enterprises/{uscc}/capabilities/{chain}/{segment}", .who = WHO_WRITERS,
	 .fn = api_capability_put,
	 .tag = "chain map", .summary = "Declare a capability (owner or operator)", .body = api_capability_fields},
	{.method = "DELETE", .pattern = "/api/v1/enterprises/{uscc}/capabilities/{chain}/{segment}", .who = WHO_WRITERS,
	 .fn = api_capability_delete,
	 .tag = "chain map", .summary = "Withdraw a capability (owner or operator)"},
	{.method = "GET", .pattern = "/api/v1/relations", .who = WHO_USERS, .fn = api_relation_list,
	 .tag = "chain map",
	 .summary = "Supply relations the caller may see (its enterprises as buyer or supplier; the operator sees all)",
	 .query = q_relations},
	{.method = "POST", .pattern = "/api/v1/relations", .who = WHO_WRITERS, .fn = api_relation_put,
	 .tag = "chain map",
	 .summary = "Create (201) or update a supply relation (the buyer's organisation or the operator)",
	 .body = api_relation_fields},
	{.method = "GET", .pattern = "/api/v1/relations/{id}", .who = WHO_USERS, .fn = api_relation_get,
	 .tag = "chain map",
	 .summary = "One supply relation (404 unless the caller's organisation is buyer or supplier)"},
	{.method = "DELETE", .pattern = "/api/v1/relations/{id}", .who = WHO_WRITERS, .fn = api_relation_delete,
	 .tag = "chain map", .summary = "Delete a supply relation (the buyer's organisation or the operator)"},
	{.method = "POST", .pattern = "/api/v1/chainmap/import/segments", .who = WHO_ORG(ORG_OPERATOR),
	 .fn = api_segments_import,
	 .tag = "chain map",
	 .summary = "Import segments from CSV (chain,chain_name,segment,segment_name,upstream): all rows or none",
	 .body_type = "text/csv"},
	{.method = "POST", .pattern = "/api/v1/chainmap/import/capabilities", .who = WHO_WRITERS,
	 .fn = api_capabilities_import,
	 .tag = "chain map", .summary = "Import capabilities from CSV (uscc,chain,segment,capacity): all rows or none",
	 .body_type = "text/csv"},
	{.method = "POST", .pattern = "/api/v1/chainmap/import/relations", .who = WHO_WRITERS,
	 .fn = api_relations_import,
	 .tag = "chain map",
	 .summary = "Import supply relations from CSV (buyer_uscc,supplier_uscc,chain,segment,annual_amount_fen): all rows or none",
	 .body_type = "text/csv"},
	{.method = "GET", .pattern = "/api/v1/chainmap/export/segments", .who = WHO_USERS, .fn = api_segments_export,
	 .tag = "chain map", .summary = "Export segments as CSV (import format)", .ok_type = "text/csv"},
	{.method = "GET", .pattern = "/api/v1/chainmap/export/capabilities", .who = WHO_USERS,
	 .fn = api_capabilities_export,
	 .tag = "chain map", .summary = "Export capabilities as CSV (import format)", .ok_type = "text/csv"},
	{.method = "GET", .pattern = "/api/v1/chainmap/export/relations", .who = WHO_USERS, .fn = api_relations_export,
	 .tag = "chain map", .summary = "Export the supply relations the caller may see as CSV (import format)",
	 .ok_type = "text/csv"},
};

const struct http_route_table http_routes_chainmap = {
	.name = "chainmap",
	.order = 30,
	.routes = routes,
	.count = sizeof routes / sizeof routes[0],
};
