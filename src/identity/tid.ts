import { ApiError } from '../shared/errors';

/** @NOTE A POS whose DHCP lease moved must never act on the wrong terminal: a tid, when sent, must be ours. */
export function checkTid(ours: string, sent: string | undefined): void {
  if (sent !== undefined && sent !== ours) {
    throw new ApiError('TID_MISMATCH', "The tid in the request is not this terminal's TID. Check which terminal this address belongs to.");
  }
}
