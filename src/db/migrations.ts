/**
 * The schema, as an explicit ordered list. Version N of the database has run the first N entries.
 * Never edit an entry that has shipped: add a new one.
 */
export const MIGRATIONS: { name: string; sql: string }[] = [
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
];
