import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import schema from './protocol.schema.json';

/*
 * The bridge protocol (docs/bridge.md): its messages as TypeScript types, and one validator per message
 * type compiled from protocol.schema.json, the schema the other side (the payment app) reads too. Both
 * ends check every message against it before acting on it.
 */

export const PROTOCOL = 'eposd-bridge/2';
/** The longest line either side accepts, in bytes, the newline not counted; a longer one ends the connection (the stream cannot be trusted after it). */
export const MAX_MESSAGE_BYTES = 64 * 1024;

export type Outcome = 'APPROVED' | 'DECLINED' | 'CANCELLED' | 'TIMED_OUT' | 'FAILED';
export type BridgeStage = 'CARD_AWAITED' | 'CARD_READ' | 'PIN_AWAITED' | 'AUTHORISING';

export interface BridgeCard {
  maskedPan: string;
  entryMode: 'ICC' | 'PICC' | 'MAG' | 'MANUAL';
  cvm: 'PIN' | 'NO_CVM' | 'SIGNATURE';
  aid?: string;
  applicationLabel?: string;
  cardBrand?: string;
  /** The card's identity, made by the app: a keyed hash of its number (docs/bridge.md). Never the number. */
  cardId?: string;
}

export interface Emv {
  aid?: string;
  applicationLabel?: string;
  tvr?: string;
  tsi?: string;
  atc?: string;
  arc?: string;
  cryptogramType?: 'ARQC' | 'TC' | 'AAC';
  cryptogram?: string;
}

export interface PaymentResult {
  outcome: Outcome;
  reason: string;
  responseCode?: string;
  authCode?: string;
  card?: BridgeCard;
  cardBrand?: string;
  emv?: Emv;
  /** What the acquirer approved: required with APPROVED (the schema refuses an approval without it). */
  amountAuthorised?: number;
}

/** The transaction's request fields: the known ones typed, any later optional field passed through as it is. */
export interface BridgeTransaction {
  uti: string;
  transType: string;
  amountTrans: number;
  currency: string;
  reference?: string;
  originalUti?: string;
  originalAuthCode?: string;
  registerId?: string;
  disablePrinting?: boolean;
  /** A linked REFUND: the cardId the app gave for the sale refunded. A card with another is declined, CARD_MISMATCH. */
  originalCardId?: string;
  [field: string]: unknown;
}

export interface Peer {
  name: string;
  version: string;
}

export type ToBridge =
  | { type: 'hello'; id: string; protocols: string[]; client: Peer; capabilities?: string[]; nonce: string }
  | { type: 'hello.proof'; id: string; proof: string }
  | { type: 'payment.start'; id: string; transaction: BridgeTransaction }
  | { type: 'payment.cancel'; id: string; uti: string; reason: string }
  | { type: 'payment.query'; id: string; uti: string }
  | { type: 'reversal'; id: string; uti: string; reason: string }
  | { type: 'print'; id: string; lines: string[][]; what?: string }
  | { type: 'ping'; id: string }
  | { type: 'simulator.action'; id: string; action: SimulatorAction; card?: string }
  | ScreenToBridge;

/** The cardholder's actions a test payment app takes from eposd's screen page (capability `simulator`). */
export type SimulatorAction = 'presentCard' | 'enterPin' | 'cancel';
/** What a bridge lists in hello.ok when it takes simulator.action: eposd sends that message to no other. */
export const SIMULATOR_CAPABILITY = 'simulator';

export type QueryState = 'FINAL' | 'IN_PROGRESS' | 'UNKNOWN';

export type FromBridge =
  | { type: 'hello.ok'; re: string; protocol: string; bridge: Peer; capabilities: string[]; nonce?: string; proof?: string }
  | { type: 'ack'; re: string }
  | { type: 'pong'; re: string }
  | { type: 'error'; re?: string; code: string; message: string; protocols?: string[] }
  | { type: 'payment.status'; re: string; uti: string; state: QueryState; result?: PaymentResult }
  | { type: 'reversal.ok'; re: string; uti: string; reversed: boolean }
  | { type: 'payment.stage'; id: string; uti: string; stage: BridgeStage; card?: BridgeCard }
  | { type: 'payment.result'; id: string; uti: string; result: PaymentResult }
  | ScreenFromBridge;

/** A reply: it names the request it answers. */
export type Reply = Extract<FromBridge, { re: string }> | Extract<FromBridge, { type: 'error' }>;
/** An event: the bridge sends it of its own accord, about a payment. */
export type BridgeEvent = Extract<FromBridge, { type: 'payment.stage' | 'payment.result' }>;

/** Without the correlation id, which the sender adds. */
export type Request = ToBridge extends infer M ? (M extends { id: string } ? Omit<M, 'id'> : never) : never;

const TO_BRIDGE: Record<Exclude<ToBridge, ScreenToBridge>['type'], string> = {
  hello: 'hello',
  'hello.proof': 'helloProof',
  'payment.start': 'paymentStart',
  'payment.cancel': 'paymentCancel',
  'payment.query': 'paymentQuery',
  reversal: 'reversal',
  print: 'print',
  ping: 'ping',
  'simulator.action': 'simulatorAction',
};
const FROM_BRIDGE: Record<Exclude<FromBridge, ScreenFromBridge>['type'], string> = {
  'hello.ok': 'helloOk',
  ack: 'reply',
  pong: 'reply',
  error: 'error',
  'payment.status': 'paymentStatus',
  'reversal.ok': 'reversalOk',
  'payment.stage': 'paymentStage',
  'payment.result': 'paymentResult',
};

