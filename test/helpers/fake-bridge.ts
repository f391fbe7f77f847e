import { InProcessChannel, type Link } from '../../src/bridge/link';
import { PROTOCOL, type FromBridge, type ToBridge } from '../../src/bridge/protocol';

// A payment app scripted by the test, over the in-process channel: it answers hello by itself (with
// the protocol it is given) and records everything else for the test to answer, or not.

export class FakeBridge {
  readonly channel = new InProcessChannel();
  readonly received: ToBridge[] = [];
  private link: Link | undefined;
  private readonly listeners = new Set<(m: ToBridge) => void>();

  constructor(
    private readonly protocol = PROTOCOL,
    /** What it lists in hello.ok (e.g. `simulator`). */
    private readonly capabilities: string[] = [],
  ) {
    this.listen();
  }

  listen(): void {
    this.channel.accept((link) => {
      this.link = link;
      link.onLine((line) => {
        const m = JSON.parse(line) as ToBridge;
        if (m.type === 'hello') return this.send({ type: 'hello.ok', re: m.id, protocol: this.protocol, bridge: { name: 'fake', version: '0' }, capabilities: this.capabilities });
        this.received.push(m);
        this.listeners.forEach((l) => l(m));
      });
    });
  }

  /** The payment app goes away: the link closes and connects fail until `listen()`. */
  vanish(): void {
    this.link = undefined;
    this.channel.unlisten();
  }

  send(m: FromBridge | string): void {
    this.link?.send(typeof m === 'string' ? m : JSON.stringify(m));
  }

  /** The next message of this type from eposd (or one already received and not yet taken). */
  next<T extends ToBridge['type']>(type: T, timeoutMs = 5000): Promise<Extract<ToBridge, { type: T }>> {
    const i = this.received.findIndex((m) => m.type === type);
    if (i >= 0) return Promise.resolve(this.received.splice(i, 1)[0] as Extract<ToBridge, { type: T }>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} from eposd within ${timeoutMs} ms`)), timeoutMs).unref();
      const l = (m: ToBridge) => {
        if (m.type !== type) return;
        this.listeners.delete(l);
        clearTimeout(timer);
        this.received.splice(this.received.indexOf(m), 1);
        resolve(m as Extract<ToBridge, { type: T }>);
      };
      this.listeners.add(l);
    });
  }
}

export const APPROVED_RESULT = {
  outcome: 'APPROVED',
  reason: 'APPROVED',
  responseCode: '00',
  authCode: 'A1B2C3',
  amountAuthorised: 1000,
  card: { maskedPan: '47**********0010', entryMode: 'PICC', cvm: 'NO_CVM', aid: 'A0000000031010', applicationLabel: 'VISA CREDIT', cardBrand: 'VISA' },
  cardBrand: 'VISA',
  emv: { aid: 'A0000000031010', applicationLabel: 'VISA CREDIT', tvr: '0000008000', tsi: 'E800', atc: '0001', arc: '00', cryptogramType: 'TC', cryptogram: '0123456789ABCDEF' },
} as const;
