/*
 * subscription.h - an enterprise's standing interest in new demands
 * (需求订阅): segments, keywords and regions.
 *
 * A subscription matches a demand when each of its non-empty lists does:
 * the demand's segment is one of the segments; any keyword is found in the
 * demand's title or description as words (the keyword tokenized as a query,
 * the demand text tokenized for indexing, so 电机 finds 永磁同步电机 and not
 * 电视机; a keyword of several words needs all of them); one of the regions
 * is a prefix of the delivery region ("32" contains "320505"). An empty
 * list matches everything; a demand without segment or region does not
 * match a subscription that asks for one.
 *
 * When a public demand is published (API, CSV import) or changed, every
 * enterprise with a matching subscription - except the demand's own - gets
 * one 'demand_match' notification in its inbox (platform/inbox.h), in the same
 * transaction. Demands for invited suppliers only notify nobody this way.
 */
#ifndef QILIAN_MARKET_SUBSCRIPTION_H
#define QILIAN_MARKET_SUBSCRIPTION_H
#include <jansson.h>
#include <stdint.h>
#include "base/jsonio.h"
#include "base/qerr.h"
#include "registry/account.h"
#include "store/db.h"

#define SUBSCRIPTION_MAX_ITEMS 20 /* segments or keywords per subscription */
#define SUBSCRIPTION_KEYWORD_MAX 50 /* characters */

extern const struct jfield market_subscription_fields[];

/*
 * Creates a subscription from a decoded body {enterprise (USCC), name,
 * segments ["chain/segment"], keywords, regions}. The enterprise must be
 * of the actor's organisation (or the actor is the operator). *out is the
 * subscription: {id, enterprise: {uscc, name}, name, segments, keywords,
 * regions, created_at}. Audited.
 */
enum qerr market_subscription_create(struct db *db, const struct actor *a, const json_t *body, json_t **out,
				     struct qerror *err);

/* The subscriptions of the actor's organisation's enterprises (the operator: all): {"items": [...]}. */
enum qerr market_subscription_list(struct db *db, const struct actor *a, json_t **out, struct qerror *err);

/* Deletes one (owner organisation or operator); QERR_NOT_FOUND when it is not the caller's. Audited. */
enum qerr market_subscription_delete(struct db *db, const struct actor *a, int64_t id, struct qerror *err);

/*
 * Inside the caller's write transaction: notifies every matching subscriber
 * of demand demand_id (nothing when the demand is not public and open).
 * Subscriptions are tokenized once and kept in memory until one changes (a
 * change counter says when), so a demand costs one tokenization of its text
 * and a hash lookup per keyword word, not a tokenization per subscription.
 */
enum qerr market_subscriptions_notify(struct db *db, int64_t demand_id, struct qerror *err);

#endif
