// Preloaded (NODE_OPTIONS=--require) by the Node 24 test leg and the ARM check: better-sqlite3's addon
// is loaded from BETTER_SQLITE3_ADDON instead of node_modules/better-sqlite3/build/Release, which holds
// the build for the machine's Node 20. NODE_OPTIONS is inherited, so the processes the tests start
// (eposd, the POS command line) load the same build; the variable's name does not begin with EPOSD_,
// which the test helpers drop. Tooling only: eposd itself knows nothing of it.
'use strict';
const addon = process.env.BETTER_SQLITE3_ADDON;
if (addon) {
  const dlopen = process.dlopen;
  process.dlopen = function (module, filename, ...rest) {
    return dlopen.call(this, module, /[\\/]better_sqlite3\.node$/.test(filename) ? addon : filename, ...rest);
  };
}
