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

  async signIn(email: string, password: string): Promise<LightMyRequestResponse> {
    await this.get('/sign-in');
    return this.post('/sign-in', { email, password });
  }
}
