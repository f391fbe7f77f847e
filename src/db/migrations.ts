import type Database from 'better-sqlite3';
import { rebuildTable } from './rebuild-table';
import { SEALED_COLUMNS, sealOf, type Sealed } from '../transactions/seal';

/**
 * The schema, as an explicit ordered list. Version N of the database has run the first N entries.
 * Never edit an entry that has shipped: add a new one.
 */
export const MIGRATIONS: { name: string; sql: string; /** Runs before `sql`, in the same transaction: what SQL alone cannot say. */ before?: (db: Database.Database) => void }[] = [
  {
    name: 'settings and registers',
    sql: `
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      -- One row per paired POS or technician. The token is stored as selector + SHA-256 of its secret.
      CREATE TABLE registers (
        register_id    TEXT PRIMARY KEY,
        register_name  TEXT NOT NULL,
        role           TEXT NOT NULL CHECK (role IN ('pos', 'technician')),
        token_selector TEXT UNIQUE,
        token_hash     BLOB,
        paired_at      TEXT NOT NULL,
        expires_at     TEXT,
        revoked_at     TEXT,
        last_seen_at   TEXT
      ) STRICT;
    `,
  },
  {
    name: 'transactions and their events',
    sql: `
      -- Times are milliseconds since the epoch: compact, and ordered.
      -- AUTOINCREMENT: ids are receipt numbers and event-stream ids, and must never start again from 1
      -- after the purge has emptied a table.
      CREATE TABLE transactions (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        uti              TEXT NOT NULL UNIQUE,
        trans_type       TEXT NOT NULL CHECK (trans_type IN ('SALE', 'REFUND', 'PREAUTH', 'COMPLETION', 'REVERSAL')),
        amount           INTEGER,
        currency         TEXT NOT NULL,
        reference        TEXT,
        original_uti     TEXT,
        register_id      TEXT NOT NULL,
        request_hash     BLOB,
        disable_printing INTEGER NOT NULL DEFAULT 0,
        status           TEXT NOT NULL CHECK (status IN ('IN_PROGRESS', 'APPROVED', 'DECLINED', 'CANCELLED', 'TIMED_OUT', 'FAILED')),
        stage            TEXT,
        status_reason    TEXT,
        response_code    TEXT,
        auth_code        TEXT,
        masked_pan       TEXT,
        entry_mode       TEXT,
        aid              TEXT,
        app_name         TEXT,
        cvm              TEXT,
        voided_by        TEXT,
        completed_by     TEXT,
        reversal         TEXT CHECK (reversal IN ('PENDING', 'DONE')),
        batch_id         INTEGER,
        created_at       INTEGER NOT NULL,
        completed_at     INTEGER
      ) STRICT;
      -- @NOTE One transaction at a time, also at the level of the data.
      CREATE UNIQUE INDEX transactions_one_in_progress ON transactions (status) WHERE status = 'IN_PROGRESS';
      CREATE INDEX transactions_created ON transactions (created_at);
      CREATE INDEX transactions_reversal ON transactions (reversal) WHERE reversal = 'PENDING';

      -- Append-only: every transition of the state machine, committed before it is acted on.
      CREATE TABLE transaction_events (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        transaction_id INTEGER NOT NULL REFERENCES transactions (id) ON DELETE CASCADE,
        at             INTEGER NOT NULL,
        from_state     TEXT NOT NULL,
        to_state       TEXT NOT NULL,
        detail         TEXT
      ) STRICT;
      CREATE INDEX transaction_events_transaction ON transaction_events (transaction_id);
    `,
  },
  {
    name: 'search, settlement batches and webhooks',
    sql: `
      -- Search filters, newest (highest id) first.
      CREATE INDEX transactions_reference ON transactions (reference) WHERE reference IS NOT NULL;
      CREATE INDEX transactions_status ON transactions (status);
      CREATE INDEX transactions_type ON transactions (trans_type);
      CREATE INDEX transactions_unsettled ON transactions (batch_id) WHERE batch_id IS NULL;

      CREATE TABLE batches (
        id        INTEGER PRIMARY KEY,
        opened_at INTEGER NOT NULL,
        closed_at INTEGER NOT NULL,
        closed_by TEXT NOT NULL,
        totals    TEXT NOT NULL
      ) STRICT;

      ALTER TABLE registers ADD COLUMN callback_url TEXT;
      ALTER TABLE registers ADD COLUMN webhook_secret TEXT;

      -- The outbox: written in the same SQLite transaction as the outcome it announces.
      CREATE TABLE webhook_deliveries (
        id              INTEGER PRIMARY KEY,
        delivery_id     TEXT NOT NULL UNIQUE,
        register_id     TEXT NOT NULL,
        uti             TEXT NOT NULL,
        created_at      INTEGER NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        delivered_at    INTEGER,
        failed_at       INTEGER,
        last_error      TEXT
      ) STRICT;
      CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;
    `,
  },
  {
    name: 'audit trail',
    sql: `
      -- Who did what from where. The payment steps themselves are in transaction_events; the
      -- audit trail that diagnostics shows is both, merged by time.
      CREATE TABLE audit_events (
        id       INTEGER PRIMARY KEY,
        at       INTEGER NOT NULL,
        actor    TEXT,
        role     TEXT,
        origin   TEXT,
        event    TEXT NOT NULL,
        outcome  TEXT NOT NULL,
        uti      TEXT
      ) STRICT;
      CREATE INDEX audit_events_at ON audit_events (at);
    `,
  },
  {
    name: 'search newest first by time, with every filter',
    sql: `
      -- Keyset paging on (created_at, id): each filter's index hands rows over already in that order,
      -- so a date range, a status or a reference never sorts or scans a million rows.
      DROP INDEX transactions_reference;
      DROP INDEX transactions_status;
      DROP INDEX transactions_type;
      CREATE INDEX transactions_reference ON transactions (reference, created_at) WHERE reference IS NOT NULL;
      CREATE INDEX transactions_status ON transactions (status, created_at);
      CREATE INDEX transactions_type ON transactions (trans_type, created_at);
    `,
  },
  {
    name: 'a reversal carries the amount it voids',
    sql: `
      -- One answer everywhere: lists, the event stream and GET /transaction all show what a REVERSAL voided.
      UPDATE transactions SET amount = (SELECT o.amount FROM transactions o WHERE o.uti = transactions.original_uti)
      WHERE trans_type = 'REVERSAL' AND amount IS NULL;
    `,
  },
  {
    name: 'payment breadth: INCREMENT, tips, cashback, currencies, linked refunds, partial approvals',
    // SQLite cannot widen a CHECK: the table is built again from its own definition (db/rebuild-table.ts).
    before: (db) => rebuildTable(db, 'transactions', (sql) => sql.replace(/'COMPLETION',\s*'REVERSAL'\)/, "'COMPLETION', 'REVERSAL', 'INCREMENT')")),
    sql: `
      -- Minor units of the transaction's own currency; NULL when not sent.
      ALTER TABLE transactions ADD COLUMN tip_amount INTEGER;
      ALTER TABLE transactions ADD COLUMN cashback_amount INTEGER;
      -- What the host approved when less than asked (a partial approval); NULL otherwise.
      ALTER TABLE transactions ADD COLUMN amount_authorised INTEGER;
      ALTER TABLE transactions ADD COLUMN allow_partial INTEGER;
      -- The tip percentages the cardholder is offered on the terminal (JSON), committed with the payment.
      ALTER TABLE transactions ADD COLUMN tip_options TEXT;
      -- Linked refunds and increments are found by their original.
      CREATE INDEX transactions_original ON transactions (original_uti) WHERE original_uti IS NOT NULL;
    `,
  },
  {
    name: 'order data, locale, card brand and EMV data; metadata search',
    sql: `
      -- Order data is one compact JSON column (NULL for a plain sale); EMV data one short JSON array.
      ALTER TABLE transactions ADD COLUMN order_data TEXT;
      ALTER TABLE transactions ADD COLUMN locale TEXT;
      ALTER TABLE transactions ADD COLUMN card_brand TEXT;
      ALTER TABLE transactions ADD COLUMN emv TEXT;
      -- Each metadata pair once more, for GET /transactions?metadata.KEY=VALUE: the index hands the rows
      -- of one pair over newest first, as the keyset paging reads them, on a million rows as on ten.
      CREATE TABLE transaction_metadata (
        transaction_id INTEGER NOT NULL REFERENCES transactions (id) ON DELETE CASCADE,
        key            TEXT NOT NULL,
        value          TEXT NOT NULL,
        at             INTEGER NOT NULL, -- the transaction's created_at
        PRIMARY KEY (transaction_id, key)
      ) STRICT;
      CREATE INDEX transaction_metadata_pair ON transaction_metadata (key, value, at);
    `,
  },
  {
    name: 'webhook event types',
    sql: `
      -- The event types a register's webhook gets (a JSON array); NULL: transaction.final only, as before.
      ALTER TABLE registers ADD COLUMN callback_events TEXT;
      -- What a delivery announces (NULL: transaction.final), and for events of no transaction, the body
      -- as it was then (uti is '' for those).
      ALTER TABLE webhook_deliveries ADD COLUMN event TEXT;
      ALTER TABLE webhook_deliveries ADD COLUMN payload TEXT;
    `,
  },
  {
    name: 'one transaction in progress, kept by a trigger',
    sql: `
      -- @NOTE One transaction at a time, also at the level of the data, as before: the trigger reads the
      -- status index, where a unique index of its own was one more page to write as each payment opens
      -- and again as it ends (docs/performance.md).
      DROP INDEX transactions_one_in_progress;
      CREATE TRIGGER transactions_one_in_progress BEFORE INSERT ON transactions
        WHEN NEW.status = 'IN_PROGRESS' AND EXISTS (SELECT 1 FROM transactions WHERE status = 'IN_PROGRESS')
        BEGIN SELECT RAISE(ABORT, 'another transaction is in progress'); END;
      CREATE TRIGGER transactions_one_in_progress_again BEFORE UPDATE OF status ON transactions
        WHEN NEW.status = 'IN_PROGRESS' AND OLD.status <> 'IN_PROGRESS' AND EXISTS (SELECT 1 FROM transactions WHERE status = 'IN_PROGRESS')
        BEGIN SELECT RAISE(ABORT, 'another transaction is in progress'); END;
    `,
  },
  {
    name: "a register's relay key",
    sql: `
      -- The public half of the key a POS paired through the relay signs its requests with (Ed25519, SPKI
      -- DER, base64url; docs/relay.md). Public: nothing secret is stored. NULL for a POS paired on the LAN.
      ALTER TABLE registers ADD COLUMN relay_key TEXT;
      `,
  },
  {
    name: 'the card identity of a payment, for its linked refunds',
    sql: `
      -- A keyed hash of the card's number (HMAC-SHA256 under a key that is not in this database), made
      -- where the card is read; never shown. A linked refund's card must have its original's.
      ALTER TABLE transactions ADD COLUMN card_id TEXT;
    `,
  },
  {
    name: 'retention by running time',
    sql: `
      -- What retention goes by (src/transactions/retention.ts): at the terminal's running time running_ms,
      -- the newest row of each table. A row whose id is at most a mark's is at least as old as the running
      -- time since that mark, whatever the wall clock said when it was written.
      CREATE TABLE retention_marks (
        running_ms     INTEGER PRIMARY KEY,
        transaction_id INTEGER NOT NULL,
        audit_id       INTEGER NOT NULL,
        delivery_id    INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    name: 'a seal on each transaction',
    // Every row sealed as it is now (transactions/seal.ts): one that no longer reads so is damaged.
    before: (db) => {
      db.exec('ALTER TABLE transactions ADD COLUMN seal BLOB');
      const reseal = db.prepare('UPDATE transactions SET seal = ? WHERE id = ?');
      const page = db.prepare<[number], Sealed & { id: number }>(`SELECT id, ${SEALED_COLUMNS} FROM transactions WHERE id > ? ORDER BY id LIMIT 1000`);
      for (let rows = page.all(0); rows.length > 0; rows = page.all(rows.at(-1)!.id)) for (const row of rows) reseal.run(sealOf(row), row.id);
    },
    sql: '',
  },
  {
    name: "the POS's prompts",
    sql: `
      -- What a POS asked the cardholder (POST /prompt) and how it ended. The answer is personal data:
      -- sealed under a key that is not in this database (src/prompts/answer-box.ts), erased
      -- EPOSD_PROMPT_ANSWER_TTL_S after it came, the row deleted a day after the prompt ended.
      CREATE TABLE prompts (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        prompt_id        TEXT NOT NULL UNIQUE,
        register_id      TEXT NOT NULL,
        type             TEXT NOT NULL,
        request          TEXT NOT NULL,
        request_hash     BLOB NOT NULL,
        status           TEXT NOT NULL CHECK (status IN ('OPEN', 'ANSWERED', 'SKIPPED', 'CANCELLED', 'TIMED_OUT')),
        status_reason    TEXT,
        answer           BLOB,
        created_at       INTEGER NOT NULL,
        expires_at       INTEGER NOT NULL,
        ended_at         INTEGER,
        answer_erased_at INTEGER
      ) STRICT;
      -- One prompt at a time, also at the level of the data.
      CREATE UNIQUE INDEX prompts_one_open ON prompts (status) WHERE status = 'OPEN';
    `,
  },
];
