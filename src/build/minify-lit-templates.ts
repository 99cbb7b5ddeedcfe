/**
 * Build-time minification of the widget's template literals. The bundler's minifier leaves the
 * text of template literals alone, so the indentation of every Lit `css`…`` and `html`…``
 * template would ship to shop pages as-is. This plugin rewrites only their static text, never
 * a `${}` expression, with rules that keep what the browser renders exactly the same:
 *
 * - `css` templates (Lit's `css` tag, or an untagged template marked with a leading
 *   comment, e.g. `/* css *\/ `…``): comments dropped, whitespace runs → one space, no space next to
 *   `{ } ; ,` or after `:`. Spaces before `:` stay (`a :hover` is not `a:hover`), and quoted strings are
 *   copied as they are.
 * - `html` and `svg` templates: a whitespace run that contains a line break becomes one space
 *   (HTML renders both alike; no template of ours uses `white-space: pre` or `<pre>`).
 *
 * Templates are found with the parser (tags are the `css`/`html`/`svg` imported from Lit), not
 * by pattern over source text.
 */
import MagicString from 'magic-string';
import { parseSync, Visitor, type ESTree, type Plugin } from 'vite';

/** Where a piece of a template sits: the text before its first or after its last expression can be trimmed. */
interface Piece {
  first: boolean;
  last: boolean;
}

const LIT_MODULES = new Set(['lit', 'lit-html', 'lit-element', 'lit-element/lit-element.js', 'lit-html/static.js']);
const CSS_MARKER = /^\/\*\s*css\s*\*\/\s*$/;
/** A space next to these never separates two CSS tokens that would otherwise merge. */
const CSS_SPACE_FREE = new Set(['{', '}', ';', ',']);
/** Nor does one after a colon (`color: red`); one before it does (`a :hover`), and stays. */
const spaceFreeAfter = (char: string) => CSS_SPACE_FREE.has(char) || char === ':';
const CSS_WHITESPACE = /[ \t\n\r\f]/;
const NAME_CHAR = /[\w\-\u0080-\uffff\\]/;

/**
 * Minifies the raw text of one static piece of a CSS template.
 * @param raw the template element's raw source text (escapes as written)
 * @returns null when a comment or a quoted string runs into an expression: the template is then best left alone
 */
export function minifyCssPiece(raw: string, { first, last }: Piece = { first: true, last: true }): string | null {
  let out = '';
  // The last character emitted on its own ('' after a string or an escape, which are never space-free).
  let previous = first ? '{' : '';
  let space = false;
  const emit = (token: string) => {
    if (space && !spaceFreeAfter(previous) && !CSS_SPACE_FREE.has(token)) out += ' ';
    space = false;
    out += token;
    previous = token.length === 1 ? token : '';
  };
  for (let index = 0; index < raw.length; ) {
    const char = raw[index];
    if (CSS_WHITESPACE.test(char)) {
      while (index < raw.length && CSS_WHITESPACE.test(raw[index])) index++;
      space = true;
    } else if (raw.startsWith('/*', index)) {
      const end = raw.indexOf('*/', index + 2);
      if (end < 0) return null;
      index = end + 2;
      // `a/**/b` are two tokens; joined they would be one.
      if (!space && NAME_CHAR.test(out.at(-1) ?? '') && NAME_CHAR.test(raw[index] ?? '')) space = true;
    } else if (char === '"' || char === "'") {
      let end = index + 1;
      while (end < raw.length && raw[end] !== char) end += raw[end] === '\\' ? 2 : 1;
      if (end >= raw.length) return null;
      emit(raw.slice(index, end + 1));
      index = end + 1;
    } else {
      const length = char === '\\' ? 2 : 1;
      emit(raw.slice(index, index + length));
      index += length;
    }
  }
  if (space && !last && !spaceFreeAfter(previous)) out += ' ';
  return out;
}

/** Minifies the raw text of one static piece of an HTML (or SVG) template. */
export function minifyHtmlPiece(raw: string): string {
  return raw.replace(/[ \t\r\n\f]*[\r\n][ \t\r\n\f]*/g, ' ');
}

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

/**
 * Rewrites the static text of every Lit template (and `/* css *\/`-marked template) in a module.
 * @returns the new code with its source map, or null when nothing changed
 */
export function minifyLitTemplates(code: string, id: string) {
  const { program, comments } = parseSync(id, code);
  const tags = litTags(program);
  const cssMarked = (start: number) => comments.some((comment) => comment.end <= start && CSS_MARKER.test(code.slice(comment.start, start)));
  const templates: [ESTree.TemplateLiteral, 'css' | 'html'][] = [];
  new Visitor({
    TaggedTemplateExpression(node) {
      const kind = node.tag.type === 'Identifier' ? tags.get(node.tag.name) : undefined;
      if (kind) templates.push([node.quasi, kind]);
    },
    TemplateLiteral(node) {
      if (comments.length && cssMarked(node.start)) templates.push([node, 'css']);
    },
  }).visit(program);

  const output = new MagicString(code);
  for (const [template, kind] of templates) {
    const pieces = pieceSpans(template);
    const raws = pieces.map(([start, end]) => code.slice(start, end));
    // A backslash before a line break is a line continuation: its text is not what it looks like.
    if (raws.some((raw) => /\\\r?\n/.test(raw))) continue;
    const minified = raws.map((raw, index) => (kind === 'css' ? minifyCssPiece(raw, { first: index === 0, last: index === raws.length - 1 }) : minifyHtmlPiece(raw)));
    if (minified.includes(null)) continue;
    pieces.forEach(([start, end], index) => {
      const text = minified[index]!;
      if (text === raws[index]) return;
      if (text) output.overwrite(start, end, text);
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
