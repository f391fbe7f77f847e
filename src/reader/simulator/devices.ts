import type { Config } from '../../config/config';
import { SimulatedHost } from '../../host/host.simulator';
import { SimulatedPrinter } from '../../printer/printer.simulator';
import type { IdGenerator } from '../../shared/ids';
import type { Logger } from '../../shared/logger';
import { SimulatedCardReader } from './reader.simulator';

const SIM_PIN_DELAY_MS = 1_500;

/** The card reader, payment host and printer simulated, as the configuration sets them (EPOSD_SIM_*), each made when asked for. */
export function simulatedDevices(config: Config, d: { ids: IdGenerator; logger: Logger; cardKey: Buffer }) {
  const { ids, logger } = d;
  return {
    reader: () =>
      new SimulatedCardReader({
        mode: config.simMode,
        cardDelayMs: config.simCardDelayMs,
        pinDelayMs: Math.min(SIM_PIN_DELAY_MS, config.simCardDelayMs),
        readDelayMs: config.simReadDelayMs,
        tip: config.simTip,
        cardKey: d.cardKey,
        logger,
      }),
    host: () => new SimulatedHost({ authDelayMs: config.simAuthDelayMs, lateAnswerMs: config.hostTimeoutMs + config.simAuthDelayMs + 1000, ids, logger, journal: config.simHostJournal }),
    printer: () => new SimulatedPrinter(logger, config.simPrintDelayMs),
  };
}
