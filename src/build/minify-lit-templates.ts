/**
 * Build-time minification of the widget's template literals. The bundler's minifier leaves the
 * text of template literals alone, so the indentation of every Lit `css` and `html` template
 * would ship to shop pages as written. This plugin rewrites only their static text (as the tag
 * receives it, escapes resolved), never a `${}` expression, so that the browser gets the same:
 *
 * - `css` templates (Lit's `css` tag, or an untagged template right after a `css` block comment,
 *   for sheets built without Lit): comments dropped, whitespace runs → one space, no space next
 *   to `{ } ; ,`, after `:` or before `!important`, no `;` before `}`. A space before `:` stays
 *   (`a :hover` is not `a:hover`), and quoted strings are copied as they are.
 * - `html` and `svg` templates: comments dropped (those in text, not in a tag or `<style>`), and a
 *   whitespace run that contains a line break becomes one space (HTML renders both alike; no
 *   template of ours uses `white-space: pre` or `<pre>`).
 *
 * Templates are found with the parser (the tags are the `css`, `html` and `svg` imported from
 * Lit, under whatever local name), not by pattern over source text.
 */
import MagicString from 'magic-string';
import { parseSync, Visitor, type ESTree, type Plugin } from 'vite';

/** Where a piece of a template sits: the text before its first or after its last expression can be trimmed. */
interface Piece {
  first: boolean;
  last: boolean;
}

/** Where Lit's tags come from. */
const LIT_MODULES = new Set(['lit', 'lit-html', 'lit-element', 'lit-element/lit-element.js', 'lit-html/static.js']);
/** The block comment `css` right before an untagged template: a style sheet built without Lit (the loader's). */
const CSS_MARKER = /^\/\*\s*css\s*\*\/\s*$/;
/** A space next to these never separates two CSS tokens that would otherwise merge. */
const CSS_SPACE_FREE = new Set(['{', '}', ';', ',']);
/** Nor does one after a colon (`color: red`); one before it does (`a :hover`), and stays. */
const spaceFreeAfter = (char: string) => CSS_SPACE_FREE.has(char) || char === ':';
/** Nor one before `!important`. */
const spaceFreeBefore = (token: string) => CSS_SPACE_FREE.has(token) || token === '!';
const CSS_WHITESPACE = /[ \t\n\r\f]/;
const NAME_CHAR = /[\w\-\u0080-\uffff\\]/;

/**
 * Minifies one static piece of a CSS template.
 * @param text the piece as the tag receives it (escapes resolved)
 * @returns null when a comment or a quoted string runs into an expression: the template is then best left alone
 */
export function minifyCssPiece(text: string, { first, last }: Piece = { first: true, last: true }): string | null {
  let out = '';
  // The last token emitted if it was one character ('' after a string or an escape, which are never space-free).
  let previous = first ? '{' : '';
  let space = false;
  const emit = (token: string) => {
    if (space && !spaceFreeAfter(previous) && !spaceFreeBefore(token)) out += ' ';
    // The last declaration of a block needs no semicolon.
    if (token === '}' && previous === ';') out = out.slice(0, -1);
    space = false;
    out += token;
    previous = token.length === 1 ? token : '';
  };
  for (let index = 0; index < text.length; ) {
    const char = text[index];
    if (CSS_WHITESPACE.test(char)) {
      while (index < text.length && CSS_WHITESPACE.test(text[index])) index++;
      space = true;
    } else if (text.startsWith('/*', index)) {
      const end = text.indexOf('*/', index + 2);
      if (end < 0) return null;
      index = end + 2;
      // `a/**/b` are two tokens; joined they would be one.
      if (!space && NAME_CHAR.test(out.at(-1) ?? '') && NAME_CHAR.test(text[index] ?? '')) space = true;
    } else if (char === '"' || char === "'") {
      let end = index + 1;
      while (end < text.length && text[end] !== char) end += text[end] === '\\' ? 2 : 1;
      if (end >= text.length) return null;
      emit(text.slice(index, end + 1));
      index = end + 1;
    } else {
      // An escape (`\:`, `\31 `) is one token with the character after it.
      const length = char === '\\' ? 2 : 1;
      emit(text.slice(index, index + length));
      index += length;
    }
  }
  if (space && !last && !spaceFreeAfter(previous)) out += ' ';
  return out;
}

/** Elements whose content is text, not markup: a `<!--` in them is no comment. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title']);

/**
 * Removes the comments of an HTML (or SVG) template that lie within one piece, where the
 * markup has text (not inside a tag, an attribute value, or a `<style>`/`<script>`): a comment
 * node renders nothing. Reads the pieces in order, as the context runs across expressions.
 */
