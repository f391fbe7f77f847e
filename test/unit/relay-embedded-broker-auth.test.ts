import { readFileSync } from 'node:fs';
import { parseAcl, topicMatches } from '../../src/relay-gateway/broker-acl';
import { parsePasswords, passwordLine, verifyPassword } from '../../src/relay-gateway/broker-passwords';
import { ACL_FILE } from '../helpers/mosquitto';

const acl = parseAcl(readFileSync(ACL_FILE, 'utf8'));
const terminal = { username: '10000001', clientId: 'eposd-10000001' };
const gateway = { username: 'relay', clientId: 'eposd-relay-1' };
/** What the ACL answers each access of `client`, in order. */
const allowed = (client: typeof terminal, accesses: ['read' | 'write', string][]) => accesses.map(([access, topic]) => acl.allows(access, topic, client));

describe("The embedded broker's ACL, read from deploy/mosquitto/acl as Mosquitto reads it", () => {
  it('lets a terminal read its own requests and write its presence and answers from its own TID, and nothing of another terminal', () => {
    expect(
      allowed(terminal, [
        ['read', 'eposd/v1/terminals/10000001/requests'],
        ['write', 'eposd/v1/terminals/10000001/presence'],
        ['write', 'eposd/v1/gateways/relay/abc/responses/10000001'],
        ['read', 'eposd/v1/terminals/10000002/requests'],
        ['write', 'eposd/v1/terminals/10000002/presence'],
        ['write', 'eposd/v1/gateways/relay/abc/responses/10000002'],
        ['write', 'eposd/v1/terminals/10000001/requests'],
      ]),
    ).toEqual([true, true, true, false, false, false, false]);
  });

  it('lets the gateway user send requests to any terminal and read presences and its own answers only', () => {
    expect(
      allowed(gateway, [
        ['write', 'eposd/v1/terminals/10000001/requests'],
        ['read', 'eposd/v1/terminals/10000001/presence'],
        ['read', 'eposd/v1/gateways/relay/abc/responses/10000001'],
        ['read', 'eposd/v1/gateways/other/abc/responses/10000001'],
        ['read', 'eposd/v1/terminals/10000001/requests'],
      ]),
    ).toEqual([true, true, true, false, false]);
  });

  it('gives nothing to a client without a user name, and applies no pattern to a name that would be a wildcard', () => {
    expect(acl.allows('read', 'eposd/v1/terminals/x/requests', { clientId: 'c' })).toBe(false);
    expect(acl.allows('read', 'eposd/v1/terminals/+/requests', { username: '+', clientId: 'c' })).toBe(false);
    expect(acl.allows('read', 'eposd/v1/terminals/a/b/requests', { username: 'a/b', clientId: 'c' })).toBe(false);
  });

  it('matches topic filters as MQTT does, a deny line winning, and refuses a line it does not understand', () => {
    expect(topicMatches('a/+/c', 'a/b/c')).toBe(true);
    expect(topicMatches('a/#', 'a')).toBe(true);
    expect(topicMatches('a/+', 'a/b/c')).toBe(false);
    expect(topicMatches('#', '$SYS/x')).toBe(false);
    const denied = parseAcl('user u\ntopic readwrite a/#\ntopic deny a/secret\n');
    expect(denied.allows('read', 'a/open', { username: 'u', clientId: 'c' })).toBe(true);
    expect(denied.allows('read', 'a/secret', { username: 'u', clientId: 'c' })).toBe(false);
    expect(() => parseAcl('topics read a\n')).toThrow(/line 1/);
  });
});

describe("The embedded broker's password file, in Mosquitto's format", () => {
  it('accepts a line made by mosquitto_passwd (Mosquitto 2.0, PBKDF2-SHA512) with its password only', () => {
    // `mosquitto_passwd -b file alice secret`, Mosquitto 2.0.11
    const passwords = parsePasswords('alice:$7$101$B4aQAaOiovWg3Urp$Qgmw8baywGTdwukMDjcRDErLO9ZFpVScez+LIT/qvTgYiHpWylIgevkVzhn1NFdZtMDR8mGOQw7n5D6BGzEnLw==\n');
    expect(verifyPassword(passwords, 'alice', Buffer.from('secret'))).toBe(true);
    expect(verifyPassword(passwords, 'alice', Buffer.from('Secret'))).toBe(false);
    expect(verifyPassword(passwords, 'bob', Buffer.from('secret'))).toBe(false);
    expect(verifyPassword(passwords, undefined, undefined)).toBe(false);
  });

  it('writes lines it reads back, each with a salt of its own, and refuses a plain-text password line', () => {
    const [a, b] = [passwordLine('relay', 'pw'), passwordLine('relay', 'pw')];
    expect(a).toMatch(/^relay:\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/=]{88}$/);
    expect(a).not.toBe(b);
    expect(verifyPassword(parsePasswords(a), 'relay', Buffer.from('pw'))).toBe(true);
    expect(() => parsePasswords('relay:plain-text-password\n')).toThrow(/line 1/);
  });
});
