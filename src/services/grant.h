/*
 * grant.h - the data chain (数据链): an enterprise's consent for another
 * organisation (a bank, a buyer) to read named scopes of its data for a
 * stated purpose until a date, the reads made under it, and the
 * enterprise's export of all of its own data.
 *
 * A grant is a consent record: who (the enterprise), to whom (the grantee
 * organisation), which scopes, the purpose, from and until (Shanghai dates,
 * inclusive), and the user who gave it. Only an admin of the organisation
 * owning the enterprise grants and revokes. A grant is active on a day
 * within [valid_from, valid_until] and before its revocation.
 *
 * Scopes: profile (the registry record), relations (chain-map supply
 * relations as buyer or supplier), orders (market orders as buyer or
 * supplier), certificates (the finance chain's payable certificates),
 * service_requests (its 诉求). Each is read by a provider function of
 * grant.c's scope table; a scope without one (certificates, until the
 * finance chain is plugged in) answers 501 "scope_unavailable".
 *
 * Every read by another organisation (grant_read) needs an active grant
 * for that scope (403 otherwise: no_grant, scope_not_granted,
 * grant_expired, grant_not_started, grant_revoked) and is logged
 * (data_access_log): the owner sees who read what and when.
 */
#ifndef QILIAN_SERVICES_GRANT_H
#define QILIAN_SERVICES_GRANT_H
#include <jansson.h>
#include "base/jsonio.h"
#include "base/qerr.h"
#include "platform/actor.h"
#include "store/db.h"

extern const char *const grant_scopes[];   /* NULL-terminated */
extern const struct jfield grant_fields[]; /* POST /data-grants */

/*
 * Reads one scope of an enterprise's data into *out ({items} or the
 * record). enterprise_id/uscc name the enterprise; no transaction of its own.
 */
typedef enum qerr (*grant_scope_fn)(struct db *db, int64_t enterprise_id, const char *uscc, json_t **out,
				    struct qerror *err);
/*
 * Replaces the reader of a scope (NULL: the scope answers 501
 * scope_unavailable), for tests; call before threads. Every scope has its
 * reader built in (certificates: the finance chain's
 * finance_certificates_of). QERR_INVALID for an unknown scope.
 */
enum qerr grant_scope_register(const char *scope, grant_scope_fn fn, struct qerror *err);
/* Puts every scope's built-in reader back. */
void grant_scope_restore(void);

/* Organisations a grant can name (banks, large enterprises, providers, SMEs; not the operator):
 * {items:[{id,name,type}]}. */
enum qerr grant_grantees(struct db *db, const struct actor *a, json_t **out, struct qerror *err);

/* Creates a grant (the owner organisation's admin). *out: the grant. */
enum qerr grant_create(struct db *db, const struct actor *a, const json_t *body, json_t **out, struct qerror *err);

/*
 * Grants the actor's organisation gave (role "owner", default; enterprise
 * USCC narrows) or received (role "grantee"); the operator sees all.
 * {items:[grant...]}, each with its "state" (active, expired, revoked, pending).
 */
enum qerr grant_list(struct db *db, const struct actor *a, const char *role, const char *enterprise, json_t **out,
		     struct qerror *err);

/* One grant: the owner's organisation, the grantee or the operator (404 otherwise). */
enum qerr grant_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);

/* The consent record to download: the grant with the granting user, the enterprise and the grantee named. */
enum qerr grant_consent(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);

/* Revokes a grant (the owner organisation's admin); 409 when already revoked. */
enum qerr grant_revoke(struct db *db, const struct actor *a, int64_t id, json_t **out, struct qerror *err);

/*
 * Reads scope of the enterprise with this USCC as actor a: the owner's
 * organisation reads its own (not logged); anyone else needs an active
 * grant for the scope (403), and the read is logged in the same write
 * transaction. Opens its own write transaction (the caller has none open).
 * *out: {enterprise, scope, grant_id, data}.
 */
enum qerr grant_read(struct db *db, const struct actor *a, const char *uscc, const char *scope, json_t **out,
		     struct qerror *err);

/* Reads under grants of the enterprise, newest first (its owner organisation or the operator). */
enum qerr grant_access_log(struct db *db, const struct actor *a, const char *uscc, int limit, int64_t cursor,
			   json_t **out, struct qerror *err);

/* All of the enterprise's own data in one JSON document (its owner organisation only). */
enum qerr grant_export(struct db *db, const struct actor *a, const char *uscc, json_t **out, struct qerror *err);

#endif
