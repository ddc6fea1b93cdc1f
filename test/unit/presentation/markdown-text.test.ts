// A cluster's description in the tree's Markdown tooltip renders as its own text: links, images, HTML, emphasis,
// theme icons and line breaks from the inventory are escaped.
import assert from 'node:assert/strict';
import { markdownText } from '../../../src/extension/tree/markdown-text';

describe('inventory text in a Markdown tooltip', () => {
  it('escapes every Markdown and HTML construct, keeps plain words as they are', () => {
    assert.equal(markdownText('Production cluster 7'), 'Production cluster 7');
    assert.equal(markdownText('[click](command:x)'), '\\[click\\]\\(command:x\\)');
    assert.equal(markdownText('![i](http://e/x.png)'), '\\!\\[i\\]\\(http://e/x\\.png\\)');
    assert.equal(markdownText('<img src=x>'), '&lt;img src=x&gt;');
    assert.equal(markdownText('**bold** `code` $(alert)'), '\\*\\*bold\\*\\* \\`code\\` \\$\\(alert\\)');
    assert.equal(markdownText('one\n# two'), 'one \\# two');
  });
});
