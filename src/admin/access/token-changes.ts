/**
 * Creating and revoking API tokens of either kind, each together with its audit entry in one
 * transaction: what `provisio tokens` does. The audit entry names the token, its kind and its
 * scope or role, never the secret.
 */
import type { ApiTokenRecord, TokenAudience, TokenScope } from '../../directory/directory-store.js';
import type { ProvisioDatabase } from '../../engine/state/open-engine-state.js';
import { issueToken, type IssuedToken } from '../../server/api-token.js';

export const TOKEN_ACTIONS = { create: 'token.create', revoke: 'token.revoke' } as const;

function subject(record: Pick<ApiTokenRecord, 'name' | 'audience' | 'scope'>) {
  return { name: record.name, kind: record.audience, scope: record.scope };
}

/** Issues a token; a taken name throws the directory's 409 uniqueness error and writes nothing. */
export function createAuditedToken(
  database: ProvisioDatabase,
  token: { name: string; scope: TokenScope; audience: TokenAudience },
  actor: string,
): Promise<IssuedToken> {
  return database.transaction(async ({ directory, engineState }) => {
    const issued = await issueToken(directory, token.name, token.scope, token.audience);
    await engineState.appendAudit({
      at: new Date(),
      actor,
      action: TOKEN_ACTIONS.create,
      after: subject(issued.record),
    });
    return issued;
  });
}

/** Revokes the token named `name`, of either kind; undefined when there is none. */
export function revokeAuditedToken(
  database: ProvisioDatabase,
  name: string,
  actor: string,
): Promise<ApiTokenRecord | undefined> {
  return database.transaction(async ({ directory, engineState }) => {
    const record = (await directory.listTokens()).find((token) => token.name === name);
    if (record === undefined || !(await directory.revokeToken(name))) return undefined;
    await engineState.appendAudit({
      at: new Date(),
      actor,
      action: TOKEN_ACTIONS.revoke,
      before: subject(record),
    });
    return record;
  });
}
