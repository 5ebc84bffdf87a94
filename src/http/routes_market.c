/*
 * routes_market.c - the market's routes: RFQ, sealed quotes, orders,
 * scorecards and statistics, matching, supply and demand listings and
 * subscriptions (api_market_*.c). The inbox the market notifies is the
 * platform's (routes_platform.c).
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
#include "http/api_market.h"
#include "market/listing.h"
#include "market/rfq.h"
#include "market/subscription.h"

static const struct http_qparam q_orders[] = {
	{"role", "string", "buyer|supplier (default both)"},
	{"status", "string", "placed|shipped|delivered|accepted|rejected"},
	{"limit", "integer", "page size, 1-500"},
	{"cursor", "string", "next_cursor of the previous page"},
	{NULL, NULL, NULL},
};

static const struct http_qparam q_market_stats[] = {
	{"from", "string", "first day, YYYY-MM-DD (UTC)"},
	{"to", "string", "last day, YYYY-MM-DD (UTC)"},
	{NULL, NULL, NULL},
};

static const struct http_qparam q_match_limit[] = {
	{"limit", "integer", "results, 1-100 (default 10)"},
	{NULL, NULL, NULL},
};

static const struct http_qparam q_match_text[] = {
	{"q", "string", "words to match (required)"},
	{"region", "string", "delivery region: GB/T 2260 code (county > city > province proximity)"},
	{"chain", "string", "with segment: the segment asked for"},
	{"segment", "string", "segment code in chain"},
	{"certifications", "string", "required certifications, ';' or ','-separated (a hard filter)"},
	{"limit", "integer", "results, 1-100 (default 10)"},
	{NULL, NULL, NULL},
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
	{NULL, NULL, NULL},
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
	{NULL, NULL, NULL},
};

/* In matching order: the first pattern that fits the path with the method wins. */
static const struct http_route routes[] = {
	/* Market: RFQ, sealed quotes, orders, scorecards, statistics (api_market_rfq.c). */
	{.method = "GET", .pattern = "/api/v1/demands/{id}/invitations", .who = WHO_USERS, .fn = api_market_invitations,
	 .tag = "market",
	 .summary = "Suppliers invited to quote (the owner sees all, an invited organisation its own)"},
	{.method = "POST", .pattern = "/api/v1/demands/{id}/invitations", .who = WHO_WRITERS, .fn = api_market_invite,
	 .tag = "market",
	 .summary = "Invite suppliers by USCC (the demand owner's organisation or the operator); each gets an inbox notification",
	 .body = market_invite_fields},
	{.method = "GET", .pattern = "/api/v1/demands/{id}/quotes", .who = WHO_USERS, .fn = api_market_quotes,
	 .tag = "market",
	 .summary = "Sealed quotes: a supplier sees its own; the buyer only their count until the deadline or an early close, then all"},
	{.method = "POST", .pattern = "/api/v1/demands/{id}/quotes", .who = WHO_WRITERS, .fn = api_market_quote_create,
	 .tag = "market",
	 .summary = "Quote for an enterprise of the caller's organisation (invited, or any for a public demand)",
	 .body = market_quote_fields, .ok_status = 201},
	{.method = "POST", .pattern = "/api/v1/demands/{id}/close", .who = WHO_WRITERS, .fn = api_market_close,
	 .tag = "market", .summary = "Close quoting early (owner or operator): unseals the quotes"},
	{.method = "POST", .pattern = "/api/v1/demands/{id}/award", .who = WHO_WRITERS, .fn = api_market_award,
	 .tag = "market",
	 .summary = "Award quotes (owner or operator, after unsealing): the others are declined, each award becomes an order",
	 .body = api_market_award_fields, .ok_status = 201},
	{.method = "PATCH", .pattern = "/api/v1/quotes/{id}", .who = WHO_WRITERS, .fn = api_market_quote_update,
	 .tag = "market",
	 .summary = "Change a quote (its organisation) until the deadline; 409 quote_deadline_passed after",
	 .body = market_quote_patch_fields},
	{.method = "DELETE", .pattern = "/api/v1/quotes/{id}", .who = WHO_WRITERS, .fn = api_market_quote_withdraw,
	 .tag = "market", .summary = "Withdraw a quote (its organisation) until the deadline"},
	{.method = "GET", .pattern = "/api/v1/orders", .who = WHO_USERS, .fn = api_market_orders,
	 .tag = "market",
	 .summary = "Orders of the caller's enterprises as buyer or supplier, newest first (the operator sees all)",
	 .query = q_orders},
	{.method = "GET", .pattern = "/api/v1/orders/{id}", .who = WHO_USERS, .fn = api_market_order,
	 .tag = "market", .summary = "One order with its tracking events"},
	{.method = "POST", .pattern = "/api/v1/orders/{id}/ship", .who = WHO_WRITERS, .fn = api_market_order_ship,
	 .tag = "market", .summary = "placed -> shipped (the supplier's organisation)"},
	{.method = "POST", .pattern = "/api/v1/orders/{id}/deliver", .who = WHO_WRITERS, .fn = api_market_order_deliver,
	 .tag = "market", .summary = "shipped -> delivered (the supplier's organisation)"},
	{.method = "POST", .pattern = "/api/v1/orders/{id}/accept", .who = WHO_WRITERS, .fn = api_market_order_accept,
	 .tag = "market", .summary = "delivered -> accepted (the buyer's organisation)"},
	{.method = "POST", .pattern = "/api/v1/orders/{id}/reject", .who = WHO_WRITERS, .fn = api_market_order_reject,
	 .tag = "market", .summary = "delivered -> rejected with a reason (the buyer's organisation)",
	 .body = market_reject_fields},
	{.method = "GET", .pattern = "/api/v1/enterprises/{uscc}/scorecard", .who = WHO_USERS,
	 .fn = api_market_scorecard,
	 .tag = "market",
	 .summary = "Supplier scorecard from real orders: on-time and acceptance rates, orders, value"},
	{.method = "GET", .pattern = "/api/v1/market/stats", .who = WHO_ORG(ORG_OPERATOR), .fn = api_market_stats,
	 .tag = "market",
	 .summary = "Market statistics by province and chain: postings, matches shown, quotes, awards, orders, value",
	 .query = q_market_stats},
	/* Market matching (api_market_match.c). */
	{.method = "GET", .pattern = "/api/v1/demands/{id}/matches", .who = WHO_USERS, .fn = api_match_demand,
	 .tag = "market", .summary = "Ranked supplies and enterprises for a demand, each with why it matched",
	 .query = q_match_limit},
	{.method = "GET", .pattern = "/api/v1/supplies/{id}/matches", .who = WHO_USERS, .fn = api_match_supply,
	 .tag = "market", .summary = "Ranked open demands the caller may read for a supply, each with why it matched",
	 .query = q_match_limit},
	{.method = "GET", .pattern = "/api/v1/match", .who = WHO_USERS, .fn = api_match_text,
	 .tag = "market", .summary = "Ranked supplies for free text (供需搜索)", .query = q_match_text},
	{.method = "GET", .pattern = "/api/v1/market/index", .who = WHO_ORG(ORG_OPERATOR), .fn = api_match_index,
	 .tag = "market", .summary = "Match index size, postings and build time"},
	/* Supply and demand listings (api_market_listing.c). */
	{.method = "GET", .pattern = "/api/v1/supplies", .who = WHO_USERS, .fn = api_supply_list,
	 .tag = "market", .summary = "Supply listings (供给), newest first, with filters", .query = q_supplies},
	{.method = "POST", .pattern = "/api/v1/supplies", .who = WHO_WRITERS, .fn = api_supply_create,
	 .tag = "market", .summary = "Publish a supply for an enterprise of the caller's organisation",
	 .body = market_supply_fields, .ok_status = 201},
	{.method = "POST", .pattern = "/api/v1/supplies/import", .who = WHO_WRITERS, .fn = api_supplies_import,
	 .tag = "market", .summary = "Import supplies from CSV (" SUPPLIES_CSV_HEADER "): all rows or none",
	 .body_type = "text/csv"},
	{.method = "GET", .pattern = "/api/v1/supplies/export", .who = WHO_USERS, .fn = api_supplies_export,
	 .tag = "market", .summary = "Export active supplies as CSV (import format)", .ok_type = "text/csv"},
	{.method = "GET", .pattern = "/api/v1/supplies/{id}", .who = WHO_USERS, .fn = api_supply_get,
	 .tag = "market", .summary = "One supply"},
	{.method = "PATCH", .pattern = "/api/v1/supplies/{id}", .who = WHO_WRITERS, .fn = api_supply_update,
	 .tag = "market", .summary = "Change a supply (its enterprise's organisation or the operator)",
	 .body = market_supply_update_fields},
	{.method = "DELETE", .pattern = "/api/v1/supplies/{id}", .who = WHO_WRITERS, .fn = api_supply_withdraw,
	 .tag = "market", .summary = "Withdraw a supply (its enterprise's organisation or the operator)"},
	{.method = "GET", .pattern = "/api/v1/demands", .who = WHO_USERS, .fn = api_demand_list,
	 .tag = "market", .summary = "Demand listings (需求) the caller may read, newest first, with filters",
	 .query = q_demands},
	{.method = "POST", .pattern = "/api/v1/demands", .who = WHO_WRITERS, .fn = api_demand_create,
	 .tag = "market", .summary = "Publish a demand; matching subscribers are notified",
	 .body = market_demand_fields, .ok_status = 201},
	{.method = "POST", .pattern = "/api/v1/demands/import", .who = WHO_WRITERS, .fn = api_demands_import,
	 .tag = "market", .summary = "Import public demands from CSV (" DEMANDS_CSV_HEADER "): all rows or none",
	 .body_type = "text/csv"},
	{.method = "GET", .pattern = "/api/v1/demands/export", .who = WHO_USERS, .fn = api_demands_export,
	 .tag = "market", .summary = "Export open public demands as CSV (import format)", .ok_type = "text/csv"},
	{.method = "GET", .pattern = "/api/v1/demands/{id}", .who = WHO_USERS, .fn = api_demand_get,
	 .tag = "market",
	 .summary = "One demand (an invited-only demand: 404 unless owner, invited supplier or operator)"},
	{.method = "PATCH", .pattern = "/api/v1/demands/{id}", .who = WHO_WRITERS, .fn = api_demand_update,
	 .tag = "market", .summary = "Change an open demand (its enterprise's organisation or the operator)",
	 .body = market_demand_update_fields},
	{.method = "DELETE", .pattern = "/api/v1/demands/{id}", .who = WHO_WRITERS, .fn = api_demand_cancel,
	 .tag = "market", .summary = "Cancel an open demand (its enterprise's organisation or the operator)"},
	/* Subscriptions (api_market_subscription.c); the inbox is the platform's (routes_platform.c). */
	{.method = "GET", .pattern = "/api/v1/subscriptions", .who = WHO_USERS, .fn = api_subscription_list,
	 .tag = "market", .summary = "Demand subscriptions of the caller's organisation (the operator: all)"},
	{.method = "POST", .pattern = "/api/v1/subscriptions", .who = WHO_WRITERS, .fn = api_subscription_create,
	 .tag = "market", .summary = "Subscribe an enterprise to new demands by segments, keywords and regions",
	 .body = market_subscription_fields, .ok_status = 201},
	{.method = "DELETE", .pattern = "/api/v1/subscriptions/{id}", .who = WHO_WRITERS, .fn = api_subscription_delete,
	 .tag = "market", .summary = "Delete a subscription"},
};

const struct http_route_table http_routes_market = {
	.name = "market",
	.order = 40,
	.routes = routes,
	.count = sizeof routes / sizeof routes[0],
};
