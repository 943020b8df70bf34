// The experiment panel's webview entry: styles (bundled to dist/webview.css) and the app on #app.
import './styles.css';
import { App, debugHooks } from './app';
import { invalidateAllCharts } from './charts/chartCard';

const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
new App(root);
(window as unknown as { modelLab: typeof debugHooks }).modelLab = debugHooks;
// Canvas charts do not follow CSS variables by themselves: redraw them when VS Code changes the theme.
new MutationObserver(invalidateAllCharts).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
