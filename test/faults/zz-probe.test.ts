import request from 'supertest';
import { BASE_PATH, createApp } from '../../src/app';
import { testContext, pairPos } from '../helpers/context';
it('probe', async () => {
  const { ctx } = testContext();
  const app = createApp(ctx);
  const token = await pairPos(app, ctx);
  const cases: [string, Record<string,string>, string|Buffer][] = [
    ['gzip garbage', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, 'not gzip'],
    ['deflate garbage', { 'content-type': 'application/json', 'content-encoding': 'deflate' }, 'not deflate'],
    ['br garbage', { 'content-type': 'application/json', 'content-encoding': 'br' }, 'not br'],
    ['weird enc', { 'content-type': 'application/json', 'content-encoding': 'zzz' }, '{}'],
    ['charset weird', { 'content-type': 'application/json; charset=utf-16' }, '{}'],
    ['charset garbage', { 'content-type': 'application/json; charset=foo' }, '{}'],
    ['ct params broken', { 'content-type': 'application/json; ;;=' }, '{}'],
    ['ct params broken2', { 'content-type': 'application/json; charset="' }, '{}'],
    ['invalid utf8', { 'content-type': 'application/json' }, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
    ['deep', { 'content-type': 'application/json' }, '['.repeat(8000) + ']'.repeat(8000)],
    ['proto', { 'content-type': 'application/json' }, '{"__proto__":{"x":1},"transType":"SALE","amountTrans":1000}'],
    ['constructor', { 'content-type': 'application/json' }, '{"constructor":{"prototype":{"x":1}},"transType":"SALE","amountTrans":1000}'],
    ['huge', { 'content-type': 'application/json' }, '{"transType":"SALE","amountTrans":1e400}'],
  ];
  for (const [name, headers, body] of cases) {
    let r = request(app).post(`${BASE_PATH}/transaction`).set('Authorization', token);
    for (const [k, v] of Object.entries(headers)) r = r.set(k, v);
    const res = await r.send(body as string);
    console.log(name, res.status, res.body?.code, res.body?.detail);
  }
  for (const q of ['uti=a&uti=b', '__proto__=1', 'uti=%zz', 'uti=%E0%A4%A', 'constructor=1&uti=x', 'hasOwnProperty=1', 'uti[]=1', 'uti[a]=1', 'toString=x']) {
    const res = await request(app).get(`${BASE_PATH}/transaction?${q}`).set('Authorization', token);
    console.log(q, res.status, res.body?.code, res.body?.detail);
  }
  for (const p of ['/transaction/', '/TRANSACTION', '/transaction%00', '/%2e%2e/transaction', '/transaction;x', '//transaction', '/transaction%ZZ']) {
    const res = await request(app).get(`${BASE_PATH}${p}?uti=x`).set('Authorization', token);
    console.log(p, res.status, res.body?.code);
  }
  ctx.destroy();
});
