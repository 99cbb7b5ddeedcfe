/**
 * Mirrago, as its API document describes it: OAuth client credentials
 * (`POST /oauth/token`), `POST /v1/mirrago/generate-image` with image URLs (which it
 * downloads), `GET /v1/mirrago/job/{job_id}` going queued → pending → completed|failed,
 * and the result on a CDN URL. Errors (undocumented) are FastAPI-style `{"detail": …}`,
 * which the doc's Python timestamps suggest.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_BEHAVIOUR, EmulatorServer, bearer, imageFormat, newId, type Behaviour, type Context, type Job, type Reply } from './harness.js';

export interface MirragoBehaviour extends Behaviour {
  /** `expires_in` of issued tokens (seconds). */
  tokenExpiresIn: number;
  /** Tokens issued while set stop working this many ms after issue, whatever `expires_in` said. */
  expireTokensAfterMs: number | undefined;
  /** Every API call answers 401, whatever the token. */
  rejectAllTokens: boolean;
  /** How a failed job tells why: `error` (doc, "Response (Failed)") or `error_msg.error` (doc, processing shape). */
  failureShape: 'error' | 'error_msg';
}

export const CLIENT_ID = 'test-client';
export const CLIENT_SECRET = 'mirrago-client-secret-3f9c1e77a0';

export class MirragoEmulator extends EmulatorServer<MirragoBehaviour> {
  readonly name = 'mirrago';
  /** Issued access tokens and when each stops working (server side). */
  readonly tokens = new Map<string, number>();

  constructor(behaviour: Partial<MirragoBehaviour> = {}) {
    super({ ...DEFAULT_BEHAVIOUR, tokenExpiresIn: 3600, expireTokensAfterMs: undefined, rejectAllTokens: false, failureShape: 'error', ...behaviour });
    this.routes = [
      { method: 'POST', pattern: /^\/oauth\/token$/, api: true, handle: (context) => this.token(context) },
      { method: 'POST', pattern: /^\/v1\/mirrago\/generate-image$/, api: true, handle: (context) => this.generate(context) },
      { method: 'GET', pattern: /^\/v1\/mirrago\/job\/([^/]+)$/, api: true, handle: (context) => this.job(context) },
      { method: 'GET', pattern: /^\/cdn\/results\/([^/]+)\.jpg$/, api: false, handle: (context) => this.result(context) },
    ];
  }

  env() {
    return { MIRRAGO_BASE_URL: this.url, MIRRAGO_CLIENT_ID: CLIENT_ID, MIRRAGO_CLIENT_SECRET: CLIENT_SECRET };
  }

  secrets() {
    return [CLIENT_SECRET, ...this.tokens.keys()];
  }

  /** Every token issued so far stops working now (as if the server restarted or rotated keys). */
  revokeTokens() {
    for (const token of this.tokens.keys()) this.tokens.set(token, 0);
  }

  protected errorBody(_status: number, _code: string, message: string) {
    return { detail: message };
  }

  private token({ json }: Context): Reply {
    const body = json() as Record<string, unknown> | undefined;
    if (body?.grant_type !== 'client_credentials') return { status: 400, json: { detail: 'grant_type must be client_credentials' } };
    if (body.client_id !== CLIENT_ID || body.client_secret !== CLIENT_SECRET) return { status: 401, json: { detail: 'Invalid client credentials' } };
    const token = `eyJhbGciOiJIUzI1NiJ9.${randomBytes(12).toString('base64url')}.${randomBytes(16).toString('base64url')}`;
    const lifetime = this.behaviour.expireTokensAfterMs ?? this.behaviour.tokenExpiresIn * 1000;
    this.tokens.set(token, Date.now() + lifetime);
    return { json: { access_token: token, expires_in: this.behaviour.tokenExpiresIn, token_type: 'Bearer' } };
  }

