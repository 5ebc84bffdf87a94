/*
 * routes_system.c - the routes that belong to no chain: the health check for
 * load balancers and this API's own OpenAPI document.
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
#include "http/api.h"

/* In matching order: the first pattern that fits the path with the method wins. */
static const struct http_route routes[] = {
	{.method = "GET", .pattern = "/api/v1/health", .who = WHO_ANY, .fn = api_health,
	 .tag = "system", .summary = "Liveness and database check for load balancers"},
	{.method = "GET", .pattern = "/api/v1/openapi.json", .who = WHO_ANY, .fn = api_openapi,
	 .tag = "system", .summary = "This OpenAPI document"},
};

const struct http_route_table http_routes_system = {
	.name = "system",
	.order = 10,
	.routes = routes,
	.count = sizeof routes / sizeof routes[0],
};
