/*
 * registry.js - what the registry pages offer whom. Who may call an operation
 * comes from the server's OpenAPI roles (lib/access.js); whose enterprise it
 * is cannot, so that rule stays here.
 */
import { may } from '../../lib/access.js';
import { session } from '../../lib/session.js';

/* Registering an enterprise: the callers of POST /enterprises (operators, chain leaders, SMEs). */
export function canWriteEnterprises() {
  return may('POST /enterprises');
}

/*
 * Changing or deleting an enterprise: the callers of PATCH /enterprises/{uscc},
 * and of those only the operator (any enterprise) or the organisation that
 * registered it. The server applies the same ownership rule.
 */
export function canEditEnterprise(ent) {
  if (!ent || !may('PATCH /enterprises/{uscc}')) return false;
  const s = session();
  return s.org.type === 'operator' || (ent.org_id !== null && ent.org_id === s.org.id);
}

/*
 * The platform administrator, who manages the users of every organisation:
 * the callers of POST /orgs (creating organisations), i.e. the operator's admins.
 */
export function isPlatformAdmin() {
  return may('POST /orgs');
}
