import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// The shape of src/ that docs/architecture.md describes, checked on the real import statements.
const SRC = resolve(__dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return d.name === 'public' ? [] : sources(path);
    return d.name.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+'(\.{1,2}\/[^']+)'/gm;

/** Every module of src/ (as a path like `transactions/engine`) and the modules of src/ it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const name = relative(SRC, file).replace(/\.ts$/, '');
    // A folder's import is of its index.
    const targets = [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => {
      const target = resolve(dirname(file), m[1]!);
      return relative(SRC, existsSync(`${target}.ts`) ? target : join(target, 'index'));
    });
    graph.set(name, targets);
  }
  return graph;
}

/** What `module` imports for its values (not `import type`): the code it runs. */
function valueImports(module: string): string[] {
  const file = join(SRC, `${module}.ts`);
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].filter((m) => !/^\s*(?:import|export) type\s/.test(m[0])).map((m) => relative(SRC, resolve(dirname(file), m[1]!)));
}

function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

const folder = (module: string) => module.split('/')[0]!;

/**
 * The layers of docs/architecture.md, lowest first: a module imports only from its own folder and
 * from the layers below its own. In the domain each folder is a layer of its own, in the order its
 * services build on one another.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['shared', 'i18n', 'relay-trust'],
  ['config', 'tls', 'discovery'],
  ['db'],
  ['reader', 'host', 'printer'],
  ['identity'],
  ['audit'],
  ['webhooks'],
  ['pairing'],
  ['transactions'],
  ['settlement'],
  ['diagnostics'],
  ['display', 'prompts'],
  ['witness'],
  ['bridge'],
  ['http', 'openapi'],
  ['screen'],
  ['routes'],
  ['composition'],
  ['app'],
  ['relay'],
  ['server', 'main', 'embedded', 'code-cache'],
];
/** Programs of their own: they share with the server only the modules of the protocols they speak. */
const PROGRAMS: Record<string, readonly string[]> = {
  client: ['relay-trust/'],
  cli: ['client/', 'discovery/', 'shared/'],
  'bridge-sim': ['bridge/protocol', 'bridge/handshake', 'bridge/link', 'bridge/framing', 'reader/', 'config/parsers', 'shared/'],
  'bridge-conformance': ['bridge/protocol', 'bridge/handshake', 'bridge/link', 'bridge/framing', 'shared/'],
  'relay-gateway': ['relay/protocol', 'relay/topics', 'relay/mqtt-options', 'http/body', 'http/answer', 'http/json', 'config/parsers', 'tls/', 'shared/'],
};

/** A module's layer: the endpoint declarations (`*.routes`) and each domain's wiring sit above the domain, below the apps. */
function layerOf(module: string): number {
  const name =
    module.endsWith('.routes') || folder(module) === 'health' ? 'routes' : module.endsWith('/wiring') || module === 'context' ? 'composition' : module === 'screen/screen.app' ? 'app' : folder(module);
  return LAYERS.findIndex((names) => names.includes(name));
}

describe('the import graph of src/', () => {
  const graph = importGraph();

  it('has no cycles', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('puts every module of src/ in a layer or a program of its own', () => {
    const unplaced = [...graph.keys()].filter((m) => !(folder(m) in PROGRAMS) && layerOf(m) < 0);
    expect(unplaced).toEqual([]);
  });

  it('has no import that runs upward: each module imports its own folder and the layers below it', () => {
    const upward = [...graph].flatMap(([from, targets]) =>
      folder(from) in PROGRAMS ? [] : targets.filter((t) => folder(t) !== folder(from) && !(folder(t) in PROGRAMS) && layerOf(t) > layerOf(from)).map((t) => `${from} → ${t}`),
    );
    expect(upward).toEqual([]);
  });

  it('has the server import no program of its own, and each program import only the protocol modules it shares', () => {
    const crossing = [...graph].flatMap(([from, targets]) => {
      const own = folder(from);
      const allowed = PROGRAMS[own];
      return targets.filter((t) => folder(t) !== own && (allowed ? !allowed.some((prefix) => t.startsWith(prefix)) : folder(t) in PROGRAMS)).map((t) => `${from} → ${t}`);
    });
    expect(crossing).toEqual([]);
  });

  it("has the bridge's link, a port adapter, write no payment: only the reconciliation uses the repository, the ledger or recovery", () => {
    const RECONCILIATION = ['bridge/reconcile', 'bridge/late-answers', 'bridge/wiring'];
    const WRITERS = /^transactions\/(.+\.repository|recovery|ledger|engine)$/;
    const link = [...graph.keys()].filter((m) => folder(m) === 'bridge' && !RECONCILIATION.includes(m));
    const writing = link.flatMap((m) =>
      valueImports(m)
        .filter((t) => WRITERS.test(t))
        .map((t) => `${m} → ${t}`),
    );
    expect(link.length).toBeGreaterThan(5);
    expect(writing).toEqual([]);
  });

  it('has no route module that reaches for the composition root', () => {
    const reaching = [...graph].flatMap(([from, targets]) => (from.endsWith('.routes') ? targets.filter((t) => t === 'context' || t === 'app').map((t) => `${from} → ${t}`) : []));
    expect(reaching).toEqual([]);
  });
});
