/**
 * The RFC 8288 `Link` header: `<https://api/users?page=2>; rel="next", <...>; rel="last"`. Only
 * what paging needs: each link's target and its relation types (a `rel` may list several).
 */

/** The target of the first link with relation `rel`, or undefined. */
export function linkWithRel(header: string | string[] | undefined, rel: string): string | undefined {
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
  for (const value of values) {
    for (const link of parseLinks(value)) {
      if (link.rels.includes(rel.toLowerCase())) return link.target;
    }
  }
  return undefined;
}

interface Link {
  target: string;
  rels: string[];
}

/** Every link of one header value; a malformed link ends the parse (what came before is kept). */
export function parseLinks(text: string): Link[] {
  const links: Link[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /[\s]/u.test(text[i]!)) i++;
  };
  while (i < text.length) {
    skipSpace();
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] !== '<') break;
    const end = text.indexOf('>', i);
    if (end < 0) break;
    const target = text.slice(i + 1, end).trim();
    i = end + 1;
    const rels: string[] = [];
    for (;;) {
      skipSpace();
      if (text[i] !== ';') break;
      i++;
      skipSpace();
      const name = /^[!#$%&'*+.^_`|~\w-]+/u.exec(text.slice(i))?.[0] ?? '';
      i += name.length;
      skipSpace();
      let value = '';
      if (text[i] === '=') {
        i++;
        skipSpace();
        if (text[i] === '"') {
          i++;
          while (i < text.length && text[i] !== '"') {
            if (text[i] === '\\') i++;
            value += text[i] ?? '';
            i++;
          }
          i++;
        } else {
          const token = /^[^;,\s]*/u.exec(text.slice(i))?.[0] ?? '';
          value = token;
          i += token.length;
        }
      }
      if (name.toLowerCase() === 'rel') rels.push(...value.toLowerCase().split(/\s+/u).filter(Boolean));
    }
    links.push({ target, rels });
  }
  return links;
}
