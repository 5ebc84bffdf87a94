/* main.c - the qilian binary: everything happens in a subcommand (src/cli). */
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include "cli/cli.h"

int main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "qilian: libsodium failed to initialise\n");
		return 1;
	}
	/* Memory statistics cost a global mutex on every SQLite allocation; we never read them. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	return cli_main(argc, argv);
}
