/**
 * Frontend state of the servebook panel: the server extension handshake, the model list, model
 * reports and scoring servers. Widgets render this state and listen to its signals; only this
 * module calls `api.ts`.
 */
import { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import * as api from './api';
import { INSTALL_HINT, ServebookAPIError } from './request';
import { IInfo, IModelReport, IModelSummary, IServer } from './rest';

/** Poll delays (ms): fast while a server starts, slower while one runs. */
const POLL_STARTING_MS = 500;
const POLL_RUNNING_MS = 2000;

/** A server is "active" while its process may still be alive. */
export function isActive(server: IServer): boolean {
  return server.state === 'starting' || server.state === 'ready';
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}

/** A model report as loaded so far. */
export interface IReportState {
  loading: boolean;
  report: IModelReport | null;
  error: string | null;
}

export class ServebookModel {
  constructor(settings?: ServerConnection.ISettings) {
    this._settings = settings ?? ServerConnection.makeSettings();
  }

  /** Jupyter server settings (base URL, token) the API calls use. */
  get settings(): ServerConnection.ISettings {
    return this._settings;
  }

  // ------------------------------------------------------------ handshake

  get info(): IInfo | null {
    return this._info;
  }

  /** Why the server extension cannot be used (missing or another version), with the fix; else `null`. */
  get extensionProblem(): string | null {
    return this._extensionProblem;
  }

  get infoChanged(): ISignal<this, void> {
    return this._infoChanged;
  }

  /** Ask the server extension who it is; never throws (the problem is kept for display). */
  async checkExtension(): Promise<void> {
    try {
      const info = await api.getInfo(this._settings);
      this._info = info;
      this._extensionProblem = info.frontend_version_ok
        ? null
        : (info.message ??
          `The servebook frontend and server extension (${info.version}) differ. ${INSTALL_HINT}`);
    } catch (error) {
      this._info = null;
      this._extensionProblem =
        error instanceof ServebookAPIError && error.extensionMissing
          ? error.message
          : `The servebook server extension could not be reached: ${messageOf(error)} ${INSTALL_HINT}`;
    }
    this._infoChanged.emit();
  }

  // ------------------------------------------------------------ model list

  get models(): ReadonlyArray<IModelSummary> {
    return this._models;
  }

  get modelsLoading(): boolean {
    return this._modelsLoading;
  }

  get modelsError(): string | null {
    return this._modelsError;
  }

  /** A note when the scan stopped early, else `null`. */
  get modelsTruncated(): string | null {
    return this._modelsTruncated;
  }

  get modelsChanged(): ISignal<this, void> {
    return this._modelsChanged;
  }

  get filter(): string {
    return this._filter;
  }

  set filter(value: string) {
    if (value !== this._filter) {
      this._filter = value;
      this._modelsChanged.emit();
    }
  }

  /** Models whose name, path, flavors or experiment contain every word of the filter. */
  get filteredModels(): IModelSummary[] {
    const words = this._filter.toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length === 0) {
      return [...this._models];
    }
    return this._models.filter(model => {
      const haystack = [
        model.name,
        model.path,
        model.experiment_name ?? '',
        ...model.flavors
      ]
        .join(' ')
        .toLowerCase();
      return words.every(word => haystack.includes(word));
    });
  }

  /** Scan for models again; a newer call supersedes one still running. */
  async refreshModels(): Promise<void> {
    const call = ++this._modelsCall;
    this._modelsLoading = true;
    this._modelsChanged.emit();
    try {
      const list = await api.listModels('', this._settings);
      if (call !== this._modelsCall) {
        return;
      }
      this._models = list.models;
      this._modelsError = null;
      this._modelsTruncated = list.truncated
        ? `The scan stopped early (${list.truncated_reason ?? 'limit'}): some models may be missing.`
        : null;
    } catch (error) {
      if (call === this._modelsCall) {
        this._modelsError = messageOf(error);
      }
    } finally {
      if (call === this._modelsCall) {
        this._modelsLoading = false;
        this._modelsChanged.emit();
      }
    }
  }

  // ------------------------------------------------------------ reports

  get reportChanged(): ISignal<this, string> {
    return this._reportChanged;
  }

  report(path: string): IReportState {
    return (
      this._reports.get(path) ?? { loading: false, report: null, error: null }
    );
  }

  /** Load (or reload) the inspector report of the model at contents path `path`. */
  async loadReport(path: string): Promise<IReportState> {
    const previous = this.report(path);
    this._reports.set(path, { ...previous, loading: true });
    this._reportChanged.emit(path);
    let state: IReportState;
    try {
      state = {
        loading: false,
        report: await api.getModel(path, this._settings),
        error: null
      };
    } catch (error) {
      state = {
        loading: false,
        report: previous.report,
        error: messageOf(error)
      };
    }
    this._reports.set(path, state);
    this._reportChanged.emit(path);
    return state;
  }

  // ------------------------------------------------------------ servers

  get servers(): ReadonlyArray<IServer> {
    return this._servers;
  }

  get serversChanged(): ISignal<this, void> {
    return this._serversChanged;
  }

  serversFor(modelPath: string): IServer[] {
    return this._servers.filter(server => server.model_path === modelPath);
  }

  async refreshServers(): Promise<void> {
    const list = await api.listServers(this._settings);
    this._servers = list.servers;
    this._serversChanged.emit();
    this._schedulePoll();
  }

  /** Start a scoring server for a model; resolves once the server is registered (state `starting`). */
  async startServer(modelPath: string): Promise<IServer> {
    const server = await api.startServer(
      { model_path: modelPath },
      this._settings
    );
    this._upsert(server);
    this._schedulePoll();
    return server;
  }

  async stopServer(id: string): Promise<void> {
    await api.stopServer(id, this._settings);
    try {
      this._upsert(await api.getServer(id, this._settings));
    } catch (error) {
      if (error instanceof ServebookAPIError && error.status === 404) {
        this._servers = this._servers.filter(server => server.id !== id);
        this._serversChanged.emit();
      } else {
        throw error;
      }
    }
  }

  /** Stop every active server (the palette's "Stop all"). */
  async stopAllServers(): Promise<void> {
    await Promise.all(
      this._servers.filter(isActive).map(server => this.stopServer(server.id))
    );
  }

  /** Remove a failed or stopped server's record (DELETE on a finished server). */
  async forgetServer(id: string): Promise<void> {
    await api.stopServer(id, this._settings);
    this._servers = this._servers.filter(server => server.id !== id);
    this._serversChanged.emit();
  }

  /** The whole log of a server (for "Show full log"). */
  async serverLog(id: string): Promise<string> {
    return (await api.getServerLogs(id, 0, this._settings)).log;
  }

  invocationsUrl(id: string): string {
    return api.invocationsUrl(id, this._settings);
  }

  invoke(
    id: string,
    body: string,
    contentType: string
  ): Promise<api.IInvocationResult> {
    return api.invoke(id, body, contentType, this._settings);
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    if (this._pollTimer !== null) {
      window.clearTimeout(this._pollTimer);
      this._pollTimer = null;
    }
    Signal.clearData(this);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  private _upsert(server: IServer): void {
    const index = this._servers.findIndex(item => item.id === server.id);
    if (index >= 0) {
      this._servers = [
        ...this._servers.slice(0, index),
        server,
        ...this._servers.slice(index + 1)
      ];
    } else {
      this._servers = [...this._servers, server];
    }
    this._serversChanged.emit();
  }

  /** Poll `GET servers` while any server is active: state changes and the log tail show up live. */
  private _schedulePoll(): void {
    if (this._isDisposed || this._pollTimer !== null) {
      return;
    }
    const active = this._servers.filter(isActive);
    if (active.length === 0) {
      return;
    }
    const delay = active.some(server => server.state === 'starting')
      ? POLL_STARTING_MS
      : POLL_RUNNING_MS;
    this._pollTimer = window.setTimeout(() => {
      this._pollTimer = null;
      this.refreshServers().catch(() => {
        // A failed poll (Jupyter restarting, network hiccup) is retried on the next tick.
        window.setTimeout(() => this._schedulePoll(), POLL_RUNNING_MS);
      });
    }, delay);
  }

  private _settings: ServerConnection.ISettings;
  private _info: IInfo | null = null;
  private _extensionProblem: string | null = null;
  private _infoChanged = new Signal<this, void>(this);
  private _models: IModelSummary[] = [];
  private _modelsLoading = false;
  private _modelsCall = 0;
  private _modelsError: string | null = null;
  private _modelsTruncated: string | null = null;
  private _filter = '';
  private _modelsChanged = new Signal<this, void>(this);
  private _reports = new Map<string, IReportState>();
  private _reportChanged = new Signal<this, string>(this);
  private _servers: IServer[] = [];
  private _serversChanged = new Signal<this, void>(this);
  private _pollTimer: number | null = null;
  private _isDisposed = false;
}
