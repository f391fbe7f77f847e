import { readdirSync, readFileSync } from 'node:fs';
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
    const targets = [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => relative(SRC, resolve(dirname(file), m[1]!)));
    graph.set(name, targets);
  }
  return graph;
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
// The domain and its ports: none of them knows HTTP, the screen or the composition root.
const DOMAIN = ['transactions', 'pairing', 'settlement', 'reader', 'host', 'printer', 'audit', 'webhooks', 'identity', 'diagnostics', 'shared', 'db'];
const ABOVE_THE_DOMAIN = ['http', 'screen', 'context', 'app', 'main', 'embedded'];
// The *.routes.ts modules declare endpoints: they may use http/, but not the composition root.
const isRoutes = (module: string) => module.endsWith('.routes');

describe('the import graph of src/', () => {
  const graph = importGraph();

  it('has no cycles', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('has no upward imports: the domain imports neither HTTP, nor the screen, nor the composition root', () => {
    const upward = [...graph].flatMap(([from, targets]) =>
      DOMAIN.includes(folder(from)) && !isRoutes(from) ? targets.filter((t) => ABOVE_THE_DOMAIN.includes(folder(t))).map((t) => `${from} → ${t}`) : [],
    );
    expect(upward).toEqual([]);
  });

  it('has no route module that reaches for the composition root', () => {
    const reaching = [...graph].flatMap(([from, targets]) => (isRoutes(from) ? targets.filter((t) => t === 'context' || t === 'app').map((t) => `${from} → ${t}`) : []));
    expect(reaching).toEqual([]);
  });
});
