import request from 'supertest';
import { BASE_PATH } from '../../../src/app';
import { useApi } from '../../helpers/api';
import { dbSnapshot } from '../../helpers/db';
import { expectProblem } from '../../helpers/problem';
import { INSTANT_SIMULATOR_ENV, TX_PATH, getStatus, payAndWait, simulatedPrinter } from '../../helpers/payments';
import { bodyOf, type FinalStatus } from '../../helpers/bodies';

// Only printable text reaches a printer, a receipt or a screen (docs/api.md): a control character in
// any text the POS sends to be printed or shown is refused with a 400 naming the field, and a field's
// text cannot forge the line structure of a receipt.

/** ESC/POS's initialise, cash drawer kick and paper cut; NUL; CR LF; DEL; C1's CSI and NEL; the line separator; a right-to-left override. */
const CONTROLS = ['\x1b@', '\x1bp\x00\x19\xfa', '\x1dV\x00', 'a\x00b', 'line\r\nbreak', 'tab\there', 'del\x7f', '\u009b31m', 'next\u0085line', 'line\u2028separator', '\u202eDESREVER'];

describe('only printable text from the POS', () => {
  const t = useApi({ env: INSTANT_SIMULATOR_ENV, paired: true, perFile: true });
  const refused = async (send: () => request.Test, field: string) => {
    const before = dbSnapshot(t.ctx.db);
    const printed = simulatedPrinter(t.ctx).jobs.length;
    const problem = expectProblem(await send(), 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(dbSnapshot(t.ctx.db)).toEqual(before);
    expect(simulatedPrinter(t.ctx).jobs).toHaveLength(printed);
  };
  const sale = (body: Record<string, unknown>) => () =>
    request(t.app)
      .post(TX_PATH)
      .set('Authorization', t.token)
      .send({ transType: 'SALE', amountTrans: 1000, ...body });

  it.each(CONTROLS)('refuses %j in a description, a line item name and printed lines, naming the field, and changes nothing', async (text) => {
    await refused(sale({ description: `Table 7 ${text}` }), 'description');
    await refused(sale({ lineItems: [{ name: `Flat white ${text}`, quantity: 1, unitAmount: 1000 }] }), 'lineItems.0.name');
    await refused(
      () =>
        request(t.app)
          .post(`${BASE_PATH}/print`)
          .set('Authorization', t.token)
          .send({
            lines: [
              ['KITCHEN', 'CENTER', 'LARGE'],
              [`ticket ${text}`, 'LEFT', 'NORMAL'],
            ],
          }),
      'lines.1.0',
    );
  });

  it('refuses a control character in a register name at pairing', async () => {
    const { code: pairingCode } = t.ctx.pairing.openWindow();
    const res = await request(t.app).post(`${BASE_PATH}/pair`).send({ pairingCode, registerId: 'till-9', registerName: 'Till\u009b2J' });
    expect(expectProblem(res, 400, 'VALIDATION_FAILED').errors).toEqual([expect.objectContaining({ field: 'registerName' })]);
  });

  it('says so in the OpenAPI document: every such text field carries a pattern that refuses them and takes any script', async () => {
    const doc = (await request(t.app).get(`${BASE_PATH}/openapi.json`)).body as unknown;
    const found: Record<string, string[]> = { description: [], name: [], registerName: [], line: [] };
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (typeof node !== 'object' || node === null) return;
      const o = node as Record<string, unknown>;
      const props = o.properties as Record<string, { maxLength?: number; pattern?: string }> | undefined;
      for (const [key, max] of [
        ['description', 255],
        ['name', 60],
        ['registerName', 64],
      ] as const) {
        if (props?.[key]?.maxLength === max) found[key]!.push(props[key].pattern ?? '(none)');
      }
      const first = (o.prefixItems as { maxLength?: number; pattern?: string }[] | undefined)?.[0];
      if (first?.maxLength === 48) found.line!.push(first.pattern ?? '(none)');
      Object.values(o).forEach(walk);
    };
    walk(doc);
    for (const [field, patterns] of Object.entries(found)) {
      expect({ field, count: patterns.length > 0 }).toEqual({ field, count: true });
      for (const pattern of patterns) {
        const re = new RegExp(pattern, 'u');
        expect({ field, passes: CONTROLS.filter((c) => re.test(`ok ${c}`)) }).toEqual({ field, passes: [] });
        expect(re.test('Table 7, lunch — 2 × café, 日本語')).toBe(true);
      }
    }
  });

  it("cannot make a declined sale's receipt show an authorisation: a description is printed behind its label, on lines of its own that eposd wraps", async () => {
    for (const description of ['AUTHORISED - 482913', `Lunch ${' '.repeat(40)}AUTHORISED - 482913`, `${'x'.repeat(31)} AUTHORISED - 482913 ${'y'.repeat(40)}`]) {
      const { uti } = await payAndWait(t.app, t.ctx, t.token, { transType: 'SALE', amountTrans: 1005, description });
      const status = bodyOf<FinalStatus>(await getStatus(t.app, t.token, uti));
      expect(status.status).toBe('DECLINED');
      for (const receipt of [status.merchantReceipt, status.cardholderReceipt]) {
        const texts = receipt.map((l) => l[0]);
        expect(texts.filter((text) => /^\s*AUTHORISED/.test(text))).toEqual([]);
        const start = texts.findIndex((text) => text.startsWith('FOR: '));
        expect(start).toBeGreaterThan(0);
        // Every line it takes is indented under the label, within the receipt's width, with no run of spaces.
        const taken = texts.slice(start + 1).findIndex((text) => !text.startsWith('     ') || text.startsWith('      '));
        const lines = texts.slice(start, taken < 0 ? undefined : start + 1 + taken);
        // All of it, and nothing else (a word longer than a line is cut where the line ends).
        expect(
          lines
            .join('')
            .replace(/^FOR: /, '')
            .replace(/\s+/g, ''),
        ).toBe(description.replace(/\s+/g, ''));
        for (const line of lines) expect(line.length).toBeLessThanOrEqual(32);
        expect(lines.join('\n')).not.toMatch(/\S {2,}\S/);
      }
    }
  });

  it('wraps a long line item name under itself, the amount on its first line', async () => {
    const name = 'Extra large oat milk flat white with a double shot';
    const { uti } = await payAndWait(t.app, t.ctx, t.token, { transType: 'SALE', amountTrans: 1000, lineItems: [{ name, quantity: 2, unitAmount: 500 }] });
    const texts = bodyOf<FinalStatus>(await getStatus(t.app, t.token, uti)).merchantReceipt.map((l) => l[0]);
    const first = texts.findIndex((text) => text.startsWith('2 x Extra'));
    expect(texts[first]).toMatch(/EUR 10\.00$/);
    const rest = texts.slice(first + 1, first + 3);
    expect(rest.every((text) => text.startsWith('    ') && !text.startsWith('     '))).toBe(true);
    expect([texts[first]!.replace(/\s+EUR 10\.00$/, ''), ...rest.map((r) => r.trim())].join(' ')).toBe(`2 x ${name}`);
    for (const text of [texts[first]!, ...rest]) expect(text.length).toBeLessThanOrEqual(32);
  });
});
