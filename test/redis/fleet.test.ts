import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Dependency } from '../support/Dependency.js';
import { FleetProcess } from '../support/FleetProcess.js';
import { describeRedis, RedisServer, waitFor } from '../support/redisServer.js';

describeRedis('a fleet of three Node processes sharing one breaker through Redis', () => {
  const server = new RedisServer();
  const dependency = new Dependency();
  let url = '';
  let members: FleetProcess[] = [];
  let redis: Redis;
  const namespace = `fleet-${process.pid}`;

  beforeAll(async () => {
    await server.start();
    url = await dependency.start();
    redis = new Redis({ port: server.port });
    const options = { failureThreshold: 5, resetTimeout: 1_000, halfOpenMaxCalls: 1, successThreshold: 3 };
    members = ['one', 'two', 'three'].map((id) => new FleetProcess(id, server.port, namespace, url, options));
  }, 30_000);

  afterAll(async () => {
    for (const member of members) member.kill();
    redis?.disconnect();
    await dependency.close();
    await server.dispose();
  });

  const all = (ev: string, n: number) => () => members.every((member) => member.count(ev) >= n);
  const counted = async () => {
    const [calls, failures] = await redis.hmget(`${namespace}:{dep}:state`, 'calls', 'failures');
    return { calls: Number(calls ?? 0), failures: Number(failures ?? 0) };
  };

  it('counts every outcome exactly, opens fleet-wide on failures spread thinly, lets one trial at a time through, and closes for all', async () => {
    // Healthy: the counts in Redis equal the outcomes that happened.
    for (const member of members) member.send({ cmd: 'calls', n: 20 });
    await waitFor(all('done', 1), 'every member made its healthy calls', 20_000);
    expect(dependency.received).toBe(60);
    expect(await counted()).toEqual({ calls: 60, failures: 0 });

    // Down: two failures per instance, too few for any one (failureThreshold 5) to trip alone.
    dependency.mode = 'down';
    for (const member of members) member.send({ cmd: 'calls', n: 2 });
    await waitFor(all('done', 2), 'every member made its failing calls', 10_000);
    const opened = performance.now();
    await waitFor(() => members.every((member) => member.state() === 'open'), 'every instance open', 2_000);
    expect(performance.now() - opened).toBeLessThan(2_000);
    expect(members.filter((member) => member.states()[0] === 'open').length).toBe(3);

    // Recovered but slow: every instance keeps calling; one trial at a time reaches the dependency.
    dependency.mode = 'up';
    dependency.latency = 60;
    for (const member of members) member.send({ cmd: 'run', interval: 5 });
    await waitFor(
      () => members.every((member) => member.state() === 'closed'),
      'every instance closed after recovery',
      15_000,
    );
    expect(dependency.mostTrialsInFlight).toBe(1);
    expect(dependency.trials).toBeGreaterThanOrEqual(3);
    for (const member of members) member.send({ cmd: 'pause' });
    await waitFor(all('done', 3), 'every member paused', 10_000);

    // Shared counts never exceed the outcomes that happened; no process had an unhandled rejection.
    const { calls } = await counted();
    expect(calls).toBeGreaterThan(66);
    expect(calls).toBeLessThanOrEqual(dependency.received);
    for (const member of members) member.send({ cmd: 'exit' });
    const codes = await Promise.all(members.map((member) => member.exited()));
    expect(codes, members.map((member) => member.stderr).join('\n')).toEqual([0, 0, 0]);
    expect(members.every((member) => member.count('unhandled') === 0)).toBe(true);
  }, 60_000);
});
