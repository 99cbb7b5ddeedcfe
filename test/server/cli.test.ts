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

  it('says so in one line when the proxy itself is misconfigured or the provider is unknown', async () => {
    const [noOrigins, unknown] = await Promise.all([runCli({ FITTING_ROOM_ALLOWED_ORIGINS: '' }), runCli({ FITTING_ROOM_PROVIDER: 'nope' })]);
    expect(noOrigins).toEqual({ code: 1, stderr: 'fitting-room-proxy: FITTING_ROOM_ALLOWED_ORIGINS must list the shop origins, e.g. https://shop.example.\n' });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^fitting-room-proxy: FITTING_ROOM_PROVIDER "nope" is not one of: mirrago, tryonapi, studio, miraflow, aurax, sandbox\.\n$/);
  });
});
