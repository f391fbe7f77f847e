/**
 * The eposd POS client: pair with a terminal (pinning its key), take payments with retry-safe UTIs,
 * wait for outcomes, read the event stream; through a relay, end to end (src/relay-trust/). Depends on
 * nothing but Node, and @noble/curves for the relay's pairing (CPace).
 */
export { EposdClient, newUti, type EposdClientOptions, type PaymentOptions, type WaitOptions } from './client';
export type { EventsOptions } from './events';
export { endpointFrom, parseAddress, type ParsedAddress } from './address';
export { BASE_PATH, DEFAULT_PORT, probeFingerprint, type PairOptions } from './pairing';
export { TerminalStore, addressOf, defaultStorePath, type PairedTerminal } from './store';
export { CertificateChangedError, EposdApiError, EposdClientError, EposdNetworkError, NotPairedError, isNetworkError } from './errors';
export { displayFingerprint, normalizeFingerprint, spkiFingerprint } from './fingerprint';
export type { TransportOptions } from './transport';
export { RelayAnswerRefusedError } from './relay';
export * from './types';
export * from './screen-types';
