import { afterEach, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/server/config.js';
import { ConfigError } from '../../src/server/config-values.js';
import { ContractClient, expectError, SECRET, SHOP_ORIGIN, startProxy, type TestProxy } from './harness.js';

/**
 * A staging shop serving its product images over plain http: refused by default with a message
 * naming the setting, accepted with `FITTING_ROOM_ALLOW_HTTP_GARMENTS=true`, which the proxy warns
 * about when it starts. The garment host is on loopback, so the address guard is replaced by a plain
 * fetch here: it stands in for a public http staging host (the address policy is security.test.ts's).
 */
let proxy: TestProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

const start = (env: Record<string, string>) => startProxy(env, { fetch: (input, init) => fetch(input, init) }, { dev: false });

describe('garments over plain http (staging shops)', () => {
  it('are refused by default, and the message names the setting that allows them', async () => {
    proxy = await start({});
    const client = await ContractClient.open(proxy);
    const { error } = await expectError(await client.createJob({ garment: proxy.garmentUrl }), 403, 'GARMENT_HOST_NOT_ALLOWED');
    expect(error.message).toContain('FITTING_ROOM_ALLOW_HTTP_GARMENTS=true');
    expect(proxy.logs.join('\n')).not.toContain('http-garments-allowed');
  });

  it('are fetched with FITTING_ROOM_ALLOW_HTTP_GARMENTS=true, and the start-up log warns about it', async () => {
    proxy = await start({ FITTING_ROOM_ALLOW_HTTP_GARMENTS: 'true' });
    const warning = proxy.logs.map((line) => JSON.parse(line)).find((line) => line.event === 'http-garments-allowed');
    expect(warning?.level).toBe('warn');
    const client = await ContractClient.open(proxy);
    const response = await client.createJob({ garment: proxy.garmentUrl });
    expect(response.status, await response.clone().text()).toBe(202);
  });

  it('is off by default, on in development, and a typo is a configuration error naming it', () => {
    const env = { FITTING_ROOM_SECRET: SECRET, FITTING_ROOM_ALLOWED_ORIGINS: SHOP_ORIGIN };
    expect(readConfig(env).allowHttpGarments).toBe(false);
    expect(readConfig(env, { dev: true }).allowHttpGarments).toBe(true);
    expect(readConfig({ ...env, FITTING_ROOM_ALLOW_HTTP_GARMENTS: 'false' }, { dev: true }).allowHttpGarments).toBe(false);
    expect(() => readConfig({ ...env, FITTING_ROOM_ALLOW_HTTP_GARMENTS: 'sure' })).toThrow(ConfigError);
    expect(() => readConfig({ ...env, FITTING_ROOM_ALLOW_HTTP_GARMENTS: 'sure' })).toThrow(/FITTING_ROOM_ALLOW_HTTP_GARMENTS/);
  });
});
