/*
 * routes.c - every API route: method, path, who may call it, handler, and
 * what the OpenAPI document says about it. Order matters only where a
 * literal segment and a {parameter} could both match (literal first).
 */
#include "http/api.h"
#include "market/listing.h"
#include "market/subscription.h"
#include "registry/enterprise.h"
#include "market/rfq.h"

#define WRITERS (WHO_ORG(ORG_OPERATOR) | WHO_ORG(ORG_LARGE) | WHO_ORG(ORG_SME))
#define END_Q {NULL, NULL, NULL}

static const struct http_qparam q_page[] = {
	{"limit", "integer", "page size, 1-500"},
	{"cursor", "string", "next_cursor of the previous page"},
	END_Q,
};
static const struct http_qparam q_enterprises[] = {
	{"region", "string", "GB/T 2260 code or 2/4-digit prefix"},
	{"industry", "string", "GB/T 4754 section letter or code prefix"},
	{"size", "string", "large|medium|small|micro"},
	{"level", "string", "none|innovative|provincial|little_giant"},
	{"q", "string", "name substring or USCC"},
	{"org_id", "integer", "owning organisation"},
	{"limit", "integer", "page size, 1-500"},
	{"cursor", "string", "next_cursor of the previous page"},
	END_Q,
};
static const struct http_qparam q_users[] = {{"org_id", "integer", "only this organisation (platform admin)"}, END_Q};
static const struct http_qparam q_regions[] = {{"parent", "string", "parent region code; omit for provinces"}, END_Q};
static const struct http_qparam q_classify[] = {
	{"industry", "string", "GB/T 4754-2017 code"},
	{"employees", "integer", "从业人员"},
	{"revenue", "integer", "营业收入 (万元)"},
	{"assets", "integer", "资产总额 (万元), needed by some sectors"},
	END_Q,
};

static const struct http_qparam q_health[] = {
	{"region", "string", "only suppliers in this region (2/4/6-digit prefix)"},
	{"min_suppliers", "integer", "weak link when active suppliers <= this (default 2)"},
	{"max_hhi", "number", "weak link when supply or province HHI >= this (default 0.25)"},
	END_Q,
};
static const struct http_qparam q_buyer_chain[] = {
	{"buyer", "string", "USCC of the buyer (required)"},
	{"chain", "string", "only this chain"},
	END_Q,
};
static const struct http_qparam q_local_rate[] = {
	{"buyer", "string", "USCC of the buyer (required)"},
	{"level", "string", "province|city|county (required)"},
	END_Q,
};
static const struct http_qparam q_buyer[] = {{"buyer", "string", "USCC of the buyer (required)"}, END_Q};
static const struct http_qparam q_fill[] = {
	{"buyer", "string", "USCC of the buyer to fill the gap for"},
	{"region", "string", "rank proximity to this region instead"},
	{"limit", "integer", "candidates, 1-1000 (default 20)"},
	END_Q,
};

#define CHAIN_LEADERS (WHO_ORG(ORG_OPERATOR) | WHO_ORG(ORG_LARGE))
#define BUYERS (WHO_ORG(ORG_OPERATOR) | WHO_ORG(ORG_LARGE) | WHO_ORG(ORG_SME))

static const struct http_qparam q_relations[] = {
	{"buyer", "string", "USCC of the buyer"},
	{"supplier", "string", "USCC of the supplier"},
	{"chain", "string", "chain id"},
	{"segment", "string", "segment code"},
	{"limit", "integer", "page size, 1-500"},
	{"cursor", "string", "next_cursor of the previous page"},
	END_Q,
};

static const struct http_qparam q_orders[] = {
	{"role", "string", "buyer|supplier (default both)"},
	{"status", "string", "placed|shipped|delivered|accepted|rejected"},
	{"limit", "integer", "page size, 1-500"},
	{"cursor", "string", "next_cursor of the previous page"},
	END_Q,
};
static const struct http_qparam q_market_stats[] = {
	{"from", "string", "first day, YYYY-MM-DD (UTC)"},
	{"to", "string", "last day, YYYY-MM-DD (UTC)"},
	END_Q,
};

