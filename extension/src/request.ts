/**
 * How the frontend talks to the server extension: `requestAPI` sends the Jupyter token and XSRF
 * header (through `ServerConnection`), bounds the wait, parses JSON and turns an error answer into a
 * `ServebookAPIError` carrying the server's own message. The routes themselves are in `api.ts`.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { IErrorBody } from './rest';

/** REST namespace of the server extension under the Jupyter base URL. */
const NAMESPACE = 'servebook';

/** The command a user runs to (re)install and enable the server extension. */
export const INSTALL_HINT =
  'Install it in the environment that runs Jupyter with `pip install servebook`, check it with ' +
  '`jupyter server extension list` (servebook_lab must be enabled), then restart Jupyter and reload this page.';

/** An error answer from the server extension (or no answer at all: `status` 0). */
export class ServebookAPIError extends ServerConnection.ResponseError {
  /** The stable `reason` code from the body, `null` when the server gave none. */
  readonly reason: string | null;
  readonly status: number;

  constructor(response: Response, message: string, reason: string | null) {
    super(response, message);
    this.name = 'ServebookAPIError';
    this.reason = reason;
    this.status = response.status;
  }

  /** True when the server extension is not there at all (the route is unknown to Jupyter). */
  get extensionMissing(): boolean {
    return this.status === 404 && this.reason === null;
  }
}

/** How long a call may take before the frontend gives up and says so (ms). */
const DEFAULT_TIMEOUT_MS = 60 * 1000;

export interface IRequestOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  /** Give up after this many ms (default 60 s): a hung call must not leave the panel waiting forever. */
  timeoutMs?: number;
  /** Serialised as JSON. */
  body?: unknown;
  /** Query parameters; `undefined` values are left out. */
  query?: { [key: string]: string | number | undefined };
  settings?: ServerConnection.ISettings;
}

/** The URL of `path` (a route under the extension's namespace) with its query parameters. */
export function apiUrl(
  settings: ServerConnection.ISettings,
  path: string,
  query?: IRequestOptions['query']
): string {
  const url = URLExt.join(settings.baseUrl, NAMESPACE, path);
  if (!query) {
    return url;
  }
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) {
      params.set(key, String(value));
    }
  }
  const search = params.toString();
  return search ? `${url}?${search}` : url;
}

/** A call that got no answer in time. */
export class ServebookTimeoutError extends Error {
  constructor(what: string, timeoutMs: number) {
    super(
      `${what} got no answer within ${Math.round(timeoutMs / 1000)} s. ` +
        'Check that Jupyter is still running (its terminal shows errors), then try again.'
    );
    this.name = 'ServebookTimeoutError';
  }
}

/** Send one request; a call that gets no answer in `timeoutMs` fails with `ServebookTimeoutError`. */
export async function send(
  url: string,
  init: RequestInit,
  settings: ServerConnection.ISettings,
  timeoutMs: number = DEFAULT_TIMEOUT_MS
): Promise<Response> {
  const controller = new AbortController();
  const timer = window.setTimeout(() => controller.abort(), timeoutMs);
  try {
    return await ServerConnection.makeRequest(
      url,
      { ...init, signal: controller.signal },
      settings
    );
  } catch (error) {
    if (controller.signal.aborted) {
      const path = url.split('?')[0].split(`/${NAMESPACE}/`).pop() ?? url;
      throw new ServebookTimeoutError(
        `${init.method ?? 'GET'} ${path}`,
        timeoutMs
      );
    }
    throw new ServerConnection.NetworkError(error as TypeError);
  } finally {
    window.clearTimeout(timer);
  }
}

/** Read the `{message, reason}` error body, falling back to the status text for non-JSON answers. */
async function errorFrom(response: Response): Promise<ServebookAPIError> {
  const text = await response.text();
  let message = `${response.status} ${response.statusText}`.trim();
  let reason: string | null = null;
  try {
    const body = JSON.parse(text) as Partial<IErrorBody>;
    if (typeof body.message === 'string' && body.message) {
      message = body.message;
    }
    reason = typeof body.reason === 'string' ? body.reason : null;
  } catch {
    // Not JSON: Jupyter's HTML 404 page when the server extension is missing.
  }
  if (response.status === 404 && reason === null) {
    message = `The servebook server extension did not answer (${message}). ${INSTALL_HINT}`;
  }
  return new ServebookAPIError(response, message, reason);
}

/** Call a JSON route of the server extension; resolves to the parsed body (`undefined` for 204). */
export async function requestAPI<T>(
  path: string,
  options: IRequestOptions = {}
): Promise<T> {
  const settings = options.settings ?? ServerConnection.makeSettings();
  const init: RequestInit = { method: options.method ?? 'GET' };
  if (options.body !== undefined) {
    init.body = JSON.stringify(options.body);
    init.headers = { 'Content-Type': 'application/json' };
  }
  const response = await send(
    apiUrl(settings, path, options.query),
    init,
    settings,
    options.timeoutMs
  );
  if (!response.ok) {
    throw await errorFrom(response);
  }
  if (response.status === 204) {
    return undefined as T;
  }
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ServebookAPIError(
      response,
      `The servebook server extension sent a response that is not JSON. ${INSTALL_HINT}`,
      null
    );
  }
}
