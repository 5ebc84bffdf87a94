/*
 * routes_platform.c - the routes of the platform services every chain uses:
 * the organisation's inbox of notifications (api_inbox.c). The audit log's
 * route stays with the accounts (routes_registry.c).
 *
 * The inbox routes keep the "market" tag they had when the inbox was the
 * market's, so the OpenAPI document and `qilian routes` did not change;
 * .order 45 places the table right after the market's (40), where these
 * routes were.
 */
#include "http/api_inbox.h"

static const struct http_qparam q_inbox[] = {
	{"unread", "integer", "1: only unread notifications"},
	{"limit", "integer", "page size, 1-500"},
	{"cursor", "string", "next_cursor of the previous page (newest first)"},
	{NULL, NULL, NULL},
};

/* In matching order: the first pattern that fits the path with the method wins. */
static const struct http_route routes[] = {
	{.method = "GET", .pattern = "/api/v1/inbox", .who = WHO_USERS, .fn = api_inbox_list,
	 .tag = "market", .summary = "Notifications of the caller's organisation's enterprises, newest first",
	 .query = q_inbox},
	{.method = "GET", .pattern = "/api/v1/inbox/count", .who = WHO_USERS, .fn = api_inbox_count,
	 .tag = "market", .summary = "Unread notifications: {\"unread\": N}"},
	{.method = "POST", .pattern = "/api/v1/inbox/read-all", .who = WHO_USERS, .fn = api_inbox_read_all,
	 .tag = "market", .summary = "Mark every notification read"},
	{.method = "POST", .pattern = "/api/v1/inbox/{id}/read", .who = WHO_USERS, .fn = api_inbox_read,
	 .tag = "market", .summary = "Mark one notification read"},
};

const struct http_route_table http_routes_platform = {
	.name = "platform",
	.order = 45,
	.routes = routes,
	.count = sizeof routes / sizeof routes[0],
};
