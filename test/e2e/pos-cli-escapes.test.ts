import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import { loadOrCreateCertificate, spkiFingerprint } from '../../src/tls/certificate';
import { TerminalStore } from '../../src/client';
import { renderReceipt } from '../../src/cli/render';
import { makeTempDir } from '../helpers/process';
import { runPos } from '../helpers/pos';

// eposd-pos writes nothing to a person's terminal that could drive it but what it made itself: every
// text that came from the terminal (statuses, receipts, lists, totals, errors) is shown with its control
// characters made harmless. A hostile terminal (or whoever answers with its key) plays the part here.

/** A window title, a screen wipe, red text, a line break, the 8-bit CSI and NEL, DEL and NUL. */
const EVIL = '\x1b]0;pwned\x07\x1b[2J\x1b[31mAUTHORISED\r\n\u009b31m\u0085\x7f\x00';
/** Any control character but the line break eposd-pos puts between lines. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/u;

const evilStatus = (uti: string) => ({
  uti,
  originalUti: EVIL,
  transApproved: false,
  transCancelled: false,
  voided: false,
  transactionType: 'SALE',
  transAmount: 1250,
  authCode: EVIL,
  primaryAccountNumber: EVIL,
  transactionDate: EVIL,
  transactionResponse: '05',
  transactionSource: EVIL,
  applicationId: null,
  appName: null,
  cardholderVerificationMethod: 'NONE',
  currencyCode: 'EUR',
  terminalId: '12345678',
  merchantId: '1',
  signature: false,
  cardholderReceipt: [
    [EVIL, '3', 'L', 'N'],
    [`DECLINED${EVIL}`, '4', 'C', 'B'],
  ],
  merchantReceipt: [[EVIL, '3', 'L', 'N']],
  status: 'DECLINED',
  statusReason: EVIL,
  reference: EVIL,
  reversed: false,
  voidedBy: EVIL,
  completedBy: EVIL,
  createdAt: EVIL,
  completedAt: EVIL,
});

const counts = (c: number) => ({ count: c, amount: c });
const evilBatch = {
  batchNumber: 1,
  status: 'OPEN',
  openedAt: EVIL,
  closedAt: EVIL,
  closedBy: 'POS',
  totals: {
    currency: EVIL,
    sales: counts(1),
    refunds: counts(0),
    preauths: counts(0),
    completions: counts(0),
    voided: counts(0),
    reversals: { count: 0 },
    declined: { count: 0 },
    notCompleted: { count: 0 },
    net: 1,
  },
};

function answer(method: string, path: string): { status: number; body: unknown } {
  const uti = new URL(path, 'https://x').searchParams.get('uti') ?? 'evil-uti';
  if (path.startsWith('/payntpos/1.0.0/transaction?') && method === 'GET') return { status: 200, body: evilStatus(uti) };
  if (path.startsWith('/payntpos/1.0.0/transaction') && method === 'POST') return { status: 200, body: { transType: 'SALE', amountTrans: 1250, uti: 'evil-uti' } };
  if (path.startsWith('/payntpos/1.0.0/transactions'))
    return { status: 200, body: { transactions: [{ ...evilStatus(EVIL), cardholderReceipt: undefined, merchantReceipt: undefined }], nextCursor: null } };
  if (path.startsWith('/payntpos/1.0.0/settlement')) return { status: 200, body: evilBatch };
  return { status: 409, body: { type: 'about:blank', status: 409, code: 'TERMINAL_BUSY', title: EVIL, detail: EVIL, uti: EVIL, errors: [{ field: EVIL, message: EVIL }] } };
}

describe('eposd-pos, shown a terminal that answers with escape sequences', () => {
  let server: Server;
  let config: string;
  beforeAll(async () => {
    const cert = await loadOrCreateCertificate(makeTempDir('eposd-hostile-key-'), ['localhost', '127.0.0.1']);
    server = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
      const { status, body } = answer(req.method ?? 'GET', req.url ?? '/');
      req.resume();
      res.writeHead(status, { 'Content-Type': status < 300 ? 'application/json' : 'application/problem+json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    config = join(makeTempDir('eposd-pos-hostile-'), 'terminals.json');
    new TerminalStore(config).save({
      host: '127.0.0.1',
      port: (server.address() as { port: number }).port,
      tid: '12345678',
      serialNumber: 'EPD000000001',
      registerId: 'till-1',
      authToken: 'token',
      fingerprint: spkiFingerprint(cert.cert),
      pairedAt: new Date().toISOString(),
    });
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it.each([
    ['status', ['status', 'evil-uti']],
    ['a receipt', ['receipt', 'evil-uti', '--copy', 'cardholder']],
    ['a sale, with its progress and receipt', ['sale', '12.50']],
    ['a list', ['list']],
    ['the totals', ['settle', '--totals']],
    ['an error', ['print', 'hello']],
    ['JSON of a status', ['--json', 'status', 'evil-uti']],
  ])('writes no control character the terminal sent, in %s', async (_what, args) => {
    const run = await runPos(['--config', config, ...args], makeTempDir('eposd-pos-home-'));
    expect(run.stdout.length + run.stderr.length).toBeGreaterThan(0);
    expect({ stdout: CONTROL.exec(run.stdout)?.[0], stderr: CONTROL.exec(run.stderr)?.[0] }).toEqual({ stdout: undefined, stderr: undefined });
  });

  it('makes bold of its own on a terminal, and nothing else: the escapes it writes are its own', () => {
    const shown = renderReceipt([[EVIL, '3', 'L', 'B']], true);
    // eslint-disable-next-line no-control-regex -- eposd-pos's own bold, taken out to see what is left
    expect(shown.replace(/\x1b\[1m|\x1b\[22m/g, '')).not.toMatch(CONTROL);
    expect(shown).toContain('\x1b[1m');
  });
});
