import { escapeHtml, html, query } from './html';

describe('html templates', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    const name = `<script>alert(1)</script>" onmouseover="x' \``;
    expect(html`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;x&#39; &#96;">&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;x&#39; &#96;</p>',
    );
  });

  it('nests templates without escaping twice, and renders lists, empty values and dates', () => {
    const inner = html`<b>${'a&b'}</b>`;
    expect(html`${inner}${[1, 2].map((n) => html`<i>${n}</i>`)}${undefined}${null}${false}${new Date(0)}`.value).toBe(
      '<b>a&amp;b</b><i>1</i><i>2</i>1970-01-01T00:00:00.000Z',
    );
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });

  it('builds query strings from the set values only', () => {
    expect(query({ a: 'x y', b: undefined, c: '', d: 3, e: '<' })).toBe('?a=x%20y&d=3&e=%3C');
    expect(query({})).toBe('');
  });
});
