import type { BridgeScreen } from '../bridge/screen';
import type { Locale } from '../i18n';
import type { PairingService } from '../pairing/pairing.service';
import type { ScreenService } from '../screen/screen.service';
import type { Clock } from '../shared/clock';
import { DisplayService } from './display.service';

/** The customer display, wired: shown on the screen, and a register's taken down when it unpairs. */
export function createDisplay(deps: {
  clock: Clock;
  currencies: readonly string[];
  locale: Locale;
  screen: ScreenService;
  pairing: Pick<PairingService, 'on'>;
  /** EPOSD_DRIVER=bridge: the payment app, when it owns the cardholder's screen (capability `display`). */
  bridgeScreen?: Pick<BridgeScreen, 'showDisplay'>;
}): DisplayService {
  const display = new DisplayService(deps);
  display.on('change', (view) => deps.screen.showDisplay(view));
  if (deps.bridgeScreen) display.on('change', (view) => deps.bridgeScreen!.showDisplay(view));
  deps.pairing.on('unpaired', ({ registerId }: { registerId: string }) => display.clear(registerId));
  return display;
}
