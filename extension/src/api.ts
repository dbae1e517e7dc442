/**
 * The only module that knows the server extension's routes: one typed function per route.
 *
 * The transport (token, XSRF, timeouts, error bodies) is `request.ts`; the wire types are `rest.ts`.
 */
import { ServerConnection } from '@jupyterlab/services';

import { apiUrl, requestAPI, send } from './request';
import {
  IInfo,
  IModelList,
  IModelReport,
  IServer,
  IServerList,
  IServerLog,
  IStartServerBody
} from './rest';
import { FRONTEND_VERSION } from './tokens';

/** What `POST servers/<id>/invocations` answered, as the console shows it. */
export interface IInvocationResult {
  status: number;
  ok: boolean;
  latencyMs: number;
  contentType: string;
  /** Parsed JSON body, or `null` when the body was not JSON. */
  json: unknown;
  text: string;
  /** The error message of a failed call (scoring server's or extension's), else `null`. */
  errorMessage: string | null;
}

/** Encode a `/`-separated contents path segment by segment. */
function encodePath(path: string): string {
  return path
    .split('/')
    .filter(part => part.length > 0)
    .map(encodeURIComponent)
    .join('/');
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
  return apiUrl(s, `servers/${encodeURIComponent(id)}/invocations`);
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
