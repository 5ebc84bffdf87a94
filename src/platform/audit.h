/*
 * audit.h - the append-only audit log every chain writes to. A record names
 * the actor, the action ("enterprise.import"), the object and a JSON detail,
 * and is written inside the caller's transaction, so it commits or rolls
 * back with the change it records. The schema's triggers refuse UPDATE and
 * DELETE on audit_log.
 */
#ifndef QILIAN_PLATFORM_AUDIT_H
#define QILIAN_PLATFORM_AUDIT_H
#include <jansson.h>
#include "base/qerr.h"
#include "platform/actor.h"
#include "store/db.h"

/*
 * Appends to the audit log inside the caller's transaction. detail may be
 * NULL; it is not stolen.
 */
enum qerr audit_record(struct db *db, const struct actor *a, const char *action, const char *object_type,
		       const char *object_id, const json_t *detail, struct qerror *err);

/* Audit entries newest first, one page; platform admins only. before_id 0 = from the newest. */
enum qerr audit_list(struct db *db, const struct actor *a, int limit, int64_t before_id, json_t **out,
		     struct qerror *err);

#endif
