import { createConnection, type Server, type Socket } from 'node:net';
import { LineDecoder, TooLarge } from './framing';
import { MAX_MESSAGE_BYTES } from './protocol';
import { checkSocket } from './socket-trust';

/**
 * One connection between eposd and the bridge, whatever carries it: lines of JSON in, lines out.
 * The socket transports frame them (framing.ts); the in-process channel hands them over as they are,
 * with the same size limit.
 */
export interface Link {
  send(line: string): void;
  close(): void;
  onLine(listener: (line: string) => void): void;
  /** Once, when the link is gone; `reason` says why when it was not a plain close. */
  onClose(listener: (reason?: string) => void): void;
}

/** How eposd reaches the bridge: a new link each time, or a rejection when nobody listens. */
export type Connector = () => Promise<Link>;

export function socketLink(socket: Socket): Link {
  const decoder = new LineDecoder();
  const lines: ((line: string) => void)[] = [];
  const closes: ((reason?: string) => void)[] = [];
  let closed = false;
  let why: string | undefined;
  socket.setNoDelay(true);
  socket.on('data', (chunk: Buffer) => {
    let got: string[];
    try {
      got = decoder.push(chunk);
    } catch (err) {
      why = err instanceof TooLarge ? 'MESSAGE_TOO_LARGE' : 'STREAM_ERROR';
      socket.destroy();
      return;
    }
    for (const line of got) if (!closed) lines.forEach((l) => l(line));
  });
  socket.on('error', (err: NodeJS.ErrnoException) => (why ??= err.code ?? 'SOCKET_ERROR'));
  socket.on('close', () => {
    if (closed) return;
    closed = true;
    closes.forEach((l) => l(why));
  });
  return {
    send: (line) => void (!closed && socket.write(line.endsWith('\n') ? line : `${line}\n`)),
    close: () => socket.destroy(),
    onLine: (l) => void lines.push(l),
    onClose: (l) => void closes.push(l),
  };
}

function connectSocket(options: { path: string } | { host: string; port: number }): Promise<Link> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(options);
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve(socketLink(socket));
    });
    socket.once('error', reject);
  });
}

/** A Unix socket, checked before every connection (socket-trust.ts): a socket another user could have made is refused. */
export const unixConnector =
  (path: string): Connector =>
  async () => {
    await checkSocket(path);
    return connectSocket({ path });
  };

/** Loopback only: the bridge is on the same device. */
export const tcpConnector =
  (port: number): Connector =>
  () =>
    connectSocket({ host: '127.0.0.1', port });

/** A bridge's side: every connection a server accepts, as a link. */
export function acceptLinks(server: Server, onLink: (link: Link) => void): void {
  server.on('connection', (socket) => onLink(socketLink(socket)));
}

/**
 * The in-process channel (an Android host app running eposd inside itself): the same lines, no socket.
 * The host app calls `channel.accept(onLink)` with its bridge's handler; eposd's connector is
 * `channel.connector`. Each connect makes a fresh pair; a link closed on one side closes the other.
 */
export class InProcessChannel {
  private listener: ((link: Link) => void) | undefined;
  private readonly open = new Set<() => void>();

  accept(onLink: (link: Link) => void): void {
    this.listener = onLink;
  }

  /** The bridge goes away: open links close, and connects fail until it accepts again. */
  unlisten(): void {
    this.listener = undefined;
    for (const close of [...this.open]) close();
  }

  readonly connector: Connector = () => {
    const listener = this.listener;
    if (!listener) return Promise.reject(new Error('no bridge is listening on the in-process channel'));
    const [a, b] = pair(
      (close) => this.open.add(close),
      (close) => this.open.delete(close),
    );
    setImmediate(() => listener(b));
    return Promise.resolve(a);
  };
}

function pair(track: (close: () => void) => void, untrack: (close: () => void) => void): [Link, Link] {
  type Side = { lines: ((line: string) => void)[]; closes: ((reason?: string) => void)[] };
  const sides: [Side, Side] = [
    { lines: [], closes: [] },
    { lines: [], closes: [] },
  ];
  let closed = false;
  const close = (reason?: string) => {
    if (closed) return;
    closed = true;
    untrack(close);
    setImmediate(() => sides.forEach((s) => s.closes.forEach((l) => l(reason))));
  };
  track(close);
  const link = (me: number): Link => ({
    send: (line) => {
      if (closed) return;
      const text = line.endsWith('\n') ? line.slice(0, -1) : line;
      if (Buffer.byteLength(text) > MAX_MESSAGE_BYTES) return close('MESSAGE_TOO_LARGE');
      setImmediate(() => !closed && sides[1 - me]!.lines.forEach((l) => l(text)));
    },
    close: () => close(),
    onLine: (l) => void sides[me]!.lines.push(l),
    onClose: (l) => void sides[me]!.closes.push(l),
  });
  return [link(0), link(1)];
}
