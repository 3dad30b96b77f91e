/**
 * breakwater/prometheus against a real Prometheus server (Debian's `prometheus`): the binary is
 * started on a loopback port with a temporary storage folder, scraping an in-test /metrics endpoint
 * every second. An outage and a recovery are driven through a registry (on a FakeClock, so that
 * durations and open periods are exact; Prometheus runs on real time), then PromQL through the HTTP
 * API must agree with what the breakers did: the state series, rates by outcome, transitions, a
 * histogram quantile, and the README's alert rules.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { CircuitBreakerRegistry, FakeClock } from 'breakwater';
import { registerMetrics } from 'breakwater/prometheus';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listen, stop, until } from '../support/listen.js';
import {
  describePrometheus,
  PrometheusServer,
  promtool,
  type VectorSample,
} from '../support/prometheusServer.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
/** The README's alert rules: its yaml block that is a rule file. */
const RULES = /```yaml\n(groups:\n[\s\S]*?)```/.exec(README)?.[1];
/** Every PromQL expression the README shows. */
const PROMQL = [...README.matchAll(/```promql\n([\s\S]*?)```/g)].map((match) => match[1]!.trim());
/** The range of every rate and increase below: longer than the test, so it holds all its samples. */
const RANGE = 600;

type Outcome = 'success' | 'failure' | 'timeout' | 'rejected' | 'ignored';

