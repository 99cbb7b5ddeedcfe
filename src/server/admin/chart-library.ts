import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ChartLibrary } from './routes.js';

/**
 * uPlot for the dashboard, read once from node_modules (Node only: the edge bundle has no
 * dashboard, see src/server/README.md). It is a dependency of the proxy, not of the widget.
 */
export function readChartLibrary(): ChartLibrary {
  const require = createRequire(import.meta.url);
  const dist = (file: string) => readFileSync(require.resolve(`uplot/dist/${file}`), 'utf8');
  const { version } = JSON.parse(readFileSync(require.resolve('uplot/package.json'), 'utf8')) as { version: string };
  return { version, script: dist('uPlot.iife.min.js'), stylesheet: dist('uPlot.min.css') };
}
