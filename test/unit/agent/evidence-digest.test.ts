import { systemData } from '../../../src/core/agent/build-step-context';
import { fitText } from '../../../src/core/agent/data-block';
import { EvidenceLimits, evidenceDigest, foldEvidence, observedOf } from '../../../src/core/agent/evidence-digest';
import { AgentState, emptyEvidenceLedger, initialAgentState } from '../../../src/core/agent/types';
import type { NormalizedAlert } from '../../../src/core/alert/schema';
import { normalizeAlert } from '../../../src/core/alert/normalize';
import { makeAlert } from './support/world';

const twin = (time: string, pri: number, cls: string, flow: string, sid: number, message: string): string =>
  `2026-06-12 ${time},660 [    INFO] Alert: [pri=${pri} cls=${cls}] {TCP} ${flow} [1:${sid}:2] ${message}`;

function normalized(line: string): NormalizedAlert {
  const result = normalizeAlert(line);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** 300 SSH attempts from as many source ports, one rare severe alert early on, one low-severity alert last. */
function flood(): NormalizedAlert[] {
  const ssh = Array.from({ length: 300 }, (_, index) =>
    makeAlert({ id: `ssh${index}`, rule: 'SSH connection attempt', severity: 47, src: '10.0.1.11', dst: '10.0.2.11', minute: 10 + (index % 40) }),
  ).map((alert, index) => ({ ...alert, source: { ...alert.source, port: 40000 + index } }));
  const severe = makeAlert({ id: 'root', rule: 'Root shell obtained', severity: 95, host: 'server-ssh', minute: 1 });
  const latest = makeAlert({ id: 'late', rule: 'Outbound DNS to new domain', severity: 10, minute: 59 });
  const noise = Array.from({ length: 40 }, (_, index) => makeAlert({ id: `n${index}`, rule: `Policy chatter ${index}`, severity: 30, minute: 5 + (index % 30) }));
  return [severe, ...noise, ...ssh, latest];
}

const lineOf = (lines: readonly string[], rule: string) => lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((item) => item['rule'] === rule);

describe('evidence digest', () => {
  it('groups by rule, not by source port, with count, first/last seen and entities', () => {
    const ledger = foldEvidence(emptyEvidenceLedger(), flood(), 0);
    expect(ledger.alerts).toBe(342);
    expect(ledger.groups.filter((group) => group.rule === 'SSH connection attempt')).toHaveLength(1);
    const digest = evidenceDigest(ledger, 0, 20_000);
    const ssh = lineOf(digest.lines, 'SSH connection attempt');
    expect(ssh).toMatchObject({ count: 300, severity: 47, ips: ['10.0.1.11', '10.0.2.11'], new: 300 });
    expect(ssh?.['first']).toBe('2024-03-01T08:10:00.000Z');
    expect(ssh?.['last']).toBe('2024-03-01T08:49:00.000Z');
    expect(JSON.stringify(ssh)).not.toContain('40000');
    expect(JSON.parse(digest.lines[0]!)).toMatchObject({ incident: { alerts: 342, groups: 43, newAlerts: 342 } });
  });

  it.each([400, 700, 1200, 3000, 6000])('keeps the latest and the most severe groups within a budget of %i characters', (budget) => {
    const digest = evidenceDigest(foldEvidence(emptyEvidenceLedger(), flood(), 0), 0, budget);
    expect(digest.lines.reduce((sum, line) => sum + line.length + 1, 0)).toBeLessThanOrEqual(budget);
    expect(lineOf(digest.lines, 'Root shell obtained')).toBeDefined();
    expect(lineOf(digest.lines, 'Outbound DNS to new domain')).toBeDefined();
    expect(digest.dropped).toBe(digest.total - (digest.lines.length - 1));
  });

  it('shows a rare group among many voluminous ones (one ranking is by rarity)', () => {
    const voluminous = Array.from({ length: 30 }, (_, rule) =>
      Array.from({ length: 20 }, (_, n) => makeAlert({ id: `v${rule}-${n}`, rule: `Scan rule ${rule}`, severity: 60, minute: 30 + (n % 20) })),
    ).flat();
    const rare = makeAlert({ id: 'rare', rule: 'Kerberoasting ticket request', severity: 50, minute: 2 });
    const digest = evidenceDigest(foldEvidence(emptyEvidenceLedger(), [rare, ...voluminous], 0), 0, 1500);
    expect(lineOf(digest.lines, 'Kerberoasting ticket request')).toMatchObject({ count: 1 });
  });

  it('marks what is new since the last step and lists groups in time order, deterministically', () => {
    const first = [makeAlert({ id: 'a', rule: 'Port scan', minute: 1 }), makeAlert({ id: 'b', rule: 'SSH brute force', minute: 2 })];
    const second = [makeAlert({ id: 'c', rule: 'SSH brute force', minute: 5 }), makeAlert({ id: 'd', rule: 'Sudo abuse', minute: 6 })];
    const step0 = foldEvidence(emptyEvidenceLedger(), first, 0);
    const step1 = foldEvidence(step0, second, 1);
    const digest = evidenceDigest(step1, 1, 6000);
    expect(digest.lines.slice(1).map((line) => (JSON.parse(line) as { rule: string }).rule)).toEqual(['Port scan', 'SSH brute force', 'Sudo abuse']);
    expect(lineOf(digest.lines, 'Port scan')?.['new']).toBeUndefined();
    expect(lineOf(digest.lines, 'SSH brute force')).toMatchObject({ count: 2, new: 1 });
    expect(lineOf(digest.lines, 'Sudo abuse')).toMatchObject({ count: 1, new: 1 });
    // A step without new alerts marks nothing new, and the same ledger renders the same bytes.
    const quiet = foldEvidence(step1, [], 2);
    expect(evidenceDigest(quiet, 2, 6000).lines.join('\n')).not.toContain('"new"');
    expect(evidenceDigest(quiet, 2, 6000)).toEqual(evidenceDigest(foldEvidence(step1, [], 2), 2, 6000));
    // The order alerts arrive in does not change the digest.
    const shuffled = foldEvidence(emptyEvidenceLedger(), [...first, ...second].reverse(), 0);
    const ordered = foldEvidence(emptyEvidenceLedger(), [...first, ...second], 0);
    expect(evidenceDigest(shuffled, 0, 6000)).toEqual(evidenceDigest(ordered, 0, 6000));
  });

  it('does not count a redelivered alert twice', () => {
    const alerts = [makeAlert({ id: 'x1', rule: 'Web shell' }), makeAlert({ id: 'x2', rule: 'Web shell', minute: 3 })];
    const once = foldEvidence(emptyEvidenceLedger(), alerts, 0);
    const again = foldEvidence(once, alerts, 1);
    expect(again.alerts).toBe(2);
    expect(again.groups[0]?.count).toBe(2);
  });

  it('stays bounded: a flood of distinct rules evicts the least severe, oldest groups and says so', () => {
    const alerts = Array.from({ length: 400 }, (_, index) => makeAlert({ id: `r${index}`, rule: `Rule ${index}`, severity: 20, minute: index % 60 }));
    const severe = makeAlert({ id: 'sev', rule: 'Ransomware note written', severity: 99, minute: 0 });
    const ledger = foldEvidence(emptyEvidenceLedger(), [severe, ...alerts], 0);
    expect(ledger.groups).toHaveLength(EvidenceLimits.groups);
    expect(ledger.groups.some((group) => group.rule === 'Ransomware note written')).toBe(true);
    expect(ledger.evictedGroups).toBe(401 - EvidenceLimits.groups);
    expect(ledger.recentIds.length).toBeLessThanOrEqual(EvidenceLimits.recentIds);
    expect(JSON.parse(evidenceDigest(ledger, 0, 3000).lines[0]!)).toMatchObject({ incident: { olderGroupsDropped: 401 - EvidenceLimits.groups } });
    expect(JSON.stringify(ledger).length).toBeLessThan(200_000);
  });

  it('keeps the whole incident\'s signatures: digital-twin pairs with their priority, Wazuh by rule description', () => {
    const step0 = foldEvidence(emptyEvidenceLedger(), [normalized(twin('13:06:33', 1, 'Attempted User Privilege Gain', '10.0.1.11:56906 -> 10.0.2.11:22', 1000007, 'SSH connection attempt'))], 0);
    const wazuh = normalized(
      JSON.stringify({ timestamp: '2026-06-12T13:07:00.000+0000', id: '1.2', rule: { id: '5710', level: 5, description: 'sshd: Attempt to login using a non-existent user', groups: ['syslog', 'sshd', 'authentication_failed', 'invalid_login'] }, agent: { name: 'web-01' }, full_log: 'x' }),
    );
    const step1 = foldEvidence(step0, [wazuh], 1);
    expect([...observedOf(step1)]).toEqual(['attempted user privilege gain|1', 'sshd attempt to login using a non existent user']);
  });

  it('loads a state stored before the ledger existed, with an empty ledger and no nonce yet', () => {
    const { evidence, promptNonce, ...old } = initialAgentState('inc-old');
    void evidence;
    void promptNonce;
    const parsed = AgentState.parse(JSON.parse(JSON.stringify(old)));
    expect(parsed.evidence).toEqual(emptyEvidenceLedger());
    expect(parsed.promptNonce).toBeNull();
    expect(AgentState.parse({ ...old, evidence: { groups: 'broken' }, promptNonce: 'x' })).toMatchObject({ evidence: emptyEvidenceLedger(), promptNonce: null });
  });
});

describe('system description', () => {
  const paragraphs = Array.from({ length: 12 }, (_, index) => `Paragraph ${index}: ${'the gateway routes traffic and runs the IDS. '.repeat(4)}`).join('\n\n');

  it('is cut at a paragraph boundary with an explicit marker, never silently mid-way', () => {
    const text = fitText(paragraphs, 1000);
    expect(text.length).toBeLessThanOrEqual(1000);
    const [kept, marker] = text.split('\n[… ');
    expect(paragraphs.startsWith(kept!)).toBe(true);
    expect(paragraphs.slice(kept!.length)).toMatch(/^ *\n\nParagraph /);
    expect(marker).toBe(`${paragraphs.length - kept!.length} more characters]`);
    expect(fitText('short', 1000)).toBe('short');
  });

  it('fits its data line within the budget, marker included', () => {
    const data = systemData(paragraphs, 2000);
    expect(data.lines).toHaveLength(1);
    expect(data.lines[0]!.length).toBeLessThanOrEqual(2000);
    expect(JSON.parse(data.lines[0]!)).toMatch(/\n\[… \d+ more characters\]$/);
  });
});
