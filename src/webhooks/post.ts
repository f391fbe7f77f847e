import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { addressRefusal, endpointOf, hostRefusal, type TargetPolicy } from './target';

/** A delivery that was not sent, because of where it would have gone (target.ts). */
export class TargetRefused extends Error {
  override readonly name = 'TargetRefused';
}

export interface PostInit {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  redirect: 'manual';
  signal: AbortSignal;
}

/** What the dispatcher needs of an HTTP POST: the status (fetch is one; tests give their own). */
export type Post = (url: string, init: PostInit) => Promise<{ status: number; body?: { cancel(): Promise<void> } | null }>;

/**
 * A webhook's POST that connects only to an address target.ts allows. The URL's host is judged as
 * written; a name is resolved here, through the policy's resolver, every address it gives judged, and
 * the connection is made to an address so judged: a name that resolves elsewhere a moment later (DNS
 * rebinding) changes nothing. No redirect is followed.
 */
export function checkedPost(policy: TargetPolicy): Post {
  return (url, init) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const { host, port } = endpointOf(target);
      const refused = hostRefusal(host, port, policy);
      if (refused) return reject(new TargetRefused(refused));
      const lookup: LookupFunction = (hostname, options, callback) => {
        policy.resolve(hostname).then(
          (addresses) => {
            const why = addresses.length === 0 ? 'names a host that could not be resolved on this terminal' : addresses.map((a) => addressRefusal(a, port, policy)).find((w) => w !== undefined);
            if (why) return callback(new TargetRefused(why), '', 0);
            const judged = addresses.map((address) => ({ address, family: isIP(address) }));
            if (options.all) callback(null, judged);
            else callback(null, judged[0]!.address, judged[0]!.family);
          },
          (err: NodeJS.ErrnoException) => callback(err, '', 0),
        );
      };
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const headers = { ...init.headers, 'Content-Length': String(Buffer.byteLength(init.body)) };
      const req = send(target, { method: init.method, headers, signal: init.signal, lookup, agent: false }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0 });
      });
      req.on('error', reject);
      req.end(init.body);
    });
}
