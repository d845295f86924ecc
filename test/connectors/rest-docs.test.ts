/** docs/connectors/rest.md documents every setting, object-type setting, operation option, paging style and credential form. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { paginationSchema, restSettingsSchema } from '../../src/connectors/rest/index.js';

const doc = readFileSync(new URL('../../docs/connectors/rest.md', import.meta.url), 'utf8');

describe('docs/connectors/rest.md', () => {
  it('has a row for every setting, option and paging style', () => {
    const settings = restSettingsSchema.shape;
    for (const key of Object.keys(settings)) expect(doc).toMatch(new RegExp(`\\| \`${key}[.\`]`, 'u'));
    for (const key of ['idPath', 'attributes.', 'enabled.path', 'membersPath', 'memberIdPath', 'operations.'])
      expect(doc).toContain(`| \`${key}`);
    for (const key of [
      'method',
      'url',
      'query',
      'headers',
      'body',
      'objectPath',
      'itemsPath',
      'send',
      'attributes',
      'pagination',
    ])
      expect(doc).toContain(`| \`${key}\` |`);
    for (const option of paginationSchema.options)
      expect(doc).toContain(`| \`${option.shape.style.value}\` |`);
    for (const form of ['token:', 'oauth:', 'basic:', 'apiKey:', 'clientAuth:', 'scope:'])
      expect(doc).toContain(form);
  });
});
