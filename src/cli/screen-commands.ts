import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { EndedPrompt, EposdClient, Locale, PromptRequest, PromptType, SignatureValue } from '../client';
import { formatAmount, readMinorUnits, UsageError } from './amount';
import { EXIT } from './exit-codes';
import { itemOption, itemsTotal, parseItems } from './line-items';
import { printable } from './output';

/*
 * eposd-pos's side of the POS driving the screen (docs/pos-client.md): `display` puts a basket, a
 * message or a QR code on it; `prompt <type>` asks the cardholder and prints the answer.
 */

export interface ScreenCommandContext {
  clientFor: (cmd: Command) => EposdClient;
  asJson: (cmd: Command) => boolean;
  out: (text: string) => void;
  json: (value: unknown) => void;
  exit: (code: number) => void;
}

const LOCALES = ['en', 'es', 'ja', 'de'];
const TYPES: PromptType[] = ['confirm', 'select', 'text', 'email', 'phone', 'number', 'signature'];
const TITLES: Record<PromptType, string> = {
  confirm: 'Do you agree?',
  select: 'Please choose',
  text: 'Your answer?',
  email: 'Your email address?',
  phone: 'Your phone number?',
  number: 'A number?',
  signature: 'Please sign',
};

const numberArg = (value: string) => {
  if (!/^-?\d+(\.\d+)?$/.test(value)) throw new InvalidArgumentError('must be a number, like 12 or 0.5');
  return Number(value);
};
const integerArg = (min: number, max: number) => (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
  return Number(value);
};
const optionArg = (value: string, previous: { id: string; label: string }[] = []) => {
  const eq = value.indexOf('=');
  if (eq < 1) throw new InvalidArgumentError('must be ID=LABEL, like "l=Large"');
  return [...previous, { id: value.slice(0, eq), label: value.slice(eq + 1) }];
};

interface DisplayFlags {
  item?: string[];
  minor?: boolean;
  currency?: string;
  tax?: string;
  message?: string;
  qr?: string;
  locale?: Locale;
  clear?: boolean;
}

interface PromptFlags {
  body?: string;
  required?: boolean;
  timeout?: number;
  locale?: Locale;
  option?: { id: string; label: string }[];
  multiple?: boolean;
  maxLength?: number;
  callingCode?: string;
  min?: number;
  max?: number;
  decimals?: number;
  unit?: string;
  out?: string;
  promptId?: string;
}

/** The prompt's request from the command line: a usage error, before anything is sent, when a type lacks what it needs. */
function promptRequest(type: PromptType, title: string | undefined, o: PromptFlags): PromptRequest {
  const common = {
    title: title ?? TITLES[type],
    ...(o.promptId ? { promptId: o.promptId } : {}),
    ...(o.body ? { body: o.body } : {}),
    ...(o.required ? { required: true } : {}),
    ...(o.timeout ? { timeoutSeconds: o.timeout } : {}),
    ...(o.locale ? { locale: o.locale } : {}),
  };
  switch (type) {
    case 'select':
      if (!o.option || o.option.length < 2) throw new UsageError('a select prompt needs 2 to 8 --option ID=LABEL, like --option s=Small --option l=Large');
      return { ...common, type, options: o.option, ...(o.multiple ? { multiple: true } : {}) };
    case 'text':
      return { ...common, type, ...(o.maxLength ? { maxLength: o.maxLength } : {}) };
    case 'phone':
      return { ...common, type, ...(o.callingCode ? { callingCode: o.callingCode } : {}) };
    case 'number':
      return {
        ...common,
        type,
        ...(o.min !== undefined ? { min: o.min } : {}),
        ...(o.max !== undefined ? { max: o.max } : {}),
        ...(o.decimals ? { decimals: o.decimals } : {}),
        ...(o.unit ? { unit: o.unit } : {}),
      };
    default:
      return { ...common, type };
  }
}

/** A signature as an SVG document of its own: the path data, black strokes on the pad's size. */
export function signatureSvg(s: SignatureValue): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${s.width}" height="${s.height}" viewBox="0 0 ${s.width} ${s.height}">` +
    `<rect width="100%" height="100%" fill="white"/><path d="${s.svgPath}" fill="none" stroke="black" stroke-width="4" stroke-linecap="round" stroke-linejoin="round"/></svg>\n`
  );
}

/** What the answer reads as on a line of its own. */
function answerText(p: EndedPrompt): string {
  if (p.status !== 'ANSWERED') return `${p.status}${p.statusReason ? ` (${p.statusReason})` : ''}`;
  const v = p.value;
  if (v === undefined) return `ANSWERED, the answer erased at ${p.answerErasedAt}`;
  if (Array.isArray(v)) return v.join(',');
  if (typeof v === 'object') return `signed (${v.strokes} stroke${v.strokes === 1 ? '' : 's'})`;
  return printable(String(v));
}

