// The messages between the status panel (media/panel.ts, in the webview) and the extension, as zod schemas.
// Both sides import this module and validate what they receive: a webview is a separate, untrusted context.
// No vscode import here: the panel bundle includes this file.
// zod/mini: the same schemas with a functional API, a fraction of the size in the webview bundle.
import * as z from 'zod/mini';

/** How confident a fact is, which decides its colour and icon: ok (green), warning, error, unknown (grey). */
export const healthSchema = z.enum(['ok', 'warning', 'error', 'unknown']);
export type Health = z.infer<typeof healthSchema>;

/** `at`: the ISO time the value states, so the panel can add how long ago that was ("12 s ago") as time passes. */
export const detailSchema = z.object({ label: z.string(), value: z.string(), at: z.optional(z.string()) });

/** One coordinator host as a card: its observed role, its status line, and details such as port and PID. */
export const hostCardSchema = z.object({
  host: z.string(),
  role: z.enum(['active-coordinator', 'standby', 'no-standby', 'unknown']),
  roleLabel: z.string(),
  health: healthSchema,
  statusText: z.string(),
  details: z.array(detailSchema),
});
export type HostCard = z.infer<typeof hostCardSchema>;

/** One pg_stat_replication row as gpstate -f prints it, with the replay lag computed from the LSNs. */
export const replicationSchema = z.object({
  state: z.nullable(z.string()),
  syncState: z.nullable(z.string()),
  sentLocation: z.nullable(z.string()),
  flushLocation: z.nullable(z.string()),
  replayLocation: z.nullable(z.string()),
  replayLagBytes: z.nullable(z.number()),
});
export type Replication = z.infer<typeof replicationSchema>;

const segmentCountsSchema = z.object({
  total: z.nullable(z.number()),
  valid: z.nullable(z.number()),
  failures: z.nullable(z.number()),
});
export const segmentsSchema = z.object({
  primary: z.nullable(segmentCountsSchema),
  mirror: z.nullable(segmentCountsSchema),
});

/** A WARNING/ERROR line the utility printed; harmless ones (known noise, e.g. the extension-sync warning) say so. */
export const problemSchema = z.object({ level: z.string(), text: z.string(), harmless: z.boolean() });

/** The link between the two hosts: its health and a one-line summary ("streaming, sync, in step"). */
export const linkSchema = z.object({
  health: healthSchema,
  summary: z.string(),
  /** null: gpstate -f was not part of this snapshot; []: it printed "No entries found". */
  rows: z.nullable(z.array(replicationSchema)),
});

/** The extension commands a panel button may ask for; anything else is rejected. */
export const panelCommandSchema = z.enum([
  'openGpstateOutput',
  'checkMirroring',
  'restoreMirroring',
  'returnToOriginalHost',
  'showAuditLog',
  'addCluster',
  'activateStandby',
  'startStandby',
  'rebuildStandby',
  'dryRun',
  'dismissProcedure',
]);
export type PanelCommand = z.infer<typeof panelCommandSchema>;

/** Where the facts came from and when they were true. */
export const sourceSchema = z.object({
  kind: z.string(),
  label: z.string(),
  /** The time of the output's last log line, as printed (the host's clock, no time zone), or null. */
  observedAt: z.nullable(z.string()),
});

/** One step of a procedure as the stepper shows it. */
export const stepViewSchema = z.object({
  index: z.number(),
  title: z.string(),
  host: z.string(),
  /** The exact command, as it runs on the host (after the environment script). */
  command: z.string(),
  changesCluster: z.boolean(),
  status: z.enum([
    'planned',
    'pending',
    'running',
    'succeeded',
    'failed',
    'skipped',
    'unknown',
    'needs-attention',
    'refused',
  ]),
  message: z.string(),
  /** The step's output so far (shown on demand), cut to its last 64 KiB. */
  output: z.string(),
});
export type StepView = z.infer<typeof stepViewSchema>;

/** A procedure run (or its plan, before anything runs). */
export const procedureViewSchema = z.object({
  title: z.string(),
  status: z.enum([
    'plan',
    'running',
    'done',
    'blocked',
    'refused',
    'declined',
    'failed',
    'unknown',
    'needs-attention',
    'cancelled',
  ]),
  message: z.string(),
  steps: z.array(stepViewSchema),
  /** When it started and, once it stopped running, when it ended (ISO). */
  startedAt: z.optional(z.string()),
  endedAt: z.optional(z.string()),
  /** The cluster's state has changed since it ended: shown as history, not as the current state. */
  past: z.optional(z.boolean()),
});
export type ProcedureView = z.infer<typeof procedureViewSchema>;

/** One row of the Timeline (src/core/timeline.ts builds them from the cluster's history). */
export const timelineRowSchema = z.object({
  ts: z.string(),
  kind: z.enum(['role', 'procedure', 'replication']),
  health: healthSchema,
  text: z.string(),
});
export type TimelineRowView = z.infer<typeof timelineRowSchema>;

/** Everything the panel shows, computed by the extension; the panel only lays it out. */
export const statusSnapshotSchema = z.object({
  title: z.string(),
  /** The inventory cluster this snapshot is about; null for a saved output opened from a file or the clipboard. */
  clusterName: z.nullable(z.string()),
  subtitle: z.string(),
  verdict: z.object({ health: healthSchema, headline: z.string(), detail: z.string() }),
  product: z.nullable(z.string()),
  vocabulary: z.nullable(z.enum(['master', 'coordinator'])),
  hosts: z.array(hostCardSchema),
  link: linkSchema,
  segments: z.nullable(segmentsSchema),
  problems: z.array(problemSchema),
  sources: z.array(sourceSchema),
  /** The procedure running or last run on this cluster, with its stepper; null when there is none. */
  procedure: z.nullable(procedureViewSchema),
  /** Commands the panel may offer as buttons (ids from panelCommandSchema). */
  actions: z.array(panelCommandSchema),
  /** The cluster's history, newest first; absent for a saved output, which has none. */
  timeline: z.optional(z.array(timelineRowSchema)),
});
export type StatusSnapshot = z.infer<typeof statusSnapshotSchema>;

/** Extension → panel. */
export const toPanelSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('show'), snapshot: statusSnapshotSchema }),
  /** Asks the panel to report what it has rendered (used by the tests and by state restore). */
  z.object({ type: z.literal('reportRendered'), requestId: z.number() }),
]);
export type ToPanel = z.infer<typeof toPanelSchema>;

/** What the panel has on screen: each element marked with data-field, by its field name, as text. */
export const renderedStateSchema = z.record(z.string(), z.string());
export type RenderedState = z.infer<typeof renderedStateSchema>;

/** Panel → extension. */
export const fromPanelSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('rendered'), requestId: z.number(), state: renderedStateSchema }),
  z.object({ type: z.literal('runCommand'), command: panelCommandSchema }),
]);
export type FromPanel = z.infer<typeof fromPanelSchema>;
