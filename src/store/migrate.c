/* migrate.c - applying and checking the embedded SQL migrations. */
#include "store/migrate.h"

#include "base/util.h"

int migrate_latest(void)
{
	return store_migration_count ? store_migrations[store_migration_count - 1].version : 0;
}

static enum qerr ensure_table(struct db *db, struct qerror *err)
{
	return db_exec(db,
		       "CREATE TABLE IF NOT EXISTS schema_migrations("
		       " version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
		       err);
}

/* per-backend: the twin of SQLite migration m on PostgreSQL, or NULL. */
static const struct migration *pg_twin(const struct migration *m)
{
	for (int i = 0; i < store_migration_pg_count; i++)
		if (store_migrations_pg[i].version == m->version)
			return &store_migrations_pg[i];
	return NULL;
}

enum qerr migrate_current(struct db *db, int *version, struct qerror *err)
{
	*version = 0;
	/* per-backend: SQLite's catalogue, PostgreSQL's information_schema (the connection's search path). */
	int64_t have = 0, v = 0;
	enum qerr rc = db_query_int64(
	    db,
	    db_pick(db, "SELECT count(*) FROM sqlite_master WHERE name='schema_migrations'",
		    "SELECT count(*) FROM information_schema.tables WHERE table_name='schema_migrations'"
		    " AND table_schema=current_schema()"),
	    &have, err);
	if (rc || !have)
		return rc;
	if ((rc = db_query_int64(db, "SELECT coalesce(max(version),0) FROM schema_migrations", &v, err)))
		return rc;
	*version = (int)v;
	return QERR_OK;
}

static enum qerr apply(struct db *db, json_t *applied, struct qerror *err);

/*
 * per-backend: on PostgreSQL several servers may start on one database at
 * once; a session advisory lock makes their migrations run one after the
 * other (the later ones then find nothing to do).
 */
#define MIGRATE_LOCK "7451003"

enum qerr migrate_apply(struct db *db, json_t *applied, struct qerror *err)
{
	if (!db_is_pg(db))
		return apply(db, applied, err);
	if (db_exec(db, "SELECT pg_advisory_lock(" MIGRATE_LOCK ")", err))
		return err->code;
	enum qerr rc = apply(db, applied, err);
	struct qerror e = {0};
	db_exec(db, "SELECT pg_advisory_unlock(" MIGRATE_LOCK ")", &e);
	return rc;
}

/*
 * Whether migration `version` is recorded. Migrations are applied by the set of versions
 * recorded, not by the highest one: chains are written on branches of their own, and a database
 * that took 0007 before 0004 landed must still get 0004.
 */
static enum qerr is_applied(struct db *db, int version, bool *yes, struct qerror *err)
{
	struct db_stmt *st = db_prepare(db, "SELECT count(*) FROM schema_migrations WHERE version=?", err);
	if (!st)
		return err->code;
	db_bind_int(st, 1, version);
	enum qerr rc = db_one(st, err);
	if (rc)
		return rc == QERR_NOT_FOUND ? qerr_set(err, QERR_INTERNAL, "migrate_count", "db", "no count") : rc;
	*yes = db_col_int64(st, 0) > 0;
	db_reset(st);
	return QERR_OK;
}

/* The first embedded migration the database has not recorded, or 0 when it has them all. */
static enum qerr first_missing(struct db *db, int *version, struct qerror *err)
{
	*version = 0;
	for (int i = 0; i < store_migration_count; i++) {
		bool yes = false;
		enum qerr rc = is_applied(db, store_migrations[i].version, &yes, err);
		if (rc)
			return rc;
		if (!yes) {
			*version = store_migrations[i].version;
			return QERR_OK;
		}
	}
	return QERR_OK;
}

static enum qerr apply(struct db *db, json_t *applied, struct qerror *err)
{
	enum qerr rc = ensure_table(db, err);
	if (rc)
		return rc;
	int current;
	rc = migrate_current(db, &current, err);
	if (rc)
		return rc;
	if (current > migrate_latest())
		return qerr_set(err, QERR_CONFLICT, "database_too_new", "db",
				"database schema version %d is newer than this qilian (%d); upgrade qilian", current,
				migrate_latest());
	for (int i = 0; i < store_migration_count; i++) {
		const struct migration *m = &store_migrations[i];
		bool done = false;
		if (m->version <= current && (rc = is_applied(db, m->version, &done, err)))
			return rc;
		if (done)
			continue;
		const struct migration *run = m;
		if (db_is_pg(db) && !(run = pg_twin(m)))
			return qerr_set(err, QERR_INTERNAL, "missing_pg_migration", "db",
					"migration %s has no PostgreSQL twin (%s.pg.sql)", m->name, m->name);
		rc = db_begin_write(db, err);
		if (rc)
			return rc;
		rc = db_exec(db, run->sql, err);
		if (!rc) {
			char ts[32];
			util_now_iso(ts, sizeof ts);
			struct db_stmt *st =
			    db_prepare(db, "INSERT INTO schema_migrations(version,name,applied_at) VALUES(?,?,?)", err);
			if (!st) {
				rc = err->code;
			} else {
				db_bind_int(st, 1, m->version);
				db_bind_text(st, 2, m->name);
				db_bind_text(st, 3, ts);
				rc = db_run(st, err);
			}
		}
		if (!rc)
			rc = db_commit(db, err);
		if (rc) {
			db_rollback(db);
			return rc;
		}
		if (applied)
			json_array_append_new(applied, json_pack("{s:i,s:s}", "version", m->version, "name", m->name));
	}
	return QERR_OK;
}

enum qerr migrate_check(struct db *db, struct qerror *err)
{
	int current;
	enum qerr rc = migrate_current(db, &current, err);
	if (rc)
		return rc;
	if (current > migrate_latest())
		return qerr_set(err, QERR_CONFLICT, "database_too_new", "db",
				"database schema version %d is newer than this qilian (%d); refusing to run", current,
				migrate_latest());
	int missing = 0;
	if (!current)
		missing = store_migration_count ? store_migrations[0].version : 0;
	else if ((rc = first_missing(db, &missing, err)))
		return rc;
	if (missing)
		return qerr_set(err, QERR_CONFLICT, "database_needs_migration", "db",
				"database schema lacks migration %d (this qilian has up to %d); run 'qilian migrate' first",
				missing, migrate_latest());
	return QERR_OK;
}
