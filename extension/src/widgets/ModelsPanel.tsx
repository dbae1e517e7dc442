/** The left-sidebar panel: extension status, model list with filter and refresh, running servers. */
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import { ReactWidget, refreshIcon } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import React from 'react';

import { isActive, ServebookModel } from '../model';
import { servebookIcon } from '../icons';
import { IModelSummary } from '../rest';
import { CommandIDs, PANEL_ID } from '../tokens';
import { useSignals } from './hooks';
import { ServerCard } from './ServerCard';

interface IPanelProps {
  model: ServebookModel;
  commands: CommandRegistry;
  trans: TranslationBundle;
}

function ModelItem(
  props: IPanelProps & { item: IModelSummary; serving: number }
): JSX.Element {
  const { item, commands, trans } = props;
  const where = item.experiment_name
    ? trans.__('experiment %1', item.experiment_name)
    : item.path.includes('/')
      ? item.path.slice(0, item.path.lastIndexOf('/'))
      : '';
  return (
    <li className="sb-model" data-path={item.path}>
      <button
        className="sb-model-open"
        title={trans.__('Inspect %1', item.path)}
        aria-label={trans.__('Inspect model %1', item.path)}
        onClick={() =>
          void commands.execute(CommandIDs.inspectModel, { path: item.path })
        }
      >
        <span className="sb-model-name">{item.name}</span>
        {props.serving > 0 ? (
          <span className="sb-badge sb-badge-ready">{trans.__('serving')}</span>
        ) : null}
        <span className="sb-model-where sb-muted">{where}</span>
        <span className="sb-model-tags">
          {item.error ? (
            <span className="sb-tag sb-tag-error" title={item.error}>
              {trans.__('unreadable')}
            </span>
          ) : (
            item.flavors.map(flavor => (
              <span key={flavor} className="sb-tag">
                {flavor}
              </span>
            ))
          )}
          {item.has_signature ? (
            <span className="sb-tag sb-tag-info">{trans.__('signature')}</span>
          ) : null}
        </span>
      </button>
      <button
        className="jp-mod-styled sb-button sb-model-serve"
        aria-label={trans.__('Serve model %1', item.path)}
        disabled={!!item.error}
        onClick={() =>
          void commands.execute(CommandIDs.serveModel, { path: item.path })
        }
      >
        {trans.__('Serve')}
      </button>
    </li>
  );
}

function PanelView(props: IPanelProps): JSX.Element {
  const { model, commands, trans } = props;
  useSignals(model.infoChanged, model.modelsChanged, model.serversChanged);
  const models = model.filteredModels;
  const servers = model.servers;
  return (
    <div className="sb-panel-body">
      <header className="sb-panel-head">
        <servebookIcon.react tag="span" className="sb-panel-icon" />
        <h2>{trans.__('Models')}</h2>
        <span className="sb-spacer" />
        <button
          className="sb-icon-button"
          title={trans.__('Refresh the model list')}
          aria-label={trans.__('Refresh models')}
          aria-busy={model.modelsLoading}
          onClick={() => void commands.execute(CommandIDs.refreshModels)}
        >
          <refreshIcon.react tag="span" />
        </button>
      </header>
      {model.extensionProblem ? (
        <div className="sb-error sb-extension-problem" role="alert">
          {model.extensionProblem}
        </div>
      ) : null}
      <input
        className="jp-mod-styled sb-filter"
        type="search"
        placeholder={trans.__('Filter by name, path, flavor…')}
        aria-label={trans.__('Filter models')}
        value={model.filter}
        onChange={event => {
          model.filter = event.target.value;
        }}
      />
      {model.modelsError ? (
        <div className="sb-error" role="alert">
          {model.modelsError}
        </div>
      ) : null}
      {model.modelsTruncated ? (
        <p className="sb-muted">{model.modelsTruncated}</p>
      ) : null}
      {model.modelsLoading ? (
        <p className="sb-muted sb-loading">
          {trans.__('Scanning for models…')}
        </p>
      ) : null}
      <ul
        className="sb-model-list"
        aria-label={trans.__('Models')}
        aria-busy={model.modelsLoading}
      >
        {models.map(item => (
          <ModelItem
            key={item.path}
            item={item}
            model={model}
            commands={commands}
            trans={trans}
            serving={model.serversFor(item.path).filter(isActive).length}
          />
        ))}
      </ul>
      {models.length === 0 && !model.modelsLoading ? (
        <p className="sb-muted sb-empty">
          {model.models.length === 0
            ? trans.__(
                'No models found under the Jupyter root or in mlruns/. Save one with servebook.pyfunc.save_model, then refresh.'
              )
            : trans.__('No model matches the filter.')}
        </p>
      ) : null}
      {servers.length > 0 ? (
        <section className="sb-panel-servers" aria-label={trans.__('Servers')}>
          <h3>{trans.__('Servers')}</h3>
          {servers.map(server => (
            <ServerCard
              key={server.id}
              server={server}
              showModel
              trans={trans}
              onOpenModel={path =>
                void commands.execute(CommandIDs.inspectModel, { path })
              }
              onStop={id => model.stopServer(id)}
              onForget={id => model.forgetServer(id)}
            />
          ))}
        </section>
      ) : null}
    </div>
  );
}

export class ModelsPanel extends ReactWidget {
  constructor(
    readonly model: ServebookModel,
    readonly commands: CommandRegistry,
    translator: ITranslator = nullTranslator
  ) {
    super();
    this.trans = translator.load('servebook');
    this.id = PANEL_ID;
    this.addClass('sb-panel');
    this.title.icon = servebookIcon;
    this.title.caption = this.trans.__('servebook models');
  }

  render(): JSX.Element {
    return (
      <PanelView
        model={this.model}
        commands={this.commands}
        trans={this.trans}
      />
    );
  }

  private readonly trans: TranslationBundle;
}
