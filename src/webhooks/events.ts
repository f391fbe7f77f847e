import { Type } from '@sinclair/typebox';
import { StringEnum } from '../shared/schema-types';

/** What a webhook (X-Eposd-Event) or the event stream can announce. */
export const WEBHOOK_EVENTS = ['transaction.updated', 'transaction.final', 'settlement.closed', 'register.paired', 'register.unpaired', 'prompt.answered', 'prompt.ended'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** What a register's webhook gets when it chose nothing: as before there were types. */
export const DEFAULT_CALLBACK_EVENTS: readonly WebhookEvent[] = ['transaction.final'];

export const CallbackEvents = Type.Array(StringEnum(WEBHOOK_EVENTS), {
  minItems: 1,
  maxItems: WEBHOOK_EVENTS.length,
  uniqueItems: true,
  description: `the event types the webhook gets, of ${WEBHOOK_EVENTS.join(', ')}; default ["transaction.final"]`,
});

/** GET /pair's form: the same types, comma-separated. */
export const CallbackEventsList = Type.String({
  pattern: `^(${WEBHOOK_EVENTS.join('|').replace(/\./g, '\\.')})(,(${WEBHOOK_EVENTS.join('|').replace(/\./g, '\\.')})){0,${WEBHOOK_EVENTS.length - 1}}$`,
  description: `must be event types separated by commas: ${WEBHOOK_EVENTS.join(', ')}`,
});

/** Stored as the JSON array, or null for the default (so a register paired before reads the same). */
export function storedCallbackEvents(events: readonly string[] | string | undefined): string | null {
  if (events === undefined) return null;
  const list = [...new Set(typeof events === 'string' ? events.split(',') : events)];
  return list.length === 1 && list[0] === 'transaction.final' ? null : JSON.stringify(list);
}
