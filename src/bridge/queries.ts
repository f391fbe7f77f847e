import type { Refusal } from '../transactions/answer-rule';
import { BridgeError, type BridgeClient } from './client';
import type { PaymentResult } from './protocol';

/** What the app says of a payment, once the status is known to be about it. */
export type Status = { state: 'FINAL'; result: PaymentResult } | { state: 'IN_PROGRESS' } | { state: 'UNKNOWN' };

export interface Routes {
  refused(uti: string, refusal: Refusal): void;
  elsewhere(uti: string, result: PaymentResult): void;
}

/**
 * payment.query, after a link drop and after a restart alike. A status that names another UTI is no
 * answer to the question (refused OTHER_UTI, and the question stands: it rejects, as no answer does);
 * what it says of that other payment goes where any result about it goes.
 */
export async function askApp(client: BridgeClient, uti: string, routes: Routes): Promise<Status> {
  const status = await client.request<'payment.status'>({ type: 'payment.query', uti });
  if (status.uti !== uti) {
    routes.refused(uti, 'OTHER_UTI');
    if (status.result) routes.elsewhere(status.uti, status.result);
    throw new BridgeError('OTHER_UTI', `payment.status names ${status.uti}, not ${uti}`);
  }
  if (status.state === 'FINAL') return status.result ? { state: 'FINAL', result: status.result } : { state: 'UNKNOWN' };
  return { state: status.state };
}
