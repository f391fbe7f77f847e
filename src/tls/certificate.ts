import { createHash, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { SocketAddress } from 'node:net';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { asideName, StartupError } from '../shared/startup-error';

export interface Certificate {
  readonly key: string;
  readonly cert: string;
  /** SHA-256 of the public key (SPKI DER), 64 lowercase hex digits: stays the same across re-issues. */
  readonly fingerprint: string;
  readonly notAfter: Date;
  /** What was repaired or replaced on the way, for the log, the screen and diagnostics. */
  readonly notes: readonly string[];
}

/** Why there is no usable key: none yet, or a file that is empty or not a key. */
export type KeyProblem = 'missing' | 'empty' | 'damaged';

export interface CertificateOptions {
  now?: Date;
  /**
   * Whether a new key, and so a new fingerprint, may be made. Default: only when there is none yet.
   * A key file that is there but empty or damaged is never replaced without it: every pinned POS would fail.
   */
  mayReplaceKey?: (problem: KeyProblem) => boolean;
  /** What to tell the installer when a new key is refused. */
  refusal?: (problem: KeyProblem) => string;
  /**
   * Make a missing or stale certificate in this process rather than in a child: for a host app that
   * runs eposd inside its own process (no child processes there). The X.509 libraries then stay loaded.
   */
  inProcess?: boolean;
}

const KEY_PROBLEMS: Record<KeyProblem, string> = {
  missing: 'is missing',
  empty: 'is empty (0 bytes)',
  damaged: 'is not a valid private key',
};
const DEFAULT_REFUSAL =
  'Restore key.pem from a backup of this terminal. To give the terminal a new key and fingerprint instead (every POS must pair again), start it once with EPOSD_ACCEPT_NEW_IDENTITY=true';

export const VALIDITY_DAYS = 397;
export const REISSUE_BEFORE_EXPIRY_DAYS = 30;
const DAY_MS = 86_400_000;

export function spkiFingerprint(keyOrCertPem: string): string {
  const publicKey = keyOrCertPem.includes('CERTIFICATE') ? new X509Certificate(keyOrCertPem).publicKey : createPublicKey(keyOrCertPem);
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

function writeAtomically(file: string, content: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode });
  renameSync(tmp, file);
}

/**
 * Whether a host is an IP address, parsed by the C library as checkIP parses it. Not net.isIP: its
 * first call compiles Node's IPv6 regular expression, 13 to 40 ms of a start (docs/performance.md).
 */
function isAddress(host: string): boolean {
  return (['ipv4', 'ipv6'] as const).some((family) => {
    try {
      new SocketAddress({ address: host, family });
      return true;
    } catch {
      return false;
    }
  });
}

function altNames(hosts: string[]) {
  return [...new Set(hosts)].map((h) => (isAddress(h) ? { type: 7 as const, ip: h } : { type: 2 as const, value: h }));
}

function needsReissue(certPem: string, hosts: string[], now: Date): boolean {
  const x509 = new X509Certificate(certPem);
  if (new Date(x509.validTo).getTime() - now.getTime() < REISSUE_BEFORE_EXPIRY_DAYS * DAY_MS) return true;
  // checkIP/checkHost compare parsed addresses: the SAN text spells IPv6 uncompressed (::1 is 0:0:0:0:0:0:0:1).
  return hosts.some((h) => (isAddress(h) ? x509.checkIP(h) : x509.checkHost(h, { subject: 'never' })) === undefined);
}

// Made by a child process: the X.509 and ASN.1 libraries (a third of a start to load, and some 4 MB of
// memory) are gone with it once the certificate is made, instead of staying for as long as eposd runs.
// (A worker thread leaves its malloc arena behind: 3.6 MB.)
const ISSUER = `
let input = '';
process.stdin.on('data', (c) => (input += c)).on('end', async () => {
  const { library, attributes, options } = JSON.parse(input);
  options.notBeforeDate = new Date(options.notBeforeDate);
  options.notAfterDate = new Date(options.notAfterDate);
  const pems = await require(library).generate(attributes, options);
  process.stdout.write(JSON.stringify({ private: pems.private, cert: pems.cert }));
});
`;

