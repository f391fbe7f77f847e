import { join } from 'node:path';
import type { Config } from './config/config';
import { openDatabase, type Db } from './db/open';
import { loadIdentity, type TerminalIdentity } from './identity/identity';
import { SettingsRepository } from './identity/settings.repository';
import { PairingService } from './pairing/pairing.service';
import { RegistersRepository } from './pairing/registers.repository';
import { ScreenService } from './screen/screen.service';
import { systemClock, type Clock } from './shared/clock';
import { ids as defaultIds, type IdGenerator } from './shared/ids';
import { silentLogger, type Logger } from './shared/logger';
import { lanAddresses } from './shared/network';

export interface ContextOverrides {
  db?: Db;
  clock?: Clock;
  ids?: IdGenerator;
  logger?: Logger;
  /** Where `[screen]` lines go (standard output by default). */
  screenOut?: (line: string) => void;
  addresses?: string[];
}

export interface AppContext {
  config: Config;
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  identity: TerminalIdentity;
  fingerprint: string;
  startedAt: Date;
  screen: ScreenService;
  pairing: PairingService;
  registers: RegistersRepository;
  settings: SettingsRepository;
  /** Begins the terminal's own work: recovery, timers, the first screen. */
  start(): void;
  /** Stops timers and closes the database. */
  destroy(): void;
}

/** The composition root: builds every service once, from the configuration and the certificate's fingerprint. */
export function createContext(config: Config, fingerprint: string, overrides: ContextOverrides = {}): AppContext {
  const db = overrides.db ?? openDatabase(join(config.dataDir, 'eposd.db'));
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? defaultIds;
  const logger = overrides.logger ?? silentLogger;
  const settings = new SettingsRepository(db);
  const registers = new RegistersRepository(db);
  const identity = loadIdentity(config, settings, ids);
  const screen = new ScreenService(
    { tid: identity.tid, serialNumber: identity.serialNumber, merchantName: identity.merchantName, fingerprint, addresses: overrides.addresses ?? lanAddresses(), apiPort: config.port },
    overrides.screenOut,
  );
  const pairing = new PairingService({ registers, clock, ids, identity, fingerprint, display: screen, logger, pairingTtlMs: config.pairingTtlS * 1000 });

  return {
    config,
    db,
    clock,
    ids,
    logger,
    identity,
    fingerprint,
    startedAt: clock.now(),
    screen,
    pairing,
    registers,
    settings,
    start() {
      pairing.openIfUnpaired();
    },
    destroy() {
      pairing.close();
      if (db.open) db.close();
    },
  };
}