static const struct http_qparam q_match_limit[] = {{"limit", "integer", "results, 1-100 (default 10)"}, END_Q};
static const struct http_qparam q_match_text[] = {
	{"q", "string", "words to match (required)"},
	{"region", "string", "delivery region: GB/T 2260 code (county > city > province proximity)"},
	{"chain", "string", "with segment: the segment asked for"},
	{"segment", "string", "segment code in chain"},
	{"certifications", "string", "required certifications, ';' or ','-separated (a hard filter)"},
	{"limit", "integer", "results, 1-100 (default 10)"},
	END_Q,
};

static const struct http_qparam q_supplies[] = {
	{"enterprise", "string", "USCC of the offering enterprise"},
	{"chain", "string", "chain id"},
	{"segment", "string", "segment code"},
	{"region", "string", "GB/T 2260 code or 2/4-digit prefix: served regions or the enterprise's region"},
	{"q", "string", "words (all must occur), matched by the word index"},
	{"status", "string", "active|withdrawn"},
	{"mine", "integer", "1: only the caller's organisation's"},
	{"limit", "integer", "page size, 1-500"},
	{"cursor", "string", "next_cursor of the previous page (newest first)"},
	END_Q,
};
static const struct http_qparam q_demands[] = {
	{"enterprise", "string", "USCC of the buying enterprise"},
	{"chain", "string", "chain id"},
	{"segment", "string", "segment code"},
	{"region", "string", "GB/T 2260 code or 2/4-digit prefix of the delivery region"},
	{"q", "string", "words (all must occur), matched by the word index"},
	{"status", "string", "open|closed|awarded|cancelled"},
	{"mine", "integer", "1: only the caller's organisation's"},
	{"limit", "integer", "page size, 1-500"},
	{"cursor", "string", "next_cursor of the previous page (newest first)"},
	END_Q,
};
static const struct http_qparam q_inbox[] = {
	{"unread", "integer", "1: only unread notifications"},
	{"limit", "integer", "page size, 1-500"},
	{"cursor", "string", "next_cursor of the previous page (newest first)"},
	END_Q,
};

