import { newNonce, proofOf, provesSecret } from '../bridge/handshake';
import type { FromBridge, ToBridge } from '../bridge/protocol';

type Hello = Extract<ToBridge, { type: 'hello' }>;
type HelloProof = Extract<ToBridge, { type: 'hello.proof' }>;
type Answer = { reply: FromBridge; close?: true; greeted?: true };

/**
 * The app's side of the handshake, for one connection (docs/bridge.md, "Who is at the other end"): the
 * version, then with a shared secret the proofs both ways. Until it is greeted a connection gets
 * nothing but answers to hello and hello.proof.
 */
export class Greeting {
  private nonces: { eposd: string; app: string } | undefined;

  constructor(private readonly opts: { protocol: string; secret: string | undefined; capabilities: string[]; busy: () => boolean }) {}

  hello(m: Hello): Answer {
    const refuse = (code: string, message: string, extra: object = {}): Answer => ({ reply: { type: 'error', re: m.id, code, message, ...extra }, close: true });
    if (!m.protocols.includes(this.opts.protocol)) return refuse('UNSUPPORTED_VERSION', `this payment app speaks ${this.opts.protocol}`, { protocols: [this.opts.protocol] });
    // One eposd at a time: a second client must not take over the link of the first.
    if (this.opts.busy()) return refuse('ALREADY_CONNECTED', 'another eposd is connected');
    const ok = { type: 'hello.ok', re: m.id, protocol: this.opts.protocol, bridge: { name: 'eposd-bridge-sim', version: '2' }, capabilities: this.opts.capabilities } as const;
    if (this.opts.secret === undefined) return { reply: ok, greeted: true };
    this.nonces = { eposd: m.nonce, app: newNonce() };
    return { reply: { ...ok, nonce: this.nonces.app, proof: proofOf(this.opts.secret, 'app', this.nonces) } };
  }

  proof(m: HelloProof): Answer {
    const nonces = this.nonces;
    this.nonces = undefined;
    if (this.opts.secret === undefined || !nonces || !provesSecret(m.proof, this.opts.secret, 'eposd', nonces)) {
      return { reply: { type: 'error', re: m.id, code: 'UNAUTHORIZED', message: 'no valid proof of the shared secret' }, close: true };
    }
    if (this.opts.busy()) return { reply: { type: 'error', re: m.id, code: 'ALREADY_CONNECTED', message: 'another eposd is connected' }, close: true };
    return { reply: { type: 'ack', re: m.id }, greeted: true };
  }
}
