import { describe, expect, it } from 'vitest';
import { minifyLitTemplates } from '../../src/build/minify-lit-templates.js';

/** The module as the widget build ships it (before the bundler's own minifier). */
const minified = (source: string) => minifyLitTemplates(source, '/repo/src/example.ts')?.code ?? source;

describe('minifying Lit templates in the widget build', () => {
  it('removes comments and spaces from css templates, and keeps what separates tokens', () => {
    const source = `import { css } from 'lit';
export const styles = css\`
  /* the box */
  :host {
    display: block;
    font: 600 15px/1 system-ui, sans-serif !important;
  }
  nav a :hover,
  nav a:focus-visible {
    inline-size: calc(100% - 2 * 8px);
    content: '  two  spaces ';
  }
  @media screen and (min-width: 600px) {
    :host { padding: 0 16px; }
  }
\`;
`;
    const sheet = [
      ':host{display:block;font:600 15px/1 system-ui,sans-serif!important}',
      "nav a :hover,nav a:focus-visible{inline-size:calc(100% - 2 * 8px);content:'  two  spaces '}",
      '@media screen and (min-width:600px){:host{padding:0 16px}}',
    ].join('');
    expect(minified(source)).toBe(`import { css } from 'lit';\nexport const styles = css\`${sheet}\`;\n`);
  });

  it('keeps a descendant pseudo-class apart from its ancestor', () => {
    expect(minified("import { css } from 'lit';\ncss`ul  :focus-within { outline: 0; }`;")).toBe("import { css } from 'lit';\ncss`ul :focus-within{outline:0}`;");
  });

  it('leaves every ${} expression of a css template exactly as written, whatever the local name of the tag', () => {
    const source = `import { css as style, unsafeCSS } from 'lit';
const palette = style\`--accent: red;\`;
export const styles = style\`
  dialog.dark {
    \${palette}
  }
  b { inline-size: \${unsafeCSS(\`\${ 4 }px\`)}; margin: \${1}px \${2}px; }
\`;
`;
    expect(minified(source)).toBe(`import { css as style, unsafeCSS } from 'lit';
const palette = style\`--accent:red;\`;
export const styles = style\`dialog.dark{\${palette}}b{inline-size:\${unsafeCSS(\`\${ 4 }px\`)};margin:\${1}px \${2}px}\`;
`);
  });

  it('keeps escapes and quotes inside css strings', () => {
    const source = "import { css } from 'lit';\ncss`a::before {  content: '\\\\2014  \\\\'x\\\\'' ;  }  .a\\\\:b { color: red }`;";
    expect(minified(source)).toBe("import { css } from 'lit';\ncss`a::before{content:'\\\\2014  \\\\'x\\\\''}.a\\\\:b{color:red}`;");
  });

  it('minifies an untagged sheet marked /* css */ and no other untagged template', () => {
    const source = 'export const sheet = /* css */ `\n  button {\n    color: red;\n  }\n`;\nexport const text = `\n  keep  this\n`;\n';
    expect(minified(source)).toBe('export const sheet = /* css */ `button{color:red}`;\nexport const text = `\n  keep  this\n`;\n');
  });

  it('collapses the line breaks and indentation of html templates into one space, expressions and nested templates included', () => {
    const source = `import { html, nothing } from 'lit';
export const view = (items: string[], note?: string) => html\`
  <ul
    class="list"
  >
    \${items.map((item) =>
      html\`<li>\${item}</li>\`)}
  </ul>
  <p><b>a</b> <i>b</i></p>
  \${note ? html\`<p>
    \${note}
  </p>\` : nothing}
\`;
`;
    expect(minified(source)).toBe(`import { html, nothing } from 'lit';
export const view = (items: string[], note?: string) => html\` <ul class="list" > \${items.map((item) =>
      html\`<li>\${item}</li>\`)} </ul> <p><b>a</b> <i>b</i></p> \${note ? html\`<p> \${note} </p>\` : nothing} \`;
`);
  });

  it('leaves templates of tags that are not Lit alone', () => {
    const source = "import { css } from './my-css.js';\nconst html = (strings: TemplateStringsArray) => strings.join('');\ncss`a  {  }`;\nhtml`\n  <p>\n`;\n";
    expect(minifyLitTemplates(source, '/repo/src/example.ts')).toBeNull();
  });

  it('leaves a css template alone when a comment runs across an expression', () => {
    const source = "import { css } from 'lit';\ncss`a {  /* ${'x'} */  color: red; }`;";
    expect(minifyLitTemplates(source, '/repo/src/example.ts')).toBeNull();
  });

  it('maps the minified code back to the source', () => {
    const source = "import { css } from 'lit';\nexport const styles = css`\n  a {\n    color: red;\n  }\n`;\nexport const after = 1;\n";
    const result = minifyLitTemplates(source, '/repo/src/example.ts')!;
    expect(result.map.sources).toEqual(['/repo/src/example.ts']);
    expect(result.map.sourcesContent).toEqual([source]);
    expect(result.code.split('\n')[2]).toBe('export const after = 1;');
  });
});

describe('comments in html templates', () => {
  const html = (template: string) => minified(`import { html } from 'lit';\nhtml\`${template}\`;`).split('\n')[1];

  it('drops a comment in the text of a template, with its line breaks', () => {
    expect(html('<label>\n  <!-- why: a note for developers,\n  two lines -->\n  <input type="file" />\n</label>')).toBe('html`<label> <input type="file" /> </label>`;');
  });

  it('keeps what only looks like a comment: in an attribute value, in a style element, after a less-than sign in text', () => {
    expect(html('<p title="<!-- not a comment -->">1 < 2 <!-- gone --></p>')).toBe('html`<p title="<!-- not a comment -->">1 < 2 </p>`;');
    expect(html('<style>p::before { content: "<!-- kept -->" }</style><!-- gone -->')).toBe('html`<style>p::before { content: "<!-- kept -->" }</style>`;');
  });

  it('keeps a comment that runs across an expression, and reads the context across expressions', () => {
    expect(html('<!-- ${1} --><p class="${2} <!-- kept -->">${3}<!-- gone --></p>')).toBe('html`<!-- ${1} --><p class="${2} <!-- kept -->">${3}</p>`;');
  });
});
