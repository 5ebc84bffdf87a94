/*
 * enterprise_ref.h - enterprise resolution for every chain: a USCC (统一社会
 * 信用代码) or an id to the enterprise's id, owning organisation and the few
 * facts chains show next to it (name, region, 专精特新 level, size class).
 *
 * The registry owns the enterprises (registry/enterprise.h: validation,
 * writes, the directory); this is the one read path the chains use to name
 * one, so that no chain keeps a copy of "SELECT ... FROM enterprises WHERE
 * uscc=?". Platform sits below the registry and cannot check USCCs: the
 * uscc passed here is already checked and normalised by the caller
 * (registry/uscc.h uscc_check); another spelling simply finds nothing.
 *
 * Each lookup is one cached prepared statement on a unique index (uscc) or
 * the primary key (id), cheap enough for per-result use (match
 * explanations). None opens a transaction: they read in the caller's.
 */
#ifndef QILIAN_PLATFORM_ENTERPRISE_REF_H
#define QILIAN_PLATFORM_ENTERPRISE_REF_H
#include <stdint.h>
#include "base/qerr.h"
#include "store/db.h"

#define ENTERPRISE_REF_USCC_LEN 18
#define ENTERPRISE_REF_NAME_MAX 800 /* bytes: 200 characters of up to 4 bytes, as the registry allows */
#define ENTERPRISE_REF_LEVEL_SIZE 16

/* What chains need to name an enterprise. Strings are NUL-terminated copies. */
struct enterprise_ref {
	int64_t id;
	int64_t org_id; /* owning organisation, 0 = none */
	char uscc[ENTERPRISE_REF_USCC_LEN + 1];
	char name[ENTERPRISE_REF_NAME_MAX + 1];
	char region[7]; /* GB/T 2260 county code */
	char level[ENTERPRISE_REF_LEVEL_SIZE]; /* none, innovative, provincial, little_giant */
	char size[8];   /* large, medium, small, micro */
};

/*
 * The enterprise with this (canonical) USCC. QERR_NOT_FOUND when none has
 * it, with the error every chain gives for that: slug
 * "enterprise_not_found", field "uscc", "企业不存在 (no enterprise with USCC
 * <uscc>)" (see enterprise_ref_not_found to name another field or code).
 * Store errors as usual. *ref is emptied first.
 */
enum qerr enterprise_ref_by_uscc(struct db *db, const char *uscc, struct enterprise_ref *ref, struct qerror *err);

/*
 * The enterprise with this id. QERR_NOT_FOUND ("enterprise_not_found",
 * field "id") when there is none, e.g. deleted since an index or a cache
 * named it. *ref is emptied first.
 */
enum qerr enterprise_ref_by_id(struct db *db, int64_t id, struct enterprise_ref *ref, struct qerror *err);

/*
 * Only today's 专精特新 level of the enterprise with this id, into
 * level[ENTERPRISE_REF_LEVEL_SIZE]: the one fact ranking re-reads for
 * every candidate (market matching), a third cheaper than a whole ref.
 * QERR_NOT_FOUND (as enterprise_ref_by_id) when there is none.
 */
enum qerr enterprise_ref_level(struct db *db, int64_t id, char *level, struct qerror *err);

/*
 * Only the id and the owning organisation (0 = none) of the enterprise
 * with this (canonical) USCC: the shape of authorisation checks and of the
 * imports that resolve row by row. Not registered is not an error here:
 * QERR_OK with *id = *org_id = 0, and the caller says what that means
 * (enterprise_ref_not_found / enterprise_ref_not_registered). Store errors
 * as usual.
 */
enum qerr enterprise_ref_owner(struct db *db, const char *uscc, int64_t *id, int64_t *org_id, struct qerror *err);

/*
 * The two ways chains report a USCC that names no enterprise, so their
 * wording lives in one place. Both fill err with slug
 * "enterprise_not_found", the given code (QERR_NOT_FOUND for a path or a
 * query, QERR_INVALID for a request body) and field, and return code:
 *  - enterprise_ref_not_found: "企业不存在 (no enterprise with USCC <uscc>)",
 *    for an enterprise looked at (a scorecard, a buyer's supply base, an
 *    invitee);
 *  - enterprise_ref_not_registered: "企业未登记 (no enterprise with USCC
 *    <uscc> is registered)", for an enterprise acted for (a listing's or a
 *    relation's party).
 */
enum qerr enterprise_ref_not_found(struct qerror *err, enum qerr code, const char *field, const char *uscc);
enum qerr enterprise_ref_not_registered(struct qerror *err, enum qerr code, const char *field, const char *uscc);

#endif
