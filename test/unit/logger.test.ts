import pino from 'pino';
import { Writable } from 'node:stream';
import { loggerOptions } from '../../src/shared/logger';

function capture(): { logger: pino.Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = pino(loggerOptions('info'), stream);
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('the logger', () => {
  it('When a request with an Authorization header is logged, then the token is censored', () => {
    const { logger, lines } = capture();
    logger.info({ req: { headers: { authorization: 'Bearer secret-token' } } }, 'request');
    expect(JSON.stringify(lines())).not.toContain('secret-token');
    expect(JSON.stringify(lines())).toContain('[REDACTED]');
  });

  it('When an object carries a token, a pairing code or a webhook secret, then they are censored', () => {
    const { logger, lines } = capture();
    logger.info({ authToken: 'tok-1', pairingCode: '123456', webhookSecret: 'whs-1' }, 'paired');
    const text = JSON.stringify(lines());
    for (const secret of ['tok-1', '123456', 'whs-1']) expect(text).not.toContain(secret);
  });

  it('When a card-like number appears anywhere, then it is masked, in the message as well', () => {
    const { logger, lines } = capture();
    logger.info({ note: 'card 4761 7390 0101 0010 seen', nested: { deep: '5413330089020011' } }, 'saw 4761739001010010');
    const text = JSON.stringify(lines());
    expect(text).not.toMatch(/4761|5413330089020011/);
  });

  it('When a short number such as an amount or a TID is logged, then it is kept', () => {
    const { logger, lines } = capture();
    logger.info({ amount: 1000, tid: '12345678' }, 'sale');
    expect(lines()[0]).toMatchObject({ amount: 1000, tid: '12345678' });
  });

  it('When an error is logged under err, then its type, message and stack are in the line, card-like numbers masked', () => {
    const { logger, lines } = capture();
    const err = Object.assign(new TypeError('card 4111111111111111 refused'), { code: 'E_CARD' });
    logger.error({ err, path: '/x' }, 'request failed');
    const [line] = lines();
    expect(line).toMatchObject({ msg: 'request failed', path: '/x', err: { type: 'TypeError', message: 'card [REDACTED] refused', code: 'E_CARD' } });
    expect((line!.err as { stack: string }).stack).toMatch(/^TypeError: card \[REDACTED\] refused\n\s+at /);
  });

  it('When an error is logged on its own, then it goes under err with its message as the message', () => {
    const { logger, lines } = capture();
    logger.error(new Error('disk gone'));
    expect(lines()[0]).toMatchObject({ msg: 'disk gone', err: { type: 'Error', message: 'disk gone' } });
  });

  it('When an error with a card-like number is logged on its own, then the number is masked in the message too', () => {
    const { logger, lines } = capture();
    logger.error(new Error('card 4111111111111111 declined'));
    expect(JSON.stringify(lines())).not.toContain('4111111111111111');
    expect(lines()[0]).toMatchObject({ msg: 'card [REDACTED] declined' });
  });
});
