import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

// A hand-made TLS 1.2 ClientHello that offers DEFLATE compression (and the empty renegotiation_info
// extension of RFC 5746), sent over plain TCP; the ServerHello says what the server chose. Neither
// Debian's sslscan nor its openssl can offer compression (built without zlib), so this is how the
// suite sees the server refuse it.

const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u24 = (n: number) => Buffer.from([n >> 16, (n >> 8) & 0xff, n & 0xff]);
const ext = (type: number, body: Buffer) => Buffer.concat([u16(type), u16(body.length), body]);

function clientHello(): Buffer {
  const suites = [0xc02b, 0xc02c, 0xcca9, 0xc02f, 0xc030, 0xcca8];
  const extensions = Buffer.concat([
    ext(0x000a, Buffer.concat([u16(6), u16(0x001d), u16(0x0017), u16(0x0018)])), // supported_groups
    ext(0x000b, Buffer.from([1, 0])), // ec_point_formats: uncompressed
    ext(0x000d, Buffer.concat([u16(6), u16(0x0403), u16(0x0804), u16(0x0401)])), // signature_algorithms
    ext(0xff01, Buffer.from([0])), // renegotiation_info, empty: a first handshake
  ]);
  const body = Buffer.concat([
    u16(0x0303),
    randomBytes(32),
    Buffer.from([0]), // no session id
    u16(suites.length * 2),
    ...suites.map(u16),
    Buffer.from([2, 1, 0]), // compression methods: DEFLATE, then null
    u16(extensions.length),
    extensions,
  ]);
  const handshake = Buffer.concat([Buffer.from([1]), u24(body.length), body]);
  return Buffer.concat([Buffer.from([0x16, 0x03, 0x01]), u16(handshake.length), handshake]);
}

export interface ServerHello {
  version: string;
  cipherSuite: string;
  /** 0 is none; 1 would be DEFLATE. */
  compressionMethod: number;
  /** The server sent renegotiation_info: it supports secure renegotiation (RFC 5746). */
  secureRenegotiation: boolean;
}

/** Sends the ClientHello to host:port and parses the ServerHello. */
export function helloWithCompression(host: string, port: number, timeoutMs = 5_000): Promise<ServerHello> {
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    const socket = connect(port, host, () => socket.write(clientHello()));
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error('no ServerHello in time')), timeoutMs);
    socket.on('error', fail);
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (data.length < 9) return;
      if (data[0] === 0x15) return fail(new Error(`the server answered with a TLS alert: ${data.subarray(5, 7).toString('hex')}`));
      const handshakeLength = data.readUIntBE(6, 3);
      if (data[0] !== 0x16 || data[5] !== 2) return fail(new Error(`not a ServerHello: ${data.subarray(0, 8).toString('hex')}`));
      if (data.length < 9 + handshakeLength) return;
      clearTimeout(timer);
      socket.destroy();
      let at = 9;
      const version = data.readUInt16BE(at).toString(16);
      at += 2 + 32;
      at += 1 + data[at]!; // session id
      const cipherSuite = data.readUInt16BE(at).toString(16);
      at += 2;
      const compressionMethod = data[at]!;
      at += 1;
      let secureRenegotiation = false;
      if (at < 9 + handshakeLength) {
        const end = at + 2 + data.readUInt16BE(at);
        for (at += 2; at < end;) {
          const type = data.readUInt16BE(at);
          const length = data.readUInt16BE(at + 2);
          if (type === 0xff01) secureRenegotiation = true;
          at += 4 + length;
        }
      }
      resolve({ version, cipherSuite, compressionMethod, secureRenegotiation });
    });
  });
}