export function addScreenCommands(program: Command, c: ScreenCommandContext): void {
  itemOption(
    program
      .command('display')
      .description('show the customer a basket (--item), a message or a QR code on the terminal, between payments; --clear takes it down')
      .option('--minor', 'amounts are in minor units')
      .option('--currency <code>', "ISO 4217 currency of the amounts (default: the terminal's)")
      .option('--tax <amount>', 'tax added on top of the line totals')
      .option('--message <text>', 'a line of text for the customer')
      .option('--qr <text>', 'text to show as a QR code (a pay-by-link URL, a loyalty sign-up)')
      .addOption(new Option('--locale <locale>', "the customer's language").choices(LOCALES))
      .option('--clear', "take this register's display down"),
  ).action(async (o: DisplayFlags, cmd: Command) => {
    const client = c.clientFor(cmd);
    if (o.clear) {
      await client.clearDisplay();
      if (c.asJson(cmd)) c.json({ cleared: true });
      else c.out('The display is taken down.');
      return c.exit(EXIT.OK);
    }
    const lineItems = o.item ? parseItems(o.item, o) : undefined;
    const tax = o.tax === undefined ? undefined : readMinorUnits(o.tax, o.minor, o.currency);
    if (!lineItems && !o.message && !o.qr) throw new UsageError('give --item lines, a --message or a --qr to show');
    const shown = await client.display({
      ...(lineItems ? { lineItems, total: itemsTotal(lineItems) + (tax ?? 0) } : {}),
      ...(tax !== undefined ? { tax } : {}),
      ...(o.currency ? { currency: o.currency } : {}),
      ...(o.message ? { message: o.message } : {}),
      ...(o.qr ? { qr: o.qr } : {}),
      ...(o.locale ? { locale: o.locale } : {}),
    });
    if (c.asJson(cmd)) c.json(shown);
    else {
      const what = [shown.lineItems ? `${shown.lineItems.length} line(s), total ${formatAmount(shown.total!, shown.currency)}` : '', shown.message ? 'a message' : '', shown.qr ? 'a QR code' : '']
        .filter(Boolean)
        .join(', ');
      c.out(shown.shown ? `Shown on the terminal: ${what}.` : `Kept: ${what}; shown once the terminal's screen is free.`);
    }
    c.exit(EXIT.OK);
  });

  program
    .command('prompt <type> [title]')
    .description(`ask the cardholder on the terminal's screen and print the answer; <type>: ${TYPES.join(', ')}`)
    .option('--body <text>', 'more words under the question')
    .option('--required', 'no Skip button')
    .option('--timeout <seconds>', 'how long the cardholder has (5-900, default 120)', integerArg(5, 900))
    .addOption(new Option('--locale <locale>', "the cardholder's language").choices(LOCALES))
    .option('--option <id=label>', 'select: an option (repeat: 2 to 8)', optionArg)
    .option('--multiple', 'select: one or several may be chosen')
    .option('--max-length <n>', 'text: the longest answer (default 200)', integerArg(1, 500))
    .option('--calling-code <digits>', 'phone: the country calling code the field starts with (44, 1, 81)')
    .option('--min <n>', 'number: the smallest accepted', numberArg)
    .option('--max <n>', 'number: the largest accepted', numberArg)
    .option('--decimals <n>', 'number: decimals the cardholder may type (0-4)', integerArg(0, 4))
    .option('--unit <unit>', 'number: the unit shown beside the field (kg)')
    .option('--out <file>', 'signature: write it to this file (.svg: the strokes; .png: the picture)')
    .option('--prompt-id <id>', 'your own promptId (default: a new one; give the same to retry the same prompt)')
    .addHelpText('after', '\nExit codes: 0 answered, 3 skipped, cancelled or timed out, 1 refused or unreachable. Ctrl-C takes the prompt down.')
    .action(async (type: string, title: string | undefined, o: PromptFlags, cmd: Command) => {
      if (!(TYPES as string[]).includes(type)) throw new UsageError(`"${type}" is not a prompt type: ${TYPES.join(', ')}`);
      if (o.out && type !== 'signature') throw new UsageError('--out is for a signature');
      const request = promptRequest(type as PromptType, title, o);
      const stop = new AbortController();
      const onSigint = () => stop.abort();
      process.once('SIGINT', onSigint);
      let ended: EndedPrompt;
      try {
        ended = await c.clientFor(cmd).prompt(request, { signal: stop.signal });
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
      const signature = ended.status === 'ANSWERED' && typeof ended.value === 'object' && !Array.isArray(ended.value) ? ended.value : undefined;
      if (o.out && signature) writeFileSync(o.out, o.out.toLowerCase().endsWith('.png') ? Buffer.from(signature.png, 'base64') : signatureSvg(signature));
      if (c.asJson(cmd)) c.json(ended);
      else c.out(`${answerText(ended)}${o.out && signature ? `\nWritten to ${o.out}.` : ''}`);
      c.exit(ended.status === 'ANSWERED' ? EXIT.OK : EXIT.NOT_COMPLETED);
    });
}
