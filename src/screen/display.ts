/** What the terminal's display can be asked to show: the port the services talk to. */

export interface PairingView {
  code: string;
  expiresAt: string;
}

export type Prompt =
  | 'PRESENT_CARD'
  | 'READING_CARD'
  | 'ENTER_PIN'
  | 'AUTHORISING'
  | 'PRINTING'
  | 'APPROVED'
  | 'DECLINED'
  | 'CANCELLED'
  | 'TIMED_OUT'
  | 'FAILED';

export type ReceiptLine = [text: string, size: string, align: 'L' | 'C' | 'R', style: 'N' | 'B'];

export interface PaymentView {
  uti: string;
  transType: string;
  amount: number | null;
  currency: string;
  prompt: Prompt;
  message: string;
  /** Masked PAN, once a card was read. */
  card?: string;
  receipt?: ReceiptLine[];
}

export interface Display {
  showPairing(view: PairingView | undefined): void;
  showPayment(view: PaymentView | undefined): void;
}
