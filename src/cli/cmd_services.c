/*
 * cmd_services.c - `qilian workdays add` (the Chinese working-day calendar an
 * operator checks deadlines with) and the table of the service chain's
 * commands.
 */
#include "cli/cmd_services.h"

#include <stdio.h>
#include "platform/workdays.h"

int cli_workdays_add(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *pos[1];
	int status;
	if (cli_args(cmd, argc, argv, pos, 0, 0, &status) < 0)
		return status;
	if (!cli_required(cmd, "--from") || !cli_required(cmd, "--days"))
		return 2;
	struct qerror e = {0};
	struct qdate from, due;
	int64_t days = 0;
	if (!qdate_parse(cli_value(cmd, "--from"), &from)) {
		qerr_set(&e, QERR_INVALID, "invalid_date", "from", "--from must be a date YYYY-MM-DD");
		return cli_fail(&e);
	}
	if (!cli_int(cmd, "--days", 0, WORKDAYS_MAX_COUNT, &days))
		return 2;
	if (workdays_add(from, days, &due, &e))
		return cli_fail(&e);
	char f[QDATE_TEXT_LEN], d[QDATE_TEXT_LEN];
	qdate_format(from, f);
	qdate_format(due, d);
	cli_print(json_pack("{s:s,s:I,s:s,s:o}", "from", f, "days", (json_int_t)days, "due", d, "calendar",
			    workdays_calendar_json()));
	return 0;
}

static struct cli_opt workdays_add_opts[] = {
	{"--from", "YYYY-MM-DD", "the day to count from (never counted itself)", NULL},
	{"--days", "N", "working days to add, 0-2500", NULL},
	CLI_OPT_END,
};

static const struct cli_cmd services_commands[] = {
	{.name = "workdays add", .run = cli_workdays_add, .opts = workdays_add_opts, .section = CLI_SECTION_LOOKUP,
	 .help = "The Nth working day after --from on the State Council's calendar (holidays and 调休 make-up days), as JSON."},
};

const struct cli_table cli_commands_services = {
	.name = "services",
	.order = 80,
	.commands = services_commands,
	.count = sizeof services_commands / sizeof services_commands[0],
};
