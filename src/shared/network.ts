import { networkInterfaces } from 'node:os';

/** This machine's own addresses, loopback excluded: what a POS on the LAN would call. */
export function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a): a is NonNullable<typeof a> => !!a && !a.internal && !(a.family === 'IPv6' && a.address.startsWith('fe80')))
    .map((a) => a.address);
}
