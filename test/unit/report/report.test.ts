import { rm } from 'node:fs/promises';
import { formatAction } from '../../../src/core/agent/action';
import type { Recommendation } from '../../../src/core/agent/types';
import { trajectory, trajectorySvg } from '../../../src/report/chart';
import { escapeHtml } from '../../../src/report/escape';
import { renderHtml } from '../../../src/report/html';
import { renderMarkdown } from '../../../src/report/markdown';
import type { ReplayReport } from '../../../src/report/model';
import { replaySummary } from '../../../src/report/summary';
import { scriptedReplay, type ScriptedReplay } from '../replay/support/scripted-replay';

/** report.md / report.html of a replay: self-contained, complete (every action and candidate), escaped. */
function withAbstention(report: ReplayReport): ReplayReport {
  const incident = report.incidents[0]!;
  const last = incident.recommendations.at(-1)!;
  const abstained: Recommendation = {
    ...last,
    step: last.step + 1,
    decision: { kind: 'abstain', code: 'inconsistent', reason: 'rollouts disagree <λ=0.2> & more' },
    candidates: [],
  };
  return {
    ...report,
    incidents: [{ ...incident, recommendations: [...incident.recommendations, abstained], alertsPerStep: [...incident.alertsPerStep, 0] }],
  };
}

