/*
 * routes_grants.c - the data chain's routes (数据链): consent grants, reads
 * of one enterprise's data by another organisation under them (403 without
 * an active grant for the scope), the access log and the own-data export
 * (api_grants.c).
 */
#include "http/api_grants.h"
#include "services/grant.h"

static const struct http_qparam q_grants[] = {
    {"role", "string", "owner (grants the caller's enterprises gave, default) or grantee (grants to the caller)"},
    {"enterprise", "string", "USCC of the granting enterprise"},
    {NULL, NULL, NULL},
};
static const struct http_qparam q_enterprise[] = {
    {"enterprise", "string", "USCC of the enterprise (required)"},
    {NULL, NULL, NULL},
};
static const struct http_qparam q_log[] = {
    {"enterprise", "string", "USCC of the enterprise (required)"},
    {"limit", "integer", "page size, 1-500"},
    {"cursor", "string", "next_cursor of the previous page (newest first)"},
    {NULL, NULL, NULL},
};

static const struct http_route routes[] = {
    {.method = "POST",
     .pattern = "/api/v1/data-grants",
     .who = WHO_ANY_ADMIN,
     .fn = api_grant_create,
     .tag = "data",
     .summary = "Grant another organisation read access to scopes of an enterprise's data for a purpose until a date "
		"(an admin of the enterprise's organisation)",
     .body = grant_fields,
     .ok_status = 201},
    {.method = "GET",
     .pattern = "/api/v1/data-grants",
     .who = WHO_USERS,
     .fn = api_grant_list,
     .tag = "data",
     .summary = "Grants the caller's enterprises gave, or (role=grantee) received; the operator sees all",
     .query = q_grants},
    {.method = "GET",
     .pattern = "/api/v1/data-grants/grantees",
     .who = WHO_USERS,
     .fn = api_grant_grantees,
     .tag = "data",
     .summary = "Organisations a grant can name (banks and large enterprises first)"},
    {.method = "GET",
     .pattern = "/api/v1/data-grants/{id}",
     .who = WHO_USERS,
     .fn = api_grant_get,
     .tag = "data",
     .summary = "One grant (its enterprise's organisation, the grantee or the operator)"},
    {.method = "GET",
     .pattern = "/api/v1/data-grants/{id}/consent",
     .who = WHO_USERS,
     .fn = api_grant_consent,
     .tag = "data",
     .summary = "The consent record as a JSON download: who, to whom, scopes, purpose, from, until, by whom"},
    {.method = "POST",
     .pattern = "/api/v1/data-grants/{id}/revoke",
     .who = WHO_ANY_ADMIN,
     .fn = api_grant_revoke,
     .tag = "data",
     .summary = "Revoke a grant at once (an admin of the enterprise's organisation)"},
    {.method = "GET",
     .pattern = "/api/v1/data-access-log",
     .who = WHO_USERS,
     .fn = api_grant_access_log,
     .tag = "data",
     .summary = "Who read which scope of the enterprise's data under a grant, and when (its organisation)",
     .query = q_log},
    {.method = "GET",
     .pattern = "/api/v1/data-export",
     .who = WHO_USERS,
     .fn = api_grant_export,
     .tag = "data",
     .summary = "All of an enterprise's own data as one JSON document (its organisation)",
     .query = q_enterprise},
    {.method = "GET",
     .pattern = "/api/v1/enterprises/{uscc}/data/{scope}",
     .who = WHO_USERS,
     .fn = api_grant_read,
     .tag = "data",
     .summary = "One scope of an enterprise's data (profile, relations, orders, certificates, service_requests): 403 "
		"without an active grant; every read is logged"},
};

const struct http_route_table http_routes_grants = {
    .name = "grants",
    .order = 84,
    .routes = routes,
    .count = sizeof routes / sizeof routes[0],
};
