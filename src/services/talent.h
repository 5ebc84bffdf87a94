/*
 * talent.h - the talent chain (人才链): experts and engineers that large
 * enterprises and providers offer for secondment (共享用工), part-time
 * consulting or training, and the talent needs SMEs post; matching both
 * ways with the market's Chinese-word ranking (text/rank.h); contact
 * requests, approved by the expert's organisation before the expert's name
 * and contact details are shown; secondments, in force only when both
 * organisations agree and the person's consent is recorded.
 *
 * Functions return a qerr and fill err; *out is the caller's. Writes run in
 * their own write transaction and are audited.
 */
#ifndef QILIAN_SERVICES_TALENT_H
#define QILIAN_SERVICES_TALENT_H
#include <jansson.h>
#include "base/jsonio.h"
#include "base/qerr.h"
#include "platform/actor.h"
#include "store/db.h"

extern const struct jfield talent_post_fields[];       /* POST /talent/posts */
extern const struct jfield talent_contact_fields[];    /* POST /talent/posts/{id}/contact */
extern const struct jfield talent_secondment_fields[]; /* POST /talent/posts/{id}/secondments */
extern const struct jfield talent_consent_fields[];    /* POST /talent/secondments/{id}/consent */

/*
 * Posts an expert (kind "expert": a large enterprise or a provider) or a
 * need (kind "need": an SME). *out: the post as its organisation sees it.
 */
enum qerr talent_post_create(struct db *db, const struct actor *a, const json_t *body, json_t **out,
			     struct qerror *err);

struct talent_filter {
	const char *kind;   /* expert | need | NULL (both) */
	const char *q;	    /* words: ranked by text/rank.h when given */
	const char *mode;   /* secondment | consulting | training | NULL */
	const char *region; /* GB/T 2260 prefix, NULL: anywhere */
	int mine;	    /* 1: the caller's organisation's only */
	int limit;
};
/* Open posts (and the caller's own closed ones with mine), newest first or by rank for q. {items}. */
enum qerr talent_post_list(struct db *db, const struct actor *a, const struct talent_filter *f, json_t **out,
			   struct qerror *err);

/* One post; an expert's person_name and contact only for its organisation or an approved contact. */
enum qerr talent_post_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);

/* Closes a post (its organisation). */
enum qerr talent_post_close(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);

/*
 * Matches for a post: open experts for a need, open needs for an expert,
 * ranked by the words of the post (title, skills, description) with the
 * same chain segment and region nearness as tie-breaks; each with its
 * score and why (matched words, same segment, region). {post_id, items}.
 */
enum qerr talent_match(struct db *db, const struct actor *a, int64_t id, int limit, json_t **out, struct qerror *err);

/* Asks to contact an expert (another organisation); the expert's organisation is notified. */
enum qerr talent_contact_request(struct db *db, const struct actor *a, int64_t expert_id, const json_t *body,
				 json_t **out, struct qerror *err);
/* The expert's organisation approves (contact details shown to the requester) or declines. */
enum qerr talent_contact_decide(struct db *db, const struct actor *a, int64_t contact_id, bool approve, json_t **out,
				struct qerror *err);
/* Contact requests the caller's organisation made or received. {items}. */
enum qerr talent_contacts(struct db *db, const struct actor *a, json_t **out, struct qerror *err);

/*
 * The host organisation (with an approved contact) proposes a secondment of
 * the expert from start_date to end_date with terms; its own agreement is
 * recorded with it.
 */
enum qerr talent_secondment_propose(struct db *db, const struct actor *a, int64_t expert_id, const json_t *body,
				    json_t **out, struct qerror *err);
/* The other organisation (home or host) agrees. Active once both agree and the person consented. */
enum qerr talent_secondment_agree(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);
/* The home organisation records the person's consent (their name as posted, confirm=true). */
enum qerr talent_secondment_consent(struct db *db, const struct actor *a, int64_t id, const json_t *body, json_t **out,
				    struct qerror *err);
/* Either organisation cancels a secondment that is not active yet. */
enum qerr talent_secondment_cancel(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);
/* Secondments of the caller's organisation (home or host; the operator: all). {items}. */
enum qerr talent_secondments(struct db *db, const struct actor *a, json_t **out, struct qerror *err);

#endif
