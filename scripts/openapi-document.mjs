// eposd's own OpenAPI document, as the built app (dist/: run tsc first) serves it.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function ownDocument() {
  const { loadConfig } = require('../dist/config/config.js');
  const { createContext } = require('../dist/context.js');
  const { openDatabase } = require('../dist/db/open.js');
  const { createApp } = require('../dist/app.js');
  const ctx = createContext(loadConfig({}), '0'.repeat(64), { db: openDatabase(':memory:'), screenOut: () => {} });
  try {
    return createApp(ctx).locals.openapi;
  } finally {
    ctx.destroy();
  }
}
