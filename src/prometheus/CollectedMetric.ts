/** @internal One sample line of a metric, as prom-client's `get()` gives them. */
export interface Sample {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
  /** For the lines of a histogram: `<name>_bucket`, `<name>_sum`, `<name>_count`. */
  readonly metricName?: string;
}

/** @internal What prom-client's cluster aggregator does with a metric's values across workers. */
export type Aggregator = 'sum' | 'max' | 'average';

/** @internal What a metric's lines are made from: its name at scrape time. */
export type SampleSource = (name: string) => Sample[];

/**
 * @internal A metric in prom-client's metric interface (what `register.registerMetric()` takes and
 * `register.metrics()` / `getMetricsAsJSON()` read), whose values are computed when it is scraped.
 * It needs no prom-client import: it is a plain object with `name`, `help`, `type`, `aggregator`,
 * `get()` and `reset()`.
 */
export class CollectedMetric {
  /**
   * Public and writable because prom-client rewrites a counter's name in OpenMetrics output (it
   * drops `_total` and appends it to each line).
   */
  name: string;
  readonly help: string;
  readonly type: 'gauge' | 'counter' | 'histogram';
  readonly aggregator: Aggregator;
  readonly #samples: SampleSource;

  constructor(
    name: string,
    help: string,
    type: CollectedMetric['type'],
    aggregator: Aggregator,
    samples: SampleSource,
  ) {
    this.name = name;
    this.help = help;
    this.type = type;
    this.aggregator = aggregator;
    this.#samples = samples;
  }

  /** The metric as prom-client reads it: `{ name, help, type, values, aggregator }`. */
  get(): Promise<{
    name: string;
    help: string;
    type: CollectedMetric['type'];
    values: Sample[];
    aggregator: Aggregator;
  }> {
    try {
      const { name, help, type, aggregator } = this;
      return Promise.resolve({ name, help, type, values: this.#samples(name), aggregator });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Does nothing: the values are the breakers' own, read at scrape time (`breaker.reset()` resets them). */
  reset(): void {}
}
