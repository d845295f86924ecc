import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../shared/json.js';
import { placeholderIssues, renderTemplate, templateAttributes } from './soap-template.js';

const noBraces = fc.string().filter((s) => !s.includes('{{') && !s.includes('}}'));
const json: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    noBraces,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(noBraces, tie('value'), { maxKeys: 3 }),
  ),
})).value;

describe('argument templates', () => {
  it('leave a template without placeholders as it is', () => {
    fc.assert(
      fc.property(json, (template) => {
        expect(renderTemplate(template, { names: {} })).toEqual(template);
      }),
    );
  });

  it('put a whole placeholder’s value in with its type, and drop the key when it has none', () => {
    fc.assert(
      fc.property(json, (value) => {
        const rendered = renderTemplate(
          { a: '{{attributes.x.y}}', b: 1 },
          { names: {}, attributes: { 'x.y': value } },
        );
        if (value === null) expect(rendered).toEqual({ b: 1 });
        else expect(rendered).toEqual({ a: value, b: 1 });
      }),
    );
  });

  it('spread a list into a list, and write values into text', () => {
    const values = { names: { members: ['u1', 'u2'], id: 'g1', enabled: false } };
    expect(renderTemplate({ memberId: '{{members}}', also: ['x', '{{members}}'] }, values)).toEqual({
      memberId: ['u1', 'u2'],
      also: ['x', 'u1', 'u2'],
    });
    expect(renderTemplate({ key: 'group-{{id}}/{{enabled}}{{cursor}}' }, values)).toEqual({
      key: 'group-g1/false',
    });
  });

  it('report each placeholder an operation does not offer, with its path', () => {
    const issues = placeholderIssues(
      { id: '{{id}}', list: ['{{ cursor }}', { deep: 'x {{attributes.mail}}' }] },
      { names: ['id'], attributes: false },
    );
    expect(issues.map((i) => i.path)).toEqual([
      ['list', 0],
      ['list', 1, 'deep'],
    ]);
    expect(issues[0]!.message).toContain('{{cursor}}');
    expect(placeholderIssues({ a: '{{attributes.}}' }, { names: [], attributes: true })).toHaveLength(1);
    expect([...templateAttributes({ a: ['{{attributes.a}}', 'x{{attributes.b.c}}'], id: '{{id}}' })]).toEqual(
      ['a', 'b.c'],
    );
  });
});
