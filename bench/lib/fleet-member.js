// @ts-check
/**
 * One instance of a fleet for the Redis bench scenarios, as its own process (forked by
 * bench/lib/fleet.js): a breaker named `dep` shared through its own `RedisStore` and ioredis client,
 * driven by messages from the parent and telling it what happens, with timestamps in the machine's
 * time (`performance.timeOrigin + performance.now()`, comparable across processes on one machine).
 *
 * Messages in: `{ cmd: 'setup', port, namespace, instanceId, store, breaker }` first, then
 * `open` (a manual open, timed just before the call), `reset`, `traffic` (`{ interval, offset }`: one
 * call every `interval` ms, from `offset` ms on), `failFrom` (`{ t0 }`: the dependency fails every call from then on),
 * `recover`, `collect` (the calls that reached the dependency since the breaker last read `closed`:
 * when, and whether they failed), `quiet` (stops the traffic), `exit`. Messages out: `ready`,
 * `state` (every transition), `tripped`, `calls`, `quiet`, `bye`, `fatal`.
 */
import { Redis } from 'ioredis';
import { CircuitBreaker } from './peers.js';
import { RedisStore } from './redis-store.js';

/** Now, in ms, comparable across processes of one machine. */
const wall = () => performance.timeOrigin + performance.now();
/** @param {object} message */
const say = (message) => process.send?.(message);
/** @param {unknown} error */
const fatal = (error) => {
  say({ ev: 'fatal', error: String(error instanceof Error ? error.stack : error) });
  process.exitCode = 3;
  setTimeout(() => process.exit(3), 50).unref();
};
process.on('unhandledRejection', fatal);
process.on('uncaughtException', fatal);

const FAILURE = new Error('dependency down');
/** @type {Redis | undefined} */
let client;
/** @type {InstanceType<typeof RedisStore> | undefined} */
let store;
/** @type {CircuitBreaker | undefined} */
let breaker;
let t0 = Number.POSITIVE_INFINITY;
/**
 * The calls that reached the dependency since the breaker last read `closed`: when (`at`), and
 * whether each failed (`failed`, 0 or 1), as two flat lists.
 * @type {{ at: number[], failed: number[] }}
 */
let log = { at: [], failed: [] };
/** @type {ReturnType<typeof setInterval> | undefined} */
let traffic;
const inFlight = new Set();

/** The protected dependency: in-process, answers at once; fails every call from `t0` on. */
function dependency() {
  const at = wall();
  const failed = at >= t0;
  log.at.push(at);
  log.failed.push(failed ? 1 : 0);
  return failed ? Promise.reject(FAILURE) : Promise.resolve(1);
}

function fire() {
  const call = /** @type {CircuitBreaker} */ (breaker)
    .call(dependency)
    .catch(() => {})
    .finally(() => inFlight.delete(call));
  inFlight.add(call);
}

/** @param {any} message */
async function handle(message) {
  switch (message.cmd) {
    case 'setup': {
      client = new Redis({ port: message.port, host: '127.0.0.1', lazyConnect: true });
      store = new RedisStore({
        client,
        namespace: message.namespace,
        instanceId: message.instanceId,
        ...message.store,
      });
      const b = new CircuitBreaker({ ...message.breaker, name: 'dep', store });
      breaker = b;
      b.on('stateChange', ({ to, reason }) => {
        const at = wall();
        if (to === 'closed') log = { at: [], failed: [] }; // a fresh window, locally and fleet-wide
        say({ ev: 'state', to, reason, at });
      });
      const s = store;
      // Connected and bound: its first flush was answered.
      for (const deadline = wall() + 10_000; s.stats().reports === 0; ) {
        if (wall() > deadline) throw new Error('the RedisStore did not reach redis-server in 10 s');
        await s.flush();
        if (s.stats().reports === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      say({ ev: 'ready' });
      break;
    }
    case 'open': {
      const at = wall();
      breaker?.open();
      say({ ev: 'tripped', at });
      break;
    }
    case 'reset':
      // The store first settles what it has in flight and learns the fleet's latest epoch: a reset()
      // queued behind a local trip that Redis answers `stale` (another instance's trip won) is
      // dropped with it, and a reset made under an older epoch than the fleet's is stale itself.
      await store?.flush();
      breaker?.reset();
      break;
    case 'traffic':
      clearInterval(traffic);
      // `offset` ms later: instances of a fleet do not call in step.
      await new Promise((resolve) => setTimeout(resolve, message.offset ?? 0));
      traffic = setInterval(fire, message.interval);
      break;
    case 'failFrom':
      t0 = message.t0;
      break;
    case 'recover':
      t0 = Number.POSITIVE_INFINITY;
      break;
    case 'collect':
      say({ ev: 'calls', log });
      break;
    case 'quiet':
      clearInterval(traffic);
      traffic = undefined;
      await Promise.all(inFlight);
      say({ ev: 'quiet' });
      break;
    case 'exit':
      clearInterval(traffic);
      await Promise.all(inFlight);
      breaker?.dispose();
      await store?.close();
      client?.disconnect();
      say({ ev: 'bye', stats: store?.stats() });
      process.disconnect?.();
      break;
    default:
      throw new Error(`Unknown command ${JSON.stringify(message)}`);
  }
}

process.on('message', (message) => {
  handle(message).catch(fatal);
});