describe('replay report', () => {
  let replay: ScriptedReplay;
  let report: ReplayReport;

  beforeAll(async () => {
    replay = await scriptedReplay();
    report = withAbstention(replay.report);
  });

  afterAll(async () => {
    await rm(replay.directory, { recursive: true, force: true });
  });

  it('renders HTML that needs nothing from outside: no script, no link, no src or href, an inline SVG chart', () => {
    const html = renderHtml(report);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toMatch(/<style>[^<]+<\/style>/);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/\s(src|href)\s*=/i);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).toContain('<svg class="chart"');
    const steps = report.incidents[0]!.recommendations.length;
    expect(html.match(/<rect [^>]*class="(on|off)"/g)).toHaveLength(6 * steps);
  });

  it('lists every action, every candidate with its Q, the conjecture timeline and each abstention with its reason', () => {
    const html = renderHtml(report);
    const markdown = renderMarkdown(report);
    const incident = report.incidents[0]!;
    for (const r of incident.recommendations) {
      if (r.decision.kind === 'act') {
        expect(html).toContain(escapeHtml(formatAction(r.decision.action)));
        expect(markdown).toContain(formatAction(r.decision.action).replace(/\|/g, '\\|'));
      }
      for (const candidate of r.candidates) {
        expect(html).toContain(escapeHtml(formatAction(candidate.action)));
        if (candidate.q !== null) expect(html).toContain(`Q ${candidate.q.toFixed(2)}`);
      }
    }
    expect(incident.revisions.length).toBeGreaterThan(0);
    for (const revision of incident.revisions) expect(html).toContain(`v${revision.version}`);
    expect(html).toContain('<span class="badge">inconsistent</span> rollouts disagree &lt;λ=0.2&gt; &amp; more');
    expect(markdown).toContain('**inconsistent**: rollouts disagree <λ=0.2> & more');
    expect(markdown).toContain('## Incident ');
    expect(markdown).toContain('### Conjecture timeline');
  });

  it('carries the evidence the agent saw in the report model: top rules, entities, tactics and a timeline', () => {
    const evidence = report.incidents[0]!.evidence;
    expect(evidence.alerts).toBe(89);
    expect(evidence.top_rules[0]).toEqual({ name: 'SSH connection attempt', count: 30 });
    expect(evidence.top_rules.reduce((sum, rule) => sum + rule.count, 0)).toBe(89);
    expect(evidence.entities.ips).toEqual(expect.arrayContaining(['10.0.1.11', '10.0.2.11']));
    expect(evidence.time_span).toEqual({ start: '2026-06-10T13:10:51.405Z', end: '2026-06-10T13:10:51.410Z', duration_ms: 5 });
    // A timeline entry is a run of one rule between the same parties; a long timeline keeps its start and its end.
    expect(evidence.timeline.length).toBeLessThanOrEqual(30);
    const shown = evidence.timeline.reduce((sum, entry) => sum + entry.count, 0);
    if (evidence.timelineOmitted === 0) expect(shown).toBe(89);
    else expect(shown).toBeLessThan(89);
    expect(evidence.timeline.at(-1)!.last).toBe('2026-06-10T13:10:51.410Z');
    expect(evidence.timeline[0]).toMatchObject({ first: '2026-06-10T13:10:51.405Z', rule: 'ICMP traffic detected', source: '10.0.1.11' });
    const times = evidence.timeline.map((entry) => Date.parse(entry.first));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('shows the evidence before the decisions in report.md and report.html', () => {
    const markdown = renderMarkdown(report);
    const html = renderHtml(report);
    const evidence = report.incidents[0]!.evidence;
    expect(markdown.indexOf('### Evidence the agent saw')).toBeGreaterThan(0);
    expect(markdown.indexOf('### Evidence the agent saw')).toBeLessThan(markdown.indexOf('### Steps'));
    expect(markdown).toContain('- alerts: 89 from 7 rule(s)');
    expect(markdown).toContain('- time span: 2026-06-10T13:10:51.405Z → 2026-06-10T13:10:51.410Z (5 ms)');
    expect(markdown).toContain('| SSH connection attempt | 30 |');
    expect(markdown).toMatch(/- IPs: 10\.0\.1\.11, /);
    expect(markdown).toContain('| time | alerts | rule | flow | host | user | tactics |');
    expect(markdown).toContain(`| 2026-06-10T13:10:51.405Z | 1 | ICMP traffic detected | 10.0.1.11 → `);
    if (evidence.timelineOmitted > 0) expect(markdown).toContain(`${evidence.timelineOmitted} more entries`);
    expect(html.indexOf('<h3>Evidence the agent saw</h3>')).toBeLessThan(html.indexOf('<h3>Actions</h3>'));
    expect(html).toContain('<td>SSH connection attempt</td><td class="num">30</td>');
    for (const entry of evidence.timeline) expect(html).toContain(escapeHtml(entry.rule));
  });

  it('escapes alert text in the evidence: a rule name cannot open a tag or break a table', () => {
    const incident = report.incidents[0]!;
    const hostile = { ...incident.evidence, top_rules: [{ name: '<script>x</script> | y', count: 1 }] };
    const changed = { ...report, incidents: [{ ...incident, evidence: hostile }] };
    expect(renderHtml(changed)).toContain('&lt;script&gt;x&lt;/script&gt; | y');
    expect(renderMarkdown(changed)).toContain('<script>x</script> \\| y');
  });

  it('escapes model text: an action description cannot open a tag', () => {
    const html = renderHtml(report);
    expect(html).not.toContain('<10.0.1.11>');
    expect(html).toContain('&lt;10.0.1.11&gt; at the gateway &amp; log it');
  });

  it('draws the trajectory as the stages holding after each step, marking abstentions', () => {
    const points = trajectory(report.incidents[0]!.recommendations, new Set([0]));
    expect(points).toHaveLength(report.incidents[0]!.recommendations.length);
    expect(points.at(-1)!.abstained).toBe(true);
    expect(points[0]!.revised).toBe(true);
    const svg = trajectorySvg(points);
    expect(svg.match(/class="abstain"/g)).toHaveLength(1);
    expect(svg).toContain('class="revision"');
    expect(trajectorySvg([])).toContain('<svg');
  });

  it('summarises the replay as JSON with one entry per incident and its decisions', () => {
    const summary = replaySummary(report, { html: 'x/report.html' });
    expect(summary.incidents).toHaveLength(1);
    expect(summary.incidents[0]!.decisions).toHaveLength(report.incidents[0]!.recommendations.length);
    expect(summary.counts.alerts).toBe(89);
    expect(summary.incidents[0]!.evidence.top_rules[0]).toEqual({ name: 'SSH connection attempt', count: 30 });
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
  });
});
