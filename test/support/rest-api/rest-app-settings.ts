/**
 * `rest` connector settings for the test API: users (and groups with their member operations, or
 * their members array) in the API's common shape, paged in the style the API was started with.
 */
import type { ListStyle } from './rest-api.js';

export const PAGINATION: Record<ListStyle, Record<string, unknown>> = {
  page: { style: 'page', pageParam: '_page', sizeParam: '_limit' },
  offset: { style: 'offset', offsetParam: 'offset', sizeParam: 'limit', totalPath: 'total' },
  cursor: { style: 'cursor', cursorParam: 'cursor', sizeParam: 'limit', nextCursorPath: 'next_cursor' },
  nextLink: { style: 'nextLink', sizeParam: 'limit', nextLinkPath: 'links.next' },
  linkHeader: { style: 'linkHeader', sizeParam: '_limit' },
};

const ITEMS: Record<ListStyle, string> = {
  page: '$',
  offset: 'data',
  cursor: 'items',
  nextLink: 'items',
  linkHeader: '$',
};

function crud(collection: string, style: ListStyle) {
  return {
    create: { method: 'POST', url: `/${collection}` },
    get: { method: 'GET', url: `/${collection}/{id}` },
    update: { method: 'PATCH', url: `/${collection}/{id}` },
    delete: { method: 'DELETE', url: `/${collection}/{id}` },
    find: { method: 'GET', url: `/${collection}?{attribute}={value}`, itemsPath: ITEMS[style] },
    list: { method: 'GET', url: `/${collection}`, itemsPath: ITEMS[style], pagination: PAGINATION[style] },
  };
}

export function restSettingsFor(
  baseUrl: string,
  o: {
    style?: ListStyle;
    users?: boolean;
    groups?: boolean;
    disable?: boolean;
    /** How group members are written: the member endpoints (default) or the group's members array. */
    membership?: 'operations' | 'array';
    extra?: Record<string, unknown>;
  } = {},
): Record<string, unknown> {
  const style = o.style ?? 'page';
  const objects: Record<string, unknown> = {};
  if (o.users !== false) {
    objects.User = {
      ...(o.disable !== false ? { enabled: { path: 'active' } } : {}),
      operations: crud('users', style),
    };
  }
  if (o.groups !== false) {
    objects.Group =
      o.membership === 'array'
        ? { membersPath: 'members', membership: 'array', operations: crud('groups', style) }
        : {
            membersPath: 'members',
            operations: {
              ...crud('groups', style),
              addMember: { method: 'POST', url: '/groups/{groupId}/members', body: { userId: '{memberId}' } },
              removeMember: { method: 'DELETE', url: '/groups/{groupId}/members/{memberId}' },
            },
          };
  }
  return { baseUrl, objects, ...o.extra };
}
