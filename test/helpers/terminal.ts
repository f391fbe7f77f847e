import type { ScreenState } from '../../src/screen/screen.service';
import type { FinalStatus } from '../../src/transactions/transactions.schemas';
import { httpsJson } from './http';
import type { EposdProcess } from './process';

// Driving a running eposd (test/helpers/process.ts) as the people around it do: the installer and the
// cardholder at its screen, a POS over HTTPS.

/** What GET /screen answers: the server's own type. */
export type { ScreenState };

export async function screenState(eposd: EposdProcess): Promise<ScreenState> {
  return (await httpsJson<ScreenState>(`${eposd.screenUrl}screen`)).body;
}

/** A button pressed on the terminal's screen; rejects unless the terminal accepted it. */
export async function screenAction(eposd: EposdProcess, body: Record<string, unknown>): Promise<ScreenState> {
  const res = await httpsJson<ScreenState>(`${eposd.screenUrl}screen/actions`, { method: 'POST', body });
  if (res.status !== 200) throw new Error(`screen action ${JSON.stringify(body)} answered ${res.status}: ${res.text}`);
  return res.body;
}

/** Resolves with the screen once `check` holds for it; rejects after `timeoutMs`. */
export async function untilScreen(eposd: EposdProcess, what: string, check: (s: ScreenState) => boolean, timeoutMs = 10_000): Promise<ScreenState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await screenState(eposd);
    if (check(s)) return s;
    if (Date.now() > deadline) throw new Error(`the screen did not show ${what} within ${timeoutMs} ms: ${JSON.stringify(s)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface Pairing {
  authToken: string;
  registerId: string;
  webhookSecret?: string;
}

/** The installer opens pairing on the screen (unless a code is showing) and the POS pairs with the code it reads there. */
export async function pairWithScreenCode(eposd: EposdProcess, query: Record<string, string>): Promise<Pairing> {
  const shown = await screenState(eposd);
  const code = shown.pairingCode ?? (await screenAction(eposd, { action: 'openPairing' })).pairingCode!;
  const res = await httpsJson<Pairing>(`${eposd.apiUrl}/pair?${new URLSearchParams({ pairingCode: code, ...query }).toString()}`);
  if (res.status !== 200) throw new Error(`pairing answered ${res.status}: ${res.text}`);
  return res.body;
}

export const auth = (token: string) => ({ authorization: token });

/** How long startSale waits for the previous payment's receipts to print (the terminal's own bound is 30 s). */
const PRINTING_WAIT_MS = 30_000;

/**
 * POSTs a transaction (query `disablePrinting=false`) and answers its UTI. As a POS does, it tries
 * again while the terminal answers `409 TERMINAL_BUSY` with `stage: PRINTING`: the previous payment is
 * final but its receipts are still printing (docs/api.md). Any other refusal throws.
 */
export async function startTransaction(eposd: EposdProcess, token: string, body: Record<string, unknown>): Promise<string> {
  const deadline = Date.now() + PRINTING_WAIT_MS;
  for (;;) {
    const res = await httpsJson<{ uti: string; code?: string; stage?: string }>(`${eposd.apiUrl}/transaction?tid=${eposd.tid}&disablePrinting=false`, {
      method: 'POST',
      headers: auth(token),
      body,
    });
    if (res.status === 200) return res.body.uti;
    const printing = res.status === 409 && res.body.code === 'TERMINAL_BUSY' && res.body.stage === 'PRINTING';
    if (!printing || Date.now() > deadline) throw new Error(`POST /transaction answered ${res.status}: ${res.text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** POSTs a SALE of `amountTrans` (startTransaction) and answers its UTI. */
export const startSale = (eposd: EposdProcess, token: string, amountTrans: number): Promise<string> => startTransaction(eposd, token, { transType: 'SALE', amountTrans });

/** GET /transaction, held by the terminal until the outcome is final. */
export async function finalStatus(eposd: EposdProcess, token: string, uti: string): Promise<FinalStatus> {
  const res = await httpsJson<FinalStatus>(`${eposd.apiUrl}/transaction?tid=${eposd.tid}&uti=${uti}&wait=20`, { headers: auth(token), timeoutMs: 25_000 });
  if (res.status !== 200) throw new Error(`GET /transaction answered ${res.status}: ${res.text}`);
  return res.body;
}
