import { isIP } from 'node:net';
import { ValidationError } from '../shared/errors';
import { endpointOf, hostRefusal, targetRefusal, type TargetPolicy } from '../webhooks/target';

const fail = (message: string) => new ValidationError([{ field: 'callbackUrl', message }]);

/**
 * A webhook URL a register may give at pairing, as written.
 * @NOTE Userinfo (`http://user:pw@…`) would be sent nowhere and kept in the database; the URL must
 * point where a webhook may go (webhooks/target.ts: not this machine, not link-local, not its own
 * ports…). Each refusal names the field.
 */
export function checkCallbackUrl(value: string, targets: TargetPolicy): void {
  const url = new URL(value);
  if (url.username !== '' || url.password !== '') throw fail('must not carry a user name or password: sign-in details in a URL are never sent; webhooks are signed instead');
  const { host, port } = endpointOf(url);
  const refused = hostRefusal(host, port, targets);
  if (refused) throw fail(refused);
}

/** A host name in the URL, resolved: every address it gives judged (an address written in the URL is checkCallbackUrl's). */
export async function checkCallbackHost(value: string, targets: TargetPolicy): Promise<void> {
  const url = new URL(value);
  if (isIP(endpointOf(url).host)) return;
  const refused = await targetRefusal(url, targets);
  if (refused) throw fail(refused);
}
