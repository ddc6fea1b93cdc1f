// Inventory text shown in a Markdown tooltip must read as the text it is: no link, image, HTML, emphasis or theme
// icon can be slipped in through a cluster's description. Pure, so it is tested without VS Code.

/** `text` as Markdown that renders exactly that text on one line (every Markdown and HTML character escaped). */
export function markdownText(text: string): string {
  return text
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/[\\`*_{}[\]()#+\-.!|~<>$&"']/g, ch =>
      ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : ch === '&' ? '&amp;' : `\\${ch}`,
    );
}