const struct http_route http_routes[] = {
	{"GET", "/api/v1/health", WHO_ANY, api_health, "system", "Liveness and database check for load balancers",
	 NULL, NULL, NULL, 0, NULL},
	{"GET", "/api/v1/openapi.json", WHO_ANY, api_openapi, "system", "This OpenAPI document", NULL, NULL, NULL, 0, NULL},

	{"POST", "/api/v1/auth/login", WHO_ANY, api_login, "accounts", "Log in; sets the session cookie and returns a bearer token",
	 api_login_fields, NULL, NULL, 0, NULL},
	{"POST", "/api/v1/auth/logout", WHO_USERS, api_logout, "accounts", "End this session", NULL, NULL, NULL, 0, NULL},
	{"GET", "/api/v1/auth/me", WHO_USERS, api_me, "accounts", "The signed-in user and organisation", NULL, NULL, NULL, 0,
	 NULL},
	{"POST", "/api/v1/auth/password", WHO_USERS, api_password, "accounts",
	 "Change password (other sessions end)", api_password_fields, NULL, NULL, 0, NULL},

	{"GET", "/api/v1/orgs", WHO_USERS, api_org_list, "accounts", "Organisations (the operator sees all)", NULL, NULL,
	 NULL, 0, NULL},
	{"POST", "/api/v1/orgs", WHO_PLATFORM_ADMIN, api_org_create, "accounts", "Create an organisation",
	 api_org_fields, NULL, NULL, 201, NULL},
	{"GET", "/api/v1/orgs/{id}", WHO_USERS, api_org_get, "accounts", "One organisation", NULL, NULL, NULL, 0, NULL},
	{"GET", "/api/v1/users", WHO_ANY_ADMIN, api_user_list, "accounts", "Users of the organisation", NULL, NULL, q_users,
	 0, NULL},
	{"POST", "/api/v1/users", WHO_ANY_ADMIN, api_user_create, "accounts", "Register a user in an organisation",
	 api_user_fields, NULL, NULL, 201, NULL},
	{"GET", "/api/v1/audit", WHO_ORG(ORG_OPERATOR), api_audit_list, "accounts", "Audit log of every write, newest first",
	 NULL, NULL, q_page, 0, NULL},

	{"GET", "/api/v1/enterprises", WHO_USERS, api_enterprise_list, "registry",
	 "Enterprise directory with filters and cursor pagination", NULL, NULL, q_enterprises, 0, NULL},
	{"POST", "/api/v1/enterprises", WRITERS, api_enterprise_create, "registry",
	 "Register an enterprise (size class is derived)", enterprise_create_fields, NULL, NULL, 201, NULL},
	{"POST", "/api/v1/enterprises/import", WRITERS, api_enterprise_import, "registry",
	 "Import enterprises from CSV: all rows or none", NULL, "text/csv", NULL, 0, NULL},
	{"GET", "/api/v1/enterprises/export", WHO_USERS, api_enterprise_export, "registry",
	 "Export enterprises as CSV (import format)", NULL, NULL, NULL, 0, "text/csv"},
	{"GET", "/api/v1/enterprises/stats", WHO_USERS, api_enterprise_stats, "registry",
	 "Directory counts by size, level and province", NULL, NULL, NULL, 0, NULL},
	{"GET", "/api/v1/enterprises/{uscc}", WHO_USERS, api_enterprise_get, "registry", "One enterprise", NULL, NULL,
	 NULL, 0, NULL},
	{"PATCH", "/api/v1/enterprises/{uscc}", WRITERS, api_enterprise_update, "registry",
	 "Change an enterprise (owner or operator)", enterprise_update_fields, NULL, NULL, 0, NULL},
	{"DELETE", "/api/v1/enterprises/{uscc}", WRITERS, api_enterprise_delete, "registry",
	 "Delete an enterprise (owner or operator)", NULL, NULL, NULL, 0, NULL},

	{"GET", "/api/v1/uscc/{code}", WHO_ANY, api_uscc_check, "registry", "Check a 统一社会信用代码", NULL, NULL, NULL, 0,
	 NULL},
	{"GET", "/api/v1/classify", WHO_ANY, api_classify, "registry",
	 "Size class under the 2011 中小企业划型标准规定", NULL, NULL, q_classify, 0, NULL},
	{"GET", "/api/v1/regions", WHO_ANY, api_region_list, "registry", "GB/T 2260 regions under a parent", NULL, NULL,
	 q_regions, 0, NULL},
	{"GET", "/api/v1/regions/{code}", WHO_ANY, api_region_get, "registry", "One GB/T 2260 region", NULL, NULL, NULL, 0,
	 NULL},
	{"GET", "/api/v1/industries", WHO_ANY, api_industry_list, "registry", "GB/T 4754-2017 sections and divisions",
	 NULL, NULL, NULL, 0, NULL},
	{"GET", "/api/v1/chains", WHO_USERS, api_chain_list, "chains", "Industry chains", NULL, NULL, NULL, 0, NULL},

	{"GET", "/api/v1/chains/{chain}/health", CHAIN_LEADERS, api_chain_health, "chain analytics",
	 "Segment health and weak links (薄弱环节); a chain leader sees its own supply base", NULL, NULL, q_health, 0, NULL},
	{"GET", "/api/v1/chains/{chain}/segments/{segment}/fill", BUYERS, api_chain_fill, "chain analytics",
	 "Ranked gap-filling candidates (精准补链) with reasons", NULL, NULL, q_fill, 0, NULL},
	{"GET", "/api/v1/analytics/suppliers", BUYERS, api_chain_suppliers, "chain analytics",
	 "A buyer's suppliers per segment: shares, HHI, single sources", NULL, NULL, q_buyer_chain, 0, NULL},
	{"GET", "/api/v1/analytics/local-rate", BUYERS, api_chain_local_rate, "chain analytics",
	 "Local supporting rate (周边配套率) of a buyer", NULL, NULL, q_local_rate, 0, NULL},
	{"GET", "/api/v1/analytics/critical", BUYERS, api_chain_critical, "chain analytics",
	 "Enterprises every supply path of a segment into the buyer passes through", NULL, NULL, q_buyer, 0, NULL},
	{"POST", "/api/v1/analytics/disrupt", WHO_ORG(ORG_OPERATOR), api_chain_disrupt, "chain analytics",
	 "Disruption cascade (断链推演) tier by tier", api_disrupt_fields, NULL, NULL, 0, NULL},
	{"GET", "/api/v1/analytics/graph", WHO_ORG(ORG_OPERATOR), api_chain_graph, "chain analytics",
	 "Supply graph snapshot size, memory and build time", NULL, NULL, NULL, 0, NULL},

	{"GET", "/api/v1/chains/{chain}", WHO_USERS, api_chain_get, "chain map", "One chain with its segments and upstream links",
	 NULL, NULL, NULL, 0, NULL},
	{"PUT", "/api/v1/chains/{chain}", WHO_ORG(ORG_OPERATOR), api_chain_put, "chain map", "Create or rename a chain (operator)",
	 api_chain_fields, NULL, NULL, 0, NULL},
	{"PUT", "/api/v1/chains/{chain}/segments/{segment}", WHO_ORG(ORG_OPERATOR), api_segment_put, "chain map",
	 "Create (201) or change a segment and its upstream links (operator); a cycle is refused", api_segment_fields, NULL,
	 NULL, 0, NULL},
	{"DELETE", "/api/v1/chains/{chain}/segments/{segment}", WHO_ORG(ORG_OPERATOR), api_segment_delete, "chain map",
	 "Delete a segment no relation uses (operator)", NULL, NULL, NULL, 0, NULL},
	{"GET", "/api/v1/enterprises/{uscc}/capabilities", WHO_USERS, api_capabilities_of, "chain map",
	 "Segments an enterprise declares it can make", NULL, NULL, NULL, 0, NULL},
	{"PUT", "/api/v1/enterprises/{uscc}/capabilities/{chain}/{segment}", WRITERS, api_capability_put, "chain map",
	 "Declare a capability (owner or operator)", api_capability_fields, NULL, NULL, 0, NULL},
	{"DELETE", "/api/v1/enterprises/{uscc}/capabilities/{chain}/{segment}", WRITERS, api_capability_delete, "chain map",
	 "Withdraw a capability (owner or operator)", NULL, NULL, NULL, 0, NULL},
	{"GET", "/api/v1/relations", WHO_USERS, api_relation_list, "chain map",
	 "Supply relations the caller may see (its enterprises as buyer or supplier; the operator sees all)", NULL, NULL,
	 q_relations, 0, NULL},
	{"POST", "/api/v1/relations", WRITERS, api_relation_put, "chain map",
	 "Create (201) or update a supply relation (the buyer's organisation or the operator)", api_relation_fields, NULL,
	 NULL, 0, NULL},
	{"GET", "/api/v1/relations/{id}", WHO_USERS, api_relation_get, "chain map",
	 "One supply relation (404 unless the caller's organisation is buyer or supplier)", NULL, NULL, NULL, 0, NULL},
	{"DELETE", "/api/v1/relations/{id}", WRITERS, api_relation_delete, "chain map",
	 "Delete a supply relation (the buyer's organisation or the operator)", NULL, NULL, NULL, 0, NULL},
	{"POST", "/api/v1/chainmap/import/segments", WHO_ORG(ORG_OPERATOR), api_segments_import, "chain map",
	 "Import segments from CSV (chain,chain_name,segment,segment_name,upstream): all rows or none", NULL, "text/csv",
	 NULL, 0, NULL},
	{"POST", "/api/v1/chainmap/import/capabilities", WRITERS, api_capabilities_import, "chain map",
	 "Import capabilities from CSV (uscc,chain,segment,capacity): all rows or none", NULL, "text/csv", NULL, 0, NULL},
	{"POST", "/api/v1/chainmap/import/relations", WRITERS, api_relations_import, "chain map",
	 "Import supply relations from CSV (buyer_uscc,supplier_uscc,chain,segment,annual_amount_fen): all rows or none",
	 NULL, "text/csv", NULL, 0, NULL},
	{"GET", "/api/v1/chainmap/export/segments", WHO_USERS, api_segments_export, "chain map",
	 "Export segments as CSV (import format)", NULL, NULL, NULL, 0, "text/csv"},
	{"GET", "/api/v1/chainmap/export/capabilities", WHO_USERS, api_capabilities_export, "chain map",
	 "Export capabilities as CSV (import format)", NULL, NULL, NULL, 0, "text/csv"},
	{"GET", "/api/v1/chainmap/export/relations", WHO_USERS, api_relations_export, "chain map",
	 "Export the supply relations the caller may see as CSV (import format)", NULL, NULL, NULL, 0, "text/csv"},

	/* Market: RFQ, sealed quotes, orders, scorecards, statistics (api_market_rfq.c). */
	{"GET", "/api/v1/demands/{id}/invitations", WHO_USERS, api_market_invitations, "market",
	 "Suppliers invited to quote (the owner sees all, an invited organisation its own)", NULL, NULL, NULL, 0, NULL},
	{"POST", "/api/v1/demands/{id}/invitations", WRITERS, api_market_invite, "market",
	 "Invite suppliers by USCC (the demand owner's organisation or the operator); each gets an inbox notification",
	 market_invite_fields, NULL, NULL, 0, NULL},
	{"GET", "/api/v1/demands/{id}/quotes", WHO_USERS, api_market_quotes, "market",
	 "Sealed quotes: a supplier sees its own; the buyer only their count until the deadline or an early close, then all",
	 NULL, NULL, NULL, 0, NULL},
	{"POST", "/api/v1/demands/{id}/quotes", WRITERS, api_market_quote_create, "market",
	 "Quote for an enterprise of the caller's organisation (invited, or any for a public demand)", market_quote_fields,
	 NULL, NULL, 201, NULL},
	{"POST", "/api/v1/demands/{id}/close", WRITERS, api_market_close, "market",
	 "Close quoting early (owner or operator): unseals the quotes", NULL, NULL, NULL, 0, NULL},
	{"POST", "/api/v1/demands/{id}/award", WRITERS, api_market_award, "market",
	 "Award quotes (owner or operator, after unsealing): the others are declined, each award becomes an order",
	 api_market_award_fields, NULL, NULL, 201, NULL},
	{"PATCH", "/api/v1/quotes/{id}", WRITERS, api_market_quote_update, "market",
	 "Change a quote (its organisation) until the deadline; 409 quote_deadline_passed after", market_quote_patch_fields,
	 NULL, NULL, 0, NULL},
	{"DELETE", "/api/v1/quotes/{id}", WRITERS, api_market_quote_withdraw, "market",
	 "Withdraw a quote (its organisation) until the deadline", NULL, NULL, NULL, 0, NULL},
	{"GET", "/api/v1/orders", WHO_USERS, api_market_orders, "market",
	 "Orders of the caller's enterprises as buyer or supplier, newest first (the operator sees all)", NULL, NULL,
	 q_orders, 0, NULL},
	{"GET", "/api/v1/orders/{id}", WHO_USERS, api_market_order, "market", "One order with its tracking events", NULL,
	 NULL, NULL, 0, NULL},
	{"POST", "/api/v1/orders/{id}/ship", WRITERS, api_market_order_ship, "market",
	 "placed -> shipped (the supplier's organisation)", NULL, NULL, NULL, 0, NULL},
	{"POST", "/api/v1/orders/{id}/deliver", WRITERS, api_market_order_deliver, "market",
	 "shipped -> delivered (the supplier's organisation)", NULL, NULL, NULL, 0, NULL},
	{"POST", "/api/v1/orders/{id}/accept", WRITERS, api_market_order_accept, "market",
	 "delivered -> accepted (the buyer's organisation)", NULL, NULL, NULL, 0, NULL},
	{"POST", "/api/v1/orders/{id}/reject", WRITERS, api_market_order_reject, "market",
	 "delivered -> rejected with a reason (the buyer's organisation)", market_reject_fields, NULL, NULL, 0, NULL},
	{"GET", "/api/v1/enterprises/{uscc}/scorecard", WHO_USERS, api_market_scorecard, "market",
	 "Supplier scorecard from real orders: on-time and acceptance rates, orders, value", NULL, NULL, NULL, 0, NULL},
	{"GET", "/api/v1/market/stats", WHO_ORG(ORG_OPERATOR), api_market_stats, "market",
	 "Market statistics by province and chain: postings, matches shown, quotes, awards, orders, value", NULL, NULL,
	 q_market_stats, 0, NULL},

	/* Market matching (api_market_match.c). */
	{"GET", "/api/v1/demands/{id}/matches", WHO_USERS, api_match_demand, "market",
	 "Ranked supplies and enterprises for a demand, each with why it matched", NULL, NULL, q_match_limit, 0, NULL},
	{"GET", "/api/v1/supplies/{id}/matches", WHO_USERS, api_match_supply, "market",
	 "Ranked open demands the caller may read for a supply, each with why it matched", NULL, NULL, q_match_limit, 0,
	 NULL},
	{"GET", "/api/v1/match", WHO_USERS, api_match_text, "market", "Ranked supplies for free text (供需搜索)", NULL, NULL,
	 q_match_text, 0, NULL},
	{"GET", "/api/v1/market/index", WHO_ORG(ORG_OPERATOR), api_match_index, "market",
	 "Match index size, postings and build time", NULL, NULL, NULL, 0, NULL},
	{"GET", "/api/v1/supplies", WHO_USERS, api_supply_list, "market", "Supply listings (供给), newest first, with filters",
	 NULL, NULL, q_supplies, 0, NULL},
	{"POST", "/api/v1/supplies", WRITERS, api_supply_create, "market",
	 "Publish a supply for an enterprise of the caller's organisation", market_supply_fields, NULL, NULL, 201, NULL},
	{"POST", "/api/v1/supplies/import", WRITERS, api_supplies_import, "market",
	 "Import supplies from CSV (" SUPPLIES_CSV_HEADER "): all rows or none", NULL, "text/csv", NULL, 0, NULL},
	{"GET", "/api/v1/supplies/export", WHO_USERS, api_supplies_export, "market",
	 "Export active supplies as CSV (import format)", NULL, NULL, NULL, 0, "text/csv"},
	{"GET", "/api/v1/supplies/{id}", WHO_USERS, api_supply_get, "market", "One supply", NULL, NULL, NULL, 0, NULL},
	{"PATCH", "/api/v1/supplies/{id}", WRITERS, api_supply_update, "market",
	 "Change a supply (its enterprise's organisation or the operator)", market_supply_update_fields, NULL, NULL, 0,
	 NULL},
	{"DELETE", "/api/v1/supplies/{id}", WRITERS, api_supply_withdraw, "market",
	 "Withdraw a supply (its enterprise's organisation or the operator)", NULL, NULL, NULL, 0, NULL},
	{"GET", "/api/v1/demands", WHO_USERS, api_demand_list, "market",
	 "Demand listings (需求) the caller may read, newest first, with filters", NULL, NULL, q_demands, 0, NULL},
	{"POST", "/api/v1/demands", WRITERS, api_demand_create, "market",
	 "Publish a demand; matching subscribers are notified", market_demand_fields, NULL, NULL, 201, NULL},
	{"POST", "/api/v1/demands/import", WRITERS, api_demands_import, "market",
	 "Import public demands from CSV (" DEMANDS_CSV_HEADER "): all rows or none", NULL, "text/csv", NULL, 0, NULL},
	{"GET", "/api/v1/demands/export", WHO_USERS, api_demands_export, "market",
	 "Export open public demands as CSV (import format)", NULL, NULL, NULL, 0, "text/csv"},
	{"GET", "/api/v1/demands/{id}", WHO_USERS, api_demand_get, "market",
	 "One demand (an invited-only demand: 404 unless owner, invited supplier or operator)", NULL, NULL, NULL, 0, NULL},
	{"PATCH", "/api/v1/demands/{id}", WRITERS, api_demand_update, "market",
	 "Change an open demand (its enterprise's organisation or the operator)", market_demand_update_fields, NULL, NULL,
	 0, NULL},
	{"DELETE", "/api/v1/demands/{id}", WRITERS, api_demand_cancel, "market",
	 "Cancel an open demand (its enterprise's organisation or the operator)", NULL, NULL, NULL, 0, NULL},
	{"GET", "/api/v1/subscriptions", WHO_USERS, api_subscription_list, "market",
	 "Demand subscriptions of the caller's organisation (the operator: all)", NULL, NULL, NULL, 0, NULL},
	{"POST", "/api/v1/subscriptions", WRITERS, api_subscription_create, "market",
	 "Subscribe an enterprise to new demands by segments, keywords and regions", market_subscription_fields, NULL,
	 NULL, 201, NULL},
	{"DELETE", "/api/v1/subscriptions/{id}", WRITERS, api_subscription_delete, "market", "Delete a subscription",
	 NULL, NULL, NULL, 0, NULL},
	{"GET", "/api/v1/inbox", WHO_USERS, api_inbox_list, "market",
	 "Notifications of the caller's organisation's enterprises, newest first", NULL, NULL, q_inbox, 0, NULL},
	{"GET", "/api/v1/inbox/count", WHO_USERS, api_inbox_count, "market", "Unread notifications: {\"unread\": N}", NULL,
	 NULL, NULL, 0, NULL},
	{"POST", "/api/v1/inbox/read-all", WHO_USERS, api_inbox_read_all, "market", "Mark every notification read", NULL,
	 NULL, NULL, 0, NULL},
	{"POST", "/api/v1/inbox/{id}/read", WHO_USERS, api_inbox_read, "market", "Mark one notification read", NULL, NULL,
	 NULL, 0, NULL},
};

const size_t http_routes_len = sizeof http_routes / sizeof http_routes[0];
