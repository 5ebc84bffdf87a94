/*
 * actor.h - who is asking. Every domain call is authorised against an
 * actor: the signed-in user, its organisation, the organisation's type and
 * the user's role in it (DESIGN.md §1). The registry makes actors from
 * sessions; every chain reads them.
 */
#ifndef QILIAN_PLATFORM_ACTOR_H
#define QILIAN_PLATFORM_ACTOR_H
#include <stdbool.h>
#include <stdint.h>

enum org_type { ORG_OPERATOR, ORG_LARGE, ORG_SME, ORG_BANK, ORG_PROVIDER, ORG_TYPE_COUNT };
enum user_role { ROLE_ADMIN, ROLE_MEMBER, ROLE_COUNT };

/* Who is asking. user_id 0 is the local operator at the CLI (acts as platform admin). */
struct actor {
	int64_t user_id;
	int64_t org_id;
	enum org_type org_type;
	enum user_role role;
	char email[128];
};

extern const char *const org_type_names[];  /* NULL-terminated, indexed by enum org_type */
extern const char *const user_role_names[]; /* NULL-terminated, indexed by enum user_role */

bool org_type_parse(const char *s, enum org_type *out);
bool user_role_parse(const char *s, enum user_role *out);

/* The CLI's actor: platform admin with no user row. */
void actor_cli(struct actor *a);

/* True for an admin of an operator organisation (or the CLI). */
bool actor_is_platform_admin(const struct actor *a);

#endif
