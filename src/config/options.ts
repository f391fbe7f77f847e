import { boolean, currencyList, integer, listenAddress, oneOf, pattern, port, text, timeOfDay, tipChoice, type Parser } from './parsers';
import { LOCALES, type Locale } from '../i18n';

interface Option<T> {
  env: string;
  flag: string;
  description: string;
  parse: Parser<T>;
  default?: T;
}

function option<T>(o: Option<T> & { default: T }): Option<T> & { default: T };
function option<T>(o: Option<T>): Option<T>;
function option<T>(o: Option<T>): Option<T> {
  return o;
}

/** A secret is checked like any setting, but a wrong one is never echoed in the message. */
const secret: Parser<string> = (raw) => {
  if (!/^[\x21-\x7e]{16,256}$/.test(raw)) throw new Error('must be 16 to 256 printable ASCII characters without spaces (the value is not shown)');
  return raw;
};

/** Every setting, once: its variable, its flag, how it is read and its default (SPEC §7). */
export const OPTIONS = {
  port: option({ env: 'EPOSD_PORT', flag: 'port', description: 'HTTPS API port', parse: port, default: 8443 }),
  host: option({ env: 'EPOSD_HOST', flag: 'host', description: 'address the API listens on', parse: listenAddress, default: '0.0.0.0' }),
  screenPort: option({ env: 'EPOSD_SCREEN_PORT', flag: 'screen-port', description: 'loopback port of the screen', parse: port, default: 8080 }),
  dataDir: option({ env: 'EPOSD_DATA_DIR', flag: 'data-dir', description: 'where the database lives', parse: text(4096), default: './data' }),
  certDir: option({ env: 'EPOSD_CERT_DIR', flag: 'cert-dir', description: 'where the certificate lives', parse: text(4096), default: './certs' }),
  tid: option({ env: 'EPOSD_TID', flag: 'tid', description: 'terminal id (8 digits)', parse: pattern(/^\d{8}$/, '8 digits') }),
  tidReplaces: option({
    env: 'EPOSD_TID_REPLACES',
    flag: 'tid-replaces',
    description: 'the TID this terminal has now, to change it to EPOSD_TID deliberately (once, with an empty open batch)',
    parse: pattern(/^\d{8}$/, '8 digits'),
  }),
  mid: option({ env: 'EPOSD_MID', flag: 'mid', description: 'merchant id', parse: pattern(/^[A-Za-z0-9]{1,15}$/, '1 to 15 letters or digits') }),
  serial: option({ env: 'EPOSD_SERIAL', flag: 'serial', description: 'serial number', parse: pattern(/^[A-Za-z0-9-]{1,32}$/, '1 to 32 letters, digits or dashes') }),
  merchantName: option({ env: 'EPOSD_MERCHANT_NAME', flag: 'merchant-name', description: 'name printed on receipts', parse: text(40), default: 'EPOSD TEST MERCHANT' }),
  locale: option<Locale>({ env: 'EPOSD_LOCALE', flag: 'locale', description: 'language of the merchant copy of receipts', parse: oneOf<Locale>(...LOCALES), default: 'en' }),
  currency: option({ env: 'EPOSD_CURRENCY', flag: 'currency', description: 'ISO 4217 currency', parse: pattern(/^[A-Z]{3}$/, 'a 3-letter ISO 4217 code such as EUR'), default: 'EUR' }),
  currencies: option({ env: 'EPOSD_CURRENCIES', flag: 'currencies', description: 'currencies a POS may charge in (default: EPOSD_CURRENCY only)', parse: currencyList }),
  cashbackMax: option({ env: 'EPOSD_CASHBACK_MAX', flag: 'cashback-max', description: 'largest cashback on a SALE, in minor units (0: none)', parse: integer(0, 99_999_999), default: 10_000 }),
  unlinkedRefunds: option({ env: 'EPOSD_UNLINKED_REFUNDS', flag: 'unlinked-refunds', description: 'accept a REFUND without originalUti', parse: boolean, default: true }),
  refundMax: option({ env: 'EPOSD_REFUND_MAX', flag: 'refund-max', description: 'largest unlinked REFUND, in minor units', parse: integer(1, 99_999_999) }),
  simTip: option<'none' | number>({
    env: 'EPOSD_SIM_TIP',
    flag: 'sim-tip',
    description: 'simulator, auto mode: the tip the cardholder picks (none or a percentage)',
    parse: tipChoice,
    default: 'none',
  }),
  reader: option({ env: 'EPOSD_READER', flag: 'reader', description: 'card reader driver', parse: oneOf('simulator'), default: 'simulator' as const }),
  simMode: option<'auto' | 'manual'>({ env: 'EPOSD_SIM_MODE', flag: 'sim-mode', description: 'simulator: auto or manual', parse: oneOf('auto', 'manual'), default: 'auto' }),
  simCardDelayMs: option({ env: 'EPOSD_SIM_CARD_DELAY_MS', flag: 'sim-card-delay-ms', description: 'auto mode: ms until a card is presented', parse: integer(0, 600_000), default: 2000 }),
  simReadDelayMs: option({ env: 'EPOSD_SIM_READ_DELAY_MS', flag: 'sim-read-delay-ms', description: 'ms the simulated reader takes to read a presented card', parse: integer(0, 600_000), default: 0 }),
  simAuthDelayMs: option({ env: 'EPOSD_SIM_AUTH_DELAY_MS', flag: 'sim-auth-delay-ms', description: 'ms the simulated host takes to answer', parse: integer(0, 600_000), default: 1000 }),
  simPrintDelayMs: option({ env: 'EPOSD_SIM_PRINT_DELAY_MS', flag: 'sim-print-delay-ms', description: 'ms the simulated printer takes per receipt', parse: integer(0, 600_000), default: 0 }),
  simHostJournal: option({ env: 'EPOSD_SIM_HOST_JOURNAL', flag: 'sim-host-journal', description: 'file where the simulated host records each message it receives', parse: text(4096) }),
  driver: option<'simulator' | 'bridge'>({
    env: 'EPOSD_DRIVER',
    flag: 'driver',
    description: 'payment driver: the built-in simulator, or the payment app over the bridge',
    parse: oneOf('simulator', 'bridge'),
    default: 'simulator',
  }),
  bridgeSocket: option({ env: 'EPOSD_BRIDGE_SOCKET', flag: 'bridge-socket', description: "bridge driver: the payment app's Unix domain socket", parse: text(4096) }),
  bridgePort: option({ env: 'EPOSD_BRIDGE_PORT', flag: 'bridge-port', description: "bridge driver: the payment app's loopback TCP port", parse: integer(1, 65535) }),
  bridgeSecret: option({
    env: 'EPOSD_BRIDGE_SECRET',
    flag: 'bridge-secret',
    description: 'bridge driver: the shared secret each side proves it holds (16 to 256 characters; required over TCP)',
    parse: secret,
  }),
  bridgeGraceMs: option({
    env: 'EPOSD_BRIDGE_GRACE_MS',
    flag: 'bridge-grace-ms',
    description: 'bridge driver: ms a payment in progress waits for a lost payment app before it ends FAILED',
    parse: integer(100, 600_000),
    default: 10_000,
  }),
  bridgeTimeoutMs: option({
    env: 'EPOSD_BRIDGE_TIMEOUT_MS',
    flag: 'bridge-timeout-ms',
    description: "bridge driver: ms eposd waits for the payment app's reply to any request (the ack of payment.start among them)",
    parse: integer(100, 60_000),
    default: 5_000,
  }),
  bridgeWaitMs: option({
    env: 'EPOSD_BRIDGE_WAIT_MS',
    flag: 'bridge-wait-ms',
    description: 'bridge driver: ms the start waits for the payment app to be ready before it says ready (0: does not wait)',
    parse: integer(0, 600_000),
    default: 0,
  }),
  cardTimeoutMs: option({ env: 'EPOSD_CARD_TIMEOUT_MS', flag: 'card-timeout-ms', description: 'ms to wait for a card', parse: integer(1, 3_600_000), default: 60_000 }),
  hostTimeoutMs: option({ env: 'EPOSD_HOST_TIMEOUT_MS', flag: 'host-timeout-ms', description: 'ms to wait for the payment host before declining 91', parse: integer(1, 600_000), default: 15_000 }),
  pairingTtlS: option({ env: 'EPOSD_PAIRING_TTL_S', flag: 'pairing-ttl-s', description: 'seconds a pairing code is valid', parse: integer(10, 86_400), default: 600 }),
  pairRateLimit: option({ env: 'EPOSD_PAIR_RATE_LIMIT', flag: 'pair-rate-limit', description: 'pairing requests per minute per address', parse: integer(1, 100_000), default: 10 }),
  retentionDays: option({ env: 'EPOSD_RETENTION_DAYS', flag: 'retention-days', description: 'days transactions are kept', parse: integer(1, 3650), default: 92 }),
  promptAnswerTtlS: option({
    env: 'EPOSD_PROMPT_ANSWER_TTL_S',
    flag: 'prompt-answer-ttl-s',
    description: "seconds a prompt's answer (personal data) is kept for the POS to read, then erased",
    parse: integer(10, 86_400),
    default: 300,
  }),
  settlementTime: option({ env: 'EPOSD_SETTLEMENT_TIME', flag: 'settlement-time', description: 'local time the batch closes (HH:MM)', parse: timeOfDay, default: '01:00' }),
  mdns: option({ env: 'EPOSD_MDNS', flag: 'mdns', description: 'announce the terminal over mDNS', parse: boolean, default: false }),
  voidAnyRegister: option({
    env: 'EPOSD_VOID_ANY_REGISTER',
    flag: 'void-any-register',
    description: 'let any paired register void a transaction, not only the one that made it',
    parse: boolean,
    default: false,
  }),
  webhookLoopback: option({
    env: 'EPOSD_WEBHOOK_LOOPBACK',
    flag: 'webhook-loopback',
    description: "let webhooks go to this machine's loopback addresses (a laptop whose POS runs on it; never on a terminal)",
    parse: boolean,
    default: false,
  }),
  acceptNewIdentity: option({
    env: 'EPOSD_ACCEPT_NEW_IDENTITY',
    flag: 'accept-new-identity',
    description: 'start with a new key or an empty database (new fingerprint or TID) instead of refusing',
    parse: boolean,
    default: false,
  }),
  relayUrl: option({
    env: 'EPOSD_RELAY_URL',
    flag: 'relay-url',
    description: 'MQTT 5 broker of the relay (mqtts:// or mqtt://); the relay is off without it',
    parse: pattern(/^mqtts?:\/\/[^\s]+$/, 'an mqtts:// or mqtt:// URL'),
  }),
  relayUsername: option({ env: 'EPOSD_RELAY_USERNAME', flag: 'relay-username', description: "the terminal's user name at the broker (usually its TID)", parse: text(256) }),
  relayPassword: option({ env: 'EPOSD_RELAY_PASSWORD', flag: 'relay-password', description: "the terminal's password at the broker", parse: text(256) }),
  relayCert: option({ env: 'EPOSD_RELAY_CERT', flag: 'relay-cert', description: 'client certificate (PEM file) for the broker, instead of a password', parse: text(4096) }),
  relayKey: option({ env: 'EPOSD_RELAY_KEY', flag: 'relay-key', description: "the client certificate's private key (PEM file)", parse: text(4096) }),
  relayCa: option({ env: 'EPOSD_RELAY_CA', flag: 'relay-ca', description: "CA certificate (PEM file) that signed the broker's certificate, when not a public one", parse: text(4096) }),
  relayPlainTokens: option({
    env: 'EPOSD_RELAY_PLAIN_TOKENS',
    flag: 'relay-plain-tokens',
    description: 'through the relay, also serve unsigned requests with their token, and plain pairing: the gateway can then read tokens (docs/relay.md)',
    parse: boolean,
    default: false,
  }),
  logLevel: option<'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'>({
    env: 'EPOSD_LOG_LEVEL',
    flag: 'log-level',
    description: 'log level',
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
    default: 'info',
  }),
};
