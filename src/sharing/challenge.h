/*
 * challenge.h - open innovation challenges (揭榜挂帅): a large enterprise or
 * the operator posts a problem with a reward paid by milestones; solvers
 * (enterprises alone or in a consortium of at most five) submit sealed
 * proposals; a panel the poster names scores them; a shortlist, a winner,
 * the published result and the milestones paid one by one.
 *
 * States: draft -> open -> closed (read from the clock: an open challenge
 * past its deadline reads as "closed") -> evaluating -> shortlisted ->
 * awarded -> completed. Terms (everything posted: problem, segment,
 * capabilities, eligibility, reward, milestones, criteria, deadline) change
 * only while draft; afterwards 409 terms_frozen.
 *
 * Sealing: a proposal's content is readable by nobody but its own members
 * before the deadline (the poster and the operator learn only how many
 * came); after it, by the poster, the operator and the panel members who
 * declared no conflict for it, and never by other submitters. At submission
 * the lead gets a receipt: the canonical text of its proposal and its
 * sha256 (libsodium), so it can prove later what it sent.
 *
 * Evaluation: each panel member declares for each proposal whether it has
 * a conflict of interest (a member of a consortium's organisation always
 * has); a conflicted reviewer is excluded from that proposal and cannot
 * score it. A reviewer scores every criterion 0-100 once; it sees the
 * others' scores of a proposal only after submitting its own. A
 * proposal's total is the mean over its reviewers of the weighted score,
 * in hundredths, rounded half up once (challenge_aggregate). Results need
 * at least two non-conflicted submitted reviews for every proposal.
 *
 * Milestone rewards: the reward is split by the milestones' shares (basis
 * points that sum to exactly 10000) with money_split_weighted, so the paid
 * parts add up to the reward to the fen.
 *
 * The clock: challenge_clock_now() is the system clock, unless the
 * environment names a test clock (see below). Functions return QERR_OK or
 * fill err; *out is a new reference; an object the actor may not see is
 * QERR_NOT_FOUND.
 */
#ifndef QILIAN_SHARING_CHALLENGE_H
#define QILIAN_SHARING_CHALLENGE_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/jsonio.h"
#include "base/qerr.h"
#include "platform/actor.h"
#include "store/db.h"

#define CHALLENGE_MAX_MEMBERS 5 /* a consortium: the lead and at most four others */
#define CHALLENGE_MAX_MILESTONES 20
#define CHALLENGE_MAX_CRITERIA 20
#define CHALLENGE_MAX_REWARD_FEN 100000000000LL /* 10亿元 */
#define CHALLENGE_SHA256_HEX 65

/*
 * Seconds since the epoch for every deadline and validity rule of the
 * innovation chain (challenges and vouchers). Tests only: when the
 * environment variable QILIAN_TEST_CLOCK_FILE names a file whose content
 * is a UTC time ("2026-05-01T00:00:00Z"), that time is now (re-read at each
 * call, so a test moves the clock by rewriting the file); an unreadable
 * file or other content falls back to the system clock.
 */
int64_t challenge_clock_now(void);

/* Request bodies (for the OpenAPI document; milestones and criteria are arrays of objects, checked here). */
extern const struct jfield challenge_fields[];
extern const struct jfield challenge_panel_fields[];
extern const struct jfield challenge_register_fields[];
extern const struct jfield challenge_question_fields[];
extern const struct jfield challenge_answer_fields[];
extern const struct jfield challenge_proposal_fields[];
extern const struct jfield challenge_declaration_fields[];
extern const struct jfield challenge_scores_fields[];
extern const struct jfield challenge_shortlist_fields[];
extern const struct jfield challenge_award_fields[];
extern const struct jfield challenge_milestone_fields[];
extern const struct jfield challenge_receipt_fields[];

/* ---- pure helpers (challenge.c) ---- */

/* hex[65] = lower-case hex sha256 of text[0..len). */
void challenge_sha256_hex(const char *text, size_t len, char hex[CHALLENGE_SHA256_HEX]);

/* True when hex is the sha256 of canonical (the receipt proves the text). Constant-time compare. */
bool challenge_receipt_matches(const char *canonical, const char *hex);

/*
 * The canonical text of a proposal: its fields as compact JSON with sorted
 * keys, members sorted, UTF-8 kept. Caller frees. NULL on out of memory.
 */
char *challenge_canonical(const json_t *proposal);

/*
 * Weighted total in hundredths of a point: scores[r*n + i] is reviewer r's
 * score (0-100) of criterion i, weights[i] >= 1; the mean over reviews of
 * Σ score × weight / Σ weight, × 100, rounded half up once. reviews >= 1.
 * QERR_INVALID for a score out of range, no criteria or no reviews.
 */
enum qerr challenge_aggregate(const int *scores, size_t reviews, const int64_t *weights, size_t n, int64_t *hundredths,
			      struct qerror *err);

/* True when shares (basis points, each >= 1) sum to exactly 10000. */
bool challenge_shares_complete(const int64_t *share_bp, size_t n);

/* ---- posting (challenge.c) ---- */

/* Creates a draft (large enterprise or operator). body as challenge_fields. *out is the challenge. */
enum qerr challenge_create(struct db *db, const struct actor *a, const json_t *body, json_t **out, struct qerror *err);
/* Changes a draft's terms (poster or operator); 409 terms_frozen once open. */
enum qerr challenge_update(struct db *db, const struct actor *a, int64_t id, const json_t *body, json_t **out,
			   struct qerror *err);
