// One instance of a fleet under Redis faults, as a real process (an `Instance`, see Instance.ts),
// driven by JSON lines on stdin (`Command`) and telling its parent everything the fail-safe promises
// are checked against (JSON lines on stdout): each state change, each storeError, any unhandled
// rejection or uncaught exception, and its counts on request. Used by bench/chaos/run.ts and
// test/reliability/redis-chaos.test.ts through Member.ts.
import { createInterface } from 'node:readline';
import { describe, Instance } from './Instance.js';
import type { Command, MemberConfig } from './protocol.js';

const config = JSON.parse(process.argv[2] ?? '{}') as MemberConfig;
const say = (message: object) => process.stdout.write(`${JSON.stringify({ id: config.id, ...message })}\n`);
process.on('unhandledRejection', (error) =>
  say({ ev: 'fatal', kind: 'unhandledRejection', error: describe(error) }),
);
process.on('uncaughtException', (error) =>
  say({ ev: 'fatal', kind: 'uncaughtException', error: describe(error) }),
);

const instance = new Instance(config, {
  state: (from, to, reason) => say({ ev: 'state', from, to, reason, t: Date.now() }),
  storeError: (error) => say({ ev: 'storeError', error: describe(error), t: Date.now() }),
});
const stats = () => ({ ev: 'stats', ...instance.stats(), t: Date.now() });

say({ ev: 'ready', t: Date.now() });
for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line) as Command;
  if (command.cmd === 'run') {
    instance.run(command.interval ?? 5);
    say({ ev: 'running' });
  } else if (command.cmd === 'stop') {
    await instance.stop();
    say(stats());
  } else if (command.cmd === 'dep') {
    instance.healthy = command.healthy;
    say({ ev: 'dep', healthy: command.healthy, t: Date.now() });
  } else if (command.cmd === 'stats') {
    say(stats());
  } else if (command.cmd === 'control') {
    instance.breaker[command.op]();
    say({ ev: 'control', op: command.op, state: instance.breaker.state });
  } else if (command.cmd === 'list') {
    const started = performance.now();
    instance.store.list().then(
      (statuses) => say({ ev: 'list', ok: true, statuses, ms: performance.now() - started }),
      (error: unknown) =>
        say({ ev: 'list', ok: false, error: describe(error), ms: performance.now() - started }),
    );
  } else if (command.cmd === 'flush') {
    await instance.store.flush();
    say({ ev: 'flushed' });
  } else if (command.cmd === 'close') {
    const ms = await instance.close();
    say({ ...stats(), ev: 'closed', ms });
    break;
  }
}
// The parent's pipe is the last handle of ours: once it is released, nothing of the store may keep
// the process alive (its timers are unref'd or cleared and its sockets destroyed).
process.stdin.destroy();