describePrometheus('breakwater/prometheus scraped by a real Prometheus server', () => {
  const prometheus = new PrometheusServer();
  const clock = new FakeClock();
  const registry = new CircuitBreakerRegistry({ clock, defaults: { latencySampling: 1 } });
  const register = new Registry();
  registerMetrics(registry, { register });
  const db = registry.register('db', { timeout: 500, failureThreshold: 3, resetTimeout: 5_000 });
  const flappy = registry.register('flappy', { failureThreshold: 1, resetTimeout: 1_000 });
  const inventory = registry.register('inventory');
  /** The calls made, by breaker and outcome: what PromQL must find. */
  const made: Record<string, Record<Outcome, number>> = {};
  for (const name of ['db', 'flappy', 'inventory']) {
    made[name] = { success: 0, failure: 0, timeout: 0, rejected: 0, ignored: 0 };
  }
  let metricsServer: Server;
  /** The time (s) of the scrape that saw everything the test did. */
  let at = 0;

  const takes = async (breaker: typeof db, ms: number) => {
    await breaker.call(async () => clock.advance(ms));
    made[breaker.name]!.success++;
  };
  const fails = async (breaker: typeof db) => {
    await breaker.call(() => Promise.reject(new Error('refused'))).catch(() => {});
    made[breaker.name]!.failure++;
  };
  const hangs = async (breaker: typeof db) => {
    const call = breaker.call(() => new Promise(() => {})).catch(() => {});
    clock.advance(500); // its timeout
    await call;
    made[breaker.name]!.timeout++;
  };
  const refused = async (breaker: typeof db) => {
    await breaker.call(async () => 1).catch(() => {});
    made[breaker.name]!.rejected++;
  };
  /** Waits until the newest scrape makes `expr` return what `check` wants. */
  const scraped = (expr: string, check: (samples: VectorSample[]) => boolean, what: string) =>
    until(async () => check(await prometheus.query(expr)), what, 30_000).catch((error: Error) => {
      throw new Error(`${error.message}\nprometheus log:\n${prometheus.log}`);
    });
  const firstValue = (samples: VectorSample[]) => samples[0]?.value;

  beforeAll(async () => {
    metricsServer = createServer((_, res) => {
      register.metrics().then(
        (text) => res.writeHead(200, { 'content-type': register.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    });
    const target = new URL(await listen(metricsServer)).host;
    expect(RULES, 'the README has its alert rules as a yaml block starting with `groups:`').toBeDefined();
    await prometheus.start({
      'prometheus.yml': [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'rule_files: [rules.yml]',
        'scrape_configs:',
        '  - job_name: breakwater',
        '    static_configs:',
        `      - targets: ['${target}']`,
        '',
      ].join('\n'),
      'rules.yml': RULES!,
    });
  }, 60_000);

  afterAll(async () => {
    await prometheus.stop();
    if (metricsServer !== undefined) await stop(metricsServer);
    registry.close();
  });

  it('scrapes an outage and a recovery: state, rates by outcome, transitions and p99 agree with what the breakers did', async () => {
    // Every series starts at 0 in the TSDB, so that increase() and rate() see every call.
    await scraped(
      'count(circuit_breaker_calls_total)',
      (samples) => firstValue(samples) === 15,
      'a first scrape of the three breakers',
    );

    // Healthy: 40 calls of 20 ms.
    for (let i = 0; i < 40; i++) await takes(db, 20);
    await scraped(
      'circuit_breaker_calls_total{name="db",outcome="success"}',
      (samples) => firstValue(samples) === 40,
      'the healthy calls scraped',
    );

    // The database hangs: three calls time out at 500 ms, the breaker opens and refuses the next ten.
    for (let i = 0; i < 3; i++) await hangs(db);
    expect(db.state).toBe('open');
    for (let i = 0; i < 10; i++) await refused(db);
    // Meanwhile a flapping dependency opens and recovers four times, and an operator forces one open.
    for (let i = 0; i < 4; i++) {
      await fails(flappy);
      clock.advance(1_000);
      await takes(flappy, 0);
    }
    expect(flappy.state).toBe('closed');
    inventory.forceOpen();
    await refused(inventory);
    await scraped(
      'circuit_breaker_state{name="db",state="open"}',
      (samples) => firstValue(samples) === 1,
      'the outage scraped: db open',
    );

    // Recovery: the open period ends, the trial succeeds, traffic goes on.
    clock.advance(5_000);
    await takes(db, 20);
    expect(db.state).toBe('closed');
    for (let i = 0; i < 10; i++) await takes(db, 20);
    await scraped(
      'circuit_breaker_calls_total{name="db",outcome="success"}',
      (samples) => firstValue(samples) === 51,
      'the recovery scraped',
    );
    // Queries are evaluated at that scrape's time: rate() then extrapolates nothing.
    at = (await prometheus.query('timestamp(circuit_breaker_calls_total{name="db",outcome="success"})'))[0]!
      .value;
    const q = (expr: string) => prometheus.query(expr, at);

    // The state series: what each breaker is in now, and db was seen open during the outage.
    const states = Object.fromEntries(
      (await q('circuit_breaker_state == 1')).map((s) => [s.metric.name, s.metric.state]),
    );
    expect(states).toEqual({ db: 'closed', flappy: 'closed', inventory: 'forced_open' });
    expect(await q(`max_over_time(circuit_breaker_state{name="db",state="open"}[${RANGE}s])`)).toMatchObject([
      { value: 1 },
    ]);

    // Rates by outcome: rate() over a range that holds the whole test, times the range, is the count.
    const rates = await q(`sum by (name, outcome) (rate(circuit_breaker_calls_total[${RANGE}s]))`);
    expect(rates).toHaveLength(15);
    for (const { metric, value } of rates) {
      expect(value * RANGE, `${metric.name} ${metric.outcome}`).toBeCloseTo(
        made[metric.name!]![metric.outcome as Outcome],
        6,
      );
    }
    expect(made.db).toEqual({ success: 51, failure: 0, timeout: 3, rejected: 10, ignored: 0 });

    // Transitions, as increase() reads them.
    const transitions = Object.fromEntries(
      (await q(`increase(circuit_breaker_transitions_total{name=~"db|flappy"}[${RANGE}s])`)).map((s) => [
        `${s.metric.name} ${s.metric.from}→${s.metric.to}`,
        Math.round(s.value * 1e6) / 1e6,
      ]),
    );
    expect(transitions).toEqual({
      'db closed→open': 1,
      'db open→half_open': 1,
      'db half_open→closed': 1,
      'db half_open→open': 0,
      'flappy closed→open': 4,
      'flappy open→half_open': 4,
      'flappy half_open→closed': 4,
      'flappy half_open→open': 0,
    });
    // A force-open's series appears with its first count: its trace is the series itself.
    expect(
      await q('circuit_breaker_transitions_total{name="inventory",from="closed",to="forced_open"}'),
    ).toMatchObject([{ value: 1 }]);

    // p99 of db's calls: the three timeouts (5.6% of 54 timed calls) are counted at their 500 ms
    // timeout, under le="0.535", so the quantile reads at most 0.535 s, not 0.95 s.
    const p99 = await q(
      `histogram_quantile(0.99, sum by (name, le) (rate(circuit_breaker_call_duration_seconds_bucket{name="db"}[${RANGE}s])))`,
    );
    expect(p99).toHaveLength(1);
    expect(p99[0]!.value).toBeGreaterThan(0.5);
    expect(p99[0]!.value).toBeLessThanOrEqual(0.535);
    const timedOut = await q(
      'circuit_breaker_call_duration_seconds_bucket{name="db",le="0.535"} - ignoring(le) circuit_breaker_call_duration_seconds_bucket{name="db",le="0.5"}',
    );
    expect(timedOut).toMatchObject([{ value: 3 }]);
    expect(await q('circuit_breaker_call_duration_seconds_count{name="db"}')).toMatchObject([{ value: 54 }]);
    const p50 = await q(
      `histogram_quantile(0.5, sum by (name, le) (rate(circuit_breaker_call_duration_seconds_bucket{name="db"}[${RANGE}s])))`,
    );
    expect(p50[0]!.value).toBeGreaterThan(0.01);
    expect(p50[0]!.value).toBeLessThanOrEqual(0.025); // 20 ms calls
  }, 120_000);

  it("evaluates the README's alert rules and PromQL: the open breaker and the flapping one, nothing else", async () => {
    expect(at, 'the outage test ran first').toBeGreaterThan(0);
    const [open, flapping] = [...RULES!.matchAll(/expr: (.+)/g)].map((match) => match[1]!);
    const names = async (expr: string) =>
      (await prometheus.query(expr!, at)).map((s) => s.metric.name).sort();
    expect(await names(open!)).toEqual(['inventory']);
    expect(await names(flapping!)).toEqual(['flappy']);
    expect((await prometheus.query(flapping!, at))[0]!.value).toBeCloseTo(4, 6);

    // Prometheus loaded them as rules, and evaluates them without error.
    const { groups } = await prometheus.api<{
      groups: { rules: { name: string; health: string; lastError?: string }[] }[];
    }>('rules');
    const rules = groups.flatMap((group) => group.rules);
    expect(rules.map((rule) => [rule.name, rule.health, rule.lastError ?? ''])).toEqual([
      ['CircuitBreakerOpen', 'ok', ''],
      ['CircuitBreakerFlapping', 'ok', ''],
    ]);
    expect(promtool(['check', 'rules', `${prometheus.dir}/rules.yml`]).status).toBe(0);

    // Every PromQL expression of the README parses and runs.
    expect(PROMQL.length).toBeGreaterThanOrEqual(3);
    for (const expr of PROMQL) await expect(prometheus.query(expr, at), expr).resolves.toBeDefined();
  });

  it('serves a scrape that `promtool check metrics` accepts, and Prometheus scrapes it healthy', async () => {
    const check = promtool(['check', 'metrics'], await register.metrics());
    expect(check).toEqual({ status: 0, output: '' });
    const { activeTargets } = await prometheus.api<{
      activeTargets: { health: string; lastError: string }[];
    }>('targets');
    expect(activeTargets.map((target) => [target.health, target.lastError])).toEqual([['up', '']]);
  });
});
