/*
 * routes_registry.c - the registry's routes: log-in and sessions,
 * organisations, users and the audit log (api_account.c); enterprises, USCC
 * checks, size classes, GB/T 2260 regions, GB/T 4754 industries and the
 * chain list (api_registry.c).
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
#include "http/api_registry.h"
#include "registry/enterprise.h"

static const struct http_qparam q_page[] = {
	{"limit", "integer", "page size, 1-500"},
	{"cursor", "string", "next_cursor of the previous page"},
	{NULL, NULL, NULL},
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
	{NULL, NULL, NULL},
};

static const struct http_qparam q_users[] = {
	{"org_id", "integer", "only this organisation (platform admin)"},
	{NULL, NULL, NULL},
};

static const struct http_qparam q_regions[] = {
	{"parent", "string", "parent region code; omit for provinces"},
	{NULL, NULL, NULL},
};

static const struct http_qparam q_classify[] = {
	{"industry", "string", "GB/T 4754-2017 code"},
	{"employees", "integer", "从业人员"},
	{"revenue", "integer", "营业收入 (万元)"},
	{"assets", "integer", "资产总额 (万元), needed by some sectors"},
	{NULL, NULL, NULL},
};

/* In matching order: the first pattern that fits the path with the method wins. */
static const struct http_route routes[] = {
	/* Accounts and the audit log (api_account.c). */
	{.method = "POST", .pattern = "/api/v1/auth/login", .who = WHO_ANY, .fn = api_login,
	 .tag = "accounts", .summary = "Log in; sets the session cookie and returns a bearer token",
	 .body = api_login_fields},
	{.method = "POST", .pattern = "/api/v1/auth/logout", .who = WHO_USERS, .fn = api_logout,
	 .tag = "accounts", .summary = "End this session"},
	{.method = "GET", .pattern = "/api/v1/auth/me", .who = WHO_USERS, .fn = api_me,
	 .tag = "accounts", .summary = "The signed-in user and organisation"},
	{.method = "POST", .pattern = "/api/v1/auth/password", .who = WHO_USERS, .fn = api_password,
	 .tag = "accounts", .summary = "Change password (other sessions end)", .body = api_password_fields},
	{.method = "GET", .pattern = "/api/v1/orgs", .who = WHO_USERS, .fn = api_org_list,
	 .tag = "accounts", .summary = "Organisations (the operator sees all)"},
	{.method = "POST", .pattern = "/api/v1/orgs", .who = WHO_PLATFORM_ADMIN, .fn = api_org_create,
	 .tag = "accounts", .summary = "Create an organisation", .body = api_org_fields, .ok_status = 201},
	{.method = "GET", .pattern = "/api/v1/orgs/{id}", .who = WHO_USERS, .fn = api_org_get,
	 .tag = "accounts", .summary = "One organisation"},
	{.method = "GET", .pattern = "/api/v1/users", .who = WHO_ANY_ADMIN, .fn = api_user_list,
	 .tag = "accounts", .summary = "Users of the organisation", .query = q_users},
	{.method = "POST", .pattern = "/api/v1/users", .who = WHO_ANY_ADMIN, .fn = api_user_create,
	 .tag = "accounts", .summary = "Register a user in an organisation", .body = api_user_fields, .ok_status = 201},
	{.method = "GET", .pattern = "/api/v1/audit", .who = WHO_ORG(ORG_OPERATOR), .fn = api_audit_list,
	 .tag = "accounts", .summary = "Audit log of every write, newest first", .query = q_page},
	/* Enterprises, codes, classifications and the chain list (api_registry.c). */
	{.method = "GET", .pattern = "/api/v1/enterprises", .who = WHO_USERS, .fn = api_enterprise_list,
	 .tag = "registry", .summary = "Enterprise directory with filters and cursor pagination",
	 .query = q_enterprises},
	{.method = "POST", .pattern = "/api/v1/enterprises", .who = WHO_WRITERS, .fn = api_enterprise_create,
	 .tag = "registry", .summary = "Register an enterprise (size class is derived)",
	 .body = enterprise_create_fields, .ok_status = 201},
	{.method = "POST", .pattern = "/api/v1/enterprises/import", .who = WHO_WRITERS, .fn = api_enterprise_import,
	 .tag = "registry", .summary = "Import enterprises from CSV: all rows or none", .body_type = "text/csv"},
	{.method = "GET", .pattern = "/api/v1/enterprises/export", .who = WHO_USERS, .fn = api_enterprise_export,
	 .tag = "registry", .summary = "Export enterprises as CSV (import format)", .ok_type = "text/csv"},
	{.method = "GET", .pattern = "/api/v1/enterprises/stats", .who = WHO_USERS, .fn = api_enterprise_stats,
	 .tag = "registry", .summary = "Directory counts by size, level and province"},
	{.method = "GET", .pattern = "/api/v1/enterprises/{uscc}", .who = WHO_USERS, .fn = api_enterprise_get,
	 .tag = "registry", .summary = "One enterprise"},
	{.method = "PATCH", .pattern = "/api/v1/enterprises/{uscc}", .who = WHO_WRITERS, .fn = api_enterprise_update,
	 .tag = "registry", .summary = "Change an enterprise (owner or operator)", .body = enterprise_update_fields},
	{.method = "DELETE", .pattern = "/api/v1/enterprises/{uscc}", .who = WHO_WRITERS, .fn = api_enterprise_delete,
	 .tag = "registry", .summary = "Delete an enterprise (owner or operator)"},
	{.method = "GET", .pattern = "/api/v1/uscc/{code}", .who = WHO_ANY, .fn = api_uscc_check,
	 .tag = "registry", .summary = "Check a 统一社会信用代码"},
	{.method = "GET", .pattern = "/api/v1/classify", .who = WHO_ANY, .fn = api_classify,
	 .tag = "registry", .summary = "Size class under the 2011 中小企业划型标准规定", .query = q_classify},
	{.method = "GET", .pattern = "/api/v1/regions", .who = WHO_ANY, .fn = api_region_list,
	 .tag = "registry", .summary = "GB/T 2260 regions under a parent", .query = q_regions},
	{.method = "GET", .pattern = "/api/v1/regions/{code}", .who = WHO_ANY, .fn = api_region_get,
	 .tag = "registry", .summary = "One GB/T 2260 region"},
	{.method = "GET", .pattern = "/api/v1/industries", .who = WHO_ANY, .fn = api_industry_list,
	 .tag = "registry", .summary = "GB/T 4754-2017 sections and divisions"},
	{.method = "GET", .pattern = "/api/v1/chains", .who = WHO_USERS, .fn = api_chain_list,
	 .tag = "chains", .summary = "Industry chains"},
};

const struct http_route_table http_routes_registry = {
	.name = "registry",
	.order = 20,
	.routes = routes,
	.count = sizeof routes / sizeof routes[0],
};
