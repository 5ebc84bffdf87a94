/* cmd_serve.c - `qilian serve` and `qilian migrate`. */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base/qtime.h"
#include "base/util.h"
#include "cli/cmd_system.h"
#include "http/http.h"
#include "market/match.h"
#include "platform/idempotency.h"
#include "services/service.h"
#include "registry/vocab.h"
#include "store/migrate.h"

static bool size_opt(const struct cli_cmd *cmd, const char *name, int64_t min, int64_t max, int64_t def, int64_t *out)
{
	const char *v = cli_value(cmd, name);
	if (!v) {
		*out = def;
		return true;
	}
	if (util_parse_i64(v, min, max, out))
		return true;
	fprintf(stderr, "qilian serve: %s must be a whole number from %lld to %lld\n", name, (long long)min, (long long)max);
	return false;
}

int cli_serve(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int n = cli_parse(cmd, argc, argv, pos, 0);
	if (n < 0)
		return n == -2 ? 0 : 2;
	int64_t threads, max_body, max_import, timeout, head_timeout, min_body_rate, per_address, connections,
		after_write;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int64_t def_threads = cpus > 0 ? 2 * cpus : 4;
	if (def_threads < 4)
		def_threads = 4;
	bool trust_proxy = cli_value(cmd, "--trust-proxy") != NULL;
	/* Behind a proxy every connection comes from the proxy's address: cap per address only when asked. */
	int64_t def_per_address = trust_proxy ? 0 : 64;
	if (!size_opt(cmd, "--threads", 1, 256, def_threads, &threads) ||
	    !size_opt(cmd, "--max-body", 1024, 1LL << 30, 1 << 20, &max_body) ||
	    !size_opt(cmd, "--max-import", 1024, 1LL << 34, 256LL << 20, &max_import) ||
	    !size_opt(cmd, "--timeout", 1, 3600, 30, &timeout) ||
	    !size_opt(cmd, "--head-timeout", 0, 3600, 10, &head_timeout) ||
	    !size_opt(cmd, "--min-body-rate", 0, 1LL << 30, 4096, &min_body_rate) ||
	    !size_opt(cmd, "--max-per-address", 0, 1 << 20, def_per_address, &per_address) ||
	    !size_opt(cmd, "--max-connections", 16, 1 << 20, 4096, &connections) ||
	    !size_opt(cmd, "--primary-after-write", 0, 86400, 5, &after_write))
		return 2;
	const char *web = cli_value(cmd, "--web");
	struct stat st;
	if (!web && stat("web/index.html", &st) == 0)
		web = "web";
	/* Migrations apply on start (an older database is upgraded); a newer one is refused below. */
	struct db *db = cli_open_db(cmd, true);
	if (!db)
		return 1;
	db_close(db);
	struct http_config cfg = {
		.db_path = cli_db_path(cmd),
		.listen = cli_value(cmd, "--listen") ? cli_value(cmd, "--listen") : "127.0.0.1:8080",
		.web_dir = web,
		.threads = (unsigned)threads,
		.max_body = (size_t)max_body,
		.max_import = (size_t)max_import,
		.connection_limit = (unsigned)connections,
		.timeout_s = (unsigned)timeout,
		.head_timeout_s = (unsigned)head_timeout,
		.min_body_rate = (uint64_t)min_body_rate,
		.max_per_address = (unsigned)per_address,
		.spool_dir = cli_value(cmd, "--spool-dir"),
		.secure_cookies = cli_value(cmd, "--secure-cookies") != NULL,
		.trust_proxy = trust_proxy,
		.quiet = cli_value(cmd, "--quiet") != NULL,
		.read_db_path = cli_value(cmd, "--read-db"),
		.primary_after_write_s = (unsigned)after_write,
	};
	struct qerror e = {0};
	json_object_seed(0); /* before any thread makes JSON (http_serve seeds again, harmlessly) */
	market_match_warm_start(cfg.db_path);
	service_maintenance_start(cfg.db_path);
	int rc = http_serve(&cfg, &e);
	service_maintenance_stop();
	market_match_warm_stop();
	if (rc)
		return cli_fail(&e);
	return 0;
}

