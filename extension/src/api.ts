/**
 * The only module that knows the server extension's URLs.
 *
 * `requestAPI` sends the Jupyter token and XSRF header (through `ServerConnection`), parses JSON and
 * turns an error answer into a `ServebookAPIError` carrying the server's own message.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import {
  FRONTEND_VERSION,
  IErrorBody,
  IInfo,
  IInvocationResult,
  IModelList,
  IModelReport,
  IServer,
  IServerList,
  IServerLog,
  IStartServerBody
} from './tokens';

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

function buildUrl(
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

/** Encode a `/`-separated contents path segment by segment. */
function encodePath(path: string): string {
  return path
    .split('/')
    .filter(part => part.length > 0)
    .map(encodeURIComponent)
    .join('/');
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

async function send(
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
    buildUrl(settings, path, options.query),
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

// ---------------------------------------------------------------- one function per route

export function getInfo(settings?: ServerConnection.ISettings): Promise<IInfo> {
  return requestAPI<IInfo>('info', {
    query: { version: FRONTEND_VERSION },
    settings,
    timeoutMs: 20 * 1000
  });
}

export function listModels(
  path = '',
  settings?: ServerConnection.ISettings
): Promise<IModelList> {
  return requestAPI<IModelList>('models', {
    query: { path },
    settings,
    timeoutMs: 30 * 1000
  });
}

export function getModel(
  path: string,
  settings?: ServerConnection.ISettings
): Promise<IModelReport> {
  return requestAPI<IModelReport>(`models/${encodePath(path)}`, { settings });
}

export function listServers(
  settings?: ServerConnection.ISettings
): Promise<IServerList> {
  return requestAPI<IServerList>('servers', { settings });
}

export function startServer(
  body: IStartServerBody,
  settings?: ServerConnection.ISettings
): Promise<IServer> {
  return requestAPI<IServer>('servers', { method: 'POST', body, settings });
}

export function getServer(
  id: string,
  settings?: ServerConnection.ISettings
): Promise<IServer> {
  return requestAPI<IServer>(`servers/${encodeURIComponent(id)}`, { settings });
}

export function stopServer(
  id: string,
  settings?: ServerConnection.ISettings
): Promise<void> {
  return requestAPI<void>(`servers/${encodeURIComponent(id)}`, {
    method: 'DELETE',
    settings
  });
}

export function getServerLogs(
  id: string,
  tail = 200,
  settings?: ServerConnection.ISettings
): Promise<IServerLog> {
  return requestAPI<IServerLog>(`servers/${encodeURIComponent(id)}/logs`, {
    query: { tail },
    settings
  });
}

/** The browser-visible URL of a server's invocations route (shown in snippets). */
export function invocationsUrl(
  id: string,
  settings?: ServerConnection.ISettings
): string {
  const s = settings ?? ServerConnection.makeSettings();
  return URLExt.join(
    s.baseUrl,
    NAMESPACE,
    'servers',
    encodeURIComponent(id),
    'invocations'
  );
}

/**
 * Send a scoring request through the extension. Unlike `requestAPI`, an error status is a result
 * to show (with the scoring server's message), not an exception; only a network failure throws.
 */
export async function invoke(
  id: string,
  body: string,
  contentType: string,
  settings?: ServerConnection.ISettings
): Promise<IInvocationResult> {
  const s = settings ?? ServerConnection.makeSettings();
  const started = performance.now();
  const response = await send(
    invocationsUrl(id, s),
    { method: 'POST', body, headers: { 'Content-Type': contentType } },
    s,
    5 * 60 * 1000
  );
  const text = await response.text();
  const latencyMs = performance.now() - started;
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  let errorMessage: string | null = null;
  if (!response.ok) {
    const message =
      json !== null && typeof json === 'object' && 'message' in json
        ? (json as { message: unknown }).message
        : null;
    errorMessage =
      typeof message === 'string' && message
        ? message
        : `${response.status} ${response.statusText}`.trim();
  }
  return {
    status: response.status,
    ok: response.ok,
    latencyMs,
    contentType: response.headers.get('Content-Type') ?? '',
    json,
    text,
    errorMessage
  };
}
