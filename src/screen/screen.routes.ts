import { Type, type Static, type TUnion } from '@sinclair/typebox';
import { ApiError } from '../shared/errors';
import { endpoint, type AnyEndpoint } from '../http/endpoint';
import { StringEnum } from '../shared/schema-types';
import type { PairingService } from '../pairing/pairing.service';
import type { SimulatedCardReader } from '../reader/simulator/reader.simulator';
import { TEST_CARD_IDS } from '../reader/simulator/test-cards';
import type { SettlementService } from '../settlement/settlement.service';
import type { TransactionService } from '../transactions/transactions.service';
import type { PromptService } from '../prompts/prompts.service';
import type { ScreenService, ScreenState } from './screen.service';

const action = <N extends string>(name: N) => Type.Literal(name);

const ACTIONS = [
  Type.Object({ action: action('openPairing') }, { additionalProperties: false }),
  Type.Object({ action: action('unpairAll') }, { additionalProperties: false }),
  Type.Object({ action: action('cancel') }, { additionalProperties: false }),
  Type.Object({ action: action('settle') }, { additionalProperties: false }),
  Type.Object(
    { action: action('presentCard'), card: Type.Optional(StringEnum(TEST_CARD_IDS, { description: `must be one of the test cards: ${TEST_CARD_IDS.join(', ')}` })) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      action: action('chooseTip'),
      percent: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'one of the percentages offered' })),
      amount: Type.Optional(Type.Integer({ minimum: 0, maximum: 99_999_999, description: 'a tip of their own in minor units; 0 for no tip' })),
    },
    { additionalProperties: false },
  ),
  Type.Object({ action: action('enterPin'), pin: Type.String({ pattern: '^[0-9]{4,12}$', description: 'must be 4 to 12 digits' }) }, { additionalProperties: false }),
  Type.Object(
    {
      action: action('answerPrompt'),
      promptId: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$', description: 'must be the promptId on the screen' }),
      value: Type.Unknown({ description: "the cardholder's answer: checked against the prompt (src/prompts/answers.ts)" }),
    },
    { additionalProperties: false },
  ),
  Type.Object({ action: action('skipPrompt'), promptId: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$', description: 'must be the promptId on the screen' }) }, { additionalProperties: false }),
];

/**
 * One of the actions, told apart by `action` (a discriminator): a mistake in one action's fields is
 * reported for that action alone, e.g. the card names `presentCard` takes, not every other action's rules.
 */
export const ScreenAction = Type.Unsafe<Static<TUnion<typeof ACTIONS>>>({
  type: 'object',
  required: ['action'],
  properties: { action: { type: 'string', description: 'is not a known action' } },
  discriminator: { propertyName: 'action' },
  oneOf: ACTIONS,
});

/** Actions at the device that the audit trail keeps, as the API's own settlement and unpairing are kept. */
const AUDITED_ACTIONS: Partial<Record<string, string>> = { settle: 'settlement.close', unpairAll: 'unpair.all' };

export interface ScreenRoutesDeps {
  screen: ScreenService;
  pairing: PairingService;
  transactions: TransactionService;
  settlement: SettlementService;
  /** The simulator, when the reader is simulated: the test-card buttons drive it. */
  simulator: SimulatedCardReader | undefined;
  /** EPOSD_DRIVER=bridge: a test payment app that takes those buttons' actions (capability `simulator`). */
  bridgeSimulator?: ManualCardholder;
  /** The POS's prompts: the cardholder answers, skips or cancels them here. */
  prompts?: Pick<PromptService, 'answer' | 'skip' | 'cancelOnScreen'>;
}

/** A test payment app's cardholder, played from this page (src/bridge/simulator-actions.ts). */
export interface ManualCardholder {
  readonly available: boolean;
  act(action: 'presentCard' | 'enterPin' | 'cancel', card?: string): Promise<void>;
}

/** The screen channel's endpoints: only the terminal itself (a loopback Host) may use them. */
export function screenEndpoints({ screen, pairing, transactions, settlement, simulator, bridgeSimulator, prompts }: ScreenRoutesDeps): AnyEndpoint[] {
  // With the bridge, the buttons go to the payment app only when it offers them; otherwise the refusal below.
  const forwarded = () => (bridgeSimulator?.available ? bridgeSimulator : undefined);
  const reader = () => {
    if (!simulator) throw new ApiError('ACTION_NOT_POSSIBLE', 'This terminal has a real card reader: present a real card.');
    return simulator;
  };
  const promptsHere = () => {
    if (!prompts) throw new ApiError('ACTION_NOT_POSSIBLE', 'No prompt is on the screen.');
    return prompts;
  };
  return [
    endpoint({ method: 'GET', path: '/screen', auth: 'screen', handle: () => ({ body: screen.state() }) }),
    endpoint({
      method: 'GET',
      path: '/screen/events',
      auth: 'screen',
      handle: () => ({
        stream: (stream) => {
          const send = (s: ScreenState) => stream.send({ id: String(s.sequence), data: s });
          send(screen.state());
          screen.on('change', send);
          stream.onClose(() => screen.off('change', send));
        },
      }),
    }),
    endpoint({
      method: 'POST',
      path: '/screen/actions',
      auth: 'screen',
      body: ScreenAction,
      audit: ({ body }) => AUDITED_ACTIONS[body.action],
      handle: async ({ body }) => {
        const app = forwarded();
        switch (body.action) {
          case 'openPairing':
            pairing.openWindow();
            break;
          case 'unpairAll':
            // The installer opens the pairing window when a POS is to be paired: unpairing does not invite one.
            pairing.unpairAll();
            break;
          case 'cancel':
            // A prompt on the screen is the cardholder's to cancel (no payment runs beside one).
            if (prompts?.cancelOnScreen()) break;
            // The cardholder cancels at the payment app when it can; otherwise (a tip being chosen) eposd cancels.
            if (
              !app ||
              !(await app.act('cancel').then(
                () => true,
                () => false,
              ))
            )
              transactions.cancel('screen');
            break;
          case 'settle':
            settlement.close('SCREEN');
            break;
          case 'presentCard':
            if (app) await app.act('presentCard', body.card ?? 'visa-contactless');
            else reader().presentCard(body.card ?? 'visa-contactless');
            break;
          case 'chooseTip':
            transactions.chooseTip(body);
            break;
          case 'enterPin':
            // The digits stay here: the payment app is told only that a PIN was entered.
            if (app) await app.act('enterPin');
            else reader().enterPin(body.pin);
            break;
          case 'answerPrompt':
            promptsHere().answer(body.promptId, body.value);
            break;
          case 'skipPrompt':
            promptsHere().skip(body.promptId);
            break;
        }
        return { body: screen.state() };
      },
    }),
  ];
}
