/**
 * Mosquitto's ACL file (deploy/mosquitto/acl), read and applied by the embedded broker, so that one file
 * says who may use which topic whichever broker runs it (docs/relay.md, "The ACL").
 *
 * `user <name>` starts a block; `topic [read|write|readwrite|deny] <filter>` applies to that user (before
 * any `user` line: to clients without a user name); `pattern [...] <filter>` applies to everyone, with
 * `%u` the user name and `%c` the client id. Access is denied unless a line grants it; a `deny` line that
 * matches wins. As Mosquitto does, a pattern is not applied to a name holding `+`, `#` or `/`, which
 * would turn it into a wildcard.
 */

export type Access = 'read' | 'write';

interface Rule {
  access: 'read' | 'write' | 'readwrite' | 'deny';
  filter: string;
}

export interface Acl {
  allows(access: Access, topic: string, who: { username?: string; clientId: string }): boolean;
}

const ACCESS = new Set(['read', 'write', 'readwrite', 'deny']);

/** Whether `topic` is matched by the MQTT topic filter `filter` (`+` one level, `#` the rest). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  // A wildcard in the first level never matches a topic that begins with `$` (MQTT 5, 4.7.2).
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

export function parseAcl(text: string): Acl {
  const anonymous: Rule[] = [];
  const byUser = new Map<string, Rule[]>();
  const patterns: Rule[] = [];
  let current = anonymous;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [keyword, ...rest] = line.split(/\s+/);
    const rule = (): Rule => {
      const access = ACCESS.has(rest[0]!) ? (rest.shift() as Rule['access']) : 'readwrite';
      if (rest.length !== 1) throw new Error(`ACL line ${index + 1}: expected one topic filter: ${line}`);
      return { access, filter: rest[0]! };
    };
    if (keyword === 'user' && rest.length === 1) {
      current = byUser.get(rest[0]!) ?? [];
      byUser.set(rest[0]!, current);
    } else if (keyword === 'topic') current.push(rule());
    else if (keyword === 'pattern') patterns.push(rule());
    else throw new Error(`ACL line ${index + 1}: not a user, topic or pattern line: ${line}`);
  });

  return {
    allows(access, topic, { username, clientId }) {
      const rules = username === undefined ? [...anonymous] : [...(byUser.get(username) ?? [])];
      const wildcard = /[+#/]/;
      for (const p of patterns) {
        if (p.filter.includes('%u') && (username === undefined || wildcard.test(username))) continue;
        if (p.filter.includes('%c') && wildcard.test(clientId)) continue;
        rules.push({ access: p.access, filter: p.filter.replaceAll('%u', username ?? '').replaceAll('%c', clientId) });
      }
      const matching = rules.filter((r) => topicMatches(r.filter, topic));
      if (matching.some((r) => r.access === 'deny')) return false;
      return matching.some((r) => r.access === 'readwrite' || r.access === access);
    },
  };
}
