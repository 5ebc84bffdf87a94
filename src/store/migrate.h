/*
 * migrate.h - numbered SQL migrations compiled into the binary.
 *
 * Files src/store/migrations/NNNN_name.sql are applied in order, each in its
 * own transaction, and recorded in schema_migrations. On PostgreSQL the
 * twins NNNN_name.pg.sql are applied instead; a SQLite migration without
 * its twin stops a PostgreSQL migrate (QERR_INTERNAL "missing_pg_migration"). Migrations are never
 * edited once they land; a change is a new file.
 */
#ifndef QILIAN_MIGRATE_H
#define QILIAN_MIGRATE_H
#include <jansson.h>
#include "base/qerr.h"
#include "store/db.h"

struct migration {
	int version;
	const char *name;
	const char *sql;
};

/* SQLite's list (NNNN_name.sql) and PostgreSQL's (the twins NNNN_name.pg.sql); numbers may have gaps. */
extern const struct migration store_migrations[];
extern const int store_migration_count;
extern const struct migration store_migrations_pg[];
extern const int store_migration_pg_count;

/* Highest version this binary knows (of the SQLite list, which every backend must match). */
int migrate_latest(void);

/* Highest version recorded in the database (0 when none). */
enum qerr migrate_current(struct db *db, int *version, struct qerror *err);

/* Applies every pending migration; *applied (may be NULL) gets a JSON array of what ran. */
enum qerr migrate_apply(struct db *db, json_t *applied, struct qerror *err);

/*
 * Checks that the database schema is exactly this binary's: a newer database
 * is QERR_CONFLICT ("database_too_new"), an older one QERR_CONFLICT
 * ("database_needs_migration").
 */
enum qerr migrate_check(struct db *db, struct qerror *err);

#endif
