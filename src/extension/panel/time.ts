// Times as the panel, the tree and the status bar show them: "2026-12-04 16:02:11 UTC" and "12 s ago". Pure and
// vscode-free, so the webview (media/render.ts) and the extension format them the same way.

/** "2026-12-04 16:02:11 UTC" from an ISO time; the input unchanged when it is not one. */
export function formatTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

/** "just now", "12 s ago", "4 min ago", "2 h ago", "3 d ago"; "" for a time that is not ISO or lies ahead. */
export function ago(iso: string, now: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '';
  const seconds = Math.round((now - then) / 1000);
  if (seconds < -5) return '';
  if (seconds < 3) return 'just now';
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}
