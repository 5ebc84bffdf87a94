/*
 * catalog.h - what a database holds, read from its own catalogue: the
 * tables, their columns and types, primary keys, identity columns and
 * foreign keys, on either backend. `qilian store copy` (platform/store_copy.h)
 * plans a copy from it; nothing else needs it.
 *
 * per-backend: SQLite's sqlite_master and pragma table functions,
 * PostgreSQL's information_schema and pg_catalog (the connection's current
 * schema). SQLite's full-text tables (virtual tables and their shadow
 * tables) and internal tables (sqlite_*) are left out, and so is
 * schema_migrations: migrations create those on each side.
 */
#ifndef QILIAN_STORE_CATALOG_H
#define QILIAN_STORE_CATALOG_H
#include <stdbool.h>
#include "base/qerr.h"
#include "store/db.h"

/* How a column's values are read and bound: the seam's types. */
enum db_coltype { DB_COL_INT, DB_COL_DOUBLE, DB_COL_TEXT, DB_COL_BLOB, DB_COL_OTHER };

struct db_column {
	char *name;
	enum db_coltype type;
	bool pk; /* part of the primary key */
};

/* One foreign key: cols[i] of this table refers to ref_cols[i] of ref_table. */
struct db_fkey {
	char *ref_table;
	int ncols;
	char **cols, **ref_cols;
};

struct db_table {
	char *name;
	int ncols;
	struct db_column *cols; /* in the table's column order */
	int npk;
	int *pk;      /* indexes into cols, in the primary key's order; npk 0: no primary key */
	int identity; /* index of the column new ids come from (INTEGER PRIMARY KEY, GENERATED AS IDENTITY), -1 for none
		       */
	int nfk;
	struct db_fkey *fk;
};

struct db_catalog {
	int n;
	struct db_table *tables; /* sorted by name */
};

/* Reads the catalogue of db (inside the caller's transaction, if any). Free with db_catalog_free. */
enum qerr db_catalog_read(struct db *db, struct db_catalog *out, struct qerror *err);
void db_catalog_free(struct db_catalog *c);

/* The table called name, or NULL. */
const struct db_table *db_catalog_table(const struct db_catalog *c, const char *name);

/*
 * After rows were written with explicit ids: the next id the table's
 * identity column gives is above every id in it. Nothing to do on SQLite
 * (an INTEGER PRIMARY KEY takes max + 1); PostgreSQL's identity sequence is
 * set. A table without an identity column is left alone.
 */
enum qerr db_catalog_reset_identity(struct db *db, const struct db_table *t, struct qerror *err);

/*
 * Whether text sorts as bytes in db, as Qilian's ranges and cursors need:
 * always on SQLite; on PostgreSQL when the database's collation is C
 * (C.UTF-8, POSIX). *collation gets its name ("binary" on SQLite).
 */
enum qerr db_catalog_byte_order(struct db *db, bool *ok, char *collation, size_t cap, struct qerror *err);

/* Writes "name" with double quotes doubled, quoted, into buf (a catalogue name inside SQL text). */
void db_quote_ident(const char *name, char *buf, size_t cap);

#endif
