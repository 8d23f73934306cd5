import { escapeCell } from './escape';
import {
  budgetText,
  candidateText,
  chosenQ,
  decisionText,
  durationText,
  entryTimeText,
  evidenceRows,
  flowText,
  incidentFacts,
  listText,
  qText,
  stateText,
  wallMs,
} from './facts';
import type { IncidentReport, ReplayReport } from './model';

/** The replay summary as markdown (report.md): what ran, then per incident its steps, conjectures and abstentions. */
function header(report: ReplayReport): string[] {
  const c = report.counts;
  return [
    `# ${report.title}`,
    '',
    `- source: ${report.source}`,
    `- model: ${report.model} (${report.provider}); method: ${report.method}`,
    `- planning budget: ${budgetText(report)}`,
    `- wall time: ${durationText(wallMs(report))} (${report.startedAt} → ${report.finishedAt})`,
    `- records: ${c.records} read, ${c.alerts} alerts, ${c.rejected} rejected, ${c.contextLines} context lines`,
    `- incidents: ${c.incidents} found, ${c.incidentsReplayed} replayed`,
    `- documents: ${report.output}`,
    '',
  ];
}

/** What the agent saw, before what it decided: the facts, the top rules and a timeline of the alerts. */
function evidenceLines(incident: IncidentReport): string[] {
  const evidence = incident.evidence;
  const rules = evidence.top_rules.length === 0
    ? ['No alerts.']
    : ['| rule | alerts |', '|---|---|', ...evidence.top_rules.map((rule) => `| ${escapeCell(rule.name)} | ${rule.count} |`)];
  const timeline = ['| time | alerts | rule | flow | host | user | tactics |', '|---|---|---|---|---|---|---|'];
  const half = Math.ceil(evidence.timeline.length / 2);
  for (const [index, entry] of evidence.timeline.entries()) {
    if (index === half && evidence.timelineOmitted > 0) timeline.push(`| … | ${evidence.timelineOmitted} more entries | | | | | |`);
    timeline.push(
      `| ${escapeCell(entryTimeText(entry))} | ${entry.count} | ${escapeCell(entry.rule)} | ${escapeCell(flowText(entry))} | ${escapeCell(entry.host ?? '—')} | ${escapeCell(entry.user ?? '—')} | ${escapeCell(listText(entry.tactics))} |`,
    );
  }
  return [
    ...evidenceRows(evidence).map(([key, value]) => `- ${key}: ${escapeCell(value)}`),
    '',
    `Top rules (${Math.min(evidence.top_rules.length, evidence.rule_count)} of ${evidence.rule_count}):`,
    '',
    ...rules,
    '',
    'Timeline (oldest first; consecutive alerts of one rule between the same parties are one row):',
    '',
    ...(evidence.timeline.length === 0 ? ['No alerts.'] : timeline),
  ];
}

function stepsTable(incident: IncidentReport): string[] {
  const lines = ['| step | alerts | state before | decision | Q | predicted after | candidates |', '|---|---|---|---|---|---|---|'];
  for (const [index, r] of incident.recommendations.entries()) {
    const candidates = r.candidates.map((candidate) => escapeCell(candidateText(candidate))).join('<br>') || '—';
    lines.push(
      `| ${r.step} | ${incident.alertsPerStep[index] ?? 0} | ${escapeCell(stateText(r.currentState))} | ${escapeCell(decisionText(r))} | ${qText(chosenQ(r))} | ${escapeCell(stateText(r.predictedState))} | ${candidates} |`,
    );
  }
  return lines;
}

function conjectureLines(incident: IncidentReport): string[] {
  if (incident.revisions.length === 0) return ['No conjecture was formed.'];
  const lines = ['| step | version | tactics | techniques | precision | recall | passed | reason |', '|---|---|---|---|---|---|---|---|'];
  for (const r of incident.revisions) {
    lines.push(
      `| ${r.step} | ${r.version} | ${escapeCell(r.tacticsAfter.join(', ') || '—')} | ${escapeCell(r.techniquesAfter.join(', ') || '—')} | ${r.precision.toFixed(2)} | ${r.recall.toFixed(2)} | ${r.passed ? 'yes' : 'no'} | ${escapeCell(r.reason)} |`,
    );
  }
  return lines;
}

function abstentionLines(incident: IncidentReport): string[] {
  const abstained = incident.recommendations.filter((r) => r.decision.kind === 'abstain');
  if (abstained.length === 0) return ['None.'];
  return abstained.map((r) => (r.decision.kind === 'abstain' ? `- step ${r.step}: **${r.decision.code}**: ${escapeCell(r.decision.reason)}` : ''));
}

function incidentSection(incident: IncidentReport): string[] {
  const f = incidentFacts(incident);
  const state = incident.finalState;
  return [
    `## Incident ${incident.incident.id}`,
    '',
    `- alerts: ${incident.alertCount} (score ${incident.incident.score.toFixed(0)}, ${incident.incident.first_seen} → ${incident.incident.last_seen})`,
    `- outcome: ${incident.stopReason}; ${f.stagesHeld}/6 stages hold (${stateText(state.recoveryState)})`,
    `- steps: ${f.steps} (${f.actions} actions, ${f.abstentions} abstentions); LLM: ${f.llmCalls} calls, ${f.tokens} tokens, ${durationText(f.latencyMs)}`,
    ...(state.analysis === null ? [] : [`- analysis: ${state.analysis.isIncident ? 'incident' : 'no incident'}: ${state.analysis.description}`]),
    ...(state.conjecture === null ? [] : [`- final conjecture (v${state.conjecture.version}): ${state.conjecture.tactics.join(', ') || 'no tactics'}; techniques ${state.conjecture.techniques.join(', ') || 'none'}`]),
    ...(incident.error === undefined ? [] : [`- error: ${incident.error}`]),
    '',
    '### Evidence the agent saw',
    '',
    ...evidenceLines(incident),
    '',
    '### Steps',
    '',
    ...stepsTable(incident),
    '',
    '### Conjecture timeline',
    '',
    ...conjectureLines(incident),
    '',
    '### Abstentions',
    '',
    ...abstentionLines(incident),
    '',
  ];
}

export function renderMarkdown(report: ReplayReport): string {
  const rejections = report.rejections.length === 0
    ? []
    : ['## Rejected records (first ones)', '', ...report.rejections.map((r) => `- ${escapeCell(r.origin)}: ${escapeCell(r.reason)}`), ''];
  const body = report.incidents.length === 0 ? ['No incident was replayed.', ''] : report.incidents.flatMap(incidentSection);
  return [...header(report), ...body, ...rejections].join('\n');
}
