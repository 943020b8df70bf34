/**
 * Chart colours from VS Code's theme (--vscode-* variables on the webview's root), read when a chart is
 * drawn, so a theme switch (body class change) is picked up on the next redraw.
 */
export interface ChartTheme {
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  fontFamily: string;
  fontSize: number;
  palette: string[];
  highlight: string;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

export function chartTheme(): ChartTheme {
  const s = getComputedStyle(document.body);
  const dark = !document.body.classList.contains('vscode-light');
  return {
    foreground: cssVar(s, '--vscode-foreground', dark ? '#cccccc' : '#333333'),
    muted: cssVar(s, '--vscode-descriptionForeground', dark ? '#9d9d9d' : '#717171'),
    grid: cssVar(s, '--vscode-editorWidget-border', dark ? '#454545' : '#c8c8c8'),
    background: cssVar(s, '--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff'),
    fontFamily: cssVar(s, '--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: Number.parseFloat(cssVar(s, '--vscode-font-size', '13')) - 1 || 12,
    palette: [
      cssVar(s, '--vscode-charts-blue', '#3794ff'),
      cssVar(s, '--vscode-charts-orange', '#d18616'),
      cssVar(s, '--vscode-charts-green', '#89d185'),
      cssVar(s, '--vscode-charts-purple', '#b180d7'),
      cssVar(s, '--vscode-charts-red', '#f14c4c'),
      cssVar(s, '--vscode-charts-yellow', '#cca700'),
      '#4ec9b0',
      '#c586c0',
      '#9cdcfe',
      '#ce9178',
    ],
    highlight: cssVar(s, '--vscode-charts-yellow', '#cca700'),
  };
}

/** Options every chart shares: text and axis colours, no animation for live data, richText tooltips (CSP: no inline styles). */
export function baseOption(t: ChartTheme): Record<string, unknown> {
  return {
    animation: false,
    color: t.palette,
    textStyle: { color: t.foreground, fontFamily: t.fontFamily, fontSize: t.fontSize },
    tooltip: {
      // The HTML tooltip writes style="…" attributes into its markup, which the panel's CSP blocks.
      renderMode: 'richText',
      backgroundColor: t.background,
      borderColor: t.grid,
      textStyle: { color: t.foreground, fontFamily: t.fontFamily, fontSize: t.fontSize },
    },
  };
}

export function axisStyle(t: ChartTheme): Record<string, unknown> {
  return {
    axisLine: { lineStyle: { color: t.grid } },
    axisTick: { lineStyle: { color: t.grid } },
    axisLabel: { color: t.muted },
    splitLine: { lineStyle: { color: t.grid, opacity: 0.4 } },
    nameTextStyle: { color: t.muted },
  };
}
