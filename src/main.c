/* main.c - the qilian binary: everything happens in a subcommand (src/cli). */
#include <sodium.h>
#include <stdio.h>
#include "cli/cli.h"
#include "text/fts.h"

int main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "qilian: libsodium failed to initialise\n");
		return 1;
	}
	/* Every database connection gets the word tokenizer its full-text indexes use. */
	text_fts_install();
	return cli_main(argc, argv);
}
