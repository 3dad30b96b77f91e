// One instance of a fleet under Redis faults, as a real process: a breaker named `dep` shared through
// a RedisStore, calling an in-process dependency the parent makes healthy or failing, and telling the
// parent everything that matters for the fail-safe promises (JSON lines on stdout): each state change,
// each storeError, any unhandled rejection or uncaught exception, the calls made, admitted and
// refused, and any error a caller saw that was neither the dependency's nor a refusal. Driven by
// JSON lines on stdin (see `Command`). Used by bench/chaos/run.ts and test/reliability/redis-*.test.ts.
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { CircuitBreaker, isCircuitBreakerError } from '../../src/index.js';
import { RedisStore } from '../../src/redis/index.js';
import type { Command, Counts, MemberConfig } from './protocol.js';

class DependencyDown extends Error {
  override readonly name = 'DependencyDown';
}

const config = JSON.parse(process.argv[2] ?? '{}') as MemberConfig;
const say = (message: object) => process.stdout.write(`${JSON.stringify({ id: config.id, ...message })}\n`);
const errorText = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);
process.on('unhandledRejection', (error) =>
  say({ ev: 'fatal', kind: 'unhandledRejection', error: errorText(error) }),
);
process.on('uncaughtException', (error) =>
  say({ ev: 'fatal', kind: 'uncaughtException', error: errorText(error) }),
);

const client = new Redis({
  port: config.port,
  host: '127.0.0.1',
  lazyConnect: true,
  maxRetriesPerRequest: 0,
});
client.on('error', () => {}); // the user's own client is never connected by the store
const store = new RedisStore({ client, namespace: config.namespace, instanceId: config.id, ...config.store });
const breaker = new CircuitBreaker({ failureThreshold: 5, ...config.breaker, name: 'dep', store });
breaker.on('stateChange', ({ from, to, reason }) => say({ ev: 'state', from, to, reason, t: Date.now() }));
breaker.on('storeError', ({ error }) => say({ ev: 'storeError', error: errorText(error), t: Date.now() }));

const counts: Counts = { made: 0, admitted: 0, refused: 0, succeeded: 0, failed: 0, foreign: 0 };
let healthy = true;
let foreignSample = '';
const dependency = async (): Promise<string> => {
  counts.admitted++;
  await new Promise((resolve) => setImmediate(resolve));
  if (!healthy) throw new DependencyDown('down');
  return 'ok';
};

const inFlight = new Set<Promise<void>>();
function fire(): void {
  counts.made++;
  const call = breaker.call(dependency).then(
    () => {
      counts.succeeded++;
    },
    (error: unknown) => {
      if (error instanceof DependencyDown) counts.failed++;
      else if (isCircuitBreakerError(error) && error.code !== 'ERR_CIRCUIT_TIMEOUT') counts.refused++;
      else {
        counts.foreign++;
        foreignSample ||= errorText(error);
      }
    },
  );
  const tracked = call.finally(() => inFlight.delete(tracked));
  inFlight.add(tracked);
}

const stats = () => ({
  ev: 'stats',
  counts,
  state: breaker.state,
  store: store.stats(),
  foreignSample,
  t: Date.now(),
});

let running: ReturnType<typeof setInterval> | undefined;
say({ ev: 'ready', t: Date.now() });
for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line) as Command;
  if (command.cmd === 'run') {
    if (running === undefined) running = setInterval(fire, command.interval ?? 5);
    say({ ev: 'running' });
  } else if (command.cmd === 'stop') {
    clearInterval(running);
    running = undefined;
    await Promise.all(inFlight);
    say(stats());
  } else if (command.cmd === 'dep') {
    healthy = command.healthy;
    say({ ev: 'dep', healthy });
  } else if (command.cmd === 'stats') {
    say(stats());
  } else if (command.cmd === 'control') {
    breaker[command.op]();
    say({ ev: 'control', op: command.op, state: breaker.state });
  } else if (command.cmd === 'list') {
    const started = performance.now();
    store.list().then(
      (statuses) => say({ ev: 'list', ok: true, statuses, ms: performance.now() - started }),
      (error: unknown) =>
        say({ ev: 'list', ok: false, error: errorText(error), ms: performance.now() - started }),
    );
  } else if (command.cmd === 'flush') {
    await store.flush();
    say({ ev: 'flushed' });
  } else if (command.cmd === 'close') {
    clearInterval(running);
    await Promise.all(inFlight);
    breaker.dispose();
    const started = performance.now();
    await store.close();
    const ms = performance.now() - started;
    client.disconnect();
    say({ ...stats(), ev: 'closed', ms });
    break;
  }
}
// The parent's pipe is the last handle of ours: once it is released, nothing of the store may keep
// the process alive (its timers are unref'd or cleared and its sockets destroyed).
process.stdin.destroy();
