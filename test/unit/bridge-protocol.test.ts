import Ajv from 'ajv/dist/2020';
import schema from '../../src/bridge/protocol.schema.json';
import { newNonce, proofOf, provesSecret } from '../../src/bridge/handshake';
import { frame, LineDecoder, TooLarge } from '../../src/bridge/framing';
import { checkFromBridge, checkToBridge, MAX_MESSAGE_BYTES } from '../../src/bridge/protocol';
import { bridgeTransactionOf, cardColumns } from '../../src/bridge/transaction-fields';
import { encodeOrder } from '../../src/transactions/order';
import { transactionRow } from '../helpers/rows';
import { loadConfig } from '../../src/config/config';
import { testContext } from '../helpers/context';

describe('The bridge protocol', () => {
  it('is a valid JSON Schema 2020-12 document', () => {
    const ajv = new Ajv({ strict: false });
    expect(ajv.validateSchema(schema)).toBe(true);
  });

  it('cuts a stream into lines across chunks, and refuses a line over the limit', () => {
    const d = new LineDecoder(32);
    expect(d.push(Buffer.from('{"a":1}\n{"b"'))).toEqual(['{"a":1}']);
    expect(d.push(Buffer.from(':2}\n\n'))).toEqual(['{"b":2}']);
    expect(() => d.push(Buffer.from('x'.repeat(40)))).toThrow(TooLarge);
    expect(frame({ type: 'ping', id: 'e1' })).toBe('{"type":"ping","id":"e1"}\n');
    expect(MAX_MESSAGE_BYTES).toBe(65536);
  });

  it('proves the shared secret without sending it: each role’s proof is its own, bound to both fresh nonces', () => {
    const secret = '0123456789abcdef';
    const nonces = { eposd: newNonce(), app: newNonce() };
    const app = proofOf(secret, 'app', nonces);
    expect(app).toMatch(/^[0-9a-f]{64}$/);
    expect(app).not.toContain(Buffer.from(secret).toString('hex'));
    expect(provesSecret(app, secret, 'app', nonces)).toBe(true);
    // Not eposd's proof (a listener cannot reflect it back), not under another secret, not for other nonces.
    expect(provesSecret(app, secret, 'eposd', nonces)).toBe(false);
    expect(provesSecret(app, '0123456789abcdeX', 'app', nonces)).toBe(false);
    expect(provesSecret(app, secret, 'app', { ...nonces, eposd: newNonce() })).toBe(false);
    expect(provesSecret(undefined, secret, 'app', nonces)).toBe(false);
    expect(provesSecret(app.slice(0, 62), secret, 'app', nonces)).toBe(false);
    expect(newNonce()).not.toBe(newNonce());
  });

  it('sends every field the POS sent in payment.start (a tip chosen on the terminal as its amount), and lets later optional fields through', () => {
    const order = encodeOrder({ description: 'Table 7', metadata: { table: '7' }, lineItems: [{ name: 'Soup', quantity: 2, unitAmount: 500 }] });
    const tx = bridgeTransactionOf(transactionRow({ uti: 'u-1', amount: 1000, reference: null, tipAmount: 150, allowPartial: 1, tipOptions: '[10,15]', orderData: order, locale: 'ja' }), null);
    expect(tx).toEqual({
      uti: 'u-1',
      transType: 'SALE',
      amountTrans: 1000,
      currency: 'EUR',
      registerId: 'till-1',
      disablePrinting: false,
      tipAmount: 150,
      allowPartialApproval: true,
      locale: 'ja',
      description: 'Table 7',
      metadata: { table: '7' },
      lineItems: [{ name: 'Soup', quantity: 2, unitAmount: 500 }],
    });
    expect(checkToBridge(JSON.stringify({ type: 'payment.start', id: 'e1', transaction: { ...tx, someFutureField: { any: ['json'] } } })).ok).toBe(true);
    expect(checkToBridge(JSON.stringify({ type: 'payment.start', id: 'e1', transaction: { ...tx, tipAmount: -1 } })).ok).toBe(false);
  });

  it('refuses what must never be recorded: a full card number, an approval with a decline code or without its amount, a FINAL status without its result', () => {
    const card = { maskedPan: '47**********0010', entryMode: 'PICC', cvm: 'NO_CVM' };
    const result = (r: object) => JSON.stringify({ type: 'payment.result', id: 'b1', uti: 'u-1', result: r });
    expect(checkFromBridge(result({ outcome: 'APPROVED', reason: 'APPROVED', responseCode: '00', amountAuthorised: 1000, card })).ok).toBe(true);
    expect(checkFromBridge(result({ outcome: 'APPROVED', reason: 'APPROVED', responseCode: '10', amountAuthorised: 500, card })).ok).toBe(true);
    // eposd-bridge/2: an approval says how much.
    expect(checkFromBridge(result({ outcome: 'APPROVED', reason: 'APPROVED', responseCode: '00', card })).ok).toBe(false);
    expect(checkFromBridge(result({ outcome: 'APPROVED', reason: 'APPROVED', responseCode: '00', card: { ...card, maskedPan: '4761739001010010' } })).ok).toBe(false);
    expect(checkFromBridge(result({ outcome: 'APPROVED', reason: 'APPROVED', responseCode: '05' })).ok).toBe(false);
    expect(checkFromBridge(result({ outcome: 'DECLINED', reason: 'DECLINED', responseCode: '00' })).ok).toBe(false);
    expect(checkFromBridge(result({ outcome: 'APPROVED', reason: 'APPROVED' })).ok).toBe(false);
    expect(checkFromBridge(JSON.stringify({ type: 'payment.status', re: 'e1', uti: 'u-1', state: 'FINAL' })).ok).toBe(false);
    expect(checkFromBridge(JSON.stringify({ type: 'payment.status', re: 'e1', uti: 'u-1', state: 'UNKNOWN' })).ok).toBe(true);
    expect(checkFromBridge('not json')).toMatchObject({ ok: false, problem: 'not JSON' });
  });

  it('takes simulator.action with a card only for presentCard, never a PIN, and no action it does not name', () => {
    const action = (m: object) => checkToBridge(JSON.stringify({ type: 'simulator.action', id: 'e9', ...m })).ok;
    expect(action({ action: 'presentCard', card: 'mastercard-chip' })).toBe(true);
    expect(action({ action: 'presentCard' })).toBe(true);
    expect(action({ action: 'enterPin' })).toBe(true);
    expect(action({ action: 'cancel' })).toBe(true);
    expect(action({ action: 'enterPin', pin: '1234' })).toBe(false);
    expect(action({ action: 'enterPin', card: 'mastercard-chip' })).toBe(false);
    expect(action({ action: 'presentCard', card: '5413330089010434 ' })).toBe(false);
    expect(action({ action: 'teleport' })).toBe(false);
  });
});

