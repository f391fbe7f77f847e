// `npm run lint:openapi`: writes eposd's OpenAPI document (from dist/, so after tsc) to
// test-output/openapi.json and lints it twice: against the official OpenAPI 3.1 schema
// (validate-openapi.mjs) and with Redocly's recommended rules (redocly.yaml). Exits 1 if either fails.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ownDocument } from './openapi-document.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = join(ROOT, 'test-output', 'openapi.json');
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, JSON.stringify(ownDocument(), null, 2));

const run = (command, args, env = {}) => spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } }).status === 0;
const schemaOk = run(process.execPath, [join(ROOT, 'scripts', 'validate-openapi.mjs'), file]);
// Telemetry is off in redocly.yaml too: the linter sends nothing anywhere.
const redoclyOk = run(join(ROOT, 'node_modules', '.bin', 'redocly'), ['lint', file, '--config', join(ROOT, 'redocly.yaml')], {
  REDOCLY_TELEMETRY: 'off',
  REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
});
process.exit(schemaOk && redoclyOk ? 0 : 1);
