/**
 * Ids and constants of the servebook frontend: plugin and command ids, the sidebar's widget id and
 * the version sent in the handshake. The server extension's wire format is in `rest.ts`.
 */

/** The npm package version; sent to `GET info?version=` for the handshake. */
export const FRONTEND_VERSION = '0.1.0';

/** Plugin ids (`servebook:<plugin>`). */
export namespace PluginIDs {
  export const panel = 'servebook:panel';
}

/** Command ids (`servebook:<verb>-<noun>`). */
export namespace CommandIDs {
  export const openPanel = 'servebook:open-panel';
  export const refreshModels = 'servebook:refresh-models';
  export const inspectModel = 'servebook:inspect-model';
  export const serveModel = 'servebook:serve-model';
  export const stopServer = 'servebook:stop-server';
  export const stopAllServers = 'servebook:stop-all-servers';
}

/** The sidebar widget id (also its DOM id). */
export const PANEL_ID = 'sb-panel';
