/**
 * A minimal Prometheus registry: counters and histograms with labels, rendered in the
 * text exposition format at `GET /metrics`. Each instance reports its own numbers;
 * Prometheus sums across instances.
 */
type Labels = Record<string, string>;

const key = (labels: Labels) =>
  Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');

class Counter {
  readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1) {
    const id = key(labels);
    this.values.set(id, (this.values.get(id) ?? 0) + by);
  }

  get(labels: Labels = {}) {
    return this.values.get(key(labels)) ?? 0;
  }

  render(): string[] {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`, ...[...this.values].map(([id, value]) => `${this.name}${id ? `{${id}}` : ''} ${value}`)];
  }
}

class Histogram {
  readonly series = new Map<string, { buckets: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: number[],
  ) {}

  observe(labels: Labels, value: number) {
    const id = key(labels);
    const series = this.series.get(id) ?? { buckets: this.bounds.map(() => 0), sum: 0, count: 0 };
    this.bounds.forEach((bound, index) => {
      if (value <= bound) series.buckets[index]!++;
    });
    series.sum += value;
    series.count++;
    this.series.set(id, series);
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [id, series] of this.series) {
      const prefix = id ? `${id},` : '';
      this.bounds.forEach((bound, index) => {
        lines.push(`${this.name}_bucket{${prefix}le="${bound}"} ${series.buckets[index]}`);
      });
      lines.push(`${this.name}_bucket{${prefix}le="+Inf"} ${series.count}`);
      lines.push(`${this.name}_sum${id ? `{${id}}` : ''} ${series.sum}`);
      lines.push(`${this.name}_count${id ? `{${id}}` : ''} ${series.count}`);
    }
    return lines;
  }
}

export class Metrics {
  readonly jobs = new Counter('fitting_room_jobs_total', 'Try-on jobs by provider and the status they ended in (created counts every new job).');
  readonly upstreamSeconds = new Histogram(
    'fitting_room_upstream_seconds',
    'Upstream latency: submit calls and whole jobs, by provider.',
    [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80],
  );
  readonly upstreamErrors = new Counter('fitting_room_upstream_errors_total', 'Upstream failures by provider and contract error code.');
  readonly cacheHits = new Counter('fitting_room_cache_hits_total', 'Try-ons served without a new upstream job: a finished result (result) or a running identical job (shared).');
  readonly creditsSpent = new Counter('fitting_room_credits_spent_total', 'Upstream calls that cost credits (one per upstream try-on job started).');
  readonly rateLimited = new Counter('fitting_room_rate_limited_total', 'Requests refused with 429, by limit.');
  readonly providerMarks = new Counter('fitting_room_provider_marks_total', 'Provider results that arrived already marked, by kind (c2pa, iptc), before stripping.');
  readonly failovers = new Counter(
    'fitting_room_failovers_total',
    'Runs moved from one provider to the next of their route, by reason (credits, rate_limited, timeout, unreachable, provider_error).',
  );
  readonly quotaRefusals = new Counter('fitting_room_quota_refusals_total', 'New try-ons refused because a daily quota was spent, by scope (daily, session, browser).');

  render(): string {
    const lines = [
      this.jobs,
      this.upstreamSeconds,
      this.upstreamErrors,
      this.cacheHits,
      this.creditsSpent,
      this.rateLimited,
      this.providerMarks,
      this.failovers,
      this.quotaRefusals,
    ].flatMap((metric) => metric.render());
    return `${lines.join('\n')}\n`;
  }
}
