// After any 'npm install' on a machine whose registry serves only this platform's binaries, run
// 'node scripts/fix-lockfile.js': npm leaves the other platforms' optional packages (@swc/core-*,
// @unrs/resolver-binding-*) out of package-lock.json, and 'npm ci' on a clean clone then refuses the lock.
// Adds the lock entries npm could not record here: optional platform packages that this registry does not serve.
const fs = require('fs');
const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8'));
const p = lock.packages;
const guess = (name) => {
  const os = ['darwin', 'win32', 'linux', 'android', 'freebsd', 'openharmony', 'sunos', 'aix', 'netbsd', 'openbsd'].find((o) => name.includes(`-${o}-`) || name.endsWith(`-${o}`));
  const cpu = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'wasm32'].find((c) => name.includes(`-${c}`));
  return { ...(cpu ? { cpu: [cpu] } : {}), ...(os ? { os: [os] } : {}) };
};
let added = 0;
for (const [key, entry] of Object.entries(p)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const at = `node_modules/${dep}`;
    if (p[at]) continue;
    p[at] = { version, ...(entry.dev ? { dev: true } : {}), optional: true, ...guess(dep) };
    added++;
  }
}
fs.writeFileSync('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
console.log('added', added);
