// The POS client's types (src/client/types.ts) are written by hand so that the client ships without
// the server. This file holds them to the server's schemas at compile time: `npm test` (tsc --noEmit)
// fails when either side changes without the other. Nothing here runs.
import type { Static } from '@sinclair/typebox';
import type * as Client from '../../src/client/types';
import type * as ClientScreen from '../../src/client/screen-types';
import type { DisplayAnswer, DisplayRequest } from '../../src/display/display.schemas';
import type { EndedPrompt, OpenPrompt, PromptAck, PromptRequest } from '../../src/prompts/prompts.schemas';
import type { ReceiptLine } from '../../src/printer/receipt-line';
import type { CustomPrintAnswer, PrintLine } from '../../src/printer/custom-print';
import type { Locale } from '../../src/i18n';
import type { CardBrand, EmvData } from '../../src/reader/card-data';
import type { LineItem } from '../../src/transactions/order';
import type { PairingAnswer } from '../../src/pairing/pairing.schemas';
import type { Batch } from '../../src/settlement/settlement.schemas';
import type { FinalStatusName, Stage, Status, TransType } from '../../src/transactions/model';
import type { Acknowledgement, FeedEventSchema, FinalStatus, InProgressStatus, PrintAnswer, SearchPage, TransactionRequest } from '../../src/transactions/transactions.schemas';

/** True when A and B are the same type, property by property (optional and required alike). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Every value the server sends is one the client accepts. */
type Accepts<ClientType, ServerType> = [ServerType] extends [ClientType] ? true : false;

export const contract: [
  Same<Client.TransType, TransType>,
  Same<Client.FinalStatusName, FinalStatusName>,
  Same<Client.StatusName, Status>,
  Same<Client.Stage, Stage>,
  Accepts<Client.ReceiptLine, ReceiptLine>,
  Accepts<Client.PairingAnswer, Static<typeof PairingAnswer>>,
  Accepts<Client.Acknowledgement, Static<typeof Acknowledgement>>,
  Accepts<Client.InProgressStatus, Static<typeof InProgressStatus>>,
  Accepts<Client.FinalStatus, Static<typeof FinalStatus>>,
  Accepts<Client.TransactionList, Static<typeof SearchPage>>,
  Accepts<Client.Batch, Static<typeof Batch>>,
  Accepts<Client.ReprintAnswer, Static<typeof PrintAnswer>>,
  Accepts<Client.TransactionEvent, Static<typeof FeedEventSchema>>,
  Accepts<Client.PrintLinesAnswer, Static<typeof CustomPrintAnswer>>,
  Same<Client.LineItem, Static<typeof LineItem>>,
  Same<Client.Locale, Locale>,
  Same<Client.CardBrand, CardBrand>,
  Accepts<Client.EmvData, EmvData>,
  Accepts<Client.PrintLine, Static<typeof PrintLine>>,
  Accepts<Required<Client.OrderData>, Required<Pick<Static<typeof TransactionRequest>, 'description' | 'metadata' | 'lineItems' | 'locale'>>>,
  Same<ClientScreen.DisplayRequest, DisplayRequest>,
  Accepts<ClientScreen.DisplayAnswer, DisplayAnswer>,
  Accepts<PromptRequest, ClientScreen.PromptRequest>,
  Accepts<ClientScreen.PromptAck, PromptAck>,
  Accepts<ClientScreen.OpenPrompt, OpenPrompt>,
  Accepts<ClientScreen.EndedPrompt, EndedPrompt>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true];