function issue(privateKeyPem: string | undefined, hosts: string[], now: Date, inProcess: boolean): Promise<{ private: string; cert: string }> {
  const keyPair = privateKeyPem ? { privateKey: privateKeyPem, publicKey: createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString() } : undefined;
  const options = {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + VALIDITY_DAYS * DAY_MS),
    keyPair,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: altNames(hosts) },
    ],
  } satisfies Parameters<typeof import('selfsigned').generate>[1];
  const attributes = [{ name: 'commonName', value: 'eposd' }];
  if (inProcess) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when a certificate is made here, never otherwise
    return (require('selfsigned') as typeof import('selfsigned')).generate(attributes, options);
  }
  const input = JSON.stringify({ library: require.resolve('selfsigned'), attributes, options });
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['-e', ISSUER], { maxBuffer: 1 << 20 }, (err, stdout) => {
      if (err) return reject(new Error(`could not make the certificate: ${err.message}`));
      resolve(JSON.parse(stdout) as { private: string; cert: string });
    });
    child.stdin!.end(input);
  });
}

/**
 * Loads the terminal's key and certificate from `dir`, creating them on the first start.
 * @NOTE A certificate close to expiry, or one that does not name one of this machine's addresses,
 * is re-issued on the same key, so a POS that pinned the key's fingerprint keeps trusting it.
 */
export async function loadOrCreateCertificate(dir: string, hosts: string[], options: CertificateOptions | Date = {}): Promise<Certificate> {
  const { now = new Date(), mayReplaceKey = (p: KeyProblem) => p === 'missing', refusal = () => DEFAULT_REFUSAL, inProcess = false } = options instanceof Date ? { now: options } : options;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
  } catch (err) {
    throw new StartupError(
      dir,
      `the certificate directory cannot be created or made private (${(err as NodeJS.ErrnoException).code})`,
      'Set EPOSD_CERT_DIR to a directory owned by the user eposd runs as',
    );
  }
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  const notes: string[] = [];
  let key = existsSync(keyFile) ? readFileSync(keyFile, 'utf8') : undefined;
  const [problem, why] = keyProblem(key);
  if (problem) {
    // A damaged key file stops the start rather than silently changing identity.
    if (!mayReplaceKey(problem)) throw new StartupError(keyFile, KEY_PROBLEMS[problem] + (why ? ` (${why})` : ''), refusal(problem));
    if (problem !== 'missing') {
      const aside = asideName(keyFile, problem, now);
      renameSync(keyFile, aside);
      notes.push(`${keyFile} ${KEY_PROBLEMS[problem]}: it was set aside as ${aside} and a new key was made.`);
    }
    key = undefined;
  }
  let cert = key && existsSync(certFile) ? readFileSync(certFile, 'utf8') : undefined;
  if (cert !== undefined && !certificateUsable(cert, key!)) {
    notes.push(`${certFile} was damaged or not for key.pem: a new certificate was issued on the same key (same fingerprint).`);
    cert = undefined;
  }
  if (!key || !cert || needsReissue(cert, hosts, now)) {
    const pems = await issue(key, hosts, now, inProcess);
    if (!key) writeAtomically(keyFile, (key = pems.private), 0o600);
    writeAtomically(certFile, (cert = pems.cert), 0o644);
  }
  chmodSync(keyFile, 0o600);
  return Object.freeze({ key, cert, fingerprint: spkiFingerprint(key), notAfter: new Date(new X509Certificate(cert).validTo), notes });
}

/** What is wrong with the key file's content, if anything, and OpenSSL's words for it. */
function keyProblem(key: string | undefined): [KeyProblem | undefined, string?] {
  if (key === undefined) return ['missing'];
  if (key.trim() === '') return ['empty'];
  try {
    createPrivateKey(key);
    return [undefined];
  } catch (err) {
    return ['damaged', (err as Error).message];
  }
}

/** A certificate that parses and carries the key's public half. */
function certificateUsable(certPem: string, keyPem: string): boolean {
  try {
    return spkiFingerprint(certPem) === spkiFingerprint(keyPem);
  } catch {
    return false;
  }
}