/* draft -> open (poster or operator): the deadline must be ahead. */
enum qerr challenge_open(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);
/* Challenges the actor may read (drafts: the poster's and the operator's); status filters by effective status. */
enum qerr challenge_list(struct db *db, const struct actor *a, const char *status, bool mine, json_t **out,
			 struct qerror *err);
/* One challenge with its milestones, criteria, counts, the actor's relation to it, and the published result. */
enum qerr challenge_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);
/* Names the panel (reviewers: e-mails of users), replacing it; poster or operator, until evaluation starts. */
enum qerr challenge_set_panel(struct db *db, const struct actor *a, int64_t id, const json_t *emails, json_t **out,
			      struct qerror *err);
/* Registers an enterprise of the actor's organisation as a solver (receives the Q&A). */
enum qerr challenge_register(struct db *db, const struct actor *a, int64_t id, const char *uscc, json_t **out,
			     struct qerror *err);

/* ---- questions and answers (challenge.c) ---- */

/* Answered questions for everyone who reads the challenge; unanswered ones also to the poster and the asker. */
enum qerr challenge_questions(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);
/* Asks a question (not the poster), while the challenge is open. */
enum qerr challenge_ask(struct db *db, const struct actor *a, int64_t id, const char *question, json_t **out,
			struct qerror *err);
/* The poster answers; every registered solver gets it in its inbox (kind "challenge_answer"). */
enum qerr challenge_answer(struct db *db, const struct actor *a, int64_t question_id, const char *answer, json_t **out,
			   struct qerror *err);

/* ---- proposals (challenge_proposal.c) ---- */

/*
 * Submits a sealed proposal for an enterprise of the actor's organisation
 * (the lead) with up to four member enterprises (USCCs), before the
 * deadline. With members it is "awaiting_members" until each member's
 * organisation confirms. *out is the receipt {proposal_id, challenge_id,
 * sha256, canonical, submitted_at, status}.
 */
enum qerr challenge_submit(struct db *db, const struct actor *a, int64_t id, const json_t *body, json_t **out,
			   struct qerror *err);
/* A member's organisation confirms its part, before the deadline. */
enum qerr challenge_confirm(struct db *db, const struct actor *a, int64_t proposal_id, json_t **out,
			    struct qerror *err);
/* The lead withdraws before the deadline. */
enum qerr challenge_withdraw(struct db *db, const struct actor *a, int64_t proposal_id, json_t **out,
			     struct qerror *err);
/* The receipt again (the proposal's member organisations). */
enum qerr challenge_receipt(struct db *db, const struct actor *a, int64_t proposal_id, json_t **out,
			    struct qerror *err);
/* Whether a proposal with this sha256 was received for the challenge: {found, proposal_id, submitted_at}. */
enum qerr challenge_verify_receipt(struct db *db, const struct actor *a, int64_t id, const char *sha256, json_t **out,
				   struct qerror *err);
/* Proposals as the sealing rule lets the actor see them: {"sealed", "count", "items"}. */
enum qerr challenge_proposals(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);
/* One proposal, same rule. */
enum qerr challenge_proposal_get(struct db *db, const struct actor *a, int64_t proposal_id, json_t **out,
				 struct qerror *err);

/* ---- evaluation, award, milestones (challenge_eval.c) ---- */

/* closed -> evaluating (poster or operator): the deadline passed, the panel has at least two members. */
enum qerr challenge_evaluate(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);
/* A panel member declares a conflict of interest (or none) for one proposal, once. */
enum qerr challenge_declare(struct db *db, const struct actor *a, int64_t proposal_id, bool conflict, const char *note,
			    json_t **out, struct qerror *err);
/* A non-conflicted panel member submits its scores (one integer 0-100 per criterion, in order), once. */
enum qerr challenge_score(struct db *db, const struct actor *a, int64_t proposal_id, const json_t *scores,
			  const char *comment, json_t **out, struct qerror *err);
/* The reviewer's page: every proposal with the actor's declaration and scores, others' after its own. */
enum qerr challenge_evaluation(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);
/* Ranked weighted totals (poster, operator, panel); 409 results_incomplete while a proposal has < 2 reviews. */
enum qerr challenge_results(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);
/* evaluating -> shortlisted with these proposal ids (poster or operator; results complete). */
enum qerr challenge_shortlist(struct db *db, const struct actor *a, int64_t id, const json_t *proposal_ids,
			      json_t **out, struct qerror *err);
/* shortlisted -> awarded: the winner among the shortlist (poster or operator); the winner is asked for consent. */
enum qerr challenge_award(struct db *db, const struct actor *a, int64_t id, int64_t proposal_id, json_t **out,
			  struct qerror *err);
/* The winner's lead organisation consents: the result is published. */
enum qerr challenge_consent(struct db *db, const struct actor *a, int64_t proposal_id, json_t **out,
			    struct qerror *err);
/* The poster accepts milestone seq (in order) of an awarded challenge, recording its reward; the last completes it. */
enum qerr challenge_accept_milestone(struct db *db, const struct actor *a, int64_t id, int64_t seq, const char *note,
				     json_t **out, struct qerror *err);

/* ---- suggestions (challenge_suggest.c) ---- */

/*
 * Enterprises to invite (poster or operator): those declaring the
 * challenge's segment in the chain map, offering matching supplies in the
 * market and with past challenge results, ranked by words of the problem
 * against their listings (text/rank.h) plus those signals, each with why.
 */
enum qerr challenge_suggest(struct db *db, const struct actor *a, int64_t id, int limit, json_t **out,
			    struct qerror *err);

#endif
