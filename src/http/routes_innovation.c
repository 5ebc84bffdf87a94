/*
 * routes_innovation.c - the innovation chain's vouchers (科技创新券) and open
 * challenges (揭榜挂帅): handlers in api_innovation_voucher.c and
 * api_innovation_challenge.c, rules in src/sharing (voucher.h,
 * challenge.h). The shared resources and bookings the vouchers pay for are
 * routes_sharing.c's. The route bits say which kinds of organisation may
 * call at all; who the caller is to the voucher, the booking, the challenge
 * or the proposal (holder, owner, poster, panel member, consortium member)
 * is checked in the domain.
 */
#include "http/api_innovation.h"
#include "sharing/challenge.h"
#include "sharing/voucher.h"

/* The tables below keep one route to a few lines, as the other routes files do: clang-format leaves them. */
/* clang-format off */

#define WHO_POSTERS (WHO_ORG(ORG_OPERATOR) | WHO_ORG(ORG_LARGE))
#define WHO_VOUCHER_USERS (WHO_ORG(ORG_OPERATOR) | WHO_ORG(ORG_SME))

static const struct http_qparam q_applications[] = {
	{"role", "string", "owner (the resource owner's claims) | holder (the SME's); default both"},
	{"status", "string", "applied|claimed|approved|rejected"},
	{NULL, NULL, NULL},
};
static const struct http_qparam q_preview[] = {
	{"booking", "integer", "the completed booking (required)"},
	{NULL, NULL, NULL},
};
static const struct http_qparam q_challenges[] = {
	{"status", "string", "draft|open|closed|evaluating|shortlisted|awarded|completed"},
	{"mine", "integer", "1: only the caller's organisation's"},
	{NULL, NULL, NULL},
};
static const struct http_qparam q_suggest[] = {
	{"limit", "integer", "results, 1-100 (default 20)"},
	{NULL, NULL, NULL},
};

