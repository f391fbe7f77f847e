import { lstat, realpath, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** A peer eposd will not believe: the reason is for diagnostics, never for a POS. */
export class UntrustedPeer extends Error {
  readonly code = 'UNTRUSTED';
}

interface Owned {
  uid: number;
  mode: number;
}

const ROOT_UID = 0;
const STICKY = 0o1000;
const WRITABLE_BY_OTHERS = 0o022;
const octal = (mode: number) => `0${(mode & 0o7777).toString(8)}`;

/**
 * @NOTE With a Unix socket the file system says who is at the other end: whoever can create, replace
 * or rename the socket can be the payment app. eposd connects only to a socket owned by its own user
 * (or root) that no other user can write to, in directories owned by its own user or root that no other
 * user can write to — except a sticky directory such as /tmp, where nobody may rename or remove what
 * another user made. Why not, or undefined when the socket can be trusted.
 */
export function distrust(path: string, socket: Owned, dirs: { path: string; owned: Owned }[], uid: number): string | undefined {
  const foreign = (o: Owned) => o.uid !== uid && o.uid !== ROOT_UID;
  if (foreign(socket)) return `the socket ${path} is owned by uid ${socket.uid}, not by eposd's user (uid ${uid}) or root`;
  if (socket.mode & WRITABLE_BY_OTHERS) return `the socket ${path} is writable by other users (mode ${octal(socket.mode)})`;
  for (const dir of dirs) {
    if (foreign(dir.owned)) return `${dir.path}, above the socket, is owned by uid ${dir.owned.uid}, not by eposd's user (uid ${uid}) or root`;
    if (dir.owned.mode & WRITABLE_BY_OTHERS && !(dir.owned.mode & STICKY)) return `${dir.path}, above the socket, is writable by other users (mode ${octal(dir.owned.mode)})`;
  }
  return undefined;
}

/** Throws UntrustedPeer when the socket at `path` (and the directories above it) cannot be trusted. */
export async function checkSocket(path: string): Promise<void> {
  const uid = process.getuid?.();
  // No Unix users (Windows): there is no owner to check.
  if (uid === undefined) return;
  const absolute = resolve(path);
  const socket = await lstat(absolute);
  if (socket.isSymbolicLink()) throw new UntrustedPeer(`the socket ${absolute} is a symbolic link: name the socket itself`);
  const dirs: { path: string; owned: Owned }[] = [];
  for (let dir = await realpath(dirname(absolute)); ; dir = dirname(dir)) {
    dirs.push({ path: dir, owned: await stat(dir) });
    if (dirname(dir) === dir) break;
  }
  const why = distrust(absolute, socket, dirs, uid);
  if (why) throw new UntrustedPeer(why);
}
