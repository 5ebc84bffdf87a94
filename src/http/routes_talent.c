/*
 * routes_talent.c - the talent chain's routes (人才链): expert and need
 * posts, matches both ways, contact requests approved by the expert's
 * organisation, secondments (共享用工) with both organisations' agreement and
 * the person's consent (api_talent.c).
 */
#include "http/api_talent.h"
#include "services/talent.h"

#define WHO_POSTERS (WHO_ORG(ORG_LARGE) | WHO_ORG(ORG_PROVIDER) | WHO_ORG(ORG_SME))

static const struct http_qparam q_posts[] = {
	{"kind", "string", "expert | need"},
	{"q", "string", "words: ranked by Chinese words as the market ranks"},
	{"mode", "string", "secondment | consulting | training"},
	{"region", "string", "GB/T 2260 code or 2/4-digit prefix"},
	{"mine", "integer", "1: the caller's organisation's posts, closed ones too"},
	{"limit", "integer", "1-500 (default 50)"},
	{NULL, NULL, NULL},
};
static const struct http_qparam q_limit[] = {
	{"limit", "integer", "results, 1-100 (default 10)"},
	{NULL, NULL, NULL},
};

static const struct http_route routes[] = {
	{.method = "GET", .pattern = "/api/v1/talent/posts", .who = WHO_USERS, .fn = api_talent_list, .tag = "talent",
	 .summary = "Open expert and need posts (人才链); an expert's name and contact only after an approved contact request",
	 .query = q_posts},
	{.method = "POST", .pattern = "/api/v1/talent/posts", .who = WHO_POSTERS, .fn = api_talent_create,
	 .tag = "talent",
	 .summary = "Post an expert (a large enterprise or a provider: secondment, consulting, training) or a need (an SME)",
	 .body = talent_post_fields, .ok_status = 201},
	{.method = "GET", .pattern = "/api/v1/talent/contacts", .who = WHO_USERS, .fn = api_talent_contacts,
	 .tag = "talent", .summary = "Contact requests the caller's organisation sent or received"},
	{.method = "GET", .pattern = "/api/v1/talent/secondments", .who = WHO_USERS, .fn = api_talent_secondments,
	 .tag = "talent", .summary = "Secondments of the caller's organisation as host or home (the operator: all)"},
	{.method = "GET", .pattern = "/api/v1/talent/posts/{id}", .who = WHO_USERS, .fn = api_talent_get, .tag = "talent",
	 .summary = "One post"},
	{.method = "POST", .pattern = "/api/v1/talent/posts/{id}/close", .who = WHO_POSTERS, .fn = api_talent_close,
	 .tag = "talent", .summary = "Close a post (its organisation)"},
	{.method = "GET", .pattern = "/api/v1/talent/posts/{id}/matches", .who = WHO_USERS, .fn = api_talent_matches,
	 .tag = "talent", .summary = "Experts for a need or needs for an expert, ranked by Chinese words, with why",
	 .query = q_limit},
	{.method = "POST", .pattern = "/api/v1/talent/posts/{id}/contact", .who = WHO_POSTERS, .fn = api_talent_contact,
	 .tag = "talent", .summary = "Ask to contact an expert; the expert's organisation approves",
	 .body = talent_contact_fields, .ok_status = 201},
	{.method = "POST", .pattern = "/api/v1/talent/posts/{id}/secondments", .who = WHO_POSTERS,
	 .fn = api_talent_secondment_propose, .tag = "talent",
	 .summary = "Propose a secondment of an expert (after an approved contact); the host's agreement is recorded",
	 .body = talent_secondment_fields, .ok_status = 201},
	{.method = "POST", .pattern = "/api/v1/talent/contacts/{id}/approve", .who = WHO_POSTERS,
	 .fn = api_talent_contact_approve, .tag = "talent",
	 .summary = "Approve a contact request (the expert's organisation): the requester sees name and contact"},
	{.method = "POST", .pattern = "/api/v1/talent/contacts/{id}/decline", .who = WHO_POSTERS,
	 .fn = api_talent_contact_decline, .tag = "talent", .summary = "Decline a contact request"},
	{.method = "POST", .pattern = "/api/v1/talent/secondments/{id}/agree", .who = WHO_POSTERS,
	 .fn = api_talent_secondment_agree, .tag = "talent", .summary = "The other organisation agrees to a secondment"},
	{.method = "POST", .pattern = "/api/v1/talent/secondments/{id}/consent", .who = WHO_POSTERS,
	 .fn = api_talent_secondment_consent, .tag = "talent",
	 .summary = "The home organisation records the person's consent; active once both organisations agreed",
	 .body = talent_consent_fields},
	{.method = "POST", .pattern = "/api/v1/talent/secondments/{id}/cancel", .who = WHO_POSTERS,
	 .fn = api_talent_secondment_cancel, .tag = "talent", .summary = "Cancel a secondment not yet active"},
};

const struct http_route_table http_routes_talent = {
	.name = "talent",
	.order = 82,
	.routes = routes,
	.count = sizeof routes / sizeof routes[0],
};
