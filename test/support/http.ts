import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/server/app.ts';
import type { DatabaseHandle } from '../../src/db/connection.ts';

export async function buildTestApp(handle: DatabaseHandle, options: { signInAttempts?: number } = {}): Promise<FastifyInstance> {
  const app = await buildApp({ handle, rateLimitPerMinute: 100_000, signInAttemptsPerFiveMinutes: options.signInAttempts ?? 1000 });
  await app.ready();
  return app;
}

/** A browser-like client: keeps cookies, and reads the CSRF token from the pages it gets. */
export class Browser {
  private readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(private readonly app: FastifyInstance) {}

  private remember(response: LightMyRequestResponse): void {
    for (const cookie of response.cookies) {
      if (cookie.value === '' || (cookie.expires && cookie.expires.getTime() < Date.now())) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    const match = /name="_csrf" value="([^"]+)"/.exec(response.body) ?? /_csrf=([^"&]+)/.exec(response.body);
    if (match) this.csrf = decodeURIComponent(match[1]!);
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader() } });
    this.remember(response);
    return response;
  }

  async post(url: string, form: Record<string, string | string[]>, options: { csrf?: boolean } = {}): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(form)) for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
    if (options.csrf !== false) body.append('_csrf', this.csrf);
    const response = await this.app.inject({
      method: 'POST', url, payload: body.toString(),
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
    });
    this.remember(response);
    return response;
  }

  /** Posts a multipart form with the CSRF token in the action URL, as the upload forms do. */
  async postMultipart(url: string, body: { payload: Buffer; contentType: string }, options: { csrf?: boolean; accept?: string } = {}): Promise<LightMyRequestResponse> {
    const target = options.csrf === false ? url : `${url}${url.includes('?') ? '&' : '?'}_csrf=${encodeURIComponent(this.csrf)}`;
    const response = await this.app.inject({
      method: 'POST', url: target, payload: body.payload,
      headers: { cookie: this.cookieHeader(), 'content-type': body.contentType, ...(options.accept ? { accept: options.accept } : {}) },
    });
    this.remember(response);
    return response;
  }

  async signIn(email: string, password: string): Promise<LightMyRequestResponse> {
    await this.get('/sign-in');
    return this.post('/sign-in', { email, password });
  }
}

/** A multipart/form-data body as a browser sends it: fields first, then files. */
export function multipartBody(fields: Record<string, string>, files: Array<{ name: string; fileName: string; content: Buffer | string; type?: string }>) {
  const boundary = `----lantern${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  for (const file of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.fileName}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`));
    parts.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content));
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
