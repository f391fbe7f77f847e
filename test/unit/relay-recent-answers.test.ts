import { RecentAnswers } from '../../src/relay/recent-answers';
import { PresenceBoard } from '../../src/relay-gateway/presence-board';

const bytes = (n: number) => Buffer.alloc(n, 1);

describe('RecentAnswers (a request delivered twice runs once)', () => {
  it('When a copy arrives while the first runs, then it is told so; once answered, a copy gets the same answer', () => {
    const recent = new RecentAnswers(60_000, 1_000_000);
    expect(recent.begin('a')).toBe('new');
    expect(recent.begin('a')).toBe('running');
    recent.finish('a', bytes(10));
    expect(recent.begin('a')).toEqual({ answer: bytes(10) });
  });

  it('When the answers exceed their bytes, then the least recently used are forgotten, none of them expired, and the bytes stay under the bound', () => {
    const clock = { now: () => 0 }; // no time passes: only the bytes can make room
    const recent = new RecentAnswers(60_000, 10_000, clock);
    for (let i = 0; i < 100; i++) {
      recent.begin(`r${i}`);
      recent.finish(`r${i}`, bytes(1_000));
      if (i >= 90) expect(recent.begin('r85')).toEqual({ answer: bytes(1_000) }); // read again: used recently
    }
    expect(recent.bytes).toBeLessThanOrEqual(10_000);
    expect(recent.begin('r85')).toEqual({ answer: bytes(1_000) });
    expect(recent.begin('r99')).toEqual({ answer: bytes(1_000) });
    expect(recent.begin('r86')).toBe('new');
    expect(recent.begin('r0')).toBe('new');
  });

  it('When an answer is older than its time to live, then it is forgotten though the bytes have room, and a copy runs', () => {
    const clock = { now: () => 1_000 };
    const recent = new RecentAnswers(60_000, 1_000_000, clock);
    recent.begin('old');
    recent.finish('old', bytes(10));
    clock.now = () => 1_000 + 60_000;
    expect(recent.begin('old')).toEqual({ answer: bytes(10) });
    clock.now = () => 1_000 + 60_001;
    expect(recent.begin('old')).toBe('new');
  });

  it('When the answers fill the cache, then a request still running is never evicted: its copy is dropped, not run again', () => {
    const recent = new RecentAnswers(60_000, 10_000);
    recent.begin('running');
    for (let i = 0; i < 100; i++) {
      recent.begin(`r${i}`);
      recent.finish(`r${i}`, bytes(1_000));
    }
    expect(recent.begin('running')).toBe('running');
  });

  it('When a request was dropped or failed, then forgetting it lets a redelivered copy run', () => {
    const recent = new RecentAnswers(60_000, 10_000);
    recent.begin('dropped');
    recent.forget('dropped');
    expect(recent.begin('dropped')).toBe('new');
  });
});

describe('PresenceBoard (what the gateway knows of terminals)', () => {
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));

  it('When the last will replaces the presence, then the terminal is offline and keeps the last time its heartbeat was seen', () => {
    const board = new PresenceBoard();
    board.update('10000001', 'presence', json({ online: true, lastSeen: '2026-12-01T10:00:00.000Z' }));
    board.update('10000001', 'seen', json({ lastSeen: '2026-12-01T10:05:00.000Z' }));
    expect(board.isOnline('10000001')).toBe(true);
    board.update('10000001', 'presence', json({ online: false, lastSeen: null }));
    expect(board.list()).toEqual([{ tid: '10000001', online: false, lastSeen: '2026-12-01T10:05:00.000Z' }]);
  });

  it('When a presence is cleared or garbage, then the board drops or ignores it', () => {
    const board = new PresenceBoard();
    board.update('10000001', 'presence', json({ online: true, lastSeen: 'not a date' }));
    board.update('10000002', 'presence', Buffer.from('{not json'));
    expect(board.list()).toEqual([{ tid: '10000001', online: true, lastSeen: null }]);
    board.update('10000001', 'presence', Buffer.alloc(0));
    expect(board.size).toBe(0);
  });
});
