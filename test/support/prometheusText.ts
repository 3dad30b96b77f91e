/** One sample line of the Prometheus text exposition format. */
export interface ParsedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A scrape parsed: its samples, and each metric family's `# TYPE`. */
export interface ParsedScrape {
  readonly samples: readonly ParsedSample[];
  readonly types: ReadonlyMap<string, string>;
  /**
   * The value of the one sample named `name` whose labels include `labels`.
   * @throws Error when none or several match.
   */
  value(name: string, labels?: Readonly<Record<string, string>>): number;
  /** The samples named `name` whose labels include `labels`. */
  select(name: string, labels?: Readonly<Record<string, string>>): ParsedSample[];
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;

/**
 * Parses Prometheus' text format (version 0.0.4) strictly: a line it cannot read is an error, so a
 * malformed exposition fails the test instead of being skipped.
 */
export function parsePrometheusText(text: string): ParsedScrape {
  const samples: ParsedSample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const type = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (type !== null) types.set(type[1]!, type[2]!);
      else if (!/^# HELP \S+ /.test(line)) throw new Error(`Unreadable comment line: ${line}`);
      continue;
    }
    const match = LINE.exec(line);
    if (match === null) throw new Error(`Unreadable sample line: ${line}`);
    const labels: Record<string, string> = {};
    const body = match[2] ?? '';
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < body.length) {
      const start = LABEL.lastIndex;
      const label = LABEL.exec(body);
      if (label === null || LABEL.lastIndex === start) throw new Error(`Unreadable labels: ${line}`);
      labels[label[1]!] = label[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const raw = match[3]!;
    const value = raw === '+Inf' ? Number.POSITIVE_INFINITY : raw === '-Inf' ? -Infinity : Number(raw);
    if (Number.isNaN(value) && raw !== 'NaN' && raw !== 'Nan') throw new Error(`Unreadable value: ${line}`);
    samples.push({ name: match[1]!, labels, value });
  }
  const select = (name: string, labels: Readonly<Record<string, string>> = {}): ParsedSample[] =>
    samples.filter(
      (sample) =>
        sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    );
  return {
    samples,
    types,
    select,
    value(name, labels = {}) {
      const found = select(name, labels);
      if (found.length !== 1) {
        throw new Error(`Expected one sample ${name}${JSON.stringify(labels)}, found ${found.length}`);
      }
      return found[0]!.value;
    },
  };
}
