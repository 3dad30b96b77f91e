import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { CliIo } from '../Command.js';
import { fleetArgs } from '../fleet/fleetArgs.js';
import { openFleet } from '../fleet/openFleet.js';
import { createStyle } from '../style.js';
import { UsageError } from '../UsageError.js';
import { FlakyService } from './FlakyService.js';
import { MEMBER_ENV, type MemberEvent, runFleetMember } from './fleetMember.js';
import { FLEET_STORY, fleetPhaseAt } from './fleetStory.js';
import { STORY } from './story.js';

/** The demo options that concern the fleet. */
export interface FleetDemoValues {
  instances?: string | undefined;
  redis?: string | undefined;
}

/** Whether `breakwater demo` runs the fleet story (or is one of its instances). */
export function isFleetDemo(values: FleetDemoValues): boolean {
  return (
    values.instances !== undefined || values.redis !== undefined || process.env[MEMBER_ENV] !== undefined
  );
}

const REASONS: Record<string, string> = {
  failure_threshold: 'its failures tripped it',
  remote: 'another instance decided',
  reset_timeout: 'open period over',
  trial_succeeded: 'its trial call succeeded: the service is back',
  trial_failed: 'its trial call failed: still down',
  half_open_timeout: 'no trial decided in time',
};

const at = (storyMs: number) => `${(storyMs / 1000).toFixed(1).padStart(5)}s`;

/**
 * `breakwater demo --instances N --redis URL`: N processes share one breaker through Redis while a
 * flaky service goes down and recovers. The timeline shows one decision opening the breaker for all,
 * and one trial call for the whole fleet per half-open round.
 * @returns 0 when the story ran to its end, 1 when Redis cannot be reached, 130 when interrupted.
 * @throws {@link UsageError} for a bad `--instances` or `--redis`.
 */
