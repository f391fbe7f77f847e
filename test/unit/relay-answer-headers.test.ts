import { everyAnswer } from '../../src/app';
import { recordHeaders } from '../../src/http/headers';
import { RELAYED_ANSWER_HEADERS } from '../../src/relay/protocol';
import { ANSWER_SIGNATURE_HEADER } from '../../src/relay-trust/signatures';

describe("The headers a gateway passes on from a terminal's answer", () => {
  it("When eposd's HTTPS port adds a header to every answer, then the gateway passes it on", () => {
    const names = recordHeaders(everyAnswer()).filter((_, i) => i % 2 === 0);
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) expect(RELAYED_ANSWER_HEADERS).toContain(name.toLowerCase());
  });

  it('When a terminal signs its answer, then the gateway passes the signature on; never a cookie or a CORS header', () => {
    expect(RELAYED_ANSWER_HEADERS).toContain(ANSWER_SIGNATURE_HEADER);
    for (const name of ['set-cookie', 'access-control-allow-origin', 'access-control-allow-credentials', 'location', 'content-length', 'transfer-encoding'])
      expect(RELAYED_ANSWER_HEADERS).not.toContain(name);
  });
});
