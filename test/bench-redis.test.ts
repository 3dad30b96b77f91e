// The Redis scenarios of `npm run bench` (bench/redis-*.js), run against the sources (through tsx)
// so that they cannot rot between two bench runs: their rows stay pending without redis-server, and
// with a real one the fleet they drive (bench/lib/fleet.js, fleet-member.js) measures what they say.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allIn, type Member, startFleet, wall } from '../bench/lib/fleet.js';
import type { Row } from '../bench/lib/measure.js';
import { overshoot } from '../bench/lib/overshoot.js';
import { describeRedis, RedisServer } from './support/redisServer.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const GROUPS = ['redis-hotpath', 'redis-propagation', 'redis-load', 'redis-overshoot'];

/** Runs one bench group on the sources; resolves with its exit code and the rows it printed. */
function runGroup(group: string, env: Record<string, string>) {
  const { REQUIRE_REDIS: _, ...inherited } = process.env;
  const run = spawnSync(process.execPath, ['--import', 'tsx', `bench/${group}.js`], {
    cwd: root,
    env: { ...inherited, BREAKWATER_DIST: SOURCES, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  let rows: Row[] = [];
  if (run.status === 0) rows = (JSON.parse(run.stdout) as { rows: Row[] }).rows;
  return { status: run.status, rows, stderr: run.stderr };
}

describe('the Redis bench groups without redis-server', () => {
  const missing = { BENCH_REDIS_SERVER: 'redis-server-that-is-not-installed' };

  it.each(GROUPS)('%s reports its rows as pending and does not fail', (group) => {
    const { status, rows, stderr } = runGroup(group, missing);
    expect(status, stderr).toBe(0);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.value).toBeNull();
      expect(row.note).toBe('pending: redis-server not installed');
    }
    expect(stderr).toMatch(/redis-server is not installed/);
  });

  it('with REQUIRE_REDIS=1 a missing redis-server fails the group instead', () => {
    const { status, stderr } = runGroup('redis-propagation', { ...missing, REQUIRE_REDIS: '1' });
    expect(status).not.toBe(0);
    expect(stderr).toMatch(/REQUIRE_REDIS=1 but redis-server is not installed/);
  });
});

describeRedis('the Redis bench fleet, on a real redis-server', () => {
  const server = new RedisServer();
  let members: Member[] = [];

  beforeAll(async () => {
    await server.start();
    process.env.BREAKWATER_DIST = SOURCES; // the members import the sources, through tsx
    members = await startFleet(3, {
      port: server.port,
      namespace: 'bench-test',
      store: { flushInterval: 50 },
    });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(members.map((m) => m.exit()));
    delete process.env.BREAKWATER_DIST;
    await server.dispose();
  });

  it('an open on one member reaches the others as a remote open, stamped after the trip', async () => {
    for (let trip = 0; trip < 3; trip++) {
      const tripper = members[trip]!;
      const others = members.filter((m) => m !== tripper);
      let since = members.map((m) => m.messages.length);
      tripper.send({ cmd: 'open' });
      const tripped = await tripper.next((m) => m.ev === 'tripped', 'tripped', since[trip]);
      const opened = await allIn(
        others,
        'open',
        others.map((m) => since[members.indexOf(m)]!),
      );
      for (const m of opened) {
        expect(m.reason).toBe('remote');
        expect(m.at! - tripped.at!).toBeGreaterThan(0);
        expect(m.at! - tripped.at!).toBeLessThan(5_000);
      }
      since = members.map((m) => m.messages.length);
      tripper.send({ cmd: 'reset' });
      await allIn(members, 'closed', since);
    }
  }, 60_000);

  it('a failing dependency: every member opens, and its log gives the crossing and what came after', async () => {
    for (const [i, member] of members.entries()) member.send({ cmd: 'traffic', interval: 20, offset: i * 7 });
    let since = members.map((m) => m.messages.length);
    const t0 = wall() + 200;
    for (const member of members) member.send({ cmd: 'failFrom', t0 });
    const opened = await allIn(members, 'open', since);
    for (const member of members) member.send({ cmd: 'collect' });
    const logs = (
      await Promise.all(members.map((m, i) => m.next((x) => x.ev === 'calls', 'its log', since[i])))
    ).map((m) => m.log!);
    for (const log of logs) {
      // Successes before t0 (the lead), failures from t0 on, and nothing after the member opened.
      const firstFailure = log.failed.indexOf(1);
      expect(firstFailure).toBeGreaterThan(0);
      expect(log.at[firstFailure]).toBeGreaterThanOrEqual(t0);
      expect(log.failed.slice(firstFailure).every((f) => f === 1)).toBe(true);
    }
    const result = overshoot(
      logs,
      opened.map((m) => m.at!),
      { failureThreshold: 5, minimumCalls: 1 },
    );
    expect(result.crossedAt).toBeGreaterThanOrEqual(t0);
    expect(result.failures).toBeGreaterThanOrEqual(5);
    // Each member trips on its own 5 at the latest: never more than 15 in all.
    expect(result.failures).toBeLessThanOrEqual(15);
    expect(result.after).toBe(result.failures - 5);
    since = members.map((m) => m.messages.length);
    for (const member of members) member.send({ cmd: 'recover' });
    members[0]!.send({ cmd: 'reset' });
    await allIn(members, 'closed', since);
    for (const member of members) member.send({ cmd: 'quiet' });
    await Promise.all(members.map((m, i) => m.next((x) => x.ev === 'quiet', 'quiet', since[i])));
  }, 60_000);

  it('the propagation group runs end to end and reports the target row', () => {
    const { status, rows, stderr } = runGroup('redis-propagation', { BENCH_TRIPS: '6' });
    expect(status, stderr).toBe(0);
    const target = rows.find((r) => r.target === 10);
    expect(target?.unit).toBe('ms');
    expect(target?.value).toBeGreaterThan(0);
    expect(rows[0]?.note).toMatch(/^6 trips/);
  }, 60_000);
});
