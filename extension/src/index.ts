/**
 * Plugin wiring only: the sidebar panel, the inspector widgets, commands, palette and the file
 * browser's context menu. No network call is awaited during activation.
 */
import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  InputDialog,
  MainAreaWidget
} from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { servebookIcon } from './icons';
import { ServebookModel } from './model';
import { notifyError } from './notify';
import { CommandIDs, PluginIDs } from './tokens';
import type { ModelInspector } from './widgets/ModelInspector';
import { ModelsPanel } from './widgets/ModelsPanel';

const MLMODEL = 'MLmodel';
const PALETTE_CATEGORY = 'servebook';

/** The model directory a file-browser item stands for, or `null` when it is not a model. */
function modelPathOf(
  item: { path: string; name: string; type: string },
  known: ReadonlySet<string>
): string | null {
  if (item.type !== 'directory' && item.name === MLMODEL) {
    const slash = item.path.lastIndexOf('/');
    return slash >= 0 ? item.path.slice(0, slash) : '';
  }
  if (item.type === 'directory' && known.has(item.path)) {
    return item.path;
  }
  return null;
}

const panelPlugin: JupyterFrontEndPlugin<void> = {
  id: PluginIDs.panel,
  description: 'Browse, inspect, serve and query MLflow-format models.',
  autoStart: true,
  requires: [ILabShell],
  optional: [
    ICommandPalette,
    IDefaultFileBrowser,
    ILayoutRestorer,
    ISettingRegistry,
    ITranslator
  ],
  activate: (
    app: JupyterFrontEnd,
    labShell: ILabShell,
    palette: ICommandPalette | null,
    fileBrowser: IDefaultFileBrowser | null,
    restorer: ILayoutRestorer | null,
    settingRegistry: ISettingRegistry | null,
    optionalTranslator: ITranslator | null
  ): void => {
    const { commands, shell } = app;
    const translator = optionalTranslator ?? nullTranslator;
    const trans = translator.load('servebook');
    const model = new ServebookModel(app.serviceManager.serverSettings);
    const panel = new ModelsPanel(model, commands, translator);
    labShell.add(panel, 'left', { rank: 850 });
    if (restorer) {
      restorer.add(panel, panel.id);
    }

    const inspectors = new Map<string, MainAreaWidget<ModelInspector>>();
    const knownModels = () => new Set(model.models.map(item => item.path));

    /** Open (or show again) the inspector of `path`; its code loads on first use. */
    const openInspector = async (
      path: string
    ): Promise<MainAreaWidget<ModelInspector>> => {
      const open = inspectors.get(path);
      if (open && !open.isDisposed) {
        void model.loadReport(path);
        shell.activateById(open.id);
        return open;
      }
      const { ModelInspector } = await import('./widgets/ModelInspector');
      // Another call may have opened it while the module loaded.
      let widget = inspectors.get(path);
      if (!widget || widget.isDisposed) {
        const content = new ModelInspector(model, path, translator);
        widget = new MainAreaWidget({ content });
        widget.id = `sb-inspector-${path.replace(/[^A-Za-z0-9_-]/g, '_')}`;
        widget.title.label = content.title.label;
        widget.title.caption = content.title.caption;
        widget.title.icon = servebookIcon;
        widget.title.closable = true;
        inspectors.set(path, widget);
        widget.disposed.connect(() => inspectors.delete(path));
        shell.add(widget, 'main');
      }
      shell.activateById(widget.id);
      return widget;
    };

    /** The `path` argument of the model commands, as described to the command registry. */
    const modelPathArg = {
      type: 'string',
      description: trans.__(
        'Contents path of the model directory (default: the file browser selection)'
      )
    };

    /** The model the command targets: its `path` argument, else the file browser's selection. */
    const targetPath = (args: { path?: unknown }): string | null => {
      if (typeof args.path === 'string') {
        return args.path;
      }
      const item = fileBrowser?.selectedItems().next();
      if (item && !item.done) {
        return modelPathOf(item.value, knownModels());
      }
      return null;
    };

    commands.addCommand(CommandIDs.openPanel, {
      label: trans.__('Open the servebook Panel'),
      describedBy: { args: { type: 'object', properties: {} } },
      icon: servebookIcon,
      execute: () => shell.activateById(panel.id)
    });

    commands.addCommand(CommandIDs.refreshModels, {
      label: trans.__('Refresh servebook Models'),
      describedBy: { args: { type: 'object', properties: {} } },
      execute: async () => {
        await model.refreshModels();
        if (model.modelsError) {
          notifyError(
            trans.__('Listing models failed'),
            new Error(model.modelsError)
          );
        }
      }
    });

    commands.addCommand(CommandIDs.inspectModel, {
      label: trans.__('Inspect Model'),
      caption: trans.__(
        'Show what an MLflow-format model contains, without loading it'
      ),
      describedBy: {
        args: {
          type: 'object',
          properties: {
            path: modelPathArg,
            origin: {
              type: 'string',
              description: trans.__(
                '"palette" asks for a model when none is given or selected'
              )
            }
          }
        }
      },
      icon: servebookIcon,
      // From the palette it asks for a model; in the context menu only on MLmodel files and models.
      isVisible: args => args.origin === 'palette' || targetPath(args) !== null,
      execute: async args => {
        let path = targetPath(args);
        if (path === null) {
          const choice = await InputDialog.getItem({
            title: trans.__('Inspect model'),
            items: model.models.map(item => item.path),
            editable: true
          });
          if (!choice.button.accept || choice.value === null) {
            return;
          }
          path = choice.value;
        }
        try {
          await openInspector(path);
        } catch (error) {
          notifyError(trans.__('Opening the inspector failed'), error);
        }
      }
    });

    commands.addCommand(CommandIDs.serveModel, {
      label: trans.__('Serve Model'),
      caption: trans.__('Start a local scoring server for this model'),
      describedBy: {
        args: { type: 'object', properties: { path: modelPathArg } }
      },
      isVisible: args =>
        typeof args.path === 'string' || targetPath(args) !== null,
      execute: async args => {
        const path = targetPath(args);
        if (path === null) {
          return;
        }
        try {
          await openInspector(path);
          await model.startServer(path);
        } catch (error) {
          notifyError(trans.__('Serving %1 failed', path), error);
        }
      }
    });

    commands.addCommand(CommandIDs.stopServer, {
      label: trans.__('Stop Scoring Server'),
      describedBy: {
        args: {
          type: 'object',
          properties: {
            id: {
              type: 'string',
              description: trans.__('The id of the scoring server to stop')
            }
          },
          required: ['id']
        }
      },
      execute: async args => {
        if (typeof args.id !== 'string') {
          return;
        }
        try {
          await model.stopServer(args.id);
        } catch (error) {
          notifyError(trans.__('Stopping the server failed'), error);
        }
      }
    });

    commands.addCommand(CommandIDs.stopAllServers, {
      label: trans.__('Stop All servebook Scoring Servers'),
      describedBy: { args: { type: 'object', properties: {} } },
      execute: async () => {
        try {
          await model.stopAllServers();
        } catch (error) {
          notifyError(trans.__('Stopping the servers failed'), error);
        }
      }
    });

    if (palette) {
      for (const command of [
        CommandIDs.openPanel,
        CommandIDs.refreshModels,
        CommandIDs.inspectModel,
        CommandIDs.stopAllServers
      ]) {
        palette.addItem({
          command,
          category: PALETTE_CATEGORY,
          args: { origin: 'palette' }
        });
      }
    }

    app.contextMenu.addItem({
      command: CommandIDs.inspectModel,
      selector: '.jp-DirListing-item',
      rank: 3
    });
    app.contextMenu.addItem({
      command: CommandIDs.serveModel,
      selector: '.jp-DirListing-item',
      rank: 3
    });

    // Network work starts once the shell is restored and is never awaited here.
    void app.restored.then(async () => {
      let refreshOnStart = true;
      if (settingRegistry) {
        try {
          const settings = await settingRegistry.load(PluginIDs.panel);
          refreshOnStart = settings.get('refreshOnStart').composite !== false;
        } catch {
          // No settings schema loaded: keep the defaults.
        }
      }
      await model.checkExtension();
      if (model.extensionProblem) {
        notifyError('servebook', new Error(model.extensionProblem));
        return;
      }
      await Promise.all([
        refreshOnStart ? model.refreshModels() : Promise.resolve(),
        model
          .refreshServers()
          .catch(error =>
            notifyError(trans.__('Listing servers failed'), error)
          )
      ]);
    });
  }
};

export default [panelPlugin];
