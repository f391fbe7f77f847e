import express, { Router } from 'express';
import { resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context';
import { ApiError } from '../http/errors';
import { endpoint, route } from '../http/route';
import { StringEnum } from '../http/schema-types';
import { TEST_CARD_IDS } from '../reader/simulator/test-cards';
import { openEventStream } from '../http/sse';
import type { ScreenState } from './screen.service';

const action = <N extends string>(name: N) => Type.Literal(name);

export const ScreenAction = Type.Union([
  Type.Object({ action: action('openPairing') }, { additionalProperties: false }),
  Type.Object({ action: action('unpairAll') }, { additionalProperties: false }),
  Type.Object({ action: action('cancel') }, { additionalProperties: false }),
  Type.Object({ action: action('settle') }, { additionalProperties: false }),
  Type.Object({ action: action('presentCard'), card: Type.Optional(StringEnum(TEST_CARD_IDS)) }, { additionalProperties: false }),
  Type.Object({ action: action('enterPin'), pin: Type.String({ pattern: '^[0-9]{4,12}$', description: 'must be 4 to 12 digits' }) }, { additionalProperties: false }),
]);

/** Actions at the device that the audit trail keeps, as the API's own settlement and unpairing are kept. */
const AUDITED_ACTIONS: Partial<Record<string, string>> = { settle: 'settlement.close', unpairAll: 'unpair.all' };

// Works from src/ (tests) and from dist/ (npm start): both resolve to the sources' public folder.
const PUBLIC_DIR = resolve(__dirname, '../../src/screen/public');

export function screenRoutes(ctx: AppContext): Router {
  const router = Router();
  const simulator = () => {
    if (!ctx.simulator) throw new ApiError('ACTION_NOT_POSSIBLE', 'This terminal has a real card reader: present a real card.');
    return ctx.simulator;
  };
  route(router, '/screen', {
    GET: endpoint({ handle: (_i, _req, res) => res.json(ctx.screen.state()) }),
  });
  route(router, '/screen/events', {
    GET: endpoint({
      handle: (_i, req, res) => {
        const stream = openEventStream(req, res);
        const send = (s: ScreenState) => stream.send({ id: String(s.sequence), data: s });
        send(ctx.screen.state());
        ctx.screen.on('change', send);
        stream.onClose(() => ctx.screen.off('change', send));
      },
    }),
  });
  route(router, '/screen/actions', {
    POST: endpoint({
      body: ScreenAction,
      handle: ({ body }, _req, res) => {
        switch (body.action) {
          case 'openPairing':
            ctx.pairing.openWindow();
            break;
          case 'unpairAll':
            ctx.pairing.unpairAll();
            ctx.pairing.openWindow();
            break;
          case 'cancel': {
            const current = ctx.engine.current;
            const result = current.name === 'IDLE' ? 'NOT_CURRENT' : ctx.engine.cancel(current.tx.uti, 'CUSTOMER_CANCELLED');
            if (result === 'NOT_COMMITTED') throw new ApiError('STORAGE_UNAVAILABLE', 'The cancellation could not be recorded yet; the terminal keeps trying.');
            if (result !== 'CANCELLED') throw new ApiError('ACTION_NOT_POSSIBLE', 'There is nothing to cancel now.');
            break;
          }
          case 'settle':
            ctx.settlement.close('SCREEN');
            break;
          case 'presentCard':
            simulator().presentCard(body.card ?? 'visa-contactless');
            break;
          case 'enterPin':
            simulator().enterPin(body.pin);
            break;
        }
        const event = AUDITED_ACTIONS[body.action];
        if (event) ctx.audit.record(event, 'OK', { role: 'screen', origin: 'screen' });
        res.json(ctx.screen.state());
      },
    }),
  });
  router.use(express.static(PUBLIC_DIR, { index: 'index.html', fallthrough: true }));
  return router;
}