describe('The bridge settings', () => {
  it('refuses a short secret without showing it', () => {
    expect(() => loadConfig({ EPOSD_BRIDGE_SECRET: 'tiny-secret' })).toThrow(/EPOSD_BRIDGE_SECRET must be 16 to 256/);
    expect(() => loadConfig({ EPOSD_BRIDGE_SECRET: 'tiny-secret' })).not.toThrow(/tiny-secret/);
  });

  it('stops the start when the bridge driver has no way to reach the app, or a TCP port without a secret', () => {
    expect(() => testContext({ env: { EPOSD_DRIVER: 'bridge' } })).toThrow(/EPOSD_BRIDGE_SOCKET, or EPOSD_BRIDGE_PORT/);
    expect(() => testContext({ env: { EPOSD_DRIVER: 'bridge', EPOSD_BRIDGE_PORT: '7400' } })).toThrow(/needs EPOSD_BRIDGE_SECRET/);
  });
});

describe('a payment result as eposd records it', () => {
  const emv = { aid: 'A0000000031010', applicationLabel: 'VISA CREDIT', tvr: '0000008000', tsi: 'E800', atc: '001F', arc: '00', cryptogramType: 'TC' as const, cryptogram: '1A2B3C4D5E6F7A8B' };

  it('When an approval carries a brand and whole EMV data, then both are recorded, and its amount is left to the rule', () => {
    expect(cardColumns({ outcome: 'APPROVED', reason: 'APPROVED', responseCode: '00', cardBrand: 'VISA', emv, amountAuthorised: 500 })).toEqual({
      cardBrand: 'VISA',
      emv: JSON.stringify(['A0000000031010', 'VISA CREDIT', '0000008000', 'E800', '001F', '00', 'TC', '1A2B3C4D5E6F7A8B']),
    });
  });

  it('When the brand is unknown or EMV data partial, then the brand is OTHER and the rest is left out', () => {
    const { tvr: _tvr, ...partial } = emv;
    expect(cardColumns({ outcome: 'DECLINED', reason: 'DECLINED', responseCode: '05', cardBrand: 'ACME', emv: partial })).toEqual({ cardBrand: 'OTHER' });
  });
});
