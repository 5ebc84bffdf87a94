/*
 * challenge_int.h - what challenge.c, challenge_proposal.c,
 * challenge_eval.c and challenge_suggest.c share (not a public API): the
 * challenge row, its effective status, who the actor is to it, and the
 * error and audit shorthands.
 */
#ifndef QILIAN_SHARING_CHALLENGE_INT_H
#define QILIAN_SHARING_CHALLENGE_INT_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/qerr.h"
#include "base/qtime.h"
#include "platform/actor.h"
#include "store/db.h"

struct challenge_row {
	int64_t id, poster_org_id, poster_enterprise_id, sid, reward_fen, winner_proposal_id;
	bool winner_consent;
	char status[16];    /* as stored */
	char effective[16]; /* "closed" for an open challenge past its deadline */
	char deadline[QTIME_ISO_LEN];
	char title[400];
	bool past_deadline;
};

/* Loads challenge id (QERR_NOT_FOUND "challenge_not_found"); effective status against the clock. */
enum qerr chl_load(struct db *db, int64_t id, struct challenge_row *c, struct qerror *err);
/* The poster's organisation or the operator. */
bool chl_is_poster(const struct actor *a, const struct challenge_row *c);
bool chl_is_operator(const struct actor *a);
/* Whether the actor may read the challenge at all (drafts: poster and operator only). */
bool chl_readable(const struct actor *a, const struct challenge_row *c);
/* Whether the actor's user is on the panel. */
enum qerr chl_on_panel(struct db *db, const struct actor *a, int64_t challenge_id, bool *yes, struct qerror *err);
/* 404 challenge_not_found. */
enum qerr chl_not_found(struct qerror *err, int64_t id);
/* 409 wrong_state naming what was expected. */
enum qerr chl_wrong_state(struct qerror *err, const struct challenge_row *c, const char *needed);
/* Rolls back and returns the error's code. */
enum qerr chl_fail(struct db *db, struct qerror *err);
/* Audit with the object id as text. */
enum qerr chl_audit(struct db *db, const struct actor *a, const char *action, const char *type, int64_t id,
		    const json_t *detail, struct qerror *err);
/* Now, canonical UTC text. */
void chl_now(char out[QTIME_ISO_LEN]);
/* Stored status change, with updated_at. */
enum qerr chl_set_status(struct db *db, int64_t id, const char *status, struct qerror *err);
/* Notifies the poster's enterprise, when it has one. */
enum qerr chl_notify_poster(struct db *db, const struct challenge_row *c, const char *kind, int64_t object,
			    const char *title, struct qerror *err);
/* Criteria weights of a challenge into w[CHALLENGE_MAX_CRITERIA]; *n their number. */
enum qerr chl_weights(struct db *db, int64_t id, int64_t *w, size_t *n, struct qerror *err);
/* {"uscc","name"} of an enterprise id (null when gone). */
json_t *chl_enterprise_json(struct db *db, int64_t id);

#endif
