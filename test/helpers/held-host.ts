import type { AuthorizationRequest, HostAnswer, PaymentHost } from '../../src/host/payment-host';

/** A payment host that answers only when the test says so: the payment stays AUTHORIZING meanwhile. */
export class HeldHost implements PaymentHost {
  readonly asked: string[] = [];
  private answers: ((a: HostAnswer) => void)[] = [];
  authorize(req: AuthorizationRequest): Promise<HostAnswer> {
    this.asked.push(req.uti);
    return new Promise((resolve) => this.answers.push(resolve));
  }
  reverse(): Promise<boolean> {
    return Promise.resolve(true);
  }
  approve(): void {
    this.answers.shift()!({ responseCode: '00', authCode: '123456' });
  }
}
