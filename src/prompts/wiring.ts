import { randomBytes } from 'node:crypto';
import type { Db } from '../db/open';
import type { PairingService } from '../pairing/pairing.service';
import type { ScreenService } from '../screen/screen.service';
import type { BridgeScreen } from '../bridge/screen';
import { KeyedWaiters } from '../shared/waiters';
import type { DeliveriesRepository } from '../webhooks/deliveries.repository';
import type { Notices } from '../webhooks/notices';
import { AnswerBox } from './answer-box';
import { PromptsRepository } from './prompts.repository';
import { PromptService, type PromptDeps } from './prompts.service';

export interface PromptWiring extends Omit<PromptDeps, 'prompts' | 'box'> {
  db: Db;
  /** The answers' key (answer-box.ts: from the terminal's key); a context without one makes one for its own life. */
  key?: Buffer;
  screen: ScreenService;
  pairing: Pick<PairingService, 'on'>;
  notices: Pick<Notices, 'tell'>;
  deliveries: Pick<DeliveriesRepository, 'enqueueFor'>;
  kickWebhooks: () => void;
  /** EPOSD_DRIVER=bridge: the payment app, when it owns the cardholder's screen (capability `prompt`). */
  bridgeScreen?: BridgeScreen;
}

/**
 * The POS's prompts, wired: drawn on the screen; each outcome wakes the POS waiting for it, goes to
 * the asking register's event streams and, if it chose them, its webhook (prompt.answered, or
 * prompt.ended for any other outcome); a register that unpairs loses its prompt and its answers.
 */
export function createPrompts(deps: PromptWiring): { prompts: PromptService; promptWaiters: KeyedWaiters } {
  const { bridgeScreen } = deps;
  const prompts = new PromptService({
    ...deps,
    prompts: new PromptsRepository(deps.db),
    box: new AnswerBox(deps.key ?? randomBytes(32)),
    presentable: bridgeScreen && (() => bridgeScreen.assertAvailable()),
  });
  const promptWaiters = new KeyedWaiters();
  prompts.on('view', (view) => deps.screen.showPrompt(view));
  if (bridgeScreen) {
    prompts.on('view', (view) => bridgeScreen.showPrompt(view));
    bridgeScreen.handle(prompts);
  }
  prompts.on('ended', (body) => {
    promptWaiters.wake(body.promptId);
    const event = body.status === 'ANSWERED' ? 'prompt.answered' : 'prompt.ended';
    deps.notices.tell({ event, data: body, to: body.registerId });
    try {
      // The body is read when sent (dispatcher.ts): the outbox keeps the prompt's id, never its answer.
      if (deps.deliveries.enqueueFor(event, body.promptId, body.registerId, Date.parse(body.endedAt))) deps.kickWebhooks();
    } catch (err) {
      deps.logger.error({ err, promptId: body.promptId }, 'could not queue the webhook');
    }
  });
  deps.pairing.on('unpaired', ({ registerId }: { registerId: string }) => prompts.forget(registerId));
  return { prompts, promptWaiters };
}
