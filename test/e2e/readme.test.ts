import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { httpsJson } from '../helpers/http';
import { cleanupEposd, makeTempDir, ROOT, startEposd, type EposdProcess } from '../helpers/process';
import { bash, shBlocks, typeInto } from '../helpers/recipes';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('The README', () => {
  it('begins with exactly the two commands npm ci && npm start and npm test', () => {
    const first = /```sh\n([\s\S]*?)```/.exec(README)![1]!;
    expect(
      first
        .split('\n')
        .filter(Boolean)
        .map((l) => l.replace(/\s+#.*$/, '')),
    ).toEqual(['npm ci && npm start', 'npm test']);
  });

  it('says what the machine needs before its first command: Node and npm, a compiler for better-sqlite3, and that nothing else is needed for npm test', () => {
    const before = README.slice(0, README.indexOf('```sh'));
    expect(before).toMatch(/\*\*What the machine needs\*\*/);
    for (const needed of [/Node 20\.19\+ or 24\.11\+/, /C\+\+ (compiler|toolchain)/, /Python 3/, /make/]) expect(before).toMatch(needed);
    expect(before).toMatch(/npm test[^.]*with nothing else/);
  });

  it('links every document in docs/, and calls the page at / the screen, not the JSON at /screen', () => {
    for (const doc of [...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')), 'api.md']) expect(README).toContain(`](docs/${doc})`);
    expect(README).not.toMatch(/at `?http:\/\/127\.0\.0\.1:8080\/screen`?[^/]/);
  });

  it("pairs each POS of its recipes as a register of its own, so that no step revokes another's token, and says that pairing a register again replaces it", () => {
    const shell = [...README.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).join('\n');
    const registers = [...shell.matchAll(/--register-id (\S+)|registerId=([\w-]+)|registerId\\":\\"([\w-]+)\\"/g)].map((m) => m[1] ?? m[2] ?? m[3]);
    expect(registers.length).toBeGreaterThanOrEqual(2);
    expect(new Set(registers).size).toBe(registers.length);
    expect(README).toMatch(/Pairing a `registerId` that is already paired replaces that register: its\s+earlier token stops working/);
  });

  describe('eposd-pos recipe, against a real eposd', () => {
    let eposd: EposdProcess;
    beforeAll(async () => (eposd = await startEposd({ env: { EPOSD_SIM_CARD_DELAY_MS: '50', EPOSD_SIM_AUTH_DELAY_MS: '20' } })));
    afterAll(cleanupEposd);

    it('when it is pasted in a shell of the repository and the fingerprint is confirmed with y, then it pairs till-1 and sells 12.50, approved with its receipt', async () => {
      const [block] = shBlocks('README.md', '### With `eposd-pos`');
      const api = new URL(eposd.apiUrl);
      const recipe = block!.replaceAll('http://127.0.0.1:8080', eposd.screenUrl.replace(/\/$/, '')).replace('--host 127.0.0.1', `--host 127.0.0.1:${api.port}`);
      const home = makeTempDir('eposd-readme-home-');
      // Typed into an interactive shell (aliases expand) on a terminal (script(1) gives it one), line by
      // line as a person would: up to pair, then y at its question, then the rest.
      const [upToPair, rest] = recipe.split(/(?<=^eposd-pos pair .*$)/m);
      const run = await typeInto(`cd ${ROOT} && exec script -qec "bash --norc -O expand_aliases" /dev/null`, home, [
        [`${upToPair!}\n`, /\[y\/N\]/],
        ['y\n', /Every later connection/],
        [`${rest!}\nexit\n`, undefined],
      ]);
      expect(run.stdout).toContain(eposd.fingerprint);
      expect(run.stdout).toMatch(/Paired with terminal \d{8} .* as register till-1/);
      expect(run.stdout).toMatch(/APPROVED {2}SALE EUR 12\.50 {2}auth \d{6}/);
      expect(run.stdout).toContain('CARDHOLDER COPY');
    }, 90_000);
  });

  describe('curl recipe, against a real eposd', () => {
    let eposd: EposdProcess;
    let recipe: string;
    beforeAll(async () => {
      eposd = await startEposd({ env: { EPOSD_SIM_CARD_DELAY_MS: '50', EPOSD_SIM_AUTH_DELAY_MS: '20' } });
      const [block] = shBlocks('README.md', '### With curl');
      const api = new URL(eposd.apiUrl);
      recipe = block!.replaceAll('http://127.0.0.1:8080', eposd.screenUrl.replace(/\/$/, '')).replaceAll('https://127.0.0.1:8443', `https://127.0.0.1:${api.port}`);
      // What the recipe leaves in the shell, for the checks below.
      recipe += '\necho "TOKEN=$TOKEN"\n';
    });
    afterAll(cleanupEposd);

    it('when it is run twice, as it stands, then both runs pair, sell and print the receipt, the second replaces the first pairing, and nothing is written to disk', async () => {
      const cwd = makeTempDir('eposd-readme-');
      const runs = [await bash(recipe, cwd), await bash(recipe, cwd)];
      const tokens: string[] = [];
      for (const run of runs) {
        expect(run).toMatchObject({ code: 0, stderr: '' });
        expect(run.stdout).toMatch(/^\{"transType":"SALE","amountTrans":1250,"uti":"order-1-[0-9a-f-]{36}"\}$/m);
        expect(run.stdout).toMatch(/^APPROVED \d{6}$/m);
        expect(run.stdout).toContain('CARDHOLDER COPY');
        tokens.push(/^TOKEN=(\S+)$/m.exec(run.stdout)![1]!);
      }
      expect(readdirSync(cwd)).toEqual([]);
      const [first, second] = tokens;
      expect((await httpsJson(`${eposd.apiUrl}/transactions?limit=1`, { headers: { authorization: second! } })).status).toBe(200);
      expect((await httpsJson(`${eposd.apiUrl}/transactions?limit=1`, { headers: { authorization: first! } })).status).toBe(401);
    });
  });
});