export async function runFleetDemo(values: FleetDemoValues & { speed: number }, io: CliIo): Promise<number> {
  const member = process.env[MEMBER_ENV];
  if (member !== undefined) return runFleetMember(JSON.parse(member));
  const count = Number(values.instances ?? '3');
  if (!Number.isInteger(count) || count < 2 || count > 8)
    throw new UsageError(
      `demo: expected \`--instances\` to be an integer from 2 to 8, got \`${values.instances}\`.`,
    );
  if (values.redis === undefined)
    throw new UsageError('demo: `--instances` needs `--redis <url>`, e.g. --redis redis://127.0.0.1:6379.');
  const namespace = `breakwater-demo-${process.pid}`;
  const args = fleetArgs('demo', ['--redis', values.redis, '--namespace', namespace]);
  try {
    const fleet = await openFleet(args);
    await fleet.store.list().finally(() => fleet.close());
  } catch (error) {
    io.err(`breakwater demo: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }

  const s = createStyle(io.color);
  const speed = values.speed;
  const real = (storyMs: number) => storyMs / speed;
  const service = new FlakyService(real(STORY.healthyLatency), real(STORY.failingLatency));
  const url = await service.start();
  let start = Number.POSITIVE_INFINITY;
  const storyNow = () => Math.max(0, (performance.now() - start) * speed);
  let ready = 0;
  let allReady: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    allReady = resolve;
  });
  const label = (id: number) => s.bold(`instance ${id}`);
  const states = new Map<number, string>();
  const rounds: number[] = [];
  let inRound = false;
  let tick = { passed: 0, failed: 0, rejected: 0 };
  let lastReached = 0;
  const done = new Map<number, Extract<MemberEvent, { ev: 'done' }>>();
  const state = (name: string) => {
    const text = name.toUpperCase();
    return name === 'closed' ? s.green(text) : name === 'half_open' ? s.yellow(text) : s.red(text);
  };

  io.out(
    `${s.bold('breakwater demo')} ${s.dim(`— ${count} instances sharing one breaker through Redis${speed === 1 ? '' : ` (speed ×${speed})`}`)}\n` +
      `  flaky service  ${url}\n  redis          ${values.redis} (namespace ${namespace})\n` +
      `  breaker        price-api: failureThreshold ${STORY.breaker.failureThreshold}, resetTimeout ${STORY.breaker.resetTimeout} ms, one trial at a time fleet-wide\n\n`,
  );

  const children: ChildProcess[] = [];
  for (let id = 1; id <= count; id++) {
    states.set(id, 'closed');
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, 'demo'], {
      env: {
        ...process.env,
        [MEMBER_ENV]: JSON.stringify({ url, redis: values.redis, namespace, speed, id: `instance-${id}` }),
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    children.push(child);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let event: MemberEvent;
      try {
        event = JSON.parse(line) as MemberEvent;
      } catch {
        return;
      }
      const t = Math.min(storyNow(), FLEET_STORY.duration);
      if (event.ev === 'state') {
        states.set(id, event.to);
        if (event.to === 'half_open' && !inRound) {
          inRound = true;
          rounds.push(0);
        } else if (event.to !== 'half_open' && event.reason !== 'reset_timeout') {
          inRound = [...states.values()].includes('half_open');
        }
        io.out(
          `${s.dim(at(t))}  ◆ ${label(id)}  ${event.from} → ${state(event.to)}  ${REASONS[event.reason] ?? event.reason} (${event.reason})\n`,
        );
      } else if (event.ev === 'trial') {
        if (rounds.length > 0) rounds[rounds.length - 1]!++;
        io.out(`${s.dim(at(t))}  ◇ ${label(id)}  runs a trial call: the only one in the fleet\n`);
      } else if (event.ev === 'tick') {
        tick.passed += event.passed;
        tick.failed += event.failed;
        tick.rejected += event.rejected;
      } else if (event.ev === 'storeError') {
        io.out(
          `${s.dim(at(t))}  ${s.yellow('!')} ${label(id)}  store error: ${event.message} (it goes on locally)\n`,
        );
      } else if (event.ev === 'done') {
        done.set(id, event);
      } else if (event.ev === 'ready' && ++ready === count) {
        allReady();
      }
    });
  }

  // The story starts once every instance runs (starting Node processes takes a moment).
  const waiting = setTimeout(allReady, 30_000);
  await Promise.race([
    started,
    new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve())),
  ]);
  clearTimeout(waiting);
  start = performance.now();
  let phase = fleetPhaseAt(0);
  io.out(`${s.dim(at(0))}  ${s.green('▲')} ${phase.note}\n`);
  let nextTick = STORY.tickInterval;
  await new Promise<void>((finish) => {
    const step = setInterval(() => {
      const t = storyNow();
      if (t >= nextTick) {
        nextTick += STORY.tickInterval;
        const reached = service.received - lastReached;
        lastReached = service.received;
        const fleet = [...states.entries()].map(([id, name]) => `${id}:${state(name)}`).join(' ');
        io.out(
          `${s.dim(at(t))}  ${fleet}  ${s.green(`✔ ${tick.passed}`)} ${(tick.failed > 0 ? s.red : s.dim)(`✘ ${tick.failed}`)} ${(tick.rejected > 0 ? s.yellow : s.dim)(`⚡ ${tick.rejected}`)}  ${s.dim(`service reached ${reached}`)}\n`,
        );
        tick = { passed: 0, failed: 0, rejected: 0 };
      }
      const current = fleetPhaseAt(t);
      if (current !== phase) {
        phase = current;
        service.mode = current.mode;
        io.out(
          `${s.dim(at(t))}  ${current.mode === 'healthy' ? s.green('▲') : s.red('▼')} ${current.note}\n`,
        );
      }
      if (t >= FLEET_STORY.duration || io.signal.aborted) {
        clearInterval(step);
        finish();
      }
    }, real(50));
  });

  const exited = children.map(
    (child) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) resolve();
        child.once('exit', () => resolve());
        child.stdin?.end();
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  );
  await Promise.all(exited);
  await service.close();
  const row = (label: string, ...cells: (string | number)[]) =>
    `  ${label.padEnd(12)}${cells.map((cell) => String(cell).padStart(10)).join('')}\n`;
  let summary = `\n${s.bold('Summary')}\n${row('', 'calls', 'passed', 'failed', 'rejected')}`;
  for (const [id, totals] of [...done.entries()].sort((a, b) => a[0] - b[0])) {
    summary += row(`instance ${id}`, totals.calls, totals.passed, totals.failed, totals.rejected);
  }
  summary +=
    `  service reached   ${service.received} requests\n` +
    `  trial calls per half-open round (fleet-wide): ${rounds.length === 0 ? 'none' : rounds.join(', ')}\n` +
    `  final states      ${[...states.entries()].map(([id, name]) => `${id}:${state(name)}`).join(' ')}\n`;
  io.out(summary);
  return io.signal.aborted ? 130 : 0;
}
