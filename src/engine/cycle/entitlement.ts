/**
 * Who is entitled to an app: Entra's "assigned users and groups" scope resolved against the
 * directory's assignments. A user is assigned directly, or through an assigned group it is a member
 * of. Members of groups nested inside an assigned group count only with `nestedGroupMembers: true`
 * (Entra does not flow nested members; Provisio makes it a setting, off by default). Groups are in
 * scope when they are assigned themselves; a group nested in an assigned group is not provisioned as
 * a group either way. With scope `all`, everything is assigned. Roles come from the assignments that
 * entitle the object, the app's default role where an assignment names none.
 */
import type { JsonObject } from '../../shared/json.js';
import { isJsonObject } from '../../shared/json.js';
import type { AppRoleAssignment } from '../../expressions/index.js';
import type { AppAssignment, DirectoryStore } from '../../directory/directory-store.js';
import type { AppDefinition } from '../apps/app-definition.js';

/** Why an object is (or is not) entitled, for the scope step of the log. */
export interface Entitlement {
  readonly assigned: boolean;
  /** `scope all`, `assigned directly`, `through group Sales (id)`, or `not assigned`. */
  readonly via: string;
  readonly roles: readonly AppRoleAssignment[];
}

/** The app's assignments, indexed for per-object questions. Loaded once per cycle. */
export class AssignmentIndex {
  readonly #users = new Map<string, string[]>();
  readonly #groups = new Map<string, string[]>();

  private constructor(
    readonly definition: AppDefinition,
    readonly appId: string,
    assignments: readonly AppAssignment[],
  ) {
    const defaultRole = defaultRoleOf(definition);
    for (const assignment of assignments) {
      const map = assignment.principalType === 'User' ? this.#users : this.#groups;
      const roles = map.get(assignment.principalId) ?? [];
      // The apps service always names a role; an empty one (a row written by hand) means the default.
      const role = assignment.role !== '' ? assignment.role : defaultRole;
      if (!roles.includes(role)) roles.push(role);
      map.set(assignment.principalId, roles);
    }
  }

  /** Reads every assignment of the app. */
  static async load(
    directory: DirectoryStore,
    appId: string,
    definition: AppDefinition,
  ): Promise<AssignmentIndex> {
    return new AssignmentIndex(definition, appId, await directory.listAssignments(appId));
  }

  /** For tests and previews: an index over given assignments. */
  static of(
    definition: AppDefinition,
    appId: string,
    assignments: readonly AppAssignment[],
  ): AssignmentIndex {
    return new AssignmentIndex(definition, appId, assignments);
  }

  get mode(): 'assigned' | 'all' {
    return this.definition.settings.scope;
  }

  /** The ids of directly assigned groups (whose members are in scope). */
  assignedGroupIds(): string[] {
    return [...this.#groups.keys()];
  }

  isGroupAssigned(id: string): boolean {
    return this.#groups.has(id);
  }

  /**
   * A user's entitlement from its resource read with `groups` (direct and indirect memberships,
   * RFC 7643 §4.1.2). `id` is the resource's id, when the caller has it at hand.
   */
  user(resource: JsonObject, id: string = String(resource.id)): Entitlement {
    const roleValues: string[] = [];
    const principals: string[] = [];
    let via: string | undefined;
    const direct = this.#users.get(id);
    if (direct) {
      via = 'assigned directly';
      for (const role of direct) add(roleValues, principals, role, id);
    }
    const nested = this.definition.settings.nestedGroupMembers;
    const groups = Array.isArray(resource.groups) ? resource.groups : [];
    for (const group of groups) {
      if (!isJsonObject(group) || typeof group.value !== 'string') continue;
      const indirect = typeof group.type === 'string' && group.type.toLowerCase() === 'indirect';
      if (indirect && !nested) continue;
      const roles = this.#groups.get(group.value);
      if (!roles) continue;
      via ??= `through group ${typeof group.display === 'string' ? `${group.display} ` : ''}(${group.value})${indirect ? ', nested' : ''}`;
      for (const role of roles) add(roleValues, principals, role, group.value);
    }
    if (this.mode === 'all') {
      if (roleValues.length === 0) add(roleValues, principals, defaultRoleOf(this.definition), id);
      return {
        assigned: true,
        via: 'scope: all users and groups',
        roles: this.#roles(roleValues, principals),
      };
    }
    if (via === undefined) return { assigned: false, via: 'not assigned', roles: [] };
    return { assigned: true, via, roles: this.#roles(roleValues, principals) };
  }

  /** A group's entitlement: assigned itself (or scope all). */
  group(id: string): Entitlement {
    const roles = this.#groups.get(id);
    if (this.mode === 'all') {
      const values = roles ?? [defaultRoleOf(this.definition)];
      return {
        assigned: true,
        via: 'scope: all users and groups',
        roles: this.#roles(
          values,
          values.map(() => id),
        ),
      };
    }
    if (!roles) return { assigned: false, via: 'not assigned', roles: [] };
    return {
      assigned: true,
      via: 'assigned directly',
      roles: this.#roles(
        roles,
        roles.map(() => id),
      ),
    };
  }

  #roles(values: readonly string[], principals: readonly string[]): AppRoleAssignment[] {
    const roles = new Array<AppRoleAssignment>(values.length);
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      const named = this.#roleName(value);
      roles[i] = { id: named.id, displayName: named.displayName, value, principalId: principals[i]! };
    }
    return roles;
  }

  /** A role's assignment id and display name, worked out once per role value, not per object. */
  readonly #roleNames = new Map<string, { readonly id: string; readonly displayName: string }>();

  #roleName(value: string): { readonly id: string; readonly displayName: string } {
    let named = this.#roleNames.get(value);
    if (named === undefined) {
      const role = this.definition.appRoles.find((r) => r.value === value);
      named = { id: `${this.appId}:${value}`, displayName: role?.displayName ?? value };
      this.#roleNames.set(value, named);
    }
    return named;
  }
}

function add(values: string[], principals: string[], role: string, principal: string): void {
  if (values.includes(role)) return;
  values.push(role);
  principals.push(principal);
}

/** The role an assignment without one gets: the app's default, else its first, else `User`. */
export function defaultRoleOf(definition: AppDefinition): string {
  const roles = definition.appRoles;
  return (roles.find((role) => role.default === true) ?? roles[0])?.value ?? 'User';
}
