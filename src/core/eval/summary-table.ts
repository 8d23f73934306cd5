import type { MeanStd, MethodSummary, SummaryMetric } from './aggregate';

/** How each summary figure is headed and printed; lower-is-better figures are marked ↓, higher-is-better ↑. */
const Columns: ReadonlyArray<{ metric: SummaryMetric; head: string; digits: number; scale?: number }> = [
  { metric: 'recoveryTime', head: 'recovery time ↓', digits: 2 },
  { metric: 'ineffectivePct', head: '% ineffective ↓', digits: 1 },
  { metric: 'failedPct', head: '% failed ↓', digits: 1 },
  { metric: 'abstentionPct', head: '% abstained', digits: 1 },
  { metric: 'falsePositiveHandledPct', head: '% FP handled ↑', digits: 1 },
  { metric: 'missedIncidentPct', head: '% missed ↓', digits: 1 },
  { metric: 'tacticPrecision', head: 'tactic P ↑', digits: 2 },
  { metric: 'tacticRecall', head: 'tactic R ↑', digits: 2 },
  { metric: 'techniquePrecision', head: 'technique P ↑', digits: 2 },
  { metric: 'techniqueRecall', head: 'technique R ↑', digits: 2 },
  { metric: 'entityGrounding', head: 'entities grounded ↑', digits: 2 },
  { metric: 'targetPrecision', head: 'target P ↑', digits: 2 },
  { metric: 'recoveryTargetCoverage', head: 'recovery targets covered ↑', digits: 2 },
  { metric: 'llmCallsPerStep', head: 'LLM calls/step', digits: 1 },
  { metric: 'tokensPerStep', head: 'tokens/step', digits: 0 },
  { metric: 'latencyMsPerStep', head: 'latency/step (s)', digits: 1, scale: 0.001 },
];

export const TableGroups: ReadonlyArray<{ title: string; metrics: readonly SummaryMetric[] }> = [
  { title: 'Recovery', metrics: ['recoveryTime', 'ineffectivePct', 'failedPct', 'abstentionPct', 'falsePositiveHandledPct', 'missedIncidentPct'] },
  { title: 'Understanding', metrics: ['tacticPrecision', 'tacticRecall', 'techniquePrecision', 'techniqueRecall', 'entityGrounding', 'targetPrecision', 'recoveryTargetCoverage'] },
  { title: 'Cost', metrics: ['llmCallsPerStep', 'tokensPerStep', 'latencyMsPerStep'] },
];

export function formatMeanStd(value: MeanStd | null, digits: number, scale = 1): string {
  if (value === null) return 'n/a';
  return `${(value.mean * scale).toFixed(digits)} ± ${(value.std * scale).toFixed(digits)}`;
}

function cell(summary: MethodSummary, metric: SummaryMetric): string {
  const column = Columns.find((entry) => entry.metric === metric);
  return formatMeanStd(summary[metric], column?.digits ?? 2, column?.scale ?? 1);
}

function head(metric: SummaryMetric): string {
  return Columns.find((entry) => entry.metric === metric)?.head ?? metric;
}

/** Markdown tables (one per group), methods as rows, "mean ± std" over seeds in each cell. */
export function summaryMarkdown(summaries: ReadonlyMap<string, MethodSummary>): string {
  const parts: string[] = [];
  for (const group of TableGroups) {
    parts.push(`### ${group.title}`, '');
    parts.push(`| method | ${group.metrics.map(head).join(' | ')} |`);
    parts.push(`|---|${group.metrics.map(() => '---').join('|')}|`);
    for (const [method, summary] of summaries) {
      parts.push(`| ${method} | ${group.metrics.map((metric) => cell(summary, metric)).join(' | ')} |`);
    }
    parts.push('');
  }
  return parts.join('\n');
}

/** Plain fixed-width text for a terminal: one block per group, columns padded to the widest cell. */
export function summaryText(summaries: ReadonlyMap<string, MethodSummary>): string {
  const blocks: string[] = [];
  for (const group of TableGroups) {
    const rows = [['method', ...group.metrics.map(head)]];
    for (const [method, summary] of summaries) rows.push([method, ...group.metrics.map((metric) => cell(summary, metric))]);
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    const lines = rows.map((row) => row.map((text, column) => text.padEnd(widths[column]!)).join('  ').trimEnd());
    blocks.push(`${group.title}\n${lines.join('\n')}`);
  }
  return blocks.join('\n\n');
}
