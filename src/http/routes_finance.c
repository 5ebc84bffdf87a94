/*
 * routes_finance.c - supply-chain finance's routes (资金链): certificates,
 * pieces, transfers, discount applications, credit limits, settings, the
 * sweep, and the ledger (api_finance*.c). Every write takes a required
 * Idempotency-Key header (docs/finance.md). The route's `who` admits the
 * organisation types that may ever call it; the domain then checks that
 * the caller is the party (issuer, holder, receiver, bank) of the object.
 */
#include "http/api_finance.h"
#include "finance/finance.h"

/* Everyone but the operator, who sees aggregates (the overview, ledger totals) and no single certificate. */
#define WHO_FINANCE (WHO_ORG(ORG_LARGE) | WHO_ORG(ORG_SME) | WHO_ORG(ORG_BANK) | WHO_ORG(ORG_PROVIDER))
#define WHO_PARTIES (WHO_ORG(ORG_LARGE) | WHO_ORG(ORG_SME))
#define IDEM " Requires an Idempotency-Key header (same key + same request replays the first answer; another request is 409)."

static const struct http_qparam q_certificates[] = {
	{"role", "string", "issued|held|all (default all)"},
	{"status", "string", "issued|refused|active|settled"},
	{"limit", "integer", "page size, 1-500"},
	{"cursor", "string", "next_cursor of the previous page (newest first)"},
	{NULL, NULL, NULL},
};
static const struct http_qparam q_pieces[] = {
	{"state", "string", "held|pending_transfer|pending_discount|discounted|settled|split|transferred|all (default: the unsettled live ones)"},
	{"limit", "integer", "page size, 1-500"},
	{"cursor", "string", "next_cursor of the previous page (newest first)"},
	{NULL, NULL, NULL},
};
static const struct http_qparam q_transfers[] = {
	{"direction", "string", "in|out|all (default all)"},
	{"status", "string", "pending|accepted|refused|cancelled"},
	{"limit", "integer", "page size, 1-500"},
	{"cursor", "string", "next_cursor of the previous page (newest first)"},
	{NULL, NULL, NULL},
};
static const struct http_qparam q_discounts[] = {
	{"status", "string", "pending|approved|rejected|withdrawn|expired|cancelled"},
	{"limit", "integer", "page size, 1-500"},
	{"cursor", "string", "next_cursor of the previous page (newest first)"},
	{NULL, NULL, NULL},
};
static const struct http_qparam q_interest[] = {
	{"amount_fen", "integer", "amount in fen (required)"},
	{"rate_bp", "integer", "annual rate in basis points, 0-10000 (required)"},
	{"from", "string", "discount date YYYY-MM-DD (required)"},
	{"maturity", "string", "maturity date YYYY-MM-DD (required)"},
	{NULL, NULL, NULL},
};
static const struct http_qparam q_statement[] = {
	{"from", "string", "first day YYYY-MM-DD (UTC)"},
	{"to", "string", "last day YYYY-MM-DD (UTC)"},
	{"limit", "integer", "page size, 1-500"},
	{"cursor", "string", "next_cursor of the previous page (oldest first)"},
	{NULL, NULL, NULL},
};

