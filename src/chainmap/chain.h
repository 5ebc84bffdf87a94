/*
 * chain.h - industry chains (产业链). This is the part the foundation needs
 * (a list of chains for the navigation and demo data); segments, relations
 * and analytics build on it in the chain-map module.
 */
#ifndef QILIAN_CHAIN_H
#define QILIAN_CHAIN_H
#include <jansson.h>
#include "base/qerr.h"
#include "registry/account.h"
#include "store/db.h"

/* Creates or renames chain id (1-32 of [a-z0-9_-]); operator only. Audited. */
enum qerr chain_upsert(struct db *db, const struct actor *a, const char *id, const char *name, const char *name_en,
		       struct qerror *err);

/* {"items":[{id,name,name_en}]} ordered by id. */
enum qerr chain_list(struct db *db, json_t **out, struct qerror *err);

#endif
