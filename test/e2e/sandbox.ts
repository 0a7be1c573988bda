// What e2e test files import: the Synapse the global setup provides (or null), a describe that
// skips when there is none, and a small fetch helper for the Matrix and admin APIs.
import { describe, inject } from 'vitest';
import type { SandboxInfo } from './global-setup.js';

export type { SandboxInfo, SandboxUser } from './global-setup.js';

export const synapse: SandboxInfo | null = inject('synapse');

/** `describe` when a Synapse is available, `describe.skip` otherwise. */
export const describeE2E = synapse ? describe : describe.skip;

/** The provided Synapse; call it inside tests (under describeE2E it is never null there). */
export function sandboxOrSkip(): SandboxInfo {
  if (!synapse) throw new Error('no Synapse provided: wrap the tests in describeE2E');
  return synapse;
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

/** Call the homeserver with a token: `api(token, 'GET', '/_matrix/client/versions')`. */
export async function api<T = any>(
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiResponse<T>> {
  const { baseUrl } = sandboxOrSkip();
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}
