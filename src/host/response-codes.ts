/** ISO 8583 response codes as eposd names them in `statusReason`. */
export const RESPONSE_REASONS: Readonly<Record<string, string>> = {
  '00': 'APPROVED',
  '05': 'DO_NOT_HONOUR',
  '51': 'INSUFFICIENT_FUNDS',
  '54': 'EXPIRED_CARD',
  '55': 'INCORRECT_PIN',
  '91': 'ISSUER_UNAVAILABLE',
};
