import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { httpsJson } from './http';
import { ROOT, type EposdProcess } from './process';

// Helpers for the POS client and the `eposd-pos` command line, run against a real eposd.

export const POS_CLI = join(ROOT, 'dist', 'cli', 'main.js');

/** A payment's stages are seen, but the run stays short. */
export const QUICK_SIMULATOR_ENV: NodeJS.ProcessEnv = { EPOSD_SIM_CARD_DELAY_MS: '150', EPOSD_SIM_AUTH_DELAY_MS: '50' };

/** The API's host and port, as `eposd-pos pair` takes them. */
export function endpointOf(eposd: EposdProcess): { host: string; port: number } {
  const url = new URL(eposd.apiUrl);
  return { host: url.hostname, port: Number(url.port) };
}

/** The pairing code on the terminal's screen, opening a pairing window first if none is open. */
export async function pairingCode(eposd: EposdProcess): Promise<string> {
  const screen = (await httpsJson(`${eposd.screenUrl}screen`)).body as { pairingCode?: string };
  if (screen.pairingCode) return screen.pairingCode;
  const opened = await httpsJson<{ pairingCode: string }>(`${eposd.screenUrl}screen/actions`, { method: 'POST', body: { action: 'openPairing' } });
  return opened.body.pairingCode;
}

export interface PosRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `eposd-pos` as a user would, with `home` as HOME (so its terminals file lives there)
 * and none of the parent's EPOSD_POS_CONFIG or XDG_CONFIG_HOME.
 */
export function runPos(args: string[], home: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000, stdin = ''): Promise<PosRun> {
  const inherited = { ...process.env };
  delete inherited.EPOSD_POS_CONFIG;
  delete inherited.XDG_CONFIG_HOME;
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [POS_CLI, ...args], { env: { ...inherited, HOME: home, ...env }, timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
    // Standard input is a pipe, never a terminal, as for a script; `stdin` is what is piped in.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(stdin);
  });
}
