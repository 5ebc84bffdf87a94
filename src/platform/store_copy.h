/*
 * store_copy.h - moving a whole platform from one database to another
 * (`qilian store copy --from park.db --to postgresql://…`), and checking a
 * database's invariants (`qilian store verify`).
 *
 * A copy reads the source in one read transaction (one snapshot, so a server
 * may keep running on it) and writes the target in one write transaction:
 * all or nothing. Both must be migrated to this binary's version, and the
 * target must be empty (what its migrations insert aside: a domain names
 * those tables as `seeded`, and the copy replaces their rows). Tables come
 * from the databases' catalogues (store/catalog.h): every table of the
 * target is copied, in foreign-key order, with its ids, except the
 * `derived` tables a domain rebuilds itself on the target (PostgreSQL's
 * full-text words); a table or column on one side only stops the copy
 * before anything is written. After the rows: identity sequences are set
 * above the copied ids, the domains' rebuilds run, and, still inside the
 * target's transaction, the copy is verified:
 *   - per table, the row count and a digest of every row's values (an
 *     order-independent sum of row hashes) equal the source's;
 *   - every foreign key holds on the target (and held on the source,
 *     checked before copying, which is where a broken source is named);
 *   - each domain's verify hook passes on the target as on the source.
 * The first difference is the error (QERR_CONFLICT, slug "copy_mismatch" or
 * the hook's), and nothing is committed.
 *
 * Domains add their part through a struct store_domain: the CLI collects
 * them from the command tables (cli/cli.h `.store`), so a chain that adds
 * tables adds its seeded/derived names and its checks beside its commands,
 * and nothing central changes.
 */
#ifndef QILIAN_STORE_COPY_H
#define QILIAN_STORE_COPY_H
#include <jansson.h>
#include <stdbool.h>
#include "base/qerr.h"
#include "store/db.h"

struct store_domain {
	const char *name; /* "market" */
	/* Tables the domain's migrations put rows into: replaced by the source's rows. NULL-terminated, or NULL. */
	const char *const *seeded;
	/* Tables a backend keeps its own way and rebuild() writes (not copied, not compared). NULL-terminated, or NULL.
	 */
	const char *const *derived;
	/* Inside the target's write transaction, after every row is in: writes the derived tables. NULL: none. */
	enum qerr (*rebuild)(struct db *db, struct qerror *err);
	/*
	 * The domain's invariants, inside a transaction (read on the source, the
	 * copy's write on the target): QERR_OK, or QERR_CONFLICT with err naming
	 * the first violation. May add what it checked to report (a JSON object).
	 */
	enum qerr (*verify)(struct db *db, json_t *report, struct qerror *err);
};

struct store_copy_opts {
	const struct store_domain *const *domains; /* ndomains hooks */
	int ndomains;
	bool progress; /* a line per table on stderr */
};

/*
 * Copies src into dst as above. *report (new reference, also on most
 * failures: what was done) lists each table with its rows and time, and
 * the checks run.
 */
enum qerr store_copy(struct db *src, struct db *dst, const struct store_copy_opts *o, json_t **report,
		     struct qerror *err);

/*
 * The invariants of one database, in one read transaction: every foreign
 * key holds and each domain's verify passes. *report (new reference) lists
 * the tables with their row counts and the checks run.
 */
enum qerr store_verify(struct db *db, const struct store_copy_opts *o, json_t **report, struct qerror *err);

#endif
