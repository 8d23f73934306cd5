import { formatAction } from '../core/agent/action';
import type { Recommendation } from '../core/agent/types';
import { trajectory, trajectorySvg } from './chart';
import { escapeHtml as e } from './escape';
import { budgetText, chosenQ, decisionText, durationText, entryTimeText, evidenceRows, flowText, incidentFacts, listText, qText, stateText, wallMs } from './facts';
import type { IncidentReport, ReplayReport } from './model';

/**
 * report.html: one self-contained file (inline CSS, inline SVG, no scripts, no external fonts, images or links),
 * so it can be mailed, attached to a ticket or opened offline. Every model or alert string is escaped.
 */
const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1200px;color:#1d2430;padding:0 1rem}
h1{font-size:1.5rem}h2{margin-top:2.5rem;border-bottom:1px solid #d6dbe3;padding-bottom:.3rem}h3{margin-top:1.6rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d6dbe3;padding:.35rem .5rem;vertical-align:top;text-align:left}
th{background:#f2f4f7}td.num{text-align:right;white-space:nowrap}.muted{color:#5b6472}.abstain-row{background:#fff7e6}
ul.cands{margin:0;padding-left:1.1rem}li.rejected{color:#8a1c1c}dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
dl.facts dt{font-weight:600}.badge{display:inline-block;padding:0 .4rem;border-radius:.6rem;background:#e8edf5;font-size:.85em}
svg.chart{background:#fbfcfd;border:1px solid #d6dbe3;border-radius:6px;margin:.5rem 0}
svg .grid{stroke:#e2e6ec}svg .axis{font-size:11px;fill:#5b6472}svg .trajectory{fill:none;stroke:#2463eb;stroke-width:2}
svg .act{fill:#2463eb}svg .abstain{fill:#fff;stroke:#d97706;stroke-width:2}svg .revision{stroke:#7c3aed;stroke-dasharray:4 3}
svg .on{fill:#16a34a}svg .off{fill:#e5e7eb}table.narrow{width:auto}tr.gap td{text-align:center;color:#5b6472}h4{margin:1rem 0 .3rem}
`;

function facts(rows: ReadonlyArray<readonly [string, string]>): string {
  return `<dl class="facts">${rows.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>`;
}

/** What the agent saw, before what it decided: the facts, the top rules and a timeline of the alerts. */
function evidenceBlock(incident: IncidentReport): string {
  const evidence = incident.evidence;
  const rules = evidence.top_rules.length === 0
    ? '<p class="muted">No alerts.</p>'
    : `<table class="narrow"><thead><tr><th>rule</th><th>alerts</th></tr></thead><tbody>${evidence.top_rules.map((rule) => `<tr><td>${e(rule.name)}</td><td class="num">${rule.count}</td></tr>`).join('')}</tbody></table>`;
  const half = Math.ceil(evidence.timeline.length / 2);
  const rows = evidence.timeline.map((entry, index) => {
    const gap = index === half && evidence.timelineOmitted > 0 ? `<tr class="gap"><td colspan="7">… ${evidence.timelineOmitted} more entries …</td></tr>` : '';
    return `${gap}<tr><td>${e(entryTimeText(entry))}</td><td class="num">${entry.count}</td><td>${e(entry.rule)}</td><td>${e(flowText(entry))}</td><td>${e(entry.host ?? '—')}</td><td>${e(entry.user ?? '—')}</td><td>${e(listText(entry.tactics))}</td></tr>`;
  });
  const timeline = rows.length === 0
    ? '<p class="muted">No alerts.</p>'
    : `<table><thead><tr><th>time</th><th>alerts</th><th>rule</th><th>flow</th><th>host</th><th>user</th><th>tactics</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  return [
    facts(evidenceRows(evidence)),
    `<h4>Top rules (${Math.min(evidence.top_rules.length, evidence.rule_count)} of ${evidence.rule_count})</h4>`,
    rules,
    '<h4>Timeline</h4>',
    '<p class="muted">Oldest first; consecutive alerts of one rule between the same parties are one row.</p>',
    timeline,
  ].join('\n');
}

function candidatesCell(r: Recommendation): string {
  if (r.candidates.length === 0) return '<span class="muted">—</span>';
  const items = r.candidates.map((c) => {
    const rejected = c.guard.verdict === 'reject';
    const guard = rejected ? ` — rejected: ${c.guard.reasons.join('; ')}` : '';
    const rollouts = c.rollouts.length > 0 ? ` rollouts [${c.rollouts.join(', ')}]` : '';
    return `<li${rejected ? ' class="rejected"' : ''}>${e(formatAction(c.action))} <b>Q ${e(qText(c.q))}</b>${e(rollouts)}${e(guard)}</li>`;
  });
  return `<ul class="cands">${items.join('')}</ul>`;
}

function stepsTable(incident: IncidentReport): string {
  const rows = incident.recommendations.map((r, index) => {
    const abstained = r.decision.kind === 'abstain';
    return `<tr${abstained ? ' class="abstain-row"' : ''}><td class="num">${r.step}</td><td class="num">${incident.alertsPerStep[index] ?? 0}</td><td>${e(stateText(r.currentState))}</td><td>${e(decisionText(r))}</td><td class="num">${e(qText(chosenQ(r)))}</td><td>${candidatesCell(r)}</td><td>${e(stateText(r.predictedState))}</td><td>${e(r.rationale)}</td></tr>`;
  });
  return `<table><thead><tr><th>step</th><th>new alerts</th><th>state before</th><th>decision</th><th>Q</th><th>candidates (Q = mean rollout length)</th><th>predicted after</th><th>rationale</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function conjectureTable(incident: IncidentReport): string {
  if (incident.revisions.length === 0) return '<p class="muted">No conjecture was formed.</p>';
  const rows = incident.revisions.map(
    (r) => `<tr><td class="num">${r.step}</td><td class="num">v${r.version}</td><td>${e(r.tacticsBefore.join(', ') || '—')}</td><td>${e(r.tacticsAfter.join(', ') || '—')}</td><td>${e(r.techniquesAfter.join(', ') || '—')}</td><td class="num">${r.precision.toFixed(2)}</td><td class="num">${r.recall.toFixed(2)}</td><td>${r.passed ? 'passed' : 'failed'}</td><td>${e(r.reason)}</td></tr>`,
  );
  return `<table><thead><tr><th>step</th><th>version</th><th>tactics before</th><th>tactics after</th><th>techniques</th><th>precision</th><th>recall</th><th>test</th><th>why</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function abstentionList(incident: IncidentReport): string {
  const items = incident.recommendations.flatMap((r) =>
    r.decision.kind === 'abstain' ? [`<li>step ${r.step}: <span class="badge">${e(r.decision.code)}</span> ${e(r.decision.reason)}</li>`] : [],
  );
  return items.length === 0 ? '<p class="muted">None.</p>' : `<ul>${items.join('')}</ul>`;
}

function incidentSection(incident: IncidentReport): string {
  const f = incidentFacts(incident);
  const state = incident.finalState;
  const revised = new Set(incident.revisions.map((r) => r.step));
  const rows: Array<readonly [string, string]> = [
    ['alerts', `${incident.alertCount} (score ${incident.incident.score.toFixed(0)}, ${incident.incident.first_seen} → ${incident.incident.last_seen})`],
    ['outcome', `${incident.stopReason}; ${f.stagesHeld}/6 stages hold (${stateText(state.recoveryState)})`],
    ['steps', `${f.steps} (${f.actions} actions, ${f.abstentions} abstentions)`],
    ['LLM', `${f.llmCalls} calls, ${f.tokens} tokens, ${durationText(f.latencyMs)}`],
  ];
  if (state.analysis !== null) rows.push(['analysis', `${state.analysis.isIncident ? 'incident' : 'no incident'}: ${state.analysis.description}`]);
  if (state.conjecture !== null) rows.push(['conjecture', `v${state.conjecture.version}: ${state.conjecture.tactics.join(', ') || 'no tactics'}; ${state.conjecture.techniques.join(', ') || 'no techniques'}`]);
  if (incident.error !== undefined) rows.push(['error', incident.error]);
  return [
    `<section><h2>Incident ${e(incident.incident.id)}</h2>`,
    facts(rows),
    '<h3>Evidence the agent saw</h3>',
    evidenceBlock(incident),
    '<h3>Recovery-state trajectory</h3>',
    trajectorySvg(trajectory(incident.recommendations, revised)),
    '<p class="muted">Line: stages holding after each step (hollow = abstained; dashed = conjecture revised). Grid: each stage per step.</p>',
    '<h3>Actions</h3>',
    stepsTable(incident),
    '<h3>Conjecture timeline</h3>',
    conjectureTable(incident),
    '<h3>Abstentions</h3>',
    abstentionList(incident),
    '</section>',
  ].join('\n');
}

export function renderHtml(report: ReplayReport): string {
  const c = report.counts;
  const overview = facts([
    ['source', report.source],
    ['model', `${report.model} (${report.provider})`],
    ['method', report.method],
    ['planning budget', budgetText(report)],
    ['wall time', `${durationText(wallMs(report))} (${report.startedAt} → ${report.finishedAt})`],
    ['records', `${c.records} read, ${c.alerts} alerts, ${c.rejected} rejected, ${c.contextLines} context lines`],
    ['incidents', `${c.incidents} found, ${c.incidentsReplayed} replayed`],
    ['documents', report.output],
  ]);
  const rejections = report.rejections.length === 0 ? '' : `<h2>Rejected records (first ones)</h2><ul>${report.rejections.map((r) => `<li>${e(r.origin)}: ${e(r.reason)}</li>`).join('')}</ul>`;
  const body = report.incidents.length === 0 ? '<p>No incident was replayed.</p>' : report.incidents.map(incidentSection).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(report.title)}</title><style>${STYLE}</style></head>
<body><h1>${e(report.title)}</h1>
${overview}
${body}
${rejections}
<p class="muted">Generated by ira replay. Recommendations are advice for an analyst; ira executed nothing.</p>
</body></html>
`;
}
