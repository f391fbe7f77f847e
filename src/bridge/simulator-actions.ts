import { ApiError } from '../shared/errors';
import { BridgeError, type BridgeClient } from './client';
import { SIMULATOR_CAPABILITY, type SimulatorAction } from './protocol';

const REFUSED: Record<SimulatorAction, string> = {
  presentCard: 'The payment application is not waiting for a card.',
  enterPin: 'The payment application is not asking for a PIN.',
  cancel: 'The payment application has nothing to cancel now.',
};

/**
 * The screen page's manual-mode buttons (present a test card, enter the PIN, cancel), forwarded as
 * `simulator.action` to a test payment app that offers them: only one whose hello.ok lists the
 * capability `simulator` (eposd-bridge-sim in manual mode). A real payment app never gets the message,
 * so a bridge that does not know it is never sent it.
 */
export class BridgeSimulatorActions {
  constructor(private readonly client: BridgeClient) {}

  /** Whether the connected payment app takes the cardholder's actions from eposd. */
  get available(): boolean {
    return this.client.connected && (this.client.bridge?.capabilities.includes(SIMULATOR_CAPABILITY) ?? false);
  }

  /** Sends the action and waits for its ack; a refusal is a clear 409, never the app's own words. */
  async play(action: SimulatorAction, card?: string): Promise<void> {
    try {
      await this.client.request<'ack'>({ type: 'simulator.action', action, ...(card !== undefined ? { card } : {}) });
    } catch (err) {
      const code = err instanceof BridgeError ? err.code : 'ERROR';
      if (code === 'NOT_POSSIBLE') throw new ApiError('ACTION_NOT_POSSIBLE', REFUSED[action]);
      if (code === 'UNKNOWN_CARD') throw new ApiError('ACTION_NOT_POSSIBLE', 'The payment application does not know that test card.');
      throw new ApiError('ACTION_NOT_POSSIBLE', `The payment application did not take the action (${code}). Try again.`);
    }
  }
}
