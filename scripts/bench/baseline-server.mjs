#!/usr/bin/env node
// The baseline: the least a bare node:https server must do to answer the bench's requests, with
// eposd's certificate and TLS settings, the same better-sqlite3 pragmas and schema, and the same JSON.
//
//   POST /payntpos/1.0.0/transaction   parses the JSON body, commits one INSERT, answers the acknowledgement
//   GET  /payntpos/1.0.0/transaction   one prepared SELECT by uti, answers eposd's status JSON for that row
//
// With `outcomeAfterMs` (the result delivery's baseline), a POST's row is IN_PROGRESS and, that long
// after, one UPDATE commits its outcome (completed_at stamped just before it, as eposd stamps
// completedAt), then the GETs held for it (`wait=N`) are answered: the least a server can do between
// an outcome and the POS hearing of it, one commit and one answer.
//
// No token check, no validation, no framework. Started by the bench:
//   node baseline-server.mjs '{"certDir":…,"dbFile":…,"statusBody":…}'
// prints `baseline ready port=N` once it listens on 127.0.0.1.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ROOT } from './lib/paths.mjs';

const require = createRequire(import.meta.url);
const { tlsOptions } = require(join(ROOT, 'dist', 'tls', 'options.js'));
const { migrate } = require(join(ROOT, 'dist', 'db', 'migrate.js'));

const options = JSON.parse(process.argv[2]);
const PATH = '/payntpos/1.0.0/transaction';

mkdirSync(dirname(options.dbFile), { recursive: true });
const db = new Database(options.dbFile);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
// eposd's schema, so that the baseline's INSERT updates the same indexes and triggers.
migrate(db);

const insert = db.prepare(
  `INSERT INTO transactions (uti, trans_type, amount, currency, reference, register_id, status, stage, created_at)
   VALUES (?, ?, ?, 'EUR', ?, 'baseline', 'APPROVED', NULL, ?)`,
);
const insertRunning = db.prepare(
  `INSERT INTO transactions (uti, trans_type, amount, currency, reference, register_id, status, stage, created_at)
   VALUES (?, ?, ?, 'EUR', ?, 'baseline', 'IN_PROGRESS', 'AWAITING_CARD', ?)`,
);
const finish = db.prepare(`UPDATE transactions SET status = 'APPROVED', stage = NULL, completed_at = ? WHERE uti = ?`);
/** uti → the answers of the GETs waiting for its outcome. */
const held = new Map();
// The same columns as eposd's lookup by UTI.
const byUti = db.prepare(`SELECT id, uti, trans_type AS transType, amount, currency, reference, original_uti AS originalUti,
  register_id AS registerId, request_hash AS requestHash, disable_printing AS disablePrinting, status, stage,
  status_reason AS statusReason, response_code AS responseCode, auth_code AS authCode, masked_pan AS maskedPan,
  entry_mode AS entryMode, aid, app_name AS appName, cvm, voided_by AS voidedBy, completed_by AS completedBy,
  reversal, batch_id AS batchId, created_at AS createdAt, completed_at AS completedAt FROM transactions WHERE uti = ?`);

// The status JSON eposd answered for the bench's final UTI; the baseline's own row for it.
const statusBody = options.statusBody ? JSON.parse(readFileSync(options.statusBody, 'utf8')) : undefined;
if (statusBody && !byUti.get(statusBody.uti)) {
  db.prepare(
    `INSERT INTO transactions (uti, trans_type, amount, currency, reference, register_id, status, status_reason, response_code, auth_code,
       masked_pan, entry_mode, aid, app_name, cvm, created_at, completed_at)
     VALUES (@uti, @transactionType, @transAmount, @currencyCode, @reference, 'baseline', @status, @statusReason, @transactionResponse, @authCode,
       @primaryAccountNumber, @transactionSource, @applicationId, @appName, @cardholderVerificationMethod, @created, @completed)`,
  ).run({ ...statusBody, created: Date.parse(statusBody.createdAt), completed: Date.parse(statusBody.completedAt) });
}

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const final = (row) => ({ ...statusBody, uti: row.uti, ...(row.completedAt ? { completedAt: new Date(row.completedAt).toISOString() } : {}) });

function settle(uti) {
  const completedAt = Date.now();
  finish.run(completedAt, uti);
  const waiting = held.get(uti) ?? [];
  held.delete(uti);
  if (waiting.length > 0) {
    const body = final(byUti.get(uti));
    for (const answer of waiting) answer(body);
  }
}

function hold(res, uti, waitS) {
  const waiting = held.get(uti) ?? [];
  held.set(uti, waiting);
  const timer = setTimeout(() => (waiting.splice(waiting.indexOf(answer), 1), send(res, 202, { uti, transactionStatus: 'IN_PROGRESS' })), waitS * 1000);
  const answer = (body) => (clearTimeout(timer), send(res, 200, body));
  waiting.push(answer);
}

const server = createServer(tlsOptions(readFileSync(join(options.certDir, 'key.pem'), 'utf8'), readFileSync(join(options.certDir, 'cert.pem'), 'utf8')), (req, res) => {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  if (path !== PATH) return send(res, 404, { status: 404 });
  if (req.method === 'GET') {
    const query = new URLSearchParams(req.url.slice(q + 1));
    const uti = query.get('uti');
    const row = uti ? byUti.get(uti) : undefined;
    if (!row) return send(res, 404, { status: 404 });
    if (row.status !== 'IN_PROGRESS') return send(res, 200, final(row));
    return query.has('wait') ? hold(res, uti, Number(query.get('wait'))) : send(res, 202, { uti, transactionStatus: 'IN_PROGRESS' });
  }
  let text = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (text += c));
  req.on('end', () => {
    const body = JSON.parse(text);
    const uti = randomBytes(18).toString('base64url');
    if (options.outcomeAfterMs === undefined) insert.run(uti, body.transType, body.amountTrans, body.reference ?? null, Date.now());
    else {
      insertRunning.run(uti, body.transType, body.amountTrans, body.reference ?? null, Date.now());
      setTimeout(() => settle(uti), options.outcomeAfterMs);
    }
    send(res, 200, { transType: body.transType, amountTrans: body.amountTrans, uti });
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`baseline ready port=${server.address().port}\n`));
const stop = () => server.close(() => (db.close(), process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
