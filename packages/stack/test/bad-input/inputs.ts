/**
 * Generates bad requests for a route from a description of its body: malformed JSON,
 * wrong types, missing and extra fields, odd strings where a format is required, deep
 * nesting and oversized bodies. Every one must be refused with a 4xx.
 */
export type FieldKind = 'string' | 'integer' | 'array' | 'object';

export interface FieldSpec {
  kind: FieldKind;
  required?: boolean;
  nullable?: boolean;
  /** The field has a format (URL, currency, card, enum, date…), so odd strings are invalid. */
  formatted?: boolean;
}

export interface BadInput {
  label: string;
  body: string;
  contentType?: string;
}

const ODD_STRINGS = [
  "' OR 1=1 --",
  "'; DROP TABLE orders; --",
  '"); SELECT pg_sleep(5); --',
  '\u0000',
  '\uD800',
  '𝕳𝖊𝖑𝖑𝖔 🙂 \u202E',
  'ﷺ'.repeat(300),
  'x'.repeat(10_000),
  '',
  ' ',
];

const WRONG_TYPES: Record<FieldKind, unknown[]> = {
  string: [123, true, [], {}, ['a']],
  integer: ['12', 1.5, -1, 0, 1e308, true, [], {}, '∞'],
  array: ['a', 1, {}, true, [null], [1, 2], ['not.a.type']],
  object: ['a', 1, [], true],
};

function nested(depth: number): unknown {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

export function badInputs(valid: Record<string, unknown>, fields: Record<string, FieldSpec>): BadInput[] {
  const json = (label: string, value: unknown): BadInput => ({ label, body: JSON.stringify(value) });
  const inputs: BadInput[] = [
    { label: 'malformed JSON', body: '{"a":' },
    { label: 'trailing garbage', body: '{}}' },
    { label: 'single quotes', body: "{'a': 1}" },
    { label: 'JSON null', body: 'null' },
    { label: 'JSON array', body: '[]' },
    { label: 'JSON string', body: '"text"' },
    { label: 'JSON number', body: '42' },
    { label: 'text/plain', body: JSON.stringify(valid), contentType: 'text/plain' },
    { label: 'form encoded', body: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' },
    { label: 'xml', body: '<a>1</a>', contentType: 'application/xml' },
    json('extra field', { ...valid, unexpected: 'field' }),
    json('deep nesting', { ...valid, nested: nested(2000) }),
    json('huge body', { ...valid, padding: 'x'.repeat(300_000) }),
  ];
  for (const [name, spec] of Object.entries(fields)) {
    if (spec.required) {
      const { [name]: _omitted, ...rest } = valid;
      inputs.push(json(`missing ${name}`, rest));
    }
    if (!spec.nullable) inputs.push(json(`${name}: null`, { ...valid, [name]: null }));
    for (const wrong of WRONG_TYPES[spec.kind]) inputs.push(json(`${name}: ${JSON.stringify(wrong)}`, { ...valid, [name]: wrong }));
    inputs.push(json(`${name}: deep nesting`, { ...valid, [name]: nested(1000) }));
    // Free text too: Postgres cannot store U+0000, so it must be refused before any query.
    if (spec.kind === 'string' && !spec.formatted) {
      inputs.push(json(`${name}: embedded NUL`, { ...valid, [name]: `${String(valid[name] ?? 'text')}\u0000` }));
    }
    if (spec.formatted) {
      for (const odd of ODD_STRINGS) inputs.push(json(`${name}: odd string ${JSON.stringify(odd.slice(0, 12))}`, { ...valid, [name]: spec.kind === 'array' ? [odd] : odd }));
    }
  }
  return inputs;
}
