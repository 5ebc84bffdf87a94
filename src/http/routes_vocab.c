/*
 * routes_vocab.c - the industrial vocabulary's routes (行业词表, api_vocab.c):
 * every signed-in user reads it and sees how a text is expanded; only the
 * platform operator changes it (the domain checks the organisation too).
 */
#include "http/api_vocab.h"
#include "registry/vocab.h"

static const struct http_qparam q_vocab[] = {
	{"q", "string", "substring of the canonical term or the term"},
	{"kind", "string", "synonym|colloquial|abbreviation|english|narrower"},
	{"limit", "integer", "page size, 1-500 (default 100)"},
	{"cursor", "string", "next_cursor of the previous page (id order)"},
	{NULL, NULL, NULL},
};

static const struct http_qparam q_expand[] = {
	{"q", "string", "the text to expand (required)"},
	{NULL, NULL, NULL},
};

/* In matching order: the first pattern that fits the path with the method wins. */
static const struct http_route routes[] = {
	{.method = "GET", .pattern = "/api/v1/vocab", .who = WHO_USERS, .fn = api_vocab_list, .tag = "vocab",
	 .summary = "Vocabulary entries (canonical term, kind, term, weight, source) in id order, with filters",
	 .query = q_vocab},
	{.method = "POST", .pattern = "/api/v1/vocab", .who = WHO_ORG(ORG_OPERATOR), .fn = api_vocab_create,
	 .tag = "vocab", .summary = "Add an entry (the platform operator); audited, matching follows at once",
	 .body = vocab_entry_fields, .ok_status = 201},
	{.method = "POST", .pattern = "/api/v1/vocab/import", .who = WHO_ORG(ORG_OPERATOR), .fn = api_vocab_import,
	 .tag = "vocab", .summary = "Import entries from CSV (" VOCAB_CSV_HEADER "): upsert, all rows or none",
	 .body_type = "text/csv"},
	{.method = "GET", .pattern = "/api/v1/vocab/export", .who = WHO_USERS, .fn = api_vocab_export, .tag = "vocab",
	 .summary = "Export every entry as CSV (import format)", .ok_type = "text/csv"},
	{.method = "GET", .pattern = "/api/v1/vocab/expand", .who = WHO_USERS, .fn = api_vocab_expand, .tag = "vocab",
	 .summary = "How a text is understood: its words and their weighted expansions, each explained",
	 .query = q_expand},
	{.method = "GET", .pattern = "/api/v1/vocab/{id}", .who = WHO_USERS, .fn = api_vocab_get, .tag = "vocab",
	 .summary = "One vocabulary entry"},
	{.method = "PATCH", .pattern = "/api/v1/vocab/{id}", .who = WHO_ORG(ORG_OPERATOR), .fn = api_vocab_update,
	 .tag = "vocab", .summary = "Change an entry's weight or source (the platform operator)",
	 .body = vocab_update_fields},
	{.method = "DELETE", .pattern = "/api/v1/vocab/{id}", .who = WHO_ORG(ORG_OPERATOR), .fn = api_vocab_delete,
	 .tag = "vocab", .summary = "Remove an entry (the platform operator)"},
};

const struct http_route_table http_routes_vocab = {
	.name = "vocab",
	.order = 47,
	.routes = routes,
	.count = sizeof routes / sizeof routes[0],
};
