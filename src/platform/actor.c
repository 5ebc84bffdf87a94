/* actor.c - who is asking: organisation types, roles, the CLI's actor. */
#include "platform/actor.h"

#include <stdio.h>
#include <string.h>

const char *const org_type_names[] = {"operator", "large", "sme", "bank", "provider", NULL};
const char *const user_role_names[] = {"admin", "member", NULL};

static bool parse_name(const char *const *names, const char *s, int *out)
{
	for (int i = 0; s && names[i]; i++) {
		if (strcmp(names[i], s) == 0) {
			*out = i;
			return true;
		}
	}
	return false;
}

bool org_type_parse(const char *s, enum org_type *out)
{
	int v;
	if (!parse_name(org_type_names, s, &v))
		return false;
	*out = (enum org_type)v;
	return true;
}

bool user_role_parse(const char *s, enum user_role *out)
{
	int v;
	if (!parse_name(user_role_names, s, &v))
		return false;
	*out = (enum user_role)v;
	return true;
}

void actor_cli(struct actor *a)
{
	memset(a, 0, sizeof *a);
	a->org_type = ORG_OPERATOR;
	a->role = ROLE_ADMIN;
	snprintf(a->email, sizeof a->email, "cli");
}

bool actor_is_platform_admin(const struct actor *a)
{
	return a->org_type == ORG_OPERATOR && a->role == ROLE_ADMIN;
}
