import { RecoveryStages, type RecoveryStage } from './ground-truth';
import type { TracedAction } from './trace';

/**
 * The rule judge's reading of which recovery stages an action addresses. A typed action kind decides alone;
 * otherwise the description is matched against a fixed verb list per stage (D3FEND-style verbs: isolate, analyse,
 * preserve, evict, harden, restore). The lists are deliberately plain so that a reader can check a verdict by hand;
 * docs/evaluation.md reproduces them.
 */
export const StageVerbs: Readonly<Record<RecoveryStage, readonly RegExp[]>> = {
  contained: [/\bisolat/, /\bquarantin/, /\bblock/, /\bcontain/, /\bdisconnect/, /\bsegment/, /\bfirewall/, /\bnull[- ]?route/, /\bdeny\b/, /\bdrop\b/],
  assessed: [/\binvestigat/, /\banaly[sz]/, /\bassess/, /\breview/, /\btriage/, /\bgather/, /\baudit/, /\binspect/, /\bexamin/, /\bdetermine the scope/, /\bidentify/],
  preserved: [/\bpreserv/, /\bforensic/, /\bsnapshot/, /\bdisk image/, /\bimage of\b/, /\bmemory (dump|capture)/, /\bcapture\b/, /\bchain of custody/, /\bevidence\b/],
  evicted: [/\bevict/, /\beradicat/, /\bremov/, /\bdelet/, /\bkill/, /\bterminat/, /\brevok/, /\block (the |out )?(account|user)/, /\bdisable (the )?(\w+ )?(account|user|session)/, /\breset (the )?(\w+ )?password/],
  hardened: [/\bharden/, /\bpatch/, /\bupdat/, /\bupgrad/, /\bremediat/, /\brotat/, /\benforce/, /\bmitigat/, /\breconfigur/, /\bdisable (the )?(\w+ )?(service|module|cgi|endpoint|share|guest|anonymous)/, /\bstrong(er)? password/],
  restored: [/\brestor/, /\brecover/, /\brestart/, /\breconnect/, /\bback online/, /\bre-?enable/, /\brebuild/, /\bredeploy/, /\bresume/],
};

/**
 * The agent's typed action kinds (src/core/agent/action.ts) and the stage each stands for. A kind not listed here
 * (or `monitor`, which watches rather than responds) falls back to the description's verbs.
 */
const KindStages: Readonly<Record<string, readonly RecoveryStage[]>> = {
  contain: ['contained'],
  'isolate-host': ['contained'],
  'block-ip': ['contained'],
  'disable-account': ['evicted'],
  analyse: ['assessed'],
  analyze: ['assessed'],
  'collect-forensics': ['preserved'],
  eradicate: ['evicted'],
  'kill-process': ['evicted'],
  // A reset revokes the attacker's stolen credential and replaces the weak one.
  'reset-credentials': ['evicted', 'hardened'],
  patch: ['hardened'],
  harden: ['hardened'],
  'restore-service': ['restored'],
};

export function stagesOfText(text: string): RecoveryStage[] {
  const lower = text.toLowerCase();
  return RecoveryStages.filter((stage) => StageVerbs[stage].some((pattern) => pattern.test(lower)));
}

/** Stages in the paper's order; an empty list means the action addresses no stage (it cannot make progress). */
export function classifyActionStages(action: TracedAction): RecoveryStage[] {
  const fromKind = KindStages[action.kind.trim().toLowerCase()];
  if (fromKind !== undefined) return [...fromKind];
  return stagesOfText(`${action.kind} ${action.description}`);
}
