import { ApiError } from '../../src/shared/errors';
import { MAX_WRONG_CODES } from '../../src/pairing/pairing.service';
import { ids } from '../../src/shared/ids';
import { useApi } from '../helpers/api';
import { otherCode } from '../helpers/context';

const TTL_MS = 600_000;

function failureOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected the pairing to fail');
}

describe('PairingService: the pairing window', () => {
  const t = useApi();

  it('When a window is opened, then it has a 6-digit code valid for the configured TTL', () => {
    const { code, expiresAt } = t.ctx.pairing.openWindow();
    expect(code).toMatch(/^\d{6}$/);
    expect(expiresAt.getTime() - t.clock.now().getTime()).toBe(TTL_MS);
    expect(t.ctx.pairing.currentWindow()).toEqual({ code, expiresAt });
  });

  it('When the right code is used just before the TTL ends, then the pairing succeeds', () => {
    const { code } = t.ctx.pairing.openWindow();
    t.clock.advance(TTL_MS - 1);
    expect(t.ctx.pairing.pair({ pairingCode: code }).authToken).toBeTruthy();
  });

  it('When the TTL has passed, then the right code fails with PAIRING_FAILED and the window is closed', () => {
    const { code } = t.ctx.pairing.openWindow();
    t.clock.advance(TTL_MS);
    expect(failureOf(() => t.ctx.pairing.pair({ pairingCode: code })).code).toBe('PAIRING_FAILED');
    expect(t.ctx.pairing.currentWindow()).toBeUndefined();
  });

  it('When EPOSD_PAIRING_TTL_S is set, then the code lives that long', async () => {
    await t.rebuild({ env: { EPOSD_PAIRING_TTL_S: '30' } });
    const { code } = t.ctx.pairing.openWindow();
    t.clock.advance(30_000);
    expect(failureOf(() => t.ctx.pairing.pair({ pairingCode: code })).code).toBe('PAIRING_FAILED');
  });

  it('When a code has been used, then it fails the second time and the window is closed', () => {
    const { code } = t.ctx.pairing.openWindow();
    t.ctx.pairing.pair({ pairingCode: code, registerId: 'till-1' });
    expect(t.ctx.pairing.currentWindow()).toBeUndefined();
    expect(failureOf(() => t.ctx.pairing.pair({ pairingCode: code, registerId: 'till-2' })).code).toBe('PAIRING_FAILED');
    expect(t.ctx.registers.list().map((r) => r.registerId)).toEqual(['till-1']);
  });

  it('When no window is open, then any code fails with PAIRING_FAILED', () => {
    expect(failureOf(() => t.ctx.pairing.pair({ pairingCode: '123456' })).code).toBe('PAIRING_FAILED');
  });

  it(`When ${MAX_WRONG_CODES - 1} wrong codes were tried, then the right code still works`, () => {
    const { code } = t.ctx.pairing.openWindow();
    for (let i = 0; i < MAX_WRONG_CODES - 1; i++) expect(failureOf(() => t.ctx.pairing.pair({ pairingCode: otherCode(code) })).code).toBe('PAIRING_FAILED');
    expect(t.ctx.pairing.pair({ pairingCode: code }).authToken).toBeTruthy();
  });

  it(`When ${MAX_WRONG_CODES} wrong codes were tried, then the window closes and the right code fails`, () => {
    const { code } = t.ctx.pairing.openWindow();
    for (let i = 0; i < MAX_WRONG_CODES; i++) failureOf(() => t.ctx.pairing.pair({ pairingCode: otherCode(code) }));
    expect(t.ctx.pairing.currentWindow()).toBeUndefined();
    expect(failureOf(() => t.ctx.pairing.pair({ pairingCode: code })).code).toBe('PAIRING_FAILED');
    expect(t.ctx.registers.list()).toEqual([]);
  });

  it('When a wrong, an expired and a used code fail, then the errors are identical', () => {
    const first = t.ctx.pairing.openWindow();
    const wrong = failureOf(() => t.ctx.pairing.pair({ pairingCode: otherCode(first.code) }));
    t.ctx.pairing.pair({ pairingCode: first.code });
    const used = failureOf(() => t.ctx.pairing.pair({ pairingCode: first.code }));
    const second = t.ctx.pairing.openWindow();
    t.clock.advance(TTL_MS);
    const expired = failureOf(() => t.ctx.pairing.pair({ pairingCode: second.code }));
    const shape = (e: ApiError) => ({ status: e.status, code: e.code, title: e.title, detail: e.detail, extra: e.extra });
    expect(shape(used)).toEqual(shape(wrong));
    expect(shape(expired)).toEqual(shape(wrong));
  });

  it('When a window is opened again, then the new code replaces the old one and the wrong-try count starts over', async () => {
    const codes = ['111111', '222222'];
    await t.rebuild({ ids: { ...ids, pairingCode: () => codes.shift()! } });
    t.ctx.pairing.openWindow();
    for (let i = 0; i < MAX_WRONG_CODES - 1; i++) failureOf(() => t.ctx.pairing.pair({ pairingCode: '999999' }));
    t.ctx.pairing.openWindow();
    expect(failureOf(() => t.ctx.pairing.pair({ pairingCode: '111111' })).code).toBe('PAIRING_FAILED');
    for (let i = 0; i < MAX_WRONG_CODES - 2; i++) failureOf(() => t.ctx.pairing.pair({ pairingCode: '999999' }));
    expect(t.ctx.pairing.pair({ pairingCode: '222222' }).authToken).toBeTruthy();
  });

  it('When the window opens and closes, then the screen shows the code and then leaves the pairing screen', () => {
    const { code } = t.ctx.pairing.openWindow();
    expect(t.ctx.screen.state()).toMatchObject({ screen: 'pairing', pairingCode: code });
    t.ctx.pairing.pair({ pairingCode: code });
    expect(t.ctx.screen.state().screen).toBe('idle');
    expect(t.ctx.screen.state().pairingCode).toBeUndefined();
    expect(t.screenLines).toEqual([expect.stringContaining(`code ${code}`), expect.stringMatching(/^\[screen\] idle: TID 12345678/)]);
  });
});

describe('PairingService.openIfUnpaired', () => {
  const t = useApi();

  it('When no POS is paired, then a window opens', () => {
    t.ctx.pairing.openIfUnpaired();
    expect(t.ctx.pairing.currentWindow()).toBeDefined();
  });

  it('When a POS is paired, then no window opens', () => {
    t.ctx.pairing.pair({ pairingCode: t.ctx.pairing.openWindow().code });
    t.ctx.pairing.openIfUnpaired();
    expect(t.ctx.pairing.currentWindow()).toBeUndefined();
  });

  it('When only a technician is paired, then a window opens', () => {
    t.ctx.pairing.pair({ pairingCode: t.ctx.pairing.openWindow().code, role: 'technician' });
    t.ctx.pairing.openIfUnpaired();
    expect(t.ctx.pairing.currentWindow()).toBeDefined();
  });

  it('When every POS was unpaired, then a window opens', () => {
    t.ctx.pairing.pair({ pairingCode: t.ctx.pairing.openWindow().code });
    t.ctx.pairing.unpairAll();
    t.ctx.pairing.openIfUnpaired();
    expect(t.ctx.pairing.currentWindow()).toBeDefined();
  });
});
