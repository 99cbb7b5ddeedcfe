import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * An operator configures the proxy only through environment variables, so a variable the code
 * reads but the operator's guide does not list is a setting nobody can find. This reads the
 * sources as text (no import: a variable read in an edge entry or a provider that is not loaded
 * here counts too) and holds the guide's table to what the code reads, both ways. It also
 * follows every relative link of the docs, so a moved file cannot leave a dead link behind.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const GUIDE = 'src/server/README.md';
const DOCS = [
  'README.md',
  GUIDE,
  'src/ARCHITECTURE.md',
  'src/server/providers/ARCHITECTURE-providers.md',
  'src/integrations/shopify/README.md',
  'src/integrations/wordpress/README.md',
  'src/components/README.md',
];

/** Names of our own variables: a quoted literal like these is a variable wherever it appears (settings tables, error messages, lists). */
const OWN_VARIABLE = /^(?:(?:FITTING_ROOM|MIRRAGO|TRYONAPI|STUDIO|MIRAFLOW|AURAX|S3|REDIS|SHOPIFY)_[A-Z0-9_]+|PORT|HOST|NODE_ENV|REDIS_URL)$/;
const NAME = '[A-Z][A-Z0-9_]*';
const READS = [
  // env.NAME, env?.NAME, process.env.NAME, Bun.env.NAME, env['NAME']
  new RegExp(`\\benv\\??\\.(${NAME})\\b`, 'g'),
  new RegExp(`\\benv\\??\\.?\\[\\s*['"](${NAME})['"]\\s*\\]`, 'g'),
  // Deno.env.get('NAME')
  new RegExp(`\\benv\\.get\\(\\s*['"](${NAME})['"]`, 'g'),
  // requireEnv(env, 'NAME', …), baseUrlFromEnv(env, 'NAME', …) and any other reader handed the environment first
  new RegExp(`\\w+\\(\\s*(?:config\\.)?env\\s*,\\s*['"](${NAME})['"]`, 'g'),
];
const QUOTED = new RegExp(`['"](${NAME})['"]`, 'g');
/** `{ MIRRAGO_CLIENT_ID: … }`: a settings object keyed by the variable's name. */
const KEY = new RegExp(`(?:^|[{,])\\s*(${NAME})\\s*:`, 'gm');

function sourceFiles(): string[] {
  const sources = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join('src', file));
  return [...sources, 'demo/server.ts'];
}

/** Every environment variable the code reads, with a file that reads it. */
function variablesRead(): Map<string, string> {
  const read = new Map<string, string>();
  for (const file of sourceFiles()) {
    const text = readFileSync(join(root, file), 'utf8');
    const names = [
      ...READS.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1]!)),
      ...[...text.matchAll(QUOTED), ...text.matchAll(KEY)].map((match) => match[1]!).filter((name) => OWN_VARIABLE.test(name)),
    ];
    for (const name of names) if (!read.has(name)) read.set(name, file);
  }
  return read;
}

/** Names in the first column of the guide's tables: `| \`NAME\` | default | meaning |`. */
function variablesDocumented(): Set<string> {
  const guide = readFileSync(join(root, GUIDE), 'utf8');
  return new Set([...guide.matchAll(new RegExp(`^\\|\\s*\`(${NAME})\`\\s*\\|[^|\\n]*\\S[^|\\n]*\\|[^|\\n]*\\S[^|\\n]*\\|`, 'gm'))].map((match) => match[1]!));
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const headings = [...withoutCode(markdown).matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) => match[1]!.replace(/`/g, ''));
  return new Set(
    headings.map((heading) =>
      heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    ),
  );
}

function withoutCode(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '``');
}

/** Relative links and images of a Markdown file, as `path#anchor`. */
function relativeLinks(markdown: string): string[] {
  return [...withoutCode(markdown).matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((match) => match[1]!).filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe('the operator’s guide lists every environment variable', () => {
  const read = variablesRead();
  const documented = variablesDocumented();

  it('finds the variables the proxy reads (the scan itself works)', () => {
    for (const name of ['FITTING_ROOM_SECRET', 'FITTING_ROOM_ALLOWED_ORIGINS', 'S3_BUCKET', 'REDIS_URL', 'PORT', 'MIRRAGO_CLIENT_ID', 'AURAX_KEY_ID'])
      expect(read.has(name), name).toBe(true);
    expect(read.size).toBeGreaterThanOrEqual(40);
  });

  it('has a row (name, default, meaning) for each variable the code reads', () => {
    const missing = [...read].filter(([name]) => !documented.has(name)).map(([name, file]) => `${name} (read in ${file})`);
    expect(missing, `add these to the tables of ${GUIDE}`).toEqual([]);
  });

  it('documents no variable that nothing reads', () => {
    const unread = [...documented].filter((name) => !read.has(name));
    expect(unread, `${GUIDE} documents variables the code does not read`).toEqual([]);
  });
});

describe('the docs’ relative links', () => {
  it.each(DOCS)('%s: every link reaches a file, and its #anchor a heading', (doc) => {
    const markdown = readFileSync(join(root, doc), 'utf8');
    const broken = relativeLinks(markdown).filter((link) => {
      const [path, anchor] = link.split('#') as [string, string | undefined];
      const target = path ? resolve(root, dirname(doc), decodeURI(path)) : join(root, doc);
      if (!existsSync(target)) return true;
      return anchor !== undefined && target.endsWith('.md') && !anchorsOf(readFileSync(target, 'utf8')).has(anchor);
    });
    expect(broken, `broken links in ${doc} (relative to ${relative(root, dirname(join(root, doc))) || '.'})`).toEqual([]);
  });
});
