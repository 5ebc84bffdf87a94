/* main.c - the qilian binary: everything happens in a subcommand (src/cli). */
#include <sodium.h>
#include <stdio.h>
#include "cli/cli.h"

int main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "qilian: libsodium failed to initialise\n");
		return 1;
	}
	return cli_main(argc, argv);
}
