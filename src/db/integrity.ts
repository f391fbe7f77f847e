import { Worker } from 'node:worker_threads';
import type { Db } from './open';

// quick_check reads the whole file: on a large database it runs for seconds, so it runs in a worker
// thread on its own read-only connection and payments are not held up. An in-memory database
// (tests) is checked in place.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
try { parentPort.postMessage(db.pragma(workerData.pragma, { simple: false }).map((r) => Object.values(r)[0])); }
finally { db.close(); }
`;

export async function integrityCheck(db: Db, kind: 'quick_check' | 'integrity_check' = 'quick_check'): Promise<string[]> {
  if (db.memory) return (db.pragma(kind) as Record<string, string>[]).map((r) => Object.values(r)[0]!);
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { file: db.name, pragma: kind, driver: require.resolve('better-sqlite3') } });
    worker.once('message', (rows: string[]) => resolve(rows));
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`integrity check worker exited ${code}`)));
  });
}
