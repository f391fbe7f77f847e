import pino from 'pino';
import { loggerOptions } from '../../src/shared/logger';
it('probe', () => {
const lines: string[] = [];
const l = pino(loggerOptions('debug'), { write: (s: string) => void lines.push(s) });
l.info({ req: { headers: { Authorization: 'Bearer AAA' } }, body: { pairing: { authToken: 'BBB', webhookSecret: 'CCC' } }, registers: [{ token: 'DDD' }], card: { pan: '5413330089010434' }, pan: 1234 }, 'x');
l.info({ headers: { authorization: 'EEE' } }, 'token FFFFFFFFFFFFFFFF.GGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGG');
l.info('card %s', '5413330089010434');
l.info({ n: 5413330089010434 }, 'number');
console.log(lines.join(''));
});
