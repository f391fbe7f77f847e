#!/usr/bin/env node
// node scripts/bench/profile-top.mjs <file.cpuprofile> [rows] [focus]: the functions with the most self
// time and the most inclusive time in a V8 CPU profile (profile-ack.mjs and profile-status.mjs write
// them); with `focus` (the start of a label, e.g. "finalBody" or "start transactions/"), what runs under
// the functions it names, by inclusive time. For profiling by hand: nothing here is a figure.
import { readFileSync } from 'node:fs';

const [file, rowsArg, focus] = process.argv.slice(2);
const rows = Number(rowsArg ?? 40);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const label = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;

const selfUs = new Map();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const totalUs = new Map();
const total = (id) => {
  const n = nodes.get(id);
  const us = (selfUs.get(id) ?? 0) + (n.children ?? []).reduce((sum, c) => sum + total(c), 0);
  totalUs.set(id, us);
  return us;
};
const all = total(profile.nodes[0].id);

/** Sums per label over the call tree from `id`; a label is counted once per path (recursion). */
function sums(id, inside, out, onPath = new Set()) {
  const n = nodes.get(id);
  const l = label(n);
  const here = inside || l.startsWith(focus ?? '\0');
  if ((focus === undefined || here) && !onPath.has(l)) out.inclusive.set(l, (out.inclusive.get(l) ?? 0) + totalUs.get(id));
  if (focus === undefined || here) out.self.set(l, (out.self.get(l) ?? 0) + (selfUs.get(id) ?? 0));
  const path = new Set(onPath).add(l);
  for (const c of n.children ?? []) sums(c, here, out, path);
  return out;
}
const { self, inclusive } = sums(profile.nodes[0].id, false, { self: new Map(), inclusive: new Map() });

const print = (title, m) => {
  console.log(`\n${title} (of ${(all / 1000).toFixed(0)} ms)`);
  for (const [l, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, rows)) console.log(`${(us / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / all).toFixed(1).padStart(5)}%  ${l}`);
};
print(focus ? `self, under ${focus}` : 'self', self);
print(focus ? `inclusive, under ${focus}` : 'inclusive', inclusive);
