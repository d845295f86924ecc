import type { AppRoleAssignment, EvaluationContext, ExprValue } from '../value.js';
import type { FunctionSpec } from './function-spec.js';
import { defineEager, p } from './define-function.js';

/**
 * App role functions. The user's assignments come from the evaluation context (the engine fills
 * `appRoleAssignments`); when the context has none, the `[appRoleAssignments]` argument is read
 * instead: each value either a JSON object string {"id","value","displayName"} or a plain role value.
 *
 * Expression values have no object type, so the complex forms return one JSON object string per
 * role, which the SCIM connector sends as the role object: AppRoleAssignmentsComplex the
 * {"id","value","displayName"} form Entra's PATCH uses, AssertiveAppRoleAssignmentsComplex the
 * {"primary":false,"type":"WindowsAzureActiveDirectoryRole","display","value"} form Entra's POST and
 * PATCH replace use.
 */

function fromArgument(value: ExprValue | undefined): AppRoleAssignment[] {
  const items = Array.isArray(value)
    ? (value as readonly ExprValue[])
    : value === undefined || value === null
      ? []
      : [value];
  const out: AppRoleAssignment[] = [];
  for (const item of items) {
    if (typeof item !== 'string' || item === '') continue;
    if (item.startsWith('{')) {
      try {
        const parsed = JSON.parse(item) as Record<string, unknown>;
        const roleValue = typeof parsed.value === 'string' ? parsed.value : undefined;
        if (roleValue === undefined) continue;
        out.push({
          id: typeof parsed.id === 'string' ? parsed.id : '',
          value: roleValue,
          displayName: typeof parsed.displayName === 'string' ? parsed.displayName : roleValue,
        });
        continue;
      } catch {
        // not JSON: a plain role value that happens to start with "{"
      }
    }
    out.push({ id: '', value: item, displayName: item });
  }
  return out;
}

/** The assignments a call works on: the context's, else the argument's. */
export function assignmentsFor(
  value: ExprValue | undefined,
  ctx: EvaluationContext,
): readonly AppRoleAssignment[] {
  return ctx.appRoleAssignments ?? fromArgument(value);
}

/** AppRoleAssignmentsComplex([appRoleAssignments]): every role, as {"id","value","displayName"} JSON. */
export const appRoleAssignmentsComplex = defineEager(
  {
    name: 'AppRoleAssignmentsComplex',
    summary:
      "Returns all of the user's app roles (for a multi-valued roles attribute, added with PATCH add).",
    params: [p('appRoleAssignments')],
    // Reads the context's assignments: never folded to a constant at compile time.
    volatile: true,
  },
  ([value], ctx) => {
    const roles = assignmentsFor(value, ctx);
    if (roles.length === 0) return null;
    return roles.map((role) =>
      JSON.stringify({ id: role.id, value: role.value, displayName: role.displayName }),
    );
  },
);

/** AssertiveAppRoleAssignmentsComplex([appRoleAssignments]): every role, as SCIM role object JSON, for PATCH replace. */
export const assertiveAppRoleAssignmentsComplex = defineEager(
  {
    name: 'AssertiveAppRoleAssignmentsComplex',
    summary:
      "Returns all of the user's app roles as SCIM role objects (roles are replaced, so removed ones go).",
    params: [p('appRoleAssignments')],
    // Reads the context's assignments: never folded to a constant at compile time.
    volatile: true,
  },
  ([value], ctx) => {
    const roles = assignmentsFor(value, ctx);
    // An empty list (not null) so a replace removes every role the user lost.
    return roles.map((role) =>
      JSON.stringify({
        primary: false,
        type: 'WindowsAzureActiveDirectoryRole',
        display: role.displayName,
        value: role.value,
      }),
    );
  },
);

/** SingleAppRoleAssignment([appRoleAssignments]): the value of the user's (first) app role. */
export const singleAppRoleAssignment = defineEager(
  {
    name: 'SingleAppRoleAssignment',
    summary: "Returns the value of the user's single app role.",
    params: [p('appRoleAssignments')],
    // Reads the context's assignments: never folded to a constant at compile time.
    volatile: true,
  },
  ([value], ctx) => assignmentsFor(value, ctx)[0]?.value ?? null,
);

/** The app role functions, for index.ts. */
export const appRoleFunctions: readonly FunctionSpec[] = [
  appRoleAssignmentsComplex,
  assertiveAppRoleAssignmentsComplex,
  singleAppRoleAssignment,
];