/* In matching order: the first pattern that fits the path with the method wins. */
static const struct http_route routes[] = {
	{.method = "GET", .pattern = "/api/v1/finance/certificates", .who = WHO_FINANCE, .fn = api_finance_certificates,
	 .tag = "finance", .summary = "Certificates the caller issued or holds pieces of, newest first", .query = q_certificates},
	{.method = "POST", .pattern = "/api/v1/finance/certificates", .who = WHO_ORG(ORG_LARGE), .fn = api_finance_issue,
	 .tag = "finance",
	 .summary = "Issue a payable certificate to a supplier (supply relation or order); maturity at most one year, over six months warns, SME payment term flagged." IDEM,
	 .body = finance_issue_fields, .ok_status = 201},
	{.method = "GET", .pattern = "/api/v1/finance/certificates/{id}", .who = WHO_FINANCE, .fn = api_finance_certificate,
	 .tag = "finance",
	 .summary = "A certificate with the pieces the caller may see: the issuer the whole tree, a holder its pieces and their lineage"},
	{.method = "POST", .pattern = "/api/v1/finance/certificates/{id}/accept", .who = WHO_PARTIES, .fn = api_finance_accept,
	 .tag = "finance", .summary = "The payee accepts (确权): the root piece [1, face] becomes usable." IDEM},
	{.method = "POST", .pattern = "/api/v1/finance/certificates/{id}/refuse", .who = WHO_PARTIES, .fn = api_finance_refuse,
	 .tag = "finance", .summary = "The payee refuses the certificate with a reason (its invoices are freed)." IDEM,
	 .body = finance_reason_fields},
	{.method = "POST", .pattern = "/api/v1/finance/certificates/{id}/settle", .who = WHO_ORG(ORG_LARGE),
	 .fn = api_finance_settle, .tag = "finance",
	 .summary = "The issuer settles on or after maturity: every outstanding piece is paid to its holder against the bank's confirmation." IDEM,
	 .body = finance_settle_fields},
	{.method = "GET", .pattern = "/api/v1/finance/pieces", .who = WHO_FINANCE, .fn = api_finance_pieces, .tag = "finance",
	 .summary = "The caller's pieces (wallet), newest first", .query = q_pieces},
	{.method = "GET", .pattern = "/api/v1/finance/pieces/{id}", .who = WHO_FINANCE, .fn = api_finance_piece,
	 .tag = "finance", .summary = "A piece with its lineage up to the root"},
	{.method = "POST", .pattern = "/api/v1/finance/pieces/{id}/split", .who = WHO_PARTIES, .fn = api_finance_split,
	 .tag = "finance", .summary = "The holder splits a held piece into two held pieces." IDEM,
	 .body = finance_split_fields, .ok_status = 201},
	{.method = "POST", .pattern = "/api/v1/finance/pieces/{id}/transfers", .who = WHO_PARTIES, .fn = api_finance_transfer,
	 .tag = "finance",
	 .summary = "The holder offers part of a held piece (1 fen to its balance) to an enterprise that supplies it; held until the receiver decides." IDEM,
	 .body = finance_transfer_fields, .ok_status = 201},
	{.method = "GET", .pattern = "/api/v1/finance/transfers", .who = WHO_FINANCE, .fn = api_finance_transfers,
	 .tag = "finance", .summary = "Transfers to or from the caller's enterprises", .query = q_transfers},
	{.method = "GET", .pattern = "/api/v1/finance/transfers/{id}", .who = WHO_FINANCE, .fn = api_finance_transfer_get,
	 .tag = "finance", .summary = "One transfer (its sender, receiver or the certificate's issuer)"},
	{.method = "POST", .pattern = "/api/v1/finance/transfers/{id}/accept", .who = WHO_PARTIES,
	 .fn = api_finance_transfer_accept, .tag = "finance", .summary = "The receiver accepts a transfer." IDEM},
	{.method = "POST", .pattern = "/api/v1/finance/transfers/{id}/refuse", .who = WHO_PARTIES,
	 .fn = api_finance_transfer_refuse, .tag = "finance",
	 .summary = "The receiver refuses a transfer (the part returns to the sender)." IDEM, .body = finance_reason_fields},
	{.method = "POST", .pattern = "/api/v1/finance/transfers/{id}/cancel", .who = WHO_PARTIES,
	 .fn = api_finance_transfer_cancel, .tag = "finance", .summary = "The sender cancels a pending transfer." IDEM},
	{.method = "GET", .pattern = "/api/v1/finance/banks", .who = WHO_USERS, .fn = api_finance_banks, .tag = "finance",
	 .summary = "Banks a holder may apply to"},
	{.method = "GET", .pattern = "/api/v1/finance/discounts", .who = WHO_FINANCE, .fn = api_finance_discounts,
	 .tag = "finance", .summary = "Discount applications: the applicant's own, or those made to the calling bank",
	 .query = q_discounts},
	{.method = "POST", .pattern = "/api/v1/finance/discounts", .who = WHO_PARTIES, .fn = api_finance_discount_apply,
	 .tag = "finance",
	 .summary = "Apply to a bank to discount held pieces; they are held until the bank decides or the application expires." IDEM,
	 .body = finance_apply_fields, .ok_status = 201},
	{.method = "GET", .pattern = "/api/v1/finance/discounts/{id}", .who = WHO_FINANCE, .fn = api_finance_discount,
	 .tag = "finance",
	 .summary = "One application; the bank also gets the risk view (lineage, supply relations and orders with the issuer, limits)"},
	{.method = "POST", .pattern = "/api/v1/finance/discounts/{id}/approve", .who = WHO_ORG(ORG_BANK),
	 .fn = api_finance_discount_approve, .tag = "finance",
	 .summary = "The bank approves at an annual rate (bp) within its credit limit: interest = amount x rate x days / 360, half up; the bank holds the pieces." IDEM,
	 .body = finance_approve_fields},
	{.method = "POST", .pattern = "/api/v1/finance/discounts/{id}/reject", .who = WHO_ORG(ORG_BANK),
	 .fn = api_finance_discount_reject, .tag = "finance", .summary = "The bank rejects with a reason (the pieces are released)." IDEM,
	 .body = finance_reason_fields},
	{.method = "POST", .pattern = "/api/v1/finance/discounts/{id}/withdraw", .who = WHO_PARTIES,
	 .fn = api_finance_discount_withdraw, .tag = "finance", .summary = "The applicant withdraws a pending application." IDEM},
	{.method = "GET", .pattern = "/api/v1/finance/interest", .who = WHO_USERS, .fn = api_finance_interest,
	 .tag = "finance", .summary = "Discount interest and net amount for an amount, rate and dates (with the platform fee)",
	 .query = q_interest},
	{.method = "GET", .pattern = "/api/v1/finance/limits", .who = WHO_ORG(ORG_BANK) | WHO_ORG(ORG_LARGE),
	 .fn = api_finance_limits, .tag = "finance",
	 .summary = "Credit limits: a bank's grants, or those granted to an issuer (the operator: totals in the overview)"},
	{.method = "PUT", .pattern = "/api/v1/finance/limits", .who = WHO_ORG(ORG_BANK), .fn = api_finance_limit_set,
	 .tag = "finance", .summary = "The bank grants or changes an issuer's credit limit (not below what is used)." IDEM,
	 .body = finance_limit_fields},
	{.method = "GET", .pattern = "/api/v1/finance/wallet", .who = WHO_FINANCE, .fn = api_finance_wallet,
	 .tag = "finance", .summary = "The caller's wallet: held pieces, issued certificates, what waits for it, its pending operations, a bank's queue"},
	{.method = "GET", .pattern = "/api/v1/finance/overview", .who = WHO_ORG(ORG_OPERATOR), .fn = api_finance_overview,
	 .tag = "finance", .summary = "Aggregates for the operator: certificates by status, outstanding, discounted, overdue, flagged, limits"},
	{.method = "GET", .pattern = "/api/v1/finance/settings", .who = WHO_USERS, .fn = api_finance_settings,
	 .tag = "finance", .summary = "Platform fee (bp) and the discount application time"},
	{.method = "PUT", .pattern = "/api/v1/finance/settings", .who = WHO_PLATFORM_ADMIN, .fn = api_finance_settings_set,
	 .tag = "finance", .summary = "Change the platform fee or the application time (platform admins)." IDEM,
	 .body = finance_settings_fields},
	{.method = "POST", .pattern = "/api/v1/finance/sweep", .who = WHO_ORG(ORG_OPERATOR), .fn = api_finance_sweep,
	 .tag = "finance", .summary = "Flag overdue certificates (notifying holders, issuer, operator) and expire applications." IDEM},
	{.method = "GET", .pattern = "/api/v1/ledger/balances", .who = WHO_USERS, .fn = api_ledger_balances,
	 .tag = "finance", .summary = "The caller's organisation's account balances (the operator: platform totals)"},
	{.method = "GET", .pattern = "/api/v1/ledger/statement", .who = WHO_FINANCE, .fn = api_ledger_statement,
	 .tag = "finance", .summary = "The caller's organisation's postings with running balances, oldest first",
	 .query = q_statement},
};

const struct http_route_table http_routes_finance = {
	.name = "finance",
	.order = 60,
	.routes = routes,
	.count = sizeof routes / sizeof routes[0],
};