static const struct http_route routes[] = {
	/* Vouchers (api_innovation_voucher.c). */
	{.method = "GET", .pattern = "/api/v1/vouchers", .who = WHO_VOUCHER_USERS, .fn = api_voucher_list,
	 .tag = "innovation", .summary = "Innovation vouchers with balances: the SME's wallet (the operator sees all)"},
	{.method = "POST", .pattern = "/api/v1/vouchers", .who = WHO_ORG(ORG_OPERATOR), .fn = api_voucher_issue,
	 .tag = "innovation", .summary = "Issue a voucher to an SME: amount, share of a bill, validity, yearly cap",
	 .body = voucher_issue_fields, .ok_status = 201},
	{.method = "GET", .pattern = "/api/v1/vouchers/verify", .who = WHO_ORG(ORG_OPERATOR), .fn = api_voucher_verify,
	 .tag = "innovation", .summary = "Check the whole voucher ledger: no voucher overspent, every movement accounted for"},
	{.method = "GET", .pattern = "/api/v1/vouchers/{id}", .who = WHO_VOUCHER_USERS, .fn = api_voucher_get,
	 .tag = "innovation", .summary = "One voucher with its ledger movements and applications"},
	{.method = "GET", .pattern = "/api/v1/vouchers/{id}/preview", .who = WHO_VOUCHER_USERS, .fn = api_voucher_preview,
	 .tag = "innovation", .summary = "The split applying the voucher to a completed booking would make", .query = q_preview},
	{.method = "POST", .pattern = "/api/v1/vouchers/{id}/revoke", .who = WHO_ORG(ORG_OPERATOR), .fn = api_voucher_revoke,
	 .tag = "innovation", .summary = "Revoke a voucher: it pays no further bill (what it paid stays paid)"},
	{.method = "GET", .pattern = "/api/v1/vouchers/{id}/bookings", .who = WHO_VOUCHER_USERS,
	 .fn = api_voucher_bookings, .tag = "innovation",
	 .summary = "Completed bookings of the voucher's enterprise it may still pay part of"},
	{.method = "POST", .pattern = "/api/v1/vouchers/{id}/apply", .who = WHO_VOUCHER_USERS, .fn = api_voucher_apply,
	 .tag = "innovation",
	 .summary = "Apply the voucher to a completed booking: part = min(bill × share, balance, yearly cap left)",
	 .body = api_voucher_apply_fields, .ok_status = 201},
	{.method = "GET", .pattern = "/api/v1/voucher-applications", .who = WHO_USERS, .fn = api_voucher_applications,
	 .tag = "innovation", .summary = "Voucher applications: the owner's claims, the SME's uses, the operator's queue",
	 .query = q_applications},
	{.method = "GET", .pattern = "/api/v1/voucher-applications/{id}", .who = WHO_USERS, .fn = api_voucher_application,
	 .tag = "innovation", .summary = "One voucher application"},
	{.method = "POST", .pattern = "/api/v1/voucher-applications/{id}/claim", .who = WHO_USERS, .fn = api_voucher_claim,
	 .tag = "innovation", .summary = "The resource owner claims the voucher part with the booking's usage record"},
	{.method = "POST", .pattern = "/api/v1/voucher-applications/{id}/approve", .who = WHO_ORG(ORG_OPERATOR),
	 .fn = api_voucher_approve, .tag = "innovation", .summary = "The operator approves a claim"},
	{.method = "POST", .pattern = "/api/v1/voucher-applications/{id}/reject", .who = WHO_ORG(ORG_OPERATOR),
	 .fn = api_voucher_reject, .tag = "innovation",
	 .summary = "The operator rejects a claim with a reason; the part returns to the voucher", .body = voucher_reject_fields},
	{.method = "GET", .pattern = "/api/v1/bookings/{id}/voucher", .who = WHO_USERS, .fn = api_voucher_booking,
	 .tag = "innovation", .summary = "A booking's bill: the voucher part and the SME's part"},
	/* Challenges (api_innovation_challenge.c). */
	{.method = "GET", .pattern = "/api/v1/challenges", .who = WHO_USERS, .fn = api_challenge_list,
	 .tag = "innovation", .summary = "Open innovation challenges (揭榜挂帅), newest first", .query = q_challenges},
	{.method = "POST", .pattern = "/api/v1/challenges", .who = WHO_POSTERS, .fn = api_challenge_create,
	 .tag = "innovation", .summary = "Post a draft challenge (a large enterprise or the operator)",
	 .body = challenge_fields, .ok_status = 201},
	{.method = "GET", .pattern = "/api/v1/challenges/{id}", .who = WHO_USERS, .fn = api_challenge_get,
	 .tag = "innovation", .summary = "One challenge: terms, milestones, criteria, state and the published result"},
	{.method = "PATCH", .pattern = "/api/v1/challenges/{id}", .who = WHO_POSTERS, .fn = api_challenge_update,
	 .tag = "innovation", .summary = "Change a draft's terms; 409 terms_frozen once open", .body = challenge_fields},
	{.method = "POST", .pattern = "/api/v1/challenges/{id}/open", .who = WHO_POSTERS, .fn = api_challenge_open,
	 .tag = "innovation", .summary = "Open a draft for submissions: its terms freeze"},
	{.method = "POST", .pattern = "/api/v1/challenges/{id}/panel", .who = WHO_POSTERS, .fn = api_challenge_panel,
	 .tag = "innovation", .summary = "Name the evaluation panel (users by e-mail), before evaluation",
	 .body = challenge_panel_fields},
	{.method = "POST", .pattern = "/api/v1/challenges/{id}/register", .who = WHO_WRITERS, .fn = api_challenge_register,
	 .tag = "innovation", .summary = "Register an enterprise as a solver: it receives every answer in its inbox",
	 .body = challenge_register_fields},
	{.method = "GET", .pattern = "/api/v1/challenges/{id}/questions", .who = WHO_USERS, .fn = api_challenge_questions,
	 .tag = "innovation", .summary = "Questions and answers"},
	{.method = "POST", .pattern = "/api/v1/challenges/{id}/questions", .who = WHO_USERS, .fn = api_challenge_ask,
	 .tag = "innovation", .summary = "Ask the poster a question while the challenge is open",
	 .body = challenge_question_fields, .ok_status = 201},
	{.method = "POST", .pattern = "/api/v1/challenge-questions/{id}/answer", .who = WHO_POSTERS,
	 .fn = api_challenge_answer, .tag = "innovation",
	 .summary = "Answer a question: broadcast to every registered solver's inbox", .body = challenge_answer_fields},
	{.method = "GET", .pattern = "/api/v1/challenges/{id}/proposals", .who = WHO_USERS, .fn = api_challenge_proposals,
	 .tag = "innovation",
	 .summary = "Proposals as sealing allows: own ones always; the poster and the panel only after the deadline"},
	{.method = "POST", .pattern = "/api/v1/challenges/{id}/proposals", .who = WHO_WRITERS, .fn = api_challenge_submit,
	 .tag = "innovation",
	 .summary = "Submit a sealed proposal (alone or a consortium of up to five); the answer is the sha256 receipt",
	 .body = challenge_proposal_fields, .ok_status = 201},
	{.method = "POST", .pattern = "/api/v1/challenges/{id}/receipts/verify", .who = WHO_USERS,
	 .fn = api_challenge_verify_receipt, .tag = "innovation",
	 .summary = "Whether a proposal with this receipt hash was received", .body = challenge_receipt_fields},
	{.method = "POST", .pattern = "/api/v1/challenges/{id}/evaluate", .who = WHO_POSTERS, .fn = api_challenge_evaluate,
	 .tag = "innovation", .summary = "Start the evaluation after the deadline (a panel of two at least)"},
	{.method = "GET", .pattern = "/api/v1/challenges/{id}/evaluation", .who = WHO_USERS, .fn = api_challenge_evaluation,
	 .tag = "innovation",
	 .summary = "The reviewer's page: proposals, its declarations and scores, the others' after its own"},
	{.method = "GET", .pattern = "/api/v1/challenges/{id}/results", .who = WHO_USERS, .fn = api_challenge_results,
	 .tag = "innovation", .summary = "Weighted totals, ranked; 409 until every proposal has two reviews"},
	{.method = "POST", .pattern = "/api/v1/challenges/{id}/shortlist", .who = WHO_POSTERS, .fn = api_challenge_shortlist,
	 .tag = "innovation", .summary = "Shortlist proposals", .body = challenge_shortlist_fields},
	{.method = "POST", .pattern = "/api/v1/challenges/{id}/award", .who = WHO_POSTERS, .fn = api_challenge_award,
	 .tag = "innovation", .summary = "Name the winner from the shortlist; it is asked to consent to publication",
	 .body = challenge_award_fields},
	{.method = "POST", .pattern = "/api/v1/challenges/{id}/milestones/{seq}/accept", .who = WHO_POSTERS,
	 .fn = api_challenge_milestone, .tag = "innovation",
	 .summary = "Accept the next milestone and record the reward it pays", .body = challenge_milestone_fields},
	{.method = "GET", .pattern = "/api/v1/challenges/{id}/suggestions", .who = WHO_POSTERS,
	 .fn = api_challenge_suggestions, .tag = "innovation",
	 .summary = "Suggested solvers from capabilities, listings and past results, each with why", .query = q_suggest},
	{.method = "GET", .pattern = "/api/v1/proposals/{id}", .who = WHO_USERS, .fn = api_proposal_get,
	 .tag = "innovation", .summary = "One proposal, as sealing allows"},
	{.method = "GET", .pattern = "/api/v1/proposals/{id}/receipt", .who = WHO_USERS, .fn = api_proposal_receipt,
	 .tag = "innovation", .summary = "The proposal's receipt: canonical text and sha256 (its members)"},
	{.method = "POST", .pattern = "/api/v1/proposals/{id}/confirm", .who = WHO_WRITERS, .fn = api_proposal_confirm,
	 .tag = "innovation", .summary = "A consortium member confirms its part"},
	{.method = "POST", .pattern = "/api/v1/proposals/{id}/withdraw", .who = WHO_WRITERS, .fn = api_proposal_withdraw,
	 .tag = "innovation", .summary = "The lead withdraws before the deadline"},
	{.method = "POST", .pattern = "/api/v1/proposals/{id}/declaration", .who = WHO_USERS,
	 .fn = api_proposal_declaration, .tag = "innovation",
	 .summary = "A reviewer declares a conflict of interest (excluded) or none", .body = challenge_declaration_fields,
	 .ok_status = 201},
	{.method = "POST", .pattern = "/api/v1/proposals/{id}/scores", .who = WHO_USERS, .fn = api_proposal_scores,
	 .tag = "innovation", .summary = "A non-conflicted reviewer scores each criterion 0-100, once",
	 .body = challenge_scores_fields, .ok_status = 201},
	{.method = "POST", .pattern = "/api/v1/proposals/{id}/consent", .who = WHO_WRITERS, .fn = api_proposal_consent,
	 .tag = "innovation", .summary = "The winner consents: the result is published"},
};

/* clang-format on */

const struct http_route_table http_routes_innovation = {
	.name = "innovation",
	.order = 75,
	.routes = routes,
	.count = sizeof routes / sizeof routes[0],
};
