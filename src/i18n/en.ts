/**
 * English: the source catalogue. Every other locale must have exactly these keys (its type is
 * `Catalogue`, so a missing one fails the build). Receipt texts are printed upper-cased.
 */
export const en = {
  // The screen, during a payment
  'type.SALE': 'Sale',
  'type.REFUND': 'Refund',
  'type.PREAUTH': 'Pre-auth',
  'type.COMPLETION': 'Completion',
  'type.REVERSAL': 'Reversal',
  'prompt.PRESENT_CARD': 'Present card',
  'prompt.READING_CARD': 'Reading card…',
  'prompt.ENTER_PIN': 'Enter PIN',
  'prompt.AUTHORISING': 'Authorising…',
  'prompt.PRINTING': 'Printing receipt…',
  'foot.PRESENT_CARD': 'Tap, insert or swipe',
  'foot.ENTER_PIN': 'ENTER to confirm · CLEAR to correct',
  'foot.AUTHORISING': 'Do not remove card',
  'screen.items': 'Your order',
  // Outcomes, on the screen and the receipt
  'outcome.APPROVED': 'Approved',
  'outcome.DECLINED': 'Declined',
  'outcome.CANCELLED': 'Cancelled',
  'outcome.TIMED_OUT': 'Timed out',
  'outcome.FAILED': 'Failed',
  'reason.CARD_TIMEOUT': 'Card timeout',
  'reason.PIN_TIMEOUT': 'Pin timeout',
  'reason.CARD_READ_ERROR': 'Card read error',
  'reason.READER_ERROR': 'Reader error',
  'reason.POS_CANCELLED': 'Pos cancelled',
  'reason.CUSTOMER_CANCELLED': 'Customer cancelled',
  'reason.TERMINAL_RESTARTED': 'Terminal restarted',
  'reason.DO_NOT_HONOUR': 'Do not honour',
  'reason.INSUFFICIENT_FUNDS': 'Insufficient funds',
  'reason.EXPIRED_CARD': 'Expired card',
  'reason.INCORRECT_PIN': 'Incorrect pin',
  'reason.ISSUER_UNAVAILABLE': 'Issuer unavailable',
  'reason.DECLINED': 'Declined',
  // The receipt
  'receipt.MERCHANT_COPY': 'Merchant copy',
  'receipt.CARDHOLDER_COPY': 'Cardholder copy',
  'receipt.DUPLICATE': 'Duplicate',
  'title.SALE': 'Sale',
  'title.REFUND': 'Refund',
  'title.PREAUTH': 'Pre-authorisation',
  'title.COMPLETION': 'Completion',
  'title.REVERSAL': 'Void',
  'receipt.amount': 'Amount',
  'receipt.authorised': 'Authorised',
  'receipt.declined': 'Declined',
  'receipt.card': 'Card',
  'receipt.tax': 'Tax',
  'receipt.original': 'Original',
  'receipt.receiptNo': 'Receipt no',
  'receipt.signature': 'Signature',
  'receipt.retain': 'Please retain for your records',
  'receipt.thankYou': 'Thank you',
  'receipt.end': '*** End of receipt ***',
  'cvm.PIN': 'PIN verified',
  'cvm.NO_CVM': 'No cardholder verification',
  'cvm.SIGNATURE': 'Signature verified',
  'entry.ICC': 'Chip',
  'entry.PICC': 'Contactless',
  'entry.MAG': 'Swiped',
  'entry.MANUAL': 'Keyed',
  // Tipping on the terminal (issue 15, money half): its strings go here, in every locale.
};

export type MessageKey = keyof typeof en;
/** A locale's catalogue: every key of the English one, each translated. */
export type Catalogue = Readonly<Record<MessageKey, string>>;
