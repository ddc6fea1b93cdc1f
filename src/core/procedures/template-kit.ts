// The step templates the procedures share, handed to the definitions of the lifecycle procedures by
// definitions.ts (so those files need not import it back).
import type { GuardSpec, StepTemplate } from './types';

export interface TemplateKit {
  /** At most one active coordinator: for steps that may run with none. */
  noSplitBrain: (host: GuardSpec['host']) => GuardSpec;
  /** Exactly one active coordinator: for steps that work through it. */
  oneActiveCoordinator: (host: GuardSpec['host']) => GuardSpec;
  moveAside: (host: GuardSpec['host']) => StepTemplate;
  initStandby: (host: GuardSpec['host'], target: GuardSpec['host']) => StepTemplate;
  verifyMirroring: (host: GuardSpec['host']) => StepTemplate;
  checkActivation: (host: GuardSpec['host']) => StepTemplate;
}

export const MINUTE = 60_000;