type Tables = { toBridge: Map<string, ValidateFunction>; fromBridge: Map<string, ValidateFunction> };
let compiled: Tables | undefined;

/**
 * The validators, compiled on first use: a terminal on the built-in simulator never pays for them
 * (compiling the schema took some 100 ms of every start).
 */
function tables(): Tables {
  if (compiled) return compiled;
  const ajv = new Ajv({ allErrors: false, strict: true, strictRequired: false, validateSchema: false });
  ajv.addSchema(schema);
  const validators = (table: Record<string, string>) => new Map(Object.entries(table).map(([type, def]) => [type, ajv.getSchema(`${schema.$id}#/$defs/${def}`)!]));
  compiled = { toBridge: validators({ ...TO_BRIDGE, ...SCREEN_TO_BRIDGE }), fromBridge: validators({ ...FROM_BRIDGE, ...SCREEN_FROM_BRIDGE }) };
  return compiled;
}

export type Checked<T> = { ok: true; message: T } | { ok: false; id?: string; problem: string };

const describe = (e: ErrorObject | undefined) => (e ? `${e.instancePath || '/'} ${e.message ?? 'is not valid'}` : 'is not valid');

function check<T>(table: Map<string, ValidateFunction>, line: string): Checked<T> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problem: 'not a JSON object' };
  const { type, id } = value as { type?: unknown; id?: unknown };
  const idOf = typeof id === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(id) ? id : undefined;
  const validate = typeof type === 'string' ? table.get(type) : undefined;
  if (!validate) return { ok: false, id: idOf, problem: `unknown message type ${JSON.stringify(type)?.slice(0, 40)}` };
  if (!validate(value)) return { ok: false, id: idOf, problem: `${String(type)}: ${describe(validate.errors?.[0])}` };
  return { ok: true, message: value as T };
}

/** A line that eposd received from the bridge. */
export const checkFromBridge = (line: string): Checked<FromBridge> => check<FromBridge>(tables().fromBridge, line);
/** A line that the bridge received from eposd. */
export const checkToBridge = (line: string): Checked<ToBridge> => check<ToBridge>(tables().toBridge, line);
/** Whether eposd is about to send what the schema allows: a bug of ours must not reach the payment app. */
export const assertToBridge = (message: ToBridge): void => assertValid(tables().toBridge, message.type, message);
/** The bridge's side (eposd-bridge-sim): the same check on what it sends. */
export const assertFromBridge = (message: FromBridge): void => assertValid(tables().fromBridge, message.type, message);

function assertValid(table: Map<string, ValidateFunction>, type: string, message: object): void {
  const validate = table.get(type)!;
  if (!validate(message)) throw new Error(`outgoing ${type}: ${describe(validate.errors?.[0])}`);
}

/*
 * The POS's customer display and prompts (issue 30; docs/bridge.md, "The customer display and
 * prompts"): optional messages, sent only to a payment app whose hello.ok lists the capability
 * `display` or `prompt`, one that owns the cardholder's screen. Without them eposd's own screen shows
 * both.
 */

export const DISPLAY_CAPABILITY = 'display';
export const PROMPT_CAPABILITY = 'prompt';

/** The customer display as the app is given it: the basket (what changed marked), a message, a QR code's text. */
export interface BridgeDisplay {
  currency: string;
  locale: string;
  lineItems?: { name: string; quantity: number; total: number; change?: 'added' | 'changed' }[];
  removed?: { name: string; quantity: number; total: number }[];
  subtotal?: number;
  tax?: number;
  total?: number;
  message?: string;
  qr?: string;
}

/** A prompt as the app is given it: what eposd's screen shows, with its words in the prompt's language. */
export interface BridgePrompt {
  promptId: string;
  type: string;
  title: string;
  body?: string;
  required: boolean;
  expiresAt: string;
  locale: string;
  [field: string]: unknown;
}

export type ScreenToBridge =
  | { type: 'display.show'; id: string; display: BridgeDisplay }
  | { type: 'display.clear'; id: string }
  | { type: 'prompt.show'; id: string; prompt: BridgePrompt }
  | { type: 'prompt.cancel'; id: string; promptId: string }
  | { type: 'prompt.refused'; id: string; promptId: string; message: string };

export type ScreenFromBridge = { type: 'prompt.result'; id: string; promptId: string; outcome: 'ANSWERED' | 'SKIPPED' | 'CANCELLED'; value?: unknown };

const SCREEN_TO_BRIDGE: Record<ScreenToBridge['type'], string> = {
  'display.show': 'displayShow',
  'display.clear': 'displayClear',
  'prompt.show': 'promptShow',
  'prompt.cancel': 'promptCancel',
  'prompt.refused': 'promptRefused',
};
const SCREEN_FROM_BRIDGE: Record<ScreenFromBridge['type'], string> = { 'prompt.result': 'promptResult' };
