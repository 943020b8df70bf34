// The experiment panel's webview entry: styles (bundled to dist/webview.css) and the app on #app.
import './styles.css';
import { App, debugHooks } from './app';

const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
new App(root);
(window as unknown as { modelLab: typeof debugHooks }).modelLab = debugHooks;
