import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SECRET, SHOP_ORIGIN } from './harness.js';

/**
 * The `fitting-room-proxy` bin, started as an operator starts it, with a configuration
 * mistake: one line on stderr naming the variable, exit code 1, and no stack trace.
 */
const CLI = fileURLToPath(new URL('../../src/server/cli.ts', import.meta.url));
const BASE_ENV = { PATH: process.env.PATH, FITTING_ROOM_SECRET: SECRET, FITTING_ROOM_ALLOWED_ORIGINS: SHOP_ORIGIN, PORT: '0' };

function runCli(env: Record<string, string | undefined>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI], { env: { ...BASE_ENV, ...env }, timeout: 15_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr });
    });
  });
}

describe('fitting-room-proxy with a configuration mistake', () => {
  it('names the provider setting that is missing in one line and exits 1', async () => {
    const { code, stderr } = await runCli({ FITTING_ROOM_PROVIDER: 'mirrago', FITTING_ROOM_PUBLIC_URL: 'https://proxy.example', MIRRAGO_CLIENT_SECRET: 'client-secret' });
    expect(code).toBe(1);
    expect(stderr.trimEnd().split('\n')).toEqual(["fitting-room-proxy: MIRRAGO_CLIENT_ID is required for the Mirrago provider. Set it in the proxy's environment."]);
  });

  it('reports every routing mistake at once, one line each', async () => {
    const { code, stderr } = await runCli({
      FITTING_ROOM_PROVIDERS: 'studio,nope,tryonapi',
      FITTING_ROOM_ROUTES: 'shoes:aurax,hats:studio,bag',
      FITTING_ROOM_BREAKER_FAILURES: '0',
    });
    expect(code).toBe(1);
    expect(stderr.trimEnd().split('\n')).toEqual([
      'fitting-room-proxy: FITTING_ROOM_ROUTES: "aurax" (route shoes) is not in FITTING_ROOM_PROVIDERS (studio, nope, tryonapi).',
      'fitting-room-proxy: FITTING_ROOM_ROUTES: "hats" is not a category (top, bottom, dress, outerwear, full, shoes, bag, accessory or *).',
      'fitting-room-proxy: FITTING_ROOM_ROUTES: "bag" is not category:provider+provider (e.g. shoes:aurax or *:studio+tryonapi).',
      'fitting-room-proxy: FITTING_ROOM_BREAKER_FAILURES must be a whole number of at least 1, got "0".',
    ]);
    // Once the routes are right, the unknown provider and each provider's missing settings, together.
    const second = await runCli({ FITTING_ROOM_PROVIDERS: 'studio,nope,tryonapi' });
    expect(second.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^fitting-room-proxy: STUDIO_BASE_URL is required for the Studio provider/),
      'fitting-room-proxy: FITTING_ROOM_PROVIDERS "nope" is not one of: mirrago, tryonapi, studio, miraflow, aurax, sandbox.',
      expect.stringMatching(/^fitting-room-proxy: TRYONAPI_BASE_URL is required for the TryonAPI provider/),
    ]);
  });

  it('says so in one line when the proxy itself is misconfigured or the provider is unknown', async () => {
    const [noOrigins, unknown] = await Promise.all([runCli({ FITTING_ROOM_ALLOWED_ORIGINS: '' }), runCli({ FITTING_ROOM_PROVIDER: 'nope' })]);
    expect(noOrigins).toEqual({ code: 1, stderr: 'fitting-room-proxy: FITTING_ROOM_ALLOWED_ORIGINS must list the shop origins, e.g. https://shop.example.\n' });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^fitting-room-proxy: FITTING_ROOM_PROVIDER "nope" is not one of: mirrago, tryonapi, studio, miraflow, aurax, sandbox\.\n$/);
  });
});
