import { EventEmitter } from 'node:events';
import type { PairingView, PaymentView } from './display';
import type { DisplayView } from '../display/display-view';
import type { PromptView } from '../prompts/prompt-view';
import { formatAmount } from '../shared/money';

export interface ScreenIdentity {
  tid: string;
  serialNumber: string;
  merchantName: string;
  fingerprint: string;
  addresses: string[];
  apiPort: number;
}

export interface ScreenState extends ScreenIdentity {
  /** What has the screen, first to last: a payment, a prompt, a pairing window, the POS's display, else idle. */
  screen: 'idle' | 'pairing' | 'payment' | 'prompt' | 'display';
  sequence: number;
  ready: boolean;
  pairingCode?: string;
  pairingExpiresAt?: string;
  payment?: PaymentView;
  /** A POS's prompt, while it is open and no payment has the screen. */
  prompt?: PromptView;
  /** The POS's customer display (a basket, a message, a QR code) when nothing else has the screen. */
  display?: DisplayView;
  /** What a technician must know, shown over every screen: a damaged database, a new identity. */
  alerts?: string[];
}

/**
 * The terminal's display: what is on it now, who is watching, and one `[screen]` line on standard
 * output for every change. A payment in progress takes the screen; a pairing window shows otherwise.
 */
export class ScreenService extends EventEmitter {
  private pairing: PairingView | undefined;
  private payment: PaymentView | undefined;
  private prompt: PromptView | undefined;
  private display: DisplayView | undefined;
  private sequence = 0;
  private lastLine = '';
  private readonly alerts = new Map<string, string>();

  constructor(
    private identity: ScreenIdentity,
    private readonly write: (line: string) => void = (line) => void process.stdout.write(`${line}\n`),
  ) {
    super();
    this.setMaxListeners(0);
  }

  /** Once the API listens: the port it really has, and only the addresses it really listens on. */
  listeningOn(apiPort: number, host: string): void {
    const all = host === '0.0.0.0' || host === '::';
    this.identity = { ...this.identity, apiPort, addresses: all ? this.identity.addresses : [host] };
    this.changed();
  }

  showPairing(view: PairingView | undefined): void {
    this.pairing = view;
    this.changed();
  }

  showPayment(view: PaymentView | undefined): void {
    this.payment = view;
    this.changed();
  }

  showPrompt(view: PromptView | undefined): void {
    this.prompt = view;
    this.changed();
  }

  showDisplay(view: DisplayView | undefined): void {
    this.display = view;
    this.changed();
  }

  /** Shows (or, with no text, takes down) the alert of one kind. */
  setAlert(kind: string, text: string | undefined): void {
    if (text === undefined) this.alerts.delete(kind);
    else this.alerts.set(kind, text);
    this.changed();
  }

  state(): ScreenState {
    // The code is in the state while the window is open, even when a payment has the screen.
    const pairing = this.pairing ? { pairingCode: this.pairing.code, pairingExpiresAt: this.pairing.expiresAt } : {};
    const alerts = this.alerts.size > 0 ? { alerts: [...this.alerts.values()] } : {};
    const base = { ...this.identity, sequence: this.sequence, ready: !this.payment && !this.prompt, ...pairing, ...alerts };
    if (this.payment) return { ...base, screen: 'payment', payment: this.payment };
    if (this.prompt) return { ...base, screen: 'prompt', prompt: this.prompt };
    if (this.pairing) return { ...base, screen: 'pairing' };
    if (this.display) return { ...base, screen: 'display', display: this.display };
    return { ...base, screen: 'idle' };
  }

  private changed(): void {
    const line = describe(this.state());
    if (line === this.lastLine) return;
    this.lastLine = line;
    this.sequence += 1;
    this.write(line);
    this.emit('change', this.state());
  }
}

function describe(s: ScreenState): string {
  return s.alerts ? `${describeView(s)} | ALERT: ${s.alerts.join(' | ')}` : describeView(s);
}

function describeView(s: ScreenState): string {
  switch (s.screen) {
    case 'idle':
      return `[screen] idle: TID ${s.tid} ready at ${s.addresses.map((a) => `${a.includes(':') ? `[${a}]` : a}:${s.apiPort}`).join(', ')}`;
    case 'pairing':
      return `[screen] pairing: code ${s.pairingCode} valid until ${s.pairingExpiresAt}, fingerprint ${s.fingerprint}`;
    case 'payment': {
      const p = s.payment!;
      return `[screen] ${p.transType} ${formatAmount(p.total ?? p.amount, p.currency)}: ${p.message}${p.card ? ` (${p.card})` : ''} [${p.uti}]`;
    }
    case 'prompt': {
      // The question only: the answer never reaches a [screen] line.
      const p = s.prompt!;
      return `[screen] prompt ${p.type}: ${p.title}${p.error ? ` (refused: ${p.error})` : ''} [${p.promptId}]`;
    }
    case 'display': {
      const d = s.display!;
      const parts = [
        d.lineItems ? `${d.lineItems.length} item(s), total ${formatAmount(d.total ?? 0, d.currency)}` : undefined,
        d.message !== undefined ? `"${d.message}"` : undefined,
        d.qr ? 'a QR code' : undefined,
      ];
      return `[screen] display ${d.version}: ${parts.filter(Boolean).join(', ')}`;
    }
  }
}
