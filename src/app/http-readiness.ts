import { describeError } from '../errors';

/** One dependency `/readyz` checks (Kafka, the store, the model): resolves when reachable, throws why not. */
export interface ReadinessCheck {
  readonly name: string;
  check(signal: AbortSignal): Promise<void>;
}

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Record<string, { ok: boolean; error?: string }>;
  readonly checkedAt: string;
}

export interface ReadinessOptions {
  /** Each check's own limit: a dependency slower than this counts as unreachable. */
  readonly timeoutMs: number;
  /** A report is reused this long, so a scraping load balancer cannot hammer Kafka and the store. */
  readonly cacheMs: number;
  readonly now?: () => number;
}

/**
 * `/readyz`: every check run at once with a short timeout, the report cached a few seconds. Until `markStarted`
 * (the stages are up) the service is not ready whatever the checks say.
 */
export function createReadiness(checks: readonly ReadinessCheck[], options: ReadinessOptions) {
  const now = options.now ?? (() => Date.now());
  let started = false;
  let cached: { at: number; report: Promise<ReadinessReport> } | undefined;

  const run = async (): Promise<ReadinessReport> => {
    const results = await Promise.all(
      checks.map(async (item): Promise<[string, { ok: boolean; error?: string }]> => {
        try {
          await item.check(AbortSignal.timeout(options.timeoutMs));
          return [item.name, { ok: true }];
        } catch (error) {
          return [item.name, { ok: false, error: describeError(error) }];
        }
      }),
    );
    const entries = started ? results : [...results, ['stages', { ok: false, error: 'starting' }] as [string, { ok: boolean; error?: string }]];
    return { ready: entries.every(([, result]) => result.ok), checks: Object.fromEntries(entries), checkedAt: new Date(now()).toISOString() };
  };

  return {
    markStarted(): void {
      started = true;
      cached = undefined;
    },
    report(): Promise<ReadinessReport> {
      const at = now();
      if (!cached || at - cached.at >= options.cacheMs) cached = { at, report: run() };
      return cached.report;
    },
  };
}
export type Readiness = ReturnType<typeof createReadiness>;