  private authorized(context: Context): Reply | undefined {
    const token = bearer(context.headers);
    const until = token ? this.tokens.get(token) : undefined;
    if (this.behaviour.rejectAllTokens || until === undefined || until <= Date.now()) return { status: 401, json: { detail: 'Invalid or expired token' } };
    return undefined;
  }

  private async generate(context: Context): Promise<Reply> {
    const denied = this.authorized(context);
    if (denied) return denied;
    const body = context.json() as Record<string, unknown> | undefined;
    const missing = ['model_image_url', 'garment_image_url'].filter((field) => typeof body?.[field] !== 'string' || !/^https?:\/\//.test(body[field] as string));
    if (!body || missing.length)
      return { status: 422, json: { detail: missing.map((field) => ({ loc: ['body', field], msg: 'field required (an http(s) URL)', type: 'value_error' })) } };
    if (this.behaviour.outOfCredits) return { status: 402, json: { detail: 'Insufficient credits' } };
    const id = newId();
    const job = this.createJob(id, { meta: { body } });
    // Mirrago downloads both images; one it cannot fetch fails the job.
    const [person, garment] = await Promise.all([fetchImage(body.model_image_url as string), fetchImage(body.garment_image_url as string)]);
    if (!person || !garment) job.fail = `Could not download ${person ? 'garment' : 'model'} image`;
    // Processing starts once both images are in.
    const started = Date.now();
    job.completeAt += started - job.createdAt;
    job.createdAt = started;
    job.person = person;
    job.garments = garment ? [garment] : [];
    return {
      json: {
        job_id: id,
        status: 'pending',
        business_id: 'emulator',
        username: `TEMP${newId()}`,
        cloth_id: `business/emulator/clothes/${newId()}.jpeg`,
        credits_before: 100,
        created_at: new Date(job.createdAt).toISOString().replace('Z', '000'),
      },
    };
  }

  private job(context: Context): Reply {
    const denied = this.authorized(context);
    if (denied) return denied;
    const job = this.jobs.get(context.params[0]!);
    if (!job) return { status: 404, json: { detail: 'Job not found' } };
    const phase = this.phaseOf(job);
    if (phase.phase === 'succeeded') return { json: { job_id: job.id, status: 'completed', result_image_url: this.signedUrl(`/cdn/results/${job.id}.jpg`) } };
    if (phase.phase === 'failed') {
      const reason = phase.reason || 'Processing error message';
      return {
        json: this.behaviour.failureShape === 'error' ? { job_id: job.id, status: 'failed', error: reason } : { job_id: job.id, status: 'failed', error_msg: { error: reason } },
      };
    }
    return { json: processing(this.signedUrl(`/clothes/${job.id}.jpeg`), job, phase.phase === 'queued' ? 'queued' : 'pending') };
  }

  private async result(context: Context): Promise<Reply> {
    const job = this.jobs.get(context.params[0]!);
    if (!job || !this.signatureValid(context.url)) return { status: 403, text: '<Error><Code>AccessDenied</Code></Error>', headers: { 'content-type': 'application/xml' } };
    return { bytes: await this.resultOf(job, 'jpeg'), headers: { 'content-type': 'image/jpeg' } };
  }
}

function processing(clothUrl: string, job: Job, status: string) {
  return {
    job_id: job.id,
    cloth_id: `business/emulator/clothes/${job.id}.jpeg`,
    cloth_img_url: clothUrl,
    status,
    created_at: new Date(job.createdAt).toISOString().replace('Z', '000'),
    generated_image_key: '',
    result_url: null,
    error_msg: { error: '' },
  };
}

async function fetchImage(url: string): Promise<Uint8Array | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
    if (!response.ok) return undefined;
    const bytes = new Uint8Array(await response.arrayBuffer());
    return (await imageFormat(bytes)) ? bytes : undefined;
  } catch {
    return undefined;
  }
}

export function startMirrago(behaviour: Partial<MirragoBehaviour> = {}): Promise<MirragoEmulator> {
  return new MirragoEmulator(behaviour).start();
}
