import { generateKeyPairSync } from 'node:crypto';
import { PosPairing, TerminalPairing, keyFingerprint, RelayPairingError } from '../../src/relay-trust/pairing';
import {
  answerLines,
  answerSignatureValid,
  newNonce,
  newPosKey,
  posPrivateKey,
  posPublicKey,
  requestDigest,
  requestLines,
  requestSignatureValid,
  REQUEST_HEADERS,
  signAnswer,
  signRequest,
  terminalPublicKey,
} from '../../src/relay-trust/signatures';

const TID = '10000001';
const terminal = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const terminalSpki = terminal.publicKey.export({ type: 'spki', format: 'der' });

/** One pairing run between a POS that typed `posCode` and a terminal showing `terminalCode`. */
function run(posCode: string, terminalCode: string) {
  const pos = new PosPairing(posCode, TID);
  const started = TerminalPairing.start(JSON.parse(JSON.stringify(pos.startRequest())), terminalCode, TID, terminalSpki);
  return { pos, started: started! };
}

describe('Pairing through the relay (CPace over the code)', () => {
  it('When both sides use the same code, then the POS learns the terminal key, the terminal opens the fields and the POS opens the answer', () => {
    const { pos, started } = run('123456', '123456');
    const proved = pos.accept(JSON.parse(JSON.stringify(started.answer)));
    expect(proved.fingerprint).toBe(keyFingerprint(terminalSpki));
    const fields = started.session.finish(JSON.parse(JSON.stringify(pos.finishRequest({ registerId: 'till-1' }))));
    expect(fields).toEqual({ registerId: 'till-1' });
    const sealed = started.session.seal({ authToken: 'secret-token' });
    expect(JSON.stringify(sealed)).not.toContain('secret-token');
    expect(pos.openAnswer(JSON.parse(JSON.stringify(sealed)))).toEqual({ authToken: 'secret-token' });
  });

  it('When the codes differ (a party in the middle guessing), then the POS refuses the start answer', () => {
    const { pos, started } = run('123456', '654321');
    expect(() => pos.accept(started.answer)).toThrow(RelayPairingError);
  });

  it('When a party in the middle swaps the terminal key, then the MAC does not match', () => {
    const { pos, started } = run('123456', '123456');
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
    expect(() => pos.accept({ ...started.answer, terminalKey: other.toString('base64url') })).toThrow(/did not prove/);
  });

  it('When the finish is replayed into another session or its seal is altered, then the terminal refuses it', () => {
    const first = run('123456', '123456');
    first.pos.accept(first.started.answer);
    const finish = first.pos.finishRequest({ registerId: 'till-1' });
    const second = run('123456', '123456');
    expect(second.started.session.finish(finish)).toBeUndefined();
    const altered = { ...finish, sealed: `${finish.sealed.slice(0, -4)}AAAA` };
    expect(first.started.session.finish(altered)).toBeUndefined();
    expect(first.started.session.finish({ ...finish, confirm: finish.confirm.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) })).toBeUndefined();
  });

  it('When the start is not in the protocol shape, then the terminal gives no answer', () => {
    expect(TerminalPairing.start({ v: 1, sid: 'x', ya: 'y' }, '123456', TID, terminalSpki)).toBeUndefined();
    // A share that is not a point of the group.
    expect(TerminalPairing.start({ v: 1, sid: Buffer.alloc(16).toString('base64url'), ya: Buffer.alloc(32, 255).toString('base64url') }, '123456', TID, terminalSpki)).toBeUndefined();
  });
});

describe('Signed relayed requests and answers', () => {
  const pos = newPosKey();
  const fields = { tid: TID, registerId: 'till-1', method: 'POST', url: '/payntpos/1.0.0/transaction', contentType: 'application/json', body: '{"amountTrans":1250}', time: '1', nonce: newNonce() };

  it('When nothing changed, then the signature verifies; when the amount, TID or path changed, then it does not', () => {
    const headers = signRequest(posPrivateKey(pos.privateKey), 'till-1', fields.time, fields.nonce, requestLines(fields));
    const key = posPublicKey(pos.publicKey)!;
    const signature = headers[REQUEST_HEADERS.signature]!;
    expect(requestSignatureValid(key, requestLines(fields), signature)).toBe(true);
    for (const change of [{ body: '{"amountTrans":9999}' }, { tid: '10000002' }, { url: '/payntpos/1.0.0/transaction?x=1' }, { nonce: newNonce() }]) {
      expect(requestSignatureValid(key, requestLines({ ...fields, ...change }), signature)).toBe(false);
    }
  });

  it('When an answer is signed by the terminal, then it verifies for its own request only, and a changed body or status does not', () => {
    const digest = requestDigest(requestLines(fields));
    const answer = { tid: TID, requestDigest: digest, status: 200, contentType: 'application/json', body: '{"status":"DECLINED"}' };
    const signature = signAnswer(terminal.privateKey, answerLines(answer));
    const key = terminalPublicKey(terminalSpki.toString('base64url'));
    expect(answerSignatureValid(key, answerLines(answer), signature)).toBe(true);
    expect(answerSignatureValid(key, answerLines({ ...answer, body: '{"status":"APPROVED"}' }), signature)).toBe(false);
    expect(answerSignatureValid(key, answerLines({ ...answer, status: 201 }), signature)).toBe(false);
    expect(answerSignatureValid(key, answerLines({ ...answer, requestDigest: requestDigest(requestLines({ ...fields, nonce: newNonce() })) }), signature)).toBe(false);
  });

  it('When a key is not an Ed25519 public key, then the terminal does not take it', () => {
    expect(posPublicKey(terminalSpki.toString('base64url'))).toBeUndefined();
    expect(posPublicKey('not base64 !')).toBeUndefined();
  });
});
