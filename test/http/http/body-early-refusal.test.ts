import { connect } from 'node:net';
import { BASE_PATH } from '../../../src/app';
import { useApi } from '../../helpers/api';

// Found by test/faults/resource-limits.test.ts: a body over the limit was answered 413 only after the
// client had sent all of it (the body parser reads and drops it first). A declared length over the
// limit is now answered at once.

describe('A body declared larger than 16 KiB', () => {
  const t = useApi({ paired: true, listen: true });

  /** Sends the headers of a 1 MiB upload and not one byte of its body; answers the status line, or null after 2 s. */
  const headersOnly = (contentType: string) =>
    new Promise<string | null>((resolve) => {
      const socket = connect(t.server.port, '127.0.0.1', () =>
        socket.write(`POST ${BASE_PATH}/transaction HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${t.token}\r\nContent-Type: ${contentType}\r\nContent-Length: ${1024 * 1024}\r\n\r\n`),
      );
      const timer = setTimeout(() => finish(null), 2_000);
      const finish = (line: string | null) => {
        clearTimeout(timer);
        socket.destroy();
        resolve(line);
      };
      socket.setEncoding('latin1');
      socket.on('data', (d: string) => finish(d.split('\r\n')[0]!));
      socket.on('error', () => finish(null));
    });

  it('When a POS declares a 1 MiB JSON body, then it is answered 413 before it has sent any of it', async () => {
    expect(await headersOnly('application/json')).toBe('HTTP/1.1 413 Payload Too Large');
  });

  it('When the body is not JSON, then it is answered 415 at once, as before', async () => {
    expect(await headersOnly('text/plain')).toBe('HTTP/1.1 415 Unsupported Media Type');
  });
});
