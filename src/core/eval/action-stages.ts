import { ActionKinds, type ActionKind } from '../agent/action';
import { stagesOfKind } from '../agent/action-effects';
import { RecoveryStages, type RecoveryStage } from './ground-truth';
import type { TracedAction } from './trace';

/**
 * The reading of an untyped action (a kind outside src/core/agent/action.ts): its description is matched against a
 * fixed verb list per stage (D3FEND-style verbs: isolate, analyse, preserve, evict, harden, restore). The lists are deliberately plain so that a reader can check a verdict by hand;
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

export function stagesOfText(text: string): RecoveryStage[] {
  const lower = text.toLowerCase();
  return RecoveryStages.filter((stage) => StageVerbs[stage].some((pattern) => pattern.test(lower)));
}

/**
 * Stages in the paper's order; an empty list means the action addresses no stage (it cannot make progress). A typed
 * kind decides alone, by the definition the agent's world model shares (action-effects.ts; `monitor` advances
 * nothing); any other kind is read from its description's verbs.
 */
export function classifyActionStages(action: TracedAction): RecoveryStage[] {
  const kind = action.kind.trim().toLowerCase();
  if ((ActionKinds as readonly string[]).includes(kind)) return stagesOfKind(kind as ActionKind);
  return stagesOfText(`${action.kind} ${action.description}`);
}
