import { Type, type Static } from '@sinclair/typebox';
import { CallbackEvents, CallbackEventsList } from '../webhooks/events';
import { PrintableText } from '../shared/schema-types';

export const PairingCode = Type.String({ pattern: '^[0-9]{6}$', description: 'must be the 6 digits shown on the terminal', example: '123456' });
export const RegisterId = Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$', description: 'must be 1-64 of A-Z a-z 0-9 . _ -' });
export const RegisterName = PrintableText({ minLength: 1, maxLength: 64, description: 'must be 1-64 printable characters: no control characters' });

export const CallbackUrl = Type.String({ maxLength: 2048, pattern: '^https?://[^\\s/?#]+[^\\s]*$', description: 'must be an http:// or https:// URL', example: 'https://pos.example/eposd-webhook' });

export const PairingInput = Type.Object(
  {
    pairingCode: PairingCode,
    registerId: Type.Optional(RegisterId),
    registerName: Type.Optional(RegisterName),
    role: Type.Optional(Type.Union([Type.Literal('pos'), Type.Literal('technician')])),
    callbackUrl: Type.Optional(CallbackUrl),
    callbackEvents: Type.Optional(
      Type.Union([CallbackEvents, CallbackEventsList], { description: 'with callbackUrl: the event types the webhook gets (an array, or comma-separated in GET /pair); default transaction.final' }),
    ),
  },
  { additionalProperties: false },
);
export type PairingInput = Static<typeof PairingInput>;

export const PairingAnswer = Type.Object({
  authToken: Type.String(),
  registerId: Type.String(),
  tid: Type.String(),
  serialNumber: Type.String(),
  certificateFingerprint: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  role: Type.Union([Type.Literal('pos'), Type.Literal('technician')]),
  expiresAt: Type.Optional(Type.String()),
  webhookSecret: Type.Optional(Type.String({ description: 'HMAC-SHA256 key of the webhook signatures; only when callbackUrl was given' })),
});
