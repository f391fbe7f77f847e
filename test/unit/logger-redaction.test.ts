import pino from 'pino';
import { Writable } from 'node:stream';
import { loggerOptions } from '../../src/shared/logger';
import { ids } from '../../src/shared/ids';
import { issueToken } from '../../src/pairing/tokens';
import { cardLikeNumbers, SIMULATOR_PANS } from '../helpers/secrets';
import { stringMatching } from '../helpers/matchers';

/** eposd's logger configuration writing to a stream the test reads: exactly what would reach stderr. */
function capture(level = 'debug'): { logger: pino.Logger; text: () => string; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = pino(loggerOptions(level), stream);
  const text = () => chunks.join('');
  return {
    logger,
    text,
    lines: () =>
      text()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('the logger redacts secrets and card data by configuration', () => {
  const token = issueToken(ids).token;
  const webhookSecret = ids.webhookSecret();
  const [pan] = SIMULATOR_PANS as [string];

  it('When one object carries an authorization header, authToken, token, webhookSecret and pan, and the message a 16-digit number, then none of them is written', () => {
    const { logger, text, lines } = capture();
    logger.info({ req: { method: 'POST', headers: { authorization: `Bearer ${token}`, host: 'terminal' } }, authToken: token, token, webhookSecret, pan, amount: 7500 }, `card ${pan} presented`);
    for (const secret of [token, webhookSecret, pan]) expect(text()).not.toContain(secret);
    expect(cardLikeNumbers(text())).toEqual([]);
    // What is not secret stays readable.
    expect(lines()[0]).toMatchObject({ msg: 'card [REDACTED] presented', amount: 7500, req: { method: 'POST', headers: { host: 'terminal' } } });
  });

  it.each([
    ['nested deeper than the redaction paths reach', { answer: { pairing: { authToken: token, webhookSecret } } }],
    ['inside an array', { registers: [{ registerId: 'till-1', token }] }],
    ['under a header name written with capitals', { request: { headers: { Authorization: token } } }],
    ['as a PAN that is a number, not a string', { card: { pan: Number(pan) }, read: Number(pan) }],
  ])('When a secret is %s, then it is not written', (_name, obj) => {
    const { logger, text } = capture();
    logger.info(obj, 'something happened');
    for (const secret of [token, token.split('.')[1]!, webhookSecret, pan]) expect(text()).not.toContain(secret);
    expect(text()).toContain('something happened');
  });

  it('When a token is quoted in a free-text message, then it is masked there too', () => {
    const { logger, text } = capture();
    logger.warn(`pairing answered ${token} to till-1`);
    expect(text()).not.toContain(token.split('.')[1]!);
    expect(text()).toContain('to till-1');
  });

  it('When a MID, an AID, a TID and a UTI are logged, then they stay readable: none of them could be a card number', () => {
    const { logger, text, lines } = capture();
    const mid = '000000012345678';
    const fields = { mid, merchantId: mid, aid: 'A0000000031010', terminalId: '12345678', uti: 'k3Hq9ZmP4xWb7Rt2Lc8Nv5Ds' };
    logger.info(fields, `terminal 12345678 merchant ${mid} card app A0000000041010`);
    expect(lines()[0]).toMatchObject({ ...fields, msg: `terminal 12345678 merchant ${mid} card app A0000000041010` });
    expect(cardLikeNumbers(text())).toEqual([]);
  });

  it('When a number could be a card number (Luhn-valid, 13 to 19 digits, with or without spaces or dashes), or a longer run could hide one, then it is masked', () => {
    const { logger, text } = capture();
    const spaced = pan.replace(/(\d{4})(?=\d)/g, '$1 ');
    const dashed = pan.replace(/(\d{4})(?=\d)/g, '$1-');
    logger.info({ a: spaced, b: dashed, c: `x${pan}y`, d: `00${pan}`, e: Number(pan), f: 4000000000000002 }, `read ${spaced}`);
    for (const form of [pan, spaced, dashed]) expect(text()).not.toContain(form);
    expect(text()).not.toContain('4000000000000002');
    expect(cardLikeNumbers(text())).toEqual([]);
  });

  it('When a generated MID is logged, then it is never masked: it is made to fail the Luhn check', () => {
    const { logger, lines } = capture();
    const mids = Array.from({ length: 200 }, () => ids.mid());
    logger.info({ mids }, 'merchants');
    expect(lines()[0]!.mids).toEqual(mids);
    expect(mids.every((m) => /^\d{15}$/.test(m))).toBe(true);
  });

  it("When 13-digit epoch milliseconds are logged, then they are kept; the line's own time is ISO 8601", () => {
    const { logger, lines } = capture();
    logger.info({ at: 1745832445000 }, 'committed');
    expect(lines()[0]).toMatchObject({ at: 1745832445000, time: stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/) });
  });

  it("When the certificate's fingerprint starts with a card-like run of digits, then it is logged whole; a card number beside it is still masked", () => {
    const { logger, text, lines } = capture();
    // A real one (a CI run's): its first 21 characters are digits, more than any identifier eposd logs.
    const fingerprint = '489297385131331732601e8a61c8aacf84d503da1b71caa79312b155a9e8ae66';
    logger.info({ fingerprint }, `pairing: code 017380, fingerprint ${fingerprint}; read ${pan}`);
    expect(lines()[0]).toMatchObject({ fingerprint, msg: `pairing: code 017380, fingerprint ${fingerprint}; read [REDACTED]` });
    expect(text()).toContain(fingerprint);
  });
});
