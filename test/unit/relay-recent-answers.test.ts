import { RecentAnswers } from '../../src/relay/recent-answers';
import { PresenceBoard } from '../../src/relay-gateway/presence-board';

describe('RecentAnswers (a request delivered twice runs once)', () => {
  it('When a copy arrives while the first runs, then it is told so; once answered, a copy gets the same answer', () => {
    const recent = new RecentAnswers<string>(60_000, 10, () => 0);
    expect(recent.begin('a')).toBe('new');
    expect(recent.begin('a')).toBe('running');
    recent.finish('a', 'answer');
    expect(recent.begin('a')).toEqual({ answer: 'answer' });
  });

  it('When an entry is older than its time to live or the cache is full, then it is forgotten, oldest first', () => {
    let now = 0;
    const recent = new RecentAnswers<string>(1_000, 2, () => now);
    recent.begin('a');
    now = 500;
    recent.begin('b');
    now = 1_200;
    expect(recent.begin('c')).toBe('new');
    expect(recent.begin('a')).toBe('new');
    expect(recent.size).toBeLessThanOrEqual(2);
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
