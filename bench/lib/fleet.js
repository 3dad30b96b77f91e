// @ts-check
/**
 * A fleet of instances for the Redis bench scenarios: each one bench/lib/fleet-member.js in its own
 * Node process with its own `RedisStore`, all on one namespace of one `redis-server`. Waits are for
 * a message matching a condition, with a generous deadline; none is a fixed sleep.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MEMBER = fileURLToPath(new URL('./fleet-member.js', import.meta.url));

/** Now, in ms, comparable across processes of one machine (as the members stamp their messages). */
export const wall = () => performance.timeOrigin + performance.now();

/**
 * A message from a member.
 * @typedef {{ ev: string, at?: number, to?: string, reason?: string,
 *   log?: { at: number[], failed: number[] }, error?: string, stats?: object }} MemberMessage
 */

/** One member process. */
export class Member {
  /** @type {MemberMessage[]} */
  messages = [];
  /** @type {Set<() => void>} */
  #waiters = new Set();
  #child;
  /** @type {Error | undefined} */
  #failed;

  /** @param {string} id */
  constructor(id) {
    this.id = id;
    this.#child = fork(MEMBER, [], {
      // The sources instead of dist (BREAKWATER_DIST=…/src/index.ts, as the tests run it) need tsx.
      execArgv: process.env.BREAKWATER_DIST?.endsWith('.ts') ? ['--import', 'tsx'] : [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#child.on('message', (message) => {
      const m = /** @type {MemberMessage} */ (message);
      if (m.ev === 'fatal') this.#failed = new Error(`fleet member ${id} failed: ${m.error}`);
      this.messages.push(m);
      this.#notify();
    });
    this.#child.on('exit', (code, signal) => {
      if (code !== 0 && this.#failed === undefined)
        this.#failed = new Error(`fleet member ${id} exited with ${code ?? signal}`);
      this.#notify();
    });
  }

  #notify() {
    for (const waiter of [...this.#waiters]) waiter();
  }

  /** @param {object} command */
  send(command) {
    if (this.#failed) throw this.#failed;
    this.#child.send(command);
  }

  /**
   * The first message from index `since` on that matches, once it arrives.
   * @param {(m: MemberMessage) => boolean} match
   * @param {string} what - Named in the error after the deadline.
   * @param {number} [since]
   * @param {number} [timeout]
   * @returns {Promise<MemberMessage>}
   */
  next(match, what, since = 0, timeout = 10_000) {
    return new Promise((resolve, reject) => {
      const check = () => {
        for (let i = since; i < this.messages.length; i++) {
          const m = /** @type {MemberMessage} */ (this.messages[i]);
          if (match(m)) return done(() => resolve(m));
        }
        if (this.#failed) return done(() => reject(this.#failed));
      };
      const timer = setTimeout(
        () =>
          done(() => {
            const states = this.messages.filter((m) => m.ev === 'state').slice(-3);
            const last = states.map((m) => `${m.to} (${m.reason})`).join(', ') || 'none';
            reject(
              new Error(
                `member ${this.id}: timed out after ${timeout} ms waiting for ${what}; its last transitions: ${last}`,
              ),
            );
          }),
        timeout,
      );
      /** @param {() => void} settle */
      const done = (settle) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        settle();
        return true;
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Asks the member to close its store and leave; resolves when the process ended. */
  async exit() {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', () => resolve(undefined)));
    const deadline = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    try {
      this.#child.send({ cmd: 'exit' });
    } catch {
      this.#child.kill('SIGKILL');
    }
    await exited;
    clearTimeout(deadline);
  }

  /** Ends the process at once (after a failure). */
  kill() {
    if (this.#child.exitCode === null) this.#child.kill('SIGKILL');
  }
}

/**
 * Starts `count` members on one namespace and resolves once every one has bound its breaker and
 * heard from Redis.
 * @param {number} count
 * @param {{ port: number, namespace: string, store?: object, breaker?: object }} setup
 * @returns {Promise<Member[]>}
 */
export async function startFleet(count, setup) {
  const members = Array.from({ length: count }, (_, i) => new Member(`instance-${i + 1}`));
  try {
    for (const member of members)
      member.send({ cmd: 'setup', store: {}, breaker: {}, ...setup, instanceId: member.id });
    await Promise.all(members.map((m) => m.next((x) => x.ev === 'ready', 'ready', 0, 20_000)));
  } catch (error) {
    for (const member of members) member.kill();
    throw error;
  }
  return members;
}

/**
 * Waits until every member's breaker reads `state` in a transition it reported from index `since[i]`.
 * @param {Member[]} members
 * @param {string} state
 * @param {number[]} since
 * @returns {Promise<MemberMessage[]>}
 */
export function allIn(members, state, since) {
  return Promise.all(
    members.map((m, i) =>
      m.next((x) => x.ev === 'state' && x.to === state, `its breaker to read ${state}`, since[i] ?? 0),
    ),
  );
}
