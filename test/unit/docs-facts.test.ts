import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CRYPTOGRAM_TYPES } from '../../src/reader/card-data';
import { STAGES, TRANS_TYPES } from '../../src/transactions/model';
import { REPLAY_FIELDS } from '../../src/transactions/transactions.service';
import { OPTIONS } from '../../src/config/options';
import { ROOT } from '../helpers/process';

// What the docs say of the code, checked against the code: a renamed file, a new stage or type, a
// changed rule fails here instead of leaving the docs wrong.

const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const read = (doc: string) => readFileSync(join(ROOT, doc), 'utf8');
const API = read('docs/api.md');

/** The Markdown tables of a text: each a list of rows, each a list of cells (outside code blocks). */
function tables(text: string): { line: number; rows: string[][] }[] {
  const found: { line: number; rows: string[][] }[] = [];
  let fenced = false;
  let current: { line: number; rows: string[][] } | undefined;
  text.split('\n').forEach((line, i) => {
    if (line.startsWith('```')) fenced = !fenced;
    if (!fenced && line.startsWith('|')) {
      current ??= { line: i + 1, rows: [] };
      current.rows.push(
        line
          .split('|')
          .slice(1, -1)
          .map((c) => c.trim()),
      );
    } else if (current) {
      found.push(current);
      current = undefined;
    }
  });
  return found;
}

/** The table row whose first cell is `first`, in the table that has it. */
const rowOf = (text: string, first: string) =>
  tables(text)
    .flatMap((t) => t.rows)
    .find((r) => r[0] === first);

// performance.md is a dated record: it names files of the sessions it reports, some gone since.
const PRESENT = DOCS.filter((d) => d !== 'docs/performance.md');

describe('The docs', () => {
  it.each(PRESENT)('%s names only source files that exist', (doc) => {
    const paths = [...read(doc).matchAll(/`((?:src|test|scripts|deploy)\/[\w./-]+\.(?:ts|js|mjs|cjs|json|sh|conf))`/g)].map((m) => m[1]!);
    expect(paths.filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });

  it.each(DOCS)('%s has each table whole: a header, its rule, its rows (no row astray)', (doc) => {
    for (const t of tables(read(doc))) expect({ line: t.line, rule: t.rows[1]?.every((c) => /^:?-+:?$/.test(c)) ?? false }).toEqual({ line: t.line, rule: true });
  });

  it('docs/api.md names each field or error code once in its table', () => {
    for (const t of tables(API).filter((t) => ['field', 'code'].includes(t.rows[0]![0]!))) {
      const names = t.rows.slice(2).map((r) => r[0]!);
      expect({ line: t.line, twice: names.filter((n, i) => n !== '' && names.indexOf(n) !== i) }).toEqual({ line: t.line, twice: [] });
    }
  });

  it("docs/api.md lists every stage a POS may read, in the status's stage and in the event stream's states", () => {
    for (const field of ['`stage`', '`from`, `state`']) expect({ field, missing: STAGES.filter((s) => !rowOf(API, field)![1]!.includes(`\`${s}\``)) }).toEqual({ field, missing: [] });
  });

  it('docs/api.md lists every transaction type in the search filter', () => {
    expect(TRANS_TYPES.filter((t) => !rowOf(API, '`type`')![1]!.includes(`\`${t}\``))).toEqual([]);
  });

  it('docs/api.md says which cryptogram an approval receipt prints: TC for a chip card, ARQC for a contactless one', () => {
    expect(CRYPTOGRAM_TYPES).toEqual(['ARQC', 'TC', 'AAC']);
    expect(API).toMatch(/`TC: 8C1F…` for a chip card\s+approved, `ARQC: …` for a contactless one/);
  });

  it("docs/payments.md's replay check names every field the code compares", () => {
    const paragraph = /- \*\*Client-chosen UTIs:\*\*[\s\S]*?\n(?=- |\n)/.exec(read('docs/payments.md'))![0];
    expect(REPLAY_FIELDS.filter((f) => !paragraph.includes(`\`${f}\``))).toEqual([]);
  });

  it("keeps out of git every file the docs' recipes make that holds a secret: keys, password files, payment records", () => {
    const made = [
      'certs/key.pem',
      'data/eposd.db',
      'relay-certs/key.pem',
      'relay-passwords',
      'deploy/mosquitto/passwords',
      'deploy/mosquitto/certs/broker.key',
      'deploy/mosquitto/data/mosquitto.db',
      'bridge-sim.json',
    ];
    const ignored = execFileSync('git', ['check-ignore', '--no-index', ...made], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    expect(ignored).toEqual(made);
  });

  it('docs/configuration.md says what EPOSD_READER takes and where a real reader comes from', () => {
    const row = rowOf(read('docs/configuration.md'), '`EPOSD_READER`')!.join(' ');
    expect(OPTIONS.reader.default).toBe('simulator');
    expect(row).not.toMatch(/so far/);
    expect(row).toContain('`EPOSD_DRIVER=bridge`');
  });
});