function withoutHtmlComments(texts: string[]): string[] {
  let context: 'text' | 'tag' | '"' | "'" | 'comment' | 'raw' = 'text';
  let tagName = '';
  return texts.map((text) => {
    let out = '';
    let index = 0;
    const copyThrough = (end: number) => {
      out += text.slice(index, end);
      index = end;
    };
    while (index < text.length) {
      if (context === 'text') {
        const open = text.indexOf('<', index);
        if (open < 0) return out + text.slice(index);
        copyThrough(open);
        if (text.startsWith('<!--', open)) {
          const close = text.indexOf('-->', open + 4);
          if (close >= 0) index = close + 3;
          else context = 'comment';
        } else {
          // `a < b` is text; `<p`, `</p` and `<!x` open a tag.
          if (/^<[a-zA-Z/!?]/.test(text.slice(open, open + 2))) context = 'tag';
          tagName = /^<([a-zA-Z][\w-]*)/.exec(text.slice(open))?.[1].toLowerCase() ?? '';
          copyThrough(open + 1);
        }
      } else if (context === 'tag') {
        const next = text.slice(index).search(/["'>]/);
        if (next < 0) return out + text.slice(index);
        const char = text[index + next];
        copyThrough(index + next + 1);
        context = char === '>' ? (RAW_TEXT.has(tagName) ? 'raw' : 'text') : (char as '"' | "'");
      } else {
        const closing = context === 'comment' ? '-->' : context === 'raw' ? `</${tagName}` : context;
        const at = context === 'raw' ? text.toLowerCase().indexOf(closing, index) : text.indexOf(closing, index);
        if (at < 0) return out + text.slice(index);
        copyThrough(at + (context === 'raw' ? 0 : closing.length));
        context = context === 'comment' ? 'text' : context === 'raw' ? 'text' : 'tag';
      }
    }
    return out;
  });
}

/** Minifies the pieces of an HTML (or SVG) template: no comments, and whitespace with a line break → one space. */
export function minifyHtmlPieces(texts: string[]): string[] {
  return withoutHtmlComments(texts).map((text) => text.replace(/[ \t\r\n\f]*[\r\n][ \t\r\n\f]*/g, ' '));
}

/** Template source for a piece's text: what the tag will receive back. */
const toTemplateSource = (text: string) => text.replace(/[\\`\r]|\$\{/g, (special) => (special === '\r' ? '\\r' : `\\${special}`));

/** The local names under which a module imports Lit's `css`, `html` and `svg` tags. */
function litTags(program: ESTree.Program): Map<string, 'css' | 'html'> {
  const tags = new Map<string, 'css' | 'html'>();
  for (const statement of program.body) {
    if (statement.type !== 'ImportDeclaration' || !LIT_MODULES.has(statement.source.value)) continue;
    for (const specifier of statement.specifiers) {
      if (specifier.type !== 'ImportSpecifier' || specifier.importKind === 'type') continue;
      const imported = specifier.imported.type === 'Identifier' ? specifier.imported.name : specifier.imported.value;
      if (imported === 'css') tags.set(specifier.local.name, 'css');
      if (imported === 'html' || imported === 'svg') tags.set(specifier.local.name, 'html');
    }
  }
  return tags;
}

/**
 * Where the raw text of each piece of a template is. Oxc's spans include the delimiters around
 * it (the backquote or `}` before, `${` or the backquote after); ESTree's proper do not.
 */
function pieceSpans(template: ESTree.TemplateLiteral): [number, number][] {
  const delimited = template.quasis[0].start === template.start;
  return template.quasis.map((quasi) => (delimited ? [quasi.start + 1, quasi.end - (quasi.tail ? 1 : 2)] : [quasi.start, quasi.end]));
}

/** A template the plugin minifies: its kind, and the text of each piece as the tag receives it (null for an invalid escape). */
export interface FoundTemplate {
  kind: 'css' | 'html';
  texts: (string | null)[];
  node: ESTree.TemplateLiteral;
}

/** The Lit templates of a module (and its `css`-marked ones), in source order. */
export function findTemplates(code: string, id: string): FoundTemplate[] {
  const { program, comments } = parseSync(id, code);
  const tags = litTags(program);
  const cssMarked = (start: number) => comments.some((comment) => comment.end <= start && CSS_MARKER.test(code.slice(comment.start, start)));
  const templates: FoundTemplate[] = [];
  const found = (node: ESTree.TemplateLiteral, kind: 'css' | 'html') => templates.push({ kind, node, texts: node.quasis.map((quasi) => quasi.value.cooked) });
  new Visitor({
    TaggedTemplateExpression(node) {
      const kind = node.tag.type === 'Identifier' ? tags.get(node.tag.name) : undefined;
      if (kind) found(node.quasi, kind);
    },
    TemplateLiteral(node) {
      if (comments.length && cssMarked(node.start)) found(node, 'css');
    },
  }).visit(program);
  return templates.sort((one, other) => one.node.start - other.node.start);
}

/** The minified text of each piece of a template, or null when the template is best left as it is. */
export function minifyTemplate({ kind, texts }: FoundTemplate): string[] | null {
  // An invalid escape: only a tag that reads the raw text could use the template; not Lit's.
  if (texts.some((text) => text == null)) return null;
  if (kind === 'html') return minifyHtmlPieces(texts as string[]);
  const minified = texts.map((text, index) => minifyCssPiece(text!, { first: index === 0, last: index === texts.length - 1 }));
  return minified.includes(null) ? null : (minified as string[]);
}

/**
 * Rewrites the static text of every Lit template (and `css`-marked template) in a module.
 * @returns the new code with its source map, or null when nothing changed
 */
export function minifyLitTemplates(code: string, id: string) {
  const output = new MagicString(code);
  for (const template of findTemplates(code, id)) {
    const minified = minifyTemplate(template);
    if (!minified) continue;
    pieceSpans(template.node).forEach(([start, end], index) => {
      const text = minified[index];
      if (text === template.texts[index]) return;
      if (text) output.overwrite(start, end, toTemplateSource(text));
      else output.remove(start, end);
    });
  }
  return output.hasChanged() ? { code: output.toString(), map: output.generateMap({ source: id, hires: true, includeContent: true }) } : null;
}

/** The Vite plugin for the widget build: our TypeScript sources only, never node_modules. */
export const minifyLitTemplatesPlugin: Plugin = {
  name: 'fitting-room:minify-lit-templates',
  apply: 'build',
  // Before TypeScript is stripped: the `/* css */` markers are comments.
  enforce: 'pre',
  transform: {
    filter: { id: { include: /\/src\/.*\.ts$/, exclude: /node_modules/ }, code: /css|html|svg/ },
    handler: (code, id) => minifyLitTemplates(code, id),
  },
};