int cli_migrate(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int n = cli_parse(cmd, argc, argv, pos, 0);
	if (n < 0)
		return n == -2 ? 0 : 2;
	struct qerror e = {0};
	struct db *db = db_open(cli_db_path(cmd), true, &e);
	if (!db)
		return cli_fail(&e);
	json_t *applied = json_array();
	int from = 0;
	long seeded = 0;
	struct actor a;
	actor_cli(&a);
	if (migrate_current(db, &from, &e) || migrate_apply(db, applied, &e) || vocab_seed(db, &a, &seeded, &e)) {
		json_decref(applied);
		db_close(db);
		return cli_fail(&e);
	}
	db_close(db);
	char shown[512];
	cli_print(json_pack("{s:s,s:i,s:i,s:o,s:I}", "db", db_path_masked(cli_db_path(cmd), shown, sizeof shown),
			    "from_version", from, "version", migrate_latest(), "applied", applied, "vocab_seeded",
			    (json_int_t)seeded));
	return 0;
}

int cli_routes(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int n = cli_parse(cmd, argc, argv, pos, 0);
	if (n < 0)
		return n == -2 ? 0 : 2;
	json_t *items = json_array();
	for (size_t i = 0; i < http_route_count(); i++) {
		const struct http_route *r = http_route_at(i);
		json_t *who = json_array();
		if (r->who & WHO_ANON)
			json_array_append_new(who, json_string("anonymous"));
		for (int t = 0; t < ORG_TYPE_COUNT; t++)
			for (int role = 0; role < ROLE_COUNT; role++)
				if (r->who & WHO(t, role))
					json_array_append_new(who, json_sprintf("%s:%s", org_type_names[t], user_role_names[role]));
		json_array_append_new(items, json_pack("{s:s,s:s,s:s,s:o}", "method", r->method, "path", r->pattern,
						       "summary", r->summary, "who", who));
	}
	cli_print(json_pack("{s:o}", "items", items));
	return 0;
}

/*
 * `qilian idempotency purge [--older-than-days N]`: drops the stored answers of Idempotency-Keys
 * claimed more than N days ago (default 30), so the table does not grow without end. A retry with
 * a purged key is a new request: keep N well above any client's retry horizon. Run it daily.
 * --before TIME drops the keys claimed before an exact instant instead.
 */
int cli_idempotency_purge(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status = 0;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	int64_t days = 30, t = 0;
	if (!cli_int(cmd, "--older-than-days", 1, 36500, &days))
		return 2;
	const char *at = cli_value(cmd, "--before");
	if (at && cli_value(cmd, "--older-than-days")) {
		fprintf(stderr, "qilian idempotency purge: give --before or --older-than-days, not both\n");
		return 2;
	}
	if (at && (!qtime_parse(at, QTIME_OFFSET | QTIME_DATE, &t, NULL) || t < 0)) {
		fprintf(stderr, "qilian idempotency purge: --before must be an ISO-8601 time or date, got '%s'\n", at);
		return 2;
	}
	char before[QTIME_ISO_LEN]; /* at most 100 years back, or a parsed time: a valid time */
	if (!qtime_format(at ? t : qtime_now() - days * 86400, before)) {
		fprintf(stderr, "qilian idempotency purge: --before is outside years 0000-9999\n");
		return 2;
	}
	struct db *db = cli_open_db(cmd, false);
	if (!db)
		return 1;
	struct qerror e = {0};
	int64_t removed = 0;
	enum qerr rc = idempotency_purge(db, before, &removed, &e);
	return cli_finish(db, rc, rc ? NULL : json_pack("{s:s,s:I}", "before", before, "removed", (json_int_t)removed), &e);
}
