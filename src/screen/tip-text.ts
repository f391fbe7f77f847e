/**
 * The cardholder-facing words of the tip step, in one place: the screen shows them as given here, so a
 * message catalogue (one per language) can take them over whole.
 */
export const TIP_TEXT = {
  title: 'Add a tip?',
  message: 'Choose a tip, or no tip',
  noTip: 'No tip',
  custom: 'Other amount',
  confirm: 'OK',
  foot: 'The tip is added to the amount',
} as const;

export type TipText = typeof TIP_TEXT;
