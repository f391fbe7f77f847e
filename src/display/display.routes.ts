import { endpoint, type AnyEndpoint } from '../http/endpoint';
import { DisplayAnswer, DisplayQuery, DisplayRequest } from './display.schemas';
import type { DisplayService } from './display.service';

export interface DisplayRoutesDeps {
  display: DisplayService;
  /** Whether the customer display is what the screen shows now (no payment or prompt has it). */
  displayShown: () => boolean;
}

export function displayEndpoints({ display, displayShown }: DisplayRoutesDeps): AnyEndpoint[] {
  return [
    endpoint({
      method: 'PUT',
      path: '/display',
      auth: 'pos',
      tid: true,
      audit: 'display.update',
      summary: "Show the customer a basket, a message or a QR code between payments (this register's display, replaced whole)",
      description:
        'A payment or a prompt takes the screen over and gives it back: the display comes back after. Each register has its own; the newest is shown. Line items as payments take them; total (if sent) must be the line totals plus tax (400 LINE_ITEMS_MISMATCH).',
      responses: { 200: { description: 'The display as kept, and whether it is on the screen now', schema: DisplayAnswer } },
      errors: ['TID_MISMATCH', 'LINE_ITEMS_MISMATCH', 'CURRENCY_NOT_SUPPORTED'],
      query: DisplayQuery,
      body: DisplayRequest,
      handle: ({ body, caller }) => {
        const kept = display.set(caller.registerId!, body);
        return { body: { ...kept, shown: display.isNewest(caller.registerId!) && displayShown() } };
      },
    }),
    endpoint({
      method: 'DELETE',
      path: '/display',
      auth: 'pos',
      tid: true,
      audit: 'display.clear',
      summary: "Take this register's display down: the screen returns to idle (or to another register's display)",
      responses: { 204: { description: 'Taken down (or there was none)' } },
      errors: ['TID_MISMATCH'],
      query: DisplayQuery,
      handle: ({ caller }) => {
        display.clear(caller.registerId!);
        return { status: 204 };
      },
    }),
  ];
}
