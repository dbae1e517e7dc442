/** The servebook icon: a model box with an outgoing request arrow (uses the theme's icon colours). */
import { LabIcon } from '@jupyterlab/ui-components';

const SERVEBOOK_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M3 6.5 11 2l8 4.5v9L11 20l-8-4.5zm2 1.2v6.6l5 2.8V10.5zm12 0-5 2.8v6.6l5-2.8zM11 4.3 6.2 7 11 9.7 15.8 7z"/>
    <path d="M17.5 17.2h3.3l-1.6-1.6 1.1-1.1 3.5 3.5-3.5 3.5-1.1-1.1 1.6-1.6h-3.3z"/>
  </g>
</svg>`;

export const servebookIcon = new LabIcon({
  name: 'servebook:icon',
  svgstr: SERVEBOOK_SVG
});
