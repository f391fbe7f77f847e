import { endpoint, type AnyEndpoint } from '../http/endpoint';
import { answerOrWait } from '../http/long-poll';
import type { KeyedWaiters } from '../shared/waiters';
import { EndedPrompt, OpenPrompt, PromptAck, PromptCancelQuery, PromptRequest, PromptStartQuery, PromptStatusQuery } from './prompts.schemas';
import type { PromptService } from './prompts.service';

export interface PromptRoutesDeps {
  prompts: PromptService;
  /** Woken when a prompt ends: GET /prompt?wait= answers then. */
  promptWaiters: KeyedWaiters;
}

export function promptEndpoints({ prompts, promptWaiters }: PromptRoutesDeps): AnyEndpoint[] {
  return [
    endpoint({
      method: 'POST',
      path: '/prompt',
      auth: 'pos',
      tid: true,
      audit: 'prompt.start',
      summary: 'Ask the cardholder on the screen: confirm, select, text, email, phone, number or signature; answers the promptId at once',
      description:
        'Between payments: 409 TERMINAL_BUSY while a payment or another prompt has the screen. A promptId of your choosing makes a retry safe: the same body replays the acknowledgement. Read the outcome with GET /prompt (wait=N), the event stream or a webhook (docs/api.md).',
      responses: { 200: { description: 'Open: read its outcome with GET /prompt', schema: PromptAck } },
      errors: ['TID_MISMATCH', 'TERMINAL_BUSY', 'PROMPT_ID_CONFLICT', 'PAYMENT_APP_UNAVAILABLE'],
      query: PromptStartQuery,
      body: PromptRequest,
      handle: ({ body, caller }) => ({ body: prompts.open(body, caller.registerId!) }),
    }),
    endpoint({
      method: 'GET',
      path: '/prompt',
      auth: 'pos',
      tid: true,
      summary: 'Read a prompt: 202 while it is open, 200 once it has ended (with the answer); wait=N holds the answer until then',
      responses: {
        200: { description: 'Ended: ANSWERED (with its value while it is kept), SKIPPED, CANCELLED or TIMED_OUT', schema: EndedPrompt },
        202: { description: 'Open', schema: OpenPrompt },
      },
      errors: ['TID_MISMATCH', 'PROMPT_NOT_FOUND'],
      query: PromptStatusQuery,
      handle: (input) => {
        const { query, caller } = input;
        const answer = prompts.status(query.promptId, caller.registerId!);
        return answerOrWait(
          answer,
          query.wait,
          input,
          (ms, signal) => promptWaiters.wait(query.promptId, ms, signal),
          () => prompts.status(query.promptId, caller.registerId!),
        );
      },
    }),
    endpoint({
      method: 'DELETE',
      path: '/prompt',
      auth: 'pos',
      tid: true,
      audit: 'prompt.cancel',
      summary: 'Take the prompt down: CANCELLED / POS_CANCELLED',
      responses: { 200: { description: 'Cancelled: its final status', schema: EndedPrompt } },
      errors: ['TID_MISMATCH', 'PROMPT_NOT_FOUND', 'PROMPT_ENDED'],
      query: PromptCancelQuery,
      handle: ({ query, caller }) => ({ body: prompts.cancel(query.promptId, caller.registerId!) }),
    }),
  ];
}
