import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The npm package as a consumer gets it (after `npm run build`): its exports resolve to built
 * files, its types compile in a consumer's code, its custom elements manifest describes the
 * element, and `npm pack` takes a sensible set of files.
 */
const root = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('npm package', () => {
  it('resolves every export to a built file', () => {
    const targets: string[] = [];
    const collect = (value: unknown) => {
      if (typeof value === 'string') targets.push(value);
      else if (value && typeof value === 'object') Object.values(value).forEach(collect);
    };
    collect(pkg.exports);
    expect(pkg.exports['.']).toEqual({ types: './dist/types/fitting-room.d.ts', default: './dist/widget/fitting-room.js' });
    expect(pkg.exports['./server']).toEqual({ types: './dist/types/server/index.d.ts', default: './dist/server/index.js' });
    for (const target of [...targets, pkg.main, pkg.types, pkg.customElements]) expect(existsSync(join(root, target)), target).toBe(true);
  });

  it('types a consumer’s code: the element, its tag, the contract and the proxy', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fitting-room-consumer-'));
    try {
      writeFileSync(
        join(dir, 'consumer.ts'),
        `import { FittingRoom, type JobView, type Category } from '${root}dist/types/fitting-room.js';
import { createProxy, readConfig, type ProxyConfig } from '${root}dist/types/server/index.js';
const element: FittingRoom = document.createElement('fitting-room');
element.garment = 'https://shop.example/tee.png';
const category: Category = 'top';
element.category = category;
const open: Promise<void> = element.open();
const view: JobView = { id: 'x', status: 'queued' };
const config: ProxyConfig = readConfig({ FITTING_ROOM_SECRET: 'x'.repeat(32), FITTING_ROOM_ALLOWED_ORIGINS: 'https://shop.example' });
export { open, view, config, createProxy };
`,
      );
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            lib: ['ES2023', 'DOM', 'DOM.Iterable'],
            types: ['node'],
            typeRoots: [join(root, 'node_modules/@types')],
          },
          files: ['consumer.ts'],
        }),
      );
      execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', dir], { encoding: 'utf8', cwd: root });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ships a custom elements manifest read from the class’s JSDoc', () => {
    const manifest = JSON.parse(readFileSync(join(root, pkg.customElements), 'utf8'));
    const declaration = manifest.modules
      .flatMap((module: { declarations?: unknown[] }) => module.declarations ?? [])
      .find((item: { tagName?: string }) => item.tagName === 'fitting-room');
    expect(manifest.modules.map((module: { path: string }) => module.path)).toEqual(['dist/widget/fitting-room.js']);
    expect(declaration.customElement).toBe(true);
    const names = (list: { name: string }[] = []) => list.map((item) => item.name);
    expect(names(declaration.attributes)).toEqual(
      expect.arrayContaining(['endpoint', 'garment', 'category', 'product-id', 'variant-id', 'label', 'locale', 'privacy-url', 'discover']),
    );
    expect(names(declaration.events)).toEqual(
      expect.arrayContaining(['fitting-room:open', 'fitting-room:close', 'fitting-room:result', 'fitting-room:error', 'fitting-room:add-to-cart']),
    );
    expect(names(declaration.cssParts)).toContain('button');
    expect(names(declaration.cssProperties)).toEqual(expect.arrayContaining(['--fitting-room-width', '--fitting-room-height', '--fitting-room-accent', '--fitting-room-display']));
    expect(
      names(declaration.members).some((name) => name.startsWith('#')),
      'no private members',
    ).toBe(false);
  });

  it('packs the built widget, proxy, types and manifest; no sources, tests or source maps', () => {
    const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const files: string[] = packed.files.map((file: { path: string }) => file.path);
    for (const needed of [
      'package.json',
      'README.md',
      'dist/widget/fitting-room.js',
      'dist/server/index.js',
      'dist/server/cli.js',
      'dist/types/fitting-room.d.ts',
      'dist/types/server/index.d.ts',
      'dist/custom-elements.json',
    ]) {
      expect(files, needed).toContain(needed);
    }
    expect(files.filter((file) => /\.map$|^src\/|^test\/|^demo\/|^node_modules\//.test(file))).toEqual([]);
  });
});
