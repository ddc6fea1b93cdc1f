// The step templates the procedures share, handed to the definitions of the lifecycle procedures by
// definitions.ts (so those files need not import it back).
import type { GuardSpec, StepTemplate } from './types';

export interface TemplateKit {
  noSplitBrain: (host: GuardSpec['host']) => GuardSpec;
  moveAside: (host: GuardSpec['host']) => StepTemplate;
  initStandby: (host: GuardSpec['host'], target: GuardSpec['host']) => StepTemplate;
  verifyMirroring: (host: GuardSpec['host']) => StepTemplate;
  checkActivation: (host: GuardSpec['host']) => StepTemplate;
}

export const MINUTE = 60_000;
