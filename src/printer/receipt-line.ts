import { type Static } from '@sinclair/typebox';
import { StringEnum, Tuple } from '../shared/schema-types';
import { Type } from '@sinclair/typebox';

/** One printed line, in Paynt's receipt format. */
export const ReceiptLine = Tuple([Type.String(), Type.String({ pattern: '^[1-9]$' }), StringEnum(['L', 'C', 'R'] as const), StringEnum(['N', 'B'] as const)], {
  description: '[text, size "1".."9", align L|C|R, style N|B]',
  example: ['MERCHANT COPY', '5', 'C', 'B'],
});
export type ReceiptLine = Static<typeof ReceiptLine>;
