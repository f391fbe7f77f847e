import { Type, type Static } from '@sinclair/typebox';
import { PrintableText, StringEnum, Tuple } from '../shared/schema-types';
import type { ReceiptLine } from './receipt-line';

/*
 * POST /print with the POS's own lines (a kitchen ticket, a voucher): each [text, alignment, style],
 * printed as the terminal prints its receipts.
 */

export const MAX_PRINT_LINES = 200;
export const MAX_PRINT_LINE_CHARS = 48;

const ALIGNMENTS = ['LEFT', 'CENTER', 'RIGHT'] as const;
const STYLES = ['NORMAL', 'BOLD', 'LARGE'] as const;

export const PrintLine = Tuple(
  [
    PrintableText({
      maxLength: MAX_PRINT_LINE_CHARS,
      description: `must be at most ${MAX_PRINT_LINE_CHARS} printable characters: no control characters (printer commands, line breaks, tabs, escapes)`,
    }),
    StringEnum(ALIGNMENTS),
    StringEnum(STYLES),
  ],
  {
    description: '[text, LEFT|CENTER|RIGHT, NORMAL|BOLD|LARGE]',
    example: ['TABLE 7', 'CENTER', 'LARGE'],
  },
);

export const PrintBody = Type.Object(
  {
    lines: Type.Optional(Type.Array(PrintLine, { minItems: 1, maxItems: MAX_PRINT_LINES, description: `1 to ${MAX_PRINT_LINES} lines; send no uti with them` })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        lines: [
          ['KITCHEN', 'CENTER', 'LARGE'],
          ['2 x Flat white', 'LEFT', 'NORMAL'],
        ],
      },
    ],
  },
);
export type PrintLines = NonNullable<Static<typeof PrintBody>['lines']>;

const ALIGN: Record<(typeof ALIGNMENTS)[number], ReceiptLine[2]> = { LEFT: 'L', CENTER: 'C', RIGHT: 'R' };

/** The POS's lines in the printer's format: LARGE at the size of a receipt's headings. */
export const toReceiptLines = (lines: PrintLines): ReceiptLine[] => lines.map(([text, align, style]) => [text, style === 'LARGE' ? '5' : '3', ALIGN[align], style === 'NORMAL' ? 'N' : 'B']);

export const CustomPrintAnswer = Type.Object({ printed: Type.Literal(true), lines: Type.Integer({ minimum: 1, maximum: MAX_PRINT_LINES }) });
