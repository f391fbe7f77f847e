import { SimulatedPrinter } from '../../src/printer/printer.simulator';
import { SimulatedCardReader } from '../../src/reader/simulator/reader.simulator';
import type { ReaderEvents } from '../../src/reader/card-reader';
import { silentLogger } from '../../src/shared/logger';

// The test hooks EPOSD_SIM_READ_DELAY_MS and EPOSD_SIM_PRINT_DELAY_MS hold the terminal in
// READING_CARD and PRINTING, so that the fault suite can kill it there.

describe('the simulators with delays', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('When the read delay is set, then a presented card is read only after it', () => {
    const reader = new SimulatedCardReader({ mode: 'manual', cardDelayMs: 0, pinDelayMs: 0, readDelayMs: 5_000, logger: silentLogger });
    const seen: string[] = [];
    const events: ReaderEvents = {
      cardDetected: () => void seen.push('detected'),
      cardRead: () => void seen.push('read'),
      cardReadFailed: () => void seen.push('failed'),
      pinEntered: () => void seen.push('pin'),
      customerCancelled: () => void seen.push('cancelled'),
      tipChosen: () => void seen.push('tip'),
    };
    reader.begin({ uti: 'u1', transType: 'SALE', amount: 1000 }, events);
    reader.presentCard('visa-contactless');
    jest.advanceTimersByTime(4_999);
    expect(seen).toEqual(['detected']);
    jest.advanceTimersByTime(1);
    expect(seen).toEqual(['detected', 'read']);
  });

  it('When the print delay is set, then a receipt is printed only after it', async () => {
    const printer = new SimulatedPrinter(silentLogger, 3_000);
    let done = false;
    const printing = printer.print([['MERCHANT COPY', '5', 'C', 'B']], 'merchant copy').then(() => (done = true));
    await jest.advanceTimersByTimeAsync(2_999);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await printing;
    expect(printer.state().printed).toBe(1);
  });

  it('When no delay is set, then both act at once, as before', async () => {
    const printer = new SimulatedPrinter(silentLogger);
    await printer.print([['X', '1', 'L', 'N']], 'x');
    expect(printer.state().printed).toBe(1);
  });
});
