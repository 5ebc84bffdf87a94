/*
 * cmd_system.c - the table of the commands that belong to no chain: `qilian
 * serve`, `migrate`, `idempotency purge` and `routes` (cmd_serve.c).
 *
 * A domain's commands: declared in cmd_<domain>.h, defined in cmd_<domain>*.c,
 * listed with designated initialisers in `const struct cli_table
 * cli_commands_<domain>` in cmd_<domain>.c. The build collects every such
 * table (scripts/gen-tables.cmake); `.section` places a command in `qilian
 * help`, the table's `.order` within its section. Nothing central to edit
 * (the full recipe, with the HTTP side: src/http/routes_system.c).
 */
#include "cli/cmd_system.h"

static struct cli_opt serve_opts[] = {
	{"--listen", "HOST:PORT", "address to listen on (default 127.0.0.1:8080; port 0 picks a free port)", NULL},
	{"--threads", "N", "worker threads (default: 2 x CPUs, at least 4)", NULL},
	{"--web", "DIR", "directory of the web UI to serve at / (default ./web if present)", NULL},
	{"--max-body", "BYTES", "largest JSON request body (default 1048576); larger gets 413", NULL},
	{"--max-import", "BYTES", "largest CSV import body (default 268435456)", NULL},
	{"--timeout", "SECONDS", "idle connection timeout (default 30)", NULL},
	{"--head-timeout", "SECONDS", "request line and headers must arrive within this (default 10; 0: no deadline)", NULL},
	{"--min-body-rate", "BYTES", "bytes a second a body must average after that grace (default 4096; 0: any)", NULL},
	{"--max-per-address", "N", "connections at once from one client address (default 64, 0 with --trust-proxy)", NULL},
	{"--max-connections", "N", "connections at once in all (default 4096)", NULL},
	{"--spool-dir", "DIR", "where CSV uploads are spooled while they arrive (default $TMPDIR or /tmp)", NULL},
	{"--secure-cookies", NULL, "mark the session cookie Secure (the server is reached over TLS)", NULL},
	{"--trust-proxy", NULL, "behind a reverse proxy: the client is the last X-Forwarded-For address, X-Forwarded-Proto: https marks the cookie Secure", NULL},
	{"--read-db", "URL", "a hot standby of --db for reads that tolerate lag (lists, matching, analytics)", NULL},
	{"--primary-after-write", "SECONDS", "with --read-db: a session's reads go to the primary this long after it writes (default 5)", NULL},
	{"--quiet", NULL, "no access log", NULL},
	CLI_OPT_END,
};

static struct cli_opt purge_opts[] = {
	{"--older-than-days", "N", "drop keys claimed more than N days ago (default 30)", NULL},
	{"--before", "TIME", "drop keys claimed before this ISO-8601 time or date instead", NULL},
	CLI_OPT_END,
};

/* Order 90: `routes` comes after every domain's admin commands (`audit`). */
static const struct cli_cmd system_commands[] = {
	{.name = "serve", .run = cli_serve, .opts = serve_opts, .section = CLI_SECTION_SERVER,
	 .help = "Serve the HTTP API and web UI."},
	{.name = "migrate", .run = cli_migrate, .section = CLI_SECTION_SERVER,
	 .help = "Create the database or apply pending schema migrations."},
	{.name = "idempotency purge", .run = cli_idempotency_purge, .opts = purge_opts, .section = CLI_SECTION_ADMIN,
	 .help = "Drop the stored answers of old Idempotency-Keys (a retry with a purged key is a new request)."},
	{.name = "routes", .run = cli_routes, .section = CLI_SECTION_ADMIN,
	 .help = "List every HTTP API route and who may call it."},
};

const struct cli_table cli_commands_system = {
	.name = "system",
	.order = 90,
	.commands = system_commands,
	.count = sizeof system_commands / sizeof system_commands[0],
};
