/*
 * cmd_market_gen.c - `qilian gen listings N`: synthetic supply and demand
 * listings with relevance labels for the market benchmark (synth_listing.h).
 */
#include <stdint.h>
#include <stdio.h>
#include "base/util.h"
#include "cli/cmd_market.h"
#include "market/synth_listing.h"

int cli_gen_listings(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	int64_t supplies = 0, demands = 1000, labelled = 200, ents = 0, seed = 1;
	if (cli_args(cmd, argc, argv, pos, 1, 1, &status) < 0)
		return status;
	if (!util_parse_i64(pos[0], 0, 100000000, &supplies)) {
		fprintf(stderr, "qilian gen listings: needs N supplies (0 to 100000000)\n");
		return 2;
	}
	if (!cli_int(cmd, "--demands", 0, 10000000, &demands) || !cli_int(cmd, "--labelled", 0, 1000000, &labelled) ||
	    !cli_int(cmd, "--enterprises", 0, 100000000, &ents) || !cli_int(cmd, "--seed", 0, INT64_MAX, &seed))
		return 2;
	const char *dir = cli_value(cmd, "--output-dir") ? cli_value(cmd, "--output-dir") : ".";
	struct synth_listing_opts o = {(long)supplies, (long)demands, (long)labelled, (long)ents, (uint64_t)seed};
	struct synth_listing_report r;
	struct qerror e = {0};
	if (synth_listings(dir, &o, &r, &e))
		return cli_fail(&e);
	cli_print(json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:i,s:[s,s,s,s,s,s]}", "output_dir", dir, "enterprises",
			    (json_int_t)r.enterprises, "supplies", (json_int_t)r.supplies, "demands",
			    (json_int_t)r.demands, "labelled_demands", (json_int_t)r.labelled_demands, "label_rows",
			    (json_int_t)r.label_rows, "concepts", (int)r.concepts, "files", "enterprises.csv",
			    "segments.csv", "supplies.csv", "demands.csv", "labels.csv", "truth.csv"));
	return 0;
}
