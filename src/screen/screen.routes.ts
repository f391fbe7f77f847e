import { Router } from 'express';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../context';
import { endpoint, route } from '../http/route';

export const ScreenAction = Type.Union([
  Type.Object({ action: Type.Literal('openPairing') }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('unpairAll') }, { additionalProperties: false }),
]);

export function screenRoutes(ctx: AppContext): Router {
  const router = Router();
  route(router, '/screen', {
    GET: endpoint({ handle: (_i, _req, res) => res.json(ctx.screen.state()) }),
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
            break;
        }
        res.json(ctx.screen.state());
      },
    }),
  });
  return router;
}
