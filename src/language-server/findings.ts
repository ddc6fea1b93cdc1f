// What the analyses report: a problem at text offsets, with the edits that fix it when the fix is certain.

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface TextFix {
  title: string;
  start: number;
  end: number;
  newText: string;
  /** The fix is certainly what was meant (offered as the preferred quick fix). */
  preferred?: boolean;
}

export interface Finding {
  start: number;
  end: number;
  severity: Severity;
  code: string;
  message: string;
  fixes?: TextFix[];
  /** Marks deprecated options (rendered struck through). */
  deprecated?: boolean;
}
